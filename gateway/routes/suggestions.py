"""Suggestions (提): intake, drafts, screening, withdrawal, disclosure, import and export."""
import base64

from werkzeug.wrappers import Response

from gateway.answers.files import SuggestionAttachmentAnswer
from gateway.answers.publication import PublicationAnswer
from gateway.answers.suggestions import (
    PublicSuggestionAnswer,
    PublicSuggestionPage,
    ScreeningStatsAnswer,
    SuggestionAnswer,
    SuggestionDetailAnswer,
    SuggestionImportAnswer,
    SuggestionPage,
)
from gateway.auth import EVERYONE, STAFF
from gateway.contract import XLSX
from gateway.errors import ApiError
from gateway.files import ANY_FILE, file_response, read_upload
from gateway.http import api
from gateway.queries import (
    PublicSuggestionList,
    ScreeningStatsQuery,
    SuggestionFilters,
    SuggestionList,
    page,
)
from gateway.routes.base import Proxies, WORKBOOK_TIMEOUT
from services.suggestion.schemas import (
    DraftUpdate,
    PublishIn,
    ScreeningIn,
    SuggestionIn,
    UnpublishIn,
    WithdrawIn,
)

SCOPED = (*STAFF, "deputy", "unit", "station")
MAX_IMPORT_BYTES = 10 * 1024 * 1024
TAGS = ("suggestions",)


