"""Evaluation (评)."""
from gateway.auth import actor_from, require
from gateway.http import api
from gateway.params import body
from gateway.routes.base import Proxies


class EvaluationRoutes(Proxies):

    @api("POST", "/api/v1/assignments/<int:assignment_id>/evaluation")
    def evaluate(self, request, assignment_id):
        actor = require(actor_from(request), "deputy")
        return 201, self.rpc("evaluation", "evaluate", actor, assignment_id, body(request))
