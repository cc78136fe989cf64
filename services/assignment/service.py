"""Assignment service entrypoints (交办, 办, 督)."""
import base64
import logging
from datetime import datetime

from nameko.exceptions import RemoteError

from services.assignment import attachments, commands, deadlines, domain, handling, oversight, recommend, store, units, views
from services.assignment import gauges as assignment_gauges
from services.assignment.consumers import make_handlers
from services.assignment.models import Assignment, AssignmentUnit
from services.assignment.rules import AssignmentRules
from services.common.clock import now
from services.common.errors import Unavailable, field_error
from services.common.timers import config_timer
from services.common.rpc import FALLBACK_TIMEOUT, call, timed_proxy
from services.common.service_base import ServiceBase, event_consumer, rpc

log = logging.getLogger(__name__)


def parse_time(value: str) -> datetime:
    try:
        at = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise field_error("at", "must be an ISO 8601 time") from None
    if at.tzinfo is None:
        raise field_error("at", "must have an offset")
    if not 1900 <= at.year <= 9000:
        raise field_error("at", "must be a plausible time")
    return at


class AssignmentService(ServiceBase):
    name = "assignment"
    suggestion = timed_proxy("suggestion", timeout=FALLBACK_TIMEOUT)
    station = timed_proxy("station", timeout=FALLBACK_TIMEOUT)
    rules = AssignmentRules()
    routing_models = recommend.RoutingModels()

    on_event = event_consumer("assignment", lambda service: make_handlers(service.rules))

    def _suggestion_facts(self, suggestion_id):
        return call(self.suggestion.get_for_assignment, suggestion_id, timeout=FALLBACK_TIMEOUT)

    # -- units and routing --------------------------------------------------------------
    @rpc(idempotent=True)
    def register_unit(self, actor, data):
        with self.db.transaction() as tx:
            return units.register_unit(tx, data)

    @rpc(writes=True)
    def update_unit(self, actor, unit_id, data):
        with self.db.transaction() as tx:
            return units.update_unit(tx, unit_id, data)

    @rpc
    def recognise_unit(self, actor, name):
        """The kind of unit recognised from a name (what registration takes when no kind is given)."""
        return units.recognise(name)

    @rpc
    def unit_kinds(self, actor):
        return units.kinds()

    @rpc
    def list_units(self, actor, limit=50, offset=0, q=None):
        with self.db.read() as session:
            return views.list_units(session, limit, offset, q)

    @rpc
    def routing(self, actor, suggestion_id, limit=5):
        with self.db.read() as session:
            return recommend.recommend(session, self.routing_models, suggestion_id, self._suggestion_facts,
                                       self.rules, limit)

    # -- 交办 ---------------------------------------------------------------------------
    @rpc(idempotent=True)
    def assign(self, actor, suggestion_id, data):
        with self.db.transaction() as tx:
            a = commands.assign(tx, actor, suggestion_id, data, self._suggestion_facts, self.rules)
            return views.answer(tx, a)

    @rpc(writes=True)
    def reroute(self, actor, assignment_id, data):
        with self.db.transaction() as tx:
            return views.answer(tx, handling.reroute(tx, actor, assignment_id, data, self.rules))

    # -- 办 -----------------------------------------------------------------------------
    @rpc(writes=True)
    def sign(self, actor, assignment_id, data=None):
        with self.db.transaction() as tx:
            return views.answer(tx, commands.sign(tx, actor, assignment_id, data))

    @rpc(writes=True)
    def dispute(self, actor, assignment_id, data):
        with self.db.transaction() as tx:
            return handling.dispute(tx, actor, assignment_id, data, self.rules)

    @rpc(idempotent=True)
    def add_contact(self, actor, assignment_id, data):
        with self.db.transaction() as tx:
            return handling.add_contact(tx, actor, assignment_id, data)

    @rpc(idempotent=True)
    def add_opinion(self, actor, assignment_id, data):
        with self.db.transaction() as tx:
            return handling.add_opinion(tx, actor, assignment_id, data, self.rules)

    @rpc(idempotent=True)
    def reply(self, actor, assignment_id, data):
        with self.db.transaction() as tx:
            return views.reply_dict(commands.reply(tx, actor, assignment_id, data, self.rules))

    @rpc(idempotent=True)
    def attach_to_reply(self, actor, assignment_id, reply_id, filename, content_b64):
        """A file of a reply (the signed 答复函), in base64, at most ATTACHMENT_MAX_BYTES."""
        with self.db.transaction() as tx:
            row = attachments.attach(tx, actor, assignment_id, reply_id, filename, base64.b64decode(content_b64),
                                     self.rules)
            return views.file_dict(row)

    @rpc
    def reply_files(self, actor, assignment_id):
        with self.db.read() as session:
            return views.reply_files(session, actor, assignment_id)

    @rpc
    def reply_file(self, actor, assignment_id, attachment_id):
        """A reply's file with its content in base64."""
        with self.db.read() as session:
            return views.reply_file(session, actor, assignment_id, attachment_id)

    @rpc(idempotent=True)
    def follow_up(self, actor, assignment_id, data):
        with self.db.transaction() as tx:
            return views.reply_dict(handling.follow_up(tx, actor, assignment_id, data, self.rules))

    @rpc(idempotent=True)
    def request_extension(self, actor, assignment_id, data):
        with self.db.transaction() as tx:
            return oversight.request_extension(tx, actor, assignment_id, data, self.rules)

    # -- 督 -----------------------------------------------------------------------------
    @rpc(writes=True)
    def decide_extension(self, actor, assignment_id, data):
        with self.db.transaction() as tx:
            return oversight.decide_extension(tx, actor, assignment_id, data)

    @rpc(idempotent=True)
    def urge(self, actor, assignment_id, data):
        with self.db.transaction() as tx:
            return oversight.urge(tx, actor, assignment_id, data, self.rules)

    @rpc
    def letter(self, actor, assignment_id, unit_id=None):
        """A preview of the urging letter to a unit (default: the lead) as it would be sent now."""
        with self.db.read() as session:
            a = store.load(session, assignment_id)
            return oversight.letter_preview(session, a, now(), self.rules, unit_id)

    @rpc(idempotent=True)
    def set_supervision(self, actor, suggestion_id, data):
        with self.db.transaction() as tx:
            return oversight.set_supervision(tx, actor, suggestion_id, data)

    def business_gauges(self, session, at):
        assignment_gauges.refresh(session, at, self.rules.due_soon_days)

    @config_timer("DEADLINE_INTERVAL", 60)
    def deadline_tick(self):
        counts = deadlines.run(self.db, self.rules)
        if counts["due_soon"] or counts["overdue"]:
            log.info("deadline reminders published", extra=counts)

    @rpc
    def run_deadlines(self, at=None):
        """One scheduler pass now (or as if at ``at``, ISO 8601 with offset); for tests and operators."""
        return deadlines.run(self.db, self.rules, parse_time(at) if at else None)

    # -- reads --------------------------------------------------------------------------
    @rpc
    def get(self, actor, assignment_id):
        with self.db.read() as session:
            result = views.get(session, actor, assignment_id, self.rules)
        lead = result["lead_deputy"]
        if lead is not None and not lead["known"]:  # registered a moment ago: its roster event is not here yet
            result["lead_deputy"] = self._deputy_from_roster(lead)
        return result

    def _deputy_from_roster(self, lead: dict) -> dict:
        """The lead deputy as the station service (the roster's owner) has them; as it was if it
        does not answer in time (the contact is a help for 面商, not worth a 503)."""
        try:
            found = call(self.station.get_deputies, [lead["id"]], timeout=FALLBACK_TIMEOUT)
        except (Unavailable, RemoteError):  # no answer in time, or the station failed: answer without it
            log.warning("station did not give deputy %s", lead["id"])
            return lead
        return store.deputy_contact(lead["id"], found[0]) if found else lead

    @rpc
    def list(self, actor, filters, limit=50, offset=0):
        with self.db.read() as session:
            return views.list_(session, actor, filters or {}, limit, offset)

    @rpc
    def get_for_evaluation(self, assignment_id, unit_id=None):
        """The facts evaluation needs when the replied event has not arrived yet: AssignmentEvent-shaped,
        for the handling unit ``unit_id`` (its state, round, due date; None: the lead unit)."""
        with self.db.read() as session:
            a = session.get(Assignment, assignment_id)
            if a is None:
                return None
            place = session.get(AssignmentUnit, (a.id, unit_id if unit_id is not None else a.lead_unit_id)) \
                if (unit_id is not None or a.lead_unit_id is not None) else None
            if place is None or place.role not in domain.HANDLING_ROLES:
                if unit_id is not None:
                    return None  # not a handling unit of this assignment
                place = None
            return store.event_payload(session, a, place=place,
                                       unit_id=place.unit_id if place else None).model_dump(mode="json")
