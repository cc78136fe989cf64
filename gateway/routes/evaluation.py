"""Evaluation (评): ratings, satisfaction tests, third-party assessments, rates and the report."""
import base64

from werkzeug.wrappers import Response

from gateway.auth import STAFF, actor_from, require
from gateway.http import api
from gateway.params import body, filters
from gateway.routes.base import Proxies

OVERDUE_LIMIT = 200
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def stats_filters(request) -> dict:
    return filters(request, "session", "category", "level", ints=("unit_id",))


class EvaluationRoutes(Proxies):

    @api("POST", "/api/v1/assignments/<int:assignment_id>/evaluation", creates=True)
    def evaluate(self, request, assignment_id):
        actor = require(actor_from(request), "deputy")
        return 201, self.rpc("evaluation", "evaluate", actor, assignment_id, body(request))

    @api("POST", "/api/v1/satisfaction-tests", creates=True)
    def create_test(self, request):
        actor = require(actor_from(request), "office")
        return 201, self.rpc("evaluation", "create_test", actor, body(request))

    @api("GET", "/api/v1/satisfaction-tests/<int:test_id>")
    def get_test(self, request, test_id):
        actor = require(actor_from(request), *STAFF)
        return self.rpc("evaluation", "get_test", actor, test_id)

    @api("POST", "/api/v1/satisfaction-tests/<int:test_id>/ballots", creates=True)
    def record_ballot(self, request, test_id):
        actor = require(actor_from(request), "office")
        return 201, self.rpc("evaluation", "record_ballot", actor, test_id, body(request))

    @api("POST", "/api/v1/satisfaction-tests/<int:test_id>/close")
    def close_test(self, request, test_id):
        actor = require(actor_from(request), "office")
        return self.rpc("evaluation", "close_test", actor, test_id)

    @api("POST", "/api/v1/assessments", creates=True)
    def create_assessment(self, request):
        actor = require(actor_from(request), "office")
        return 201, self.rpc("evaluation", "create_assessment", actor, body(request))

    @api("GET", "/api/v1/assessments/<int:assessment_id>")
    def get_assessment(self, request, assessment_id):
        actor = require(actor_from(request), *STAFF)
        return self.rpc("evaluation", "get_assessment", actor, assessment_id)

    @api("POST", "/api/v1/assessments/<int:assessment_id>/scores", creates=True)
    def add_score(self, request, assessment_id):
        actor = require(actor_from(request), "office")
        return 201, self.rpc("evaluation", "add_score", actor, assessment_id, body(request))

    @api("GET", "/api/v1/stats/rates")
    def rates(self, request):
        actor = require(actor_from(request), *STAFF, "unit")  # a unit: its own rates only
        return self.rpc("evaluation", "rates", actor, stats_filters(request))

    @api("GET", "/api/v1/stats/units")
    def unit_ranking(self, request):
        actor = require(actor_from(request), *STAFF)
        return self.rpc("evaluation", "unit_ranking", actor, stats_filters(request))

    @api("GET", "/api/v1/stats/overdue")
    def overdue(self, request):
        actor = require(actor_from(request), *STAFF, "unit")
        items = self.rpc("evaluation", "overdue", actor, stats_filters(request), OVERDUE_LIMIT)
        return {"items": items, "limit": OVERDUE_LIMIT}  # most late first

    @api("GET", "/api/v1/reports/rates.xlsx")
    def rates_report(self, request):
        actor = require(actor_from(request), *STAFF)
        data = base64.b64decode(self.rpc("evaluation", "rates_report", actor, stats_filters(request)))
        return Response(data, status=200, mimetype=XLSX,
                        headers={"Content-Disposition": 'attachment; filename="rates.xlsx"'})
