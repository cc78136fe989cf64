"""Assignment service entrypoints (交办 and 办)."""

from services.assignment import commands, views
from services.assignment.handlers import HANDLERS
from services.common.rpc import FALLBACK_TIMEOUT, call, timed_proxy
from services.common.service_base import ServiceBase, event_consumer, rpc


class AssignmentService(ServiceBase):
    name = "assignment"
    suggestion = timed_proxy("suggestion", timeout=FALLBACK_TIMEOUT)

    on_event = event_consumer("assignment", HANDLERS)

    @rpc
    def register_unit(self, actor, data):
        with self.db.transaction() as tx:
            return commands.register_unit(tx, data)

    @rpc
    def list_units(self, actor, limit=50, offset=0):
        with self.db.read() as session:
            return views.list_units(session, limit, offset)

    @rpc
    def assign(self, actor, suggestion_id, data):
        with self.db.transaction() as tx:
            a = commands.assign(tx, actor, suggestion_id, data,
                                lambda sid: call(self.suggestion.get_for_assignment, sid, timeout=FALLBACK_TIMEOUT))
            return views.to_dict(a)

    @rpc
    def sign(self, actor, assignment_id):
        with self.db.transaction() as tx:
            return views.to_dict(commands.sign(tx, actor, assignment_id))

    @rpc
    def reply(self, actor, assignment_id, data):
        with self.db.transaction() as tx:
            r = commands.reply(tx, actor, assignment_id, data)
            return {"id": r.id, "assignment_id": r.assignment_id, "round": r.round,
                    "result_class": r.result_class, "content": r.content, "signed_by": r.signed_by,
                    "on_time": r.on_time, "at": r.at.isoformat()}

    @rpc
    def get(self, actor, assignment_id):
        with self.db.read() as session:
            return views.get(session, actor, assignment_id)

    @rpc
    def list(self, actor, filters, limit=50, offset=0):
        with self.db.read() as session:
            return views.list_(session, actor, filters or {}, limit, offset)

    @rpc
    def get_for_evaluation(self, assignment_id):
        """The facts evaluation needs when the replied event has not arrived yet."""
        with self.db.read() as session:
            a = session.get(commands.Assignment, assignment_id)
            return commands.event_payload(session, a) if a else None
