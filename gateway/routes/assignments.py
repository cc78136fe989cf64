"""Assignment (交办) and handling (办)."""
from gateway.auth import STAFF, actor_from, require
from gateway.http import api
from gateway.params import body, filters, paging
from gateway.routes.base import Proxies


class AssignmentRoutes(Proxies):

    @api("POST", "/api/v1/suggestions/<int:suggestion_id>/assignment")
    def assign(self, request, suggestion_id):
        actor = require(actor_from(request), "office")
        return 201, self.rpc("assignment", "assign", actor, suggestion_id, body(request))

    @api("GET", "/api/v1/assignments")
    def list_assignments(self, request):
        actor = require(actor_from(request), *STAFF, "unit")
        limit, offset = paging(request)
        wanted = filters(request, "state", ints=("unit_id",), bools=("overdue", "supervised"))
        return self.rpc("assignment", "list", actor, wanted, limit, offset)

    @api("GET", "/api/v1/assignments/<int:assignment_id>")
    def get_assignment(self, request, assignment_id):
        actor = require(actor_from(request), *STAFF, "unit")
        return self.rpc("assignment", "get", actor, assignment_id)

    @api("POST", "/api/v1/assignments/<int:assignment_id>/sign")
    def sign(self, request, assignment_id):
        actor = require(actor_from(request), "unit")
        return self.rpc("assignment", "sign", actor, assignment_id)

    @api("POST", "/api/v1/assignments/<int:assignment_id>/reply")
    def reply(self, request, assignment_id):
        actor = require(actor_from(request), "unit")
        return 201, self.rpc("assignment", "reply", actor, assignment_id, body(request))
