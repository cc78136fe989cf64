"""Assignment (交办), handling (办) and supervision (督)."""
from gateway.auth import STAFF, actor_from, require
from gateway.http import api
from gateway.params import _int, body, filters, paging
from gateway.routes.base import Proxies

ASSIGNMENT = "/api/v1/assignments/<int:assignment_id>"


class AssignmentRoutes(Proxies):

    @api("GET", "/api/v1/suggestions/<int:suggestion_id>/routing")
    def routing(self, request, suggestion_id):
        actor = require(actor_from(request), "office")
        limit = _int(request, "limit", 5, 1, 20)
        return self.rpc("assignment", "routing", actor, suggestion_id, limit)

    @api("POST", "/api/v1/suggestions/<int:suggestion_id>/assignment", creates=True)
    def assign(self, request, suggestion_id):
        actor = require(actor_from(request), "office")
        return 201, self.rpc("assignment", "assign", actor, suggestion_id, body(request))

    @api("POST", "/api/v1/suggestions/<int:suggestion_id>/supervision", creates=True)
    def supervise(self, request, suggestion_id):
        actor = require(actor_from(request), "office")
        return 201, self.rpc("assignment", "set_supervision", actor, suggestion_id, body(request))

    @api("GET", "/api/v1/assignments")
    def list_assignments(self, request):
        actor = require(actor_from(request), *STAFF, "unit")
        limit, offset = paging(request)
        wanted = filters(request, "state", ints=("unit_id",), bools=("overdue", "supervised"))
        return self.rpc("assignment", "list", actor, wanted, limit, offset)

    @api("GET", ASSIGNMENT)
    def get_assignment(self, request, assignment_id):
        actor = require(actor_from(request), *STAFF, "unit")
        return self.rpc("assignment", "get", actor, assignment_id)

    @api("POST", ASSIGNMENT + "/sign")
    def sign(self, request, assignment_id):
        actor = require(actor_from(request), "unit")
        return self.rpc("assignment", "sign", actor, assignment_id)

    @api("POST", ASSIGNMENT + "/dispute")
    def dispute(self, request, assignment_id):
        actor = require(actor_from(request), "unit")
        return self.rpc("assignment", "dispute", actor, assignment_id, body(request))

    @api("POST", ASSIGNMENT + "/reroute")
    def reroute(self, request, assignment_id):
        actor = require(actor_from(request), "office")
        return self.rpc("assignment", "reroute", actor, assignment_id, body(request))

    @api("POST", ASSIGNMENT + "/contacts", creates=True)
    def add_contact(self, request, assignment_id):
        actor = require(actor_from(request), "unit")
        return 201, self.rpc("assignment", "add_contact", actor, assignment_id, body(request))

    @api("POST", ASSIGNMENT + "/opinions", creates=True)
    def add_opinion(self, request, assignment_id):
        actor = require(actor_from(request), "unit")
        return 201, self.rpc("assignment", "add_opinion", actor, assignment_id, body(request))

    @api("POST", ASSIGNMENT + "/reply", creates=True)
    def reply(self, request, assignment_id):
        actor = require(actor_from(request), "unit")
        return 201, self.rpc("assignment", "reply", actor, assignment_id, body(request))

    @api("POST", ASSIGNMENT + "/follow-up", creates=True)
    def follow_up(self, request, assignment_id):
        actor = require(actor_from(request), "unit")
        return 201, self.rpc("assignment", "follow_up", actor, assignment_id, body(request))

    @api("POST", ASSIGNMENT + "/extension", creates=True)
    def extension(self, request, assignment_id):
        """The lead unit asks ({days, reason} → 201); the office decides ({approve} → 200)."""
        actor = require(actor_from(request), "unit", "office")
        if actor["role"] == "unit":
            return 201, self.rpc("assignment", "request_extension", actor, assignment_id, body(request))
        return self.rpc("assignment", "decide_extension", actor, assignment_id, body(request))

    @api("POST", ASSIGNMENT + "/urge", creates=True)
    def urge(self, request, assignment_id):
        actor = require(actor_from(request), "office", "leader")
        return 201, self.rpc("assignment", "urge", actor, assignment_id, body(request))

    @api("GET", ASSIGNMENT + "/letter")
    def letter(self, request, assignment_id):
        actor = require(actor_from(request), "office", "leader")
        return self.rpc("assignment", "letter", actor, assignment_id)
