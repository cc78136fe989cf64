"""Suggestions (提) and screening."""
from gateway.auth import STAFF, actor_from, require
from gateway.http import api
from gateway.params import body, filters, paging
from gateway.routes.base import Proxies

SCOPED = (*STAFF, "deputy", "unit", "station")


class SuggestionRoutes(Proxies):

    @api("POST", "/api/v1/suggestions")
    def create_suggestion(self, request):
        actor = require(actor_from(request), "deputy", "office")
        return 201, self.rpc("suggestion", "submit", actor, body(request))

    @api("GET", "/api/v1/suggestions")
    def list_suggestions(self, request):
        actor = require(actor_from(request), *SCOPED)
        limit, offset = paging(request)
        wanted = filters(request, "status", "category", "session", "q",
                         ints=("unit_id", "deputy_id"), bools=("overdue",))
        return self.rpc("suggestion", "list", actor, wanted, limit, offset)

    @api("GET", "/api/v1/suggestions/<int:suggestion_id>")
    def get_suggestion(self, request, suggestion_id):
        actor = require(actor_from(request), *SCOPED)
        return self.rpc("suggestion", "get", actor, suggestion_id)

    @api("POST", "/api/v1/suggestions/<int:suggestion_id>/screening")
    def screen_suggestion(self, request, suggestion_id):
        actor = require(actor_from(request), "office")
        return self.rpc("suggestion", "screen", actor, suggestion_id, body(request))