class SuggestionRoutes(Proxies):

    @api("POST", "/api/v1/suggestions", roles=("deputy", "office"), body=SuggestionIn, status=201,
         creates=True, answer=SuggestionAnswer, tags=TAGS)
    def create_suggestion(self, request):
        """Submit a suggestion (or save a draft with `draft: true`).

        A deputy submits as the lead deputy; the office submits on a deputy's behalf with
        `lead_deputy_id`. A submitted suggestion gets its number; a draft gets none."""
        return 201, self.call(self.suggestion.submit, request.actor, self.body(request))

    @api("GET", "/api/v1/suggestions", roles=SCOPED, query=SuggestionList, answer=SuggestionPage, tags=TAGS)
    def list_suggestions(self, request):
        """List suggestions the caller may see, newest first.

        A deputy sees those they lead or co-signed and public ones; a unit those assigned to it;
        office, leader and admin see all. `total_exact` is false when `total` is an estimate (more than 1,000 matches)."""
        wanted, limit, offset = page(request)
        return self.call(self.suggestion.list, request.actor, wanted, limit, offset)

    @api("GET", "/api/v1/suggestions/<int:suggestion_id>", roles=SCOPED, answer=SuggestionDetailAnswer,
         tags=TAGS)
    def get_suggestion(self, request, suggestion_id):
        """One suggestion with its assignment summary and timeline."""
        return self.call(self.suggestion.get, request.actor, suggestion_id)

    @api("POST", "/api/v1/suggestions/<int:suggestion_id>/submit", roles=("deputy", "office"),
         body=DraftUpdate, answer=SuggestionAnswer, tags=TAGS)
    def submit_draft(self, request, suggestion_id):
        """Submit a draft (optionally changing its fields): it becomes submitted and gets its number."""
        return self.call(self.suggestion.submit_draft, request.actor, suggestion_id, self.body(request))

    @api("PATCH", "/api/v1/suggestions/<int:suggestion_id>", roles=("deputy", "office"),
         body=DraftUpdate, answer=SuggestionAnswer, tags=TAGS)
    def update_draft(self, request, suggestion_id):
        """Save changes to a draft (any of its fields): it stays a draft, with no number; 409 once submitted."""
        return self.call(self.suggestion.update_draft, request.actor, suggestion_id, self.body(request))

    @api("POST", "/api/v1/suggestions/<int:suggestion_id>/screening", roles=("office",), body=ScreeningIn,
         answer=SuggestionAnswer, tags=TAGS)
    def screen_suggestion(self, request, suggestion_id):
        """Screen a submitted suggestion: accept, return, merge into another, or convert it.

        `convert_letter` (转为代表来信) and `convert_reference` (转作参考材料) end it as a suggestion
        (status `converted_letter` / `converted_reference`); they and `return` need a `reason`,
        which the lead deputy is told."""
        return self.call(self.suggestion.screen, request.actor, suggestion_id, self.body(request))

    @api("GET", "/api/v1/stats/screening", roles=STAFF, query=ScreeningStatsQuery, answer=ScreeningStatsAnswer,
         tags=TAGS)
    def screening_stats(self, request):
        """Screening by outcome: accepted, returned, merged, converted to a letter or to reference material."""
        wanted = {k: v for k, v in request.query.items() if v is not None}
        return self.call(self.suggestion.screening_stats, request.actor, wanted)

    @api("POST", "/api/v1/suggestions/<int:suggestion_id>/withdraw", roles=("deputy", "office"),
         body=WithdrawIn, answer=SuggestionAnswer, tags=TAGS)
    def withdraw_suggestion(self, request, suggestion_id):
        """Withdraw a suggestion before it is assigned (the lead deputy, or the office)."""
        return self.call(self.suggestion.withdraw, request.actor, suggestion_id, self.body(request))

    @api("POST", "/api/v1/suggestions/<int:suggestion_id>/publish", roles=("office",), body=PublishIn,
         answer=SuggestionAnswer, tags=TAGS)
    def publish_suggestion(self, request, suggestion_id):
        """Make an accepted suggestion and its replies public, personal data masked.

        Phone and ID-card numbers, bank cards, e-mail addresses and house numbers are masked
        (138****5678) in every text the office does not give in `texts` (review them first with
        GET /suggestions/{id}/publication). `until` (a local day, not before today) ends the
        disclosure after that day. Publishing again replaces the published texts and the end."""
        return self.call(self.suggestion.publish, request.actor, suggestion_id, self.body(request))

    @api("POST", "/api/v1/suggestions/<int:suggestion_id>/unpublish", roles=("office",), body=UnpublishIn,
         answer=SuggestionAnswer, tags=TAGS)
    def unpublish_suggestion(self, request, suggestion_id):
        """Withdraw a disclosure (撤回公开) with a reason: the public site stops showing it at once.

        The reason, who and when are kept (`unpublish_reason`, `unpublished_by`, `unpublished_at`), and
        every publication and withdrawal is a step of the timeline. 409 if it is not published."""
        return self.call(self.suggestion.unpublish, request.actor, suggestion_id, self.body(request))

    @api("GET", "/api/v1/suggestions/<int:suggestion_id>/publication", roles=("office",),
         answer=PublicationAnswer, tags=TAGS)
    def suggestion_publication(self, request, suggestion_id):
        """Preview the title, body and replies as publishing would show them, each masked span listed."""
        return self.call(self.suggestion.publication, request.actor, suggestion_id)

    @api("GET", "/api/v1/public/suggestions", roles=EVERYONE, query=PublicSuggestionList,
         answer=PublicSuggestionPage, tags=("public",))
    def public_suggestions(self, request):
        """Published suggestions with their replies, without contact data (no sign-in needed)."""
        wanted, limit, offset = page(request)
        return self.call(self.suggestion.public_list, wanted, limit, offset)

    @api("GET", "/api/v1/public/suggestions/<int:suggestion_id>", roles=EVERYONE,
         answer=PublicSuggestionAnswer, tags=("public",))
    def public_suggestion(self, request, suggestion_id):
        """One published suggestion with its replies (no sign-in needed)."""
        return self.call(self.suggestion.public_get, suggestion_id)

    @api("POST", "/api/v1/suggestions/import", roles=("office",), upload=True, creates=True,
         answer=SuggestionImportAnswer, tags=TAGS)
    def import_suggestions(self, request):
        """Import suggestions from an .xlsx or .csv file (multipart field `file`, at most 10 MB).

        Each row is checked on its own: good rows are imported, the others reported with their errors."""
        if request.content_length and request.content_length > MAX_IMPORT_BYTES:
            raise ApiError(413, "too_large", f"the file may be at most {MAX_IMPORT_BYTES // 1024 // 1024} MB")
        filename, encoded = read_upload(request, MAX_IMPORT_BYTES)
        return self.call(self.suggestion.import_batch, request.actor, filename, encoded, timeout=WORKBOOK_TIMEOUT)

    @api("POST", "/api/v1/suggestions/<int:suggestion_id>/attachments", roles=("deputy", "office"), upload=True,
         status=201, creates=True, answer=SuggestionAttachmentAnswer, tags=TAGS)
    def attach_to_suggestion(self, request, suggestion_id):
        """Attach a photo or document (multipart field `file`): PDF, JPEG, PNG, DOCX or XLSX, at most 10 MB.

        The lead deputy while the suggestion is a draft or submitted (later: 409), the office at any
        time. The type is told by the content, not the name: anything else is a 415 naming `file`;
        a larger file is a 413. Listed in GET /suggestions/{id} as `attachments`."""
        filename, encoded = read_upload(request, self.settings.max_upload_bytes)
        return 201, self.call(self.suggestion.attach, request.actor, suggestion_id, filename, encoded, timeout=30)

    @api("GET", "/api/v1/suggestions/<int:suggestion_id>/attachments/<int:attachment_id>",
         roles=(*STAFF, "deputy", "unit"), media=ANY_FILE, tags=TAGS)
    def suggestion_attachment(self, request, suggestion_id, attachment_id):
        """Download an attached file, with its own media type and name (Content-Disposition, UTF-8).

        For who may see the suggestion (its deputies, the units handling it, staff); never through its
        disclosure: a published suggestion's files are not public (404; station staff 403)."""
        return file_response(self.call(self.suggestion.attachment, request.actor, suggestion_id, attachment_id,
                                       timeout=30))

    @api("GET", "/api/v1/suggestions/export.xlsx", roles=STAFF, query=SuggestionFilters, media=XLSX, tags=TAGS)
    def export_suggestions(self, request):
        """The filtered suggestions as an Excel workbook."""
        content = base64.b64decode(self.call(self.suggestion.export, request.actor, request.query,
                                             timeout=WORKBOOK_TIMEOUT))
        return Response(content, status=200, mimetype=XLSX,
                        headers={"Content-Disposition": "attachment; filename=suggestions.xlsx"})
