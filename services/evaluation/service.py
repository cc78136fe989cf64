"""Evaluation service entrypoints (评)."""

from services.common.rpc import FALLBACK_TIMEOUT, call, timed_proxy
from services.common.service_base import ServiceBase, event_consumer, rpc
from services.evaluation import commands
from services.evaluation.handlers import HANDLERS


class EvaluationService(ServiceBase):
    name = "evaluation"
    assignment = timed_proxy("assignment", timeout=FALLBACK_TIMEOUT)

    on_event = event_consumer("evaluation", HANDLERS)

    @rpc
    def evaluate(self, actor, assignment_id, data):
        with self.db.transaction() as tx:
            rating = commands.evaluate(tx, actor, assignment_id, data,
                                       lambda aid: call(self.assignment.get_for_evaluation, aid, timeout=FALLBACK_TIMEOUT))
            return commands.rating_dict(rating)
