"""Suggestions (提): intake, drafts, screening, withdrawal, disclosure, import and export."""
import base64

from werkzeug.wrappers import Response

from gateway.auth import STAFF, actor_from, require
from gateway.http import ApiError, api
from gateway.params import body, filters, paging
from gateway.routes.base import Proxies
from services.common.errors import field_error

SCOPED = (*STAFF, "deputy", "unit", "station")
MAX_IMPORT_BYTES = 10 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def list_filters(request) -> dict:
    return filters(request, "status", "category", "session", "q", ints=("unit_id", "deputy_id"), bools=("overdue",))


class SuggestionRoutes(Proxies):

    @api("POST", "/api/v1/suggestions", creates=True)
    def create_suggestion(self, request):
        actor = require(actor_from(request), "deputy", "office")
        return 201, self.rpc("suggestion", "submit", actor, body(request))

    @api("GET", "/api/v1/suggestions")
    def list_suggestions(self, request):
        actor = require(actor_from(request), *SCOPED)
        limit, offset = paging(request)
        return self.rpc("suggestion", "list", actor, list_filters(request), limit, offset)

    @api("GET", "/api/v1/suggestions/<int:suggestion_id>")
    def get_suggestion(self, request, suggestion_id):
        actor = require(actor_from(request), *SCOPED)
        return self.rpc("suggestion", "get", actor, suggestion_id)

    @api("POST", "/api/v1/suggestions/<int:suggestion_id>/submit")
    def submit_draft(self, request, suggestion_id):
        actor = require(actor_from(request), "deputy", "office")
        return self.rpc("suggestion", "submit_draft", actor, suggestion_id, body(request))

    @api("POST", "/api/v1/suggestions/<int:suggestion_id>/screening")
    def screen_suggestion(self, request, suggestion_id):
        actor = require(actor_from(request), "office")
        return self.rpc("suggestion", "screen", actor, suggestion_id, body(request))

    @api("POST", "/api/v1/suggestions/<int:suggestion_id>/withdraw")
    def withdraw_suggestion(self, request, suggestion_id):
        actor = require(actor_from(request), "deputy", "office")
        return self.rpc("suggestion", "withdraw", actor, suggestion_id, body(request))

    @api("POST", "/api/v1/suggestions/<int:suggestion_id>/publish")
    def publish_suggestion(self, request, suggestion_id):
        actor = require(actor_from(request), "office")
        return self.rpc("suggestion", "publish", actor, suggestion_id, body(request))

    @api("GET", "/api/v1/public/suggestions")
    def public_suggestions(self, request):
        limit, offset = paging(request)
        return self.rpc("suggestion", "public_list", filters(request, "session", "q", "category"), limit, offset)

    @api("GET", "/api/v1/public/suggestions/<int:suggestion_id>")
    def public_suggestion(self, request, suggestion_id):
        return self.rpc("suggestion", "public_get", suggestion_id)

    @api("POST", "/api/v1/suggestions/import", creates=True)
    def import_suggestions(self, request):
        actor = require(actor_from(request), "office")
        if request.content_length and request.content_length > MAX_IMPORT_BYTES:
            raise ApiError(413, "too_large", f"the file may be at most {MAX_IMPORT_BYTES // 1024 // 1024} MB")
        upload = request.files.get("file")
        if upload is None:
            raise field_error("file", "send the .xlsx or .csv file as multipart form field 'file'")
        content = upload.read(MAX_IMPORT_BYTES + 1)
        if len(content) > MAX_IMPORT_BYTES:
            raise ApiError(413, "too_large", "the file is too large")
        encoded = base64.b64encode(content).decode()
        return self.rpc("suggestion", "import_batch", actor, upload.filename or "", encoded, timeout=60)

    @api("GET", "/api/v1/suggestions/export.xlsx")
    def export_suggestions(self, request):
        actor = require(actor_from(request), *STAFF)
        content = base64.b64decode(self.rpc("suggestion", "export", actor, list_filters(request), timeout=60))
        return Response(content, status=200, mimetype=XLSX,
                        headers={"Content-Disposition": "attachment; filename=suggestions.xlsx"})
