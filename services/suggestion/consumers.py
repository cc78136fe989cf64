"""Event consumers of the suggestion service: the deputy projection, the timeline and
status of each suggestion, the public replies, and drafts from station opinions."""
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from services.assignment.events import AssignmentEvent
from services.common.db import Transaction
from services.common.events import Received
from services.suggestion import domain
from services.suggestion.commands import create_draft_from_opinion
from services.suggestion.models import ReplyEntry, Suggestion, UnitName
from services.suggestion.roster import upsert_deputy
from services.suggestion.rules import Rules
from services.suggestion.store import add_timeline

# Reminders, not steps of the suggestion's life: kept out of its timeline.
NOT_IN_TIMELINE = {"assignment.due_soon", "assignment.unit_registered", "assignment.unit_updated"}


def on_deputy(tx: Transaction, event: Received) -> None:
    upsert_deputy(tx, event.payload.model_dump())


def on_unit_registered(tx: Transaction, event: Received) -> None:
    values = {"id": event.payload.id, "name": event.payload.name}
    tx.execute(pg_insert(UnitName).values(**values).on_conflict_do_update(index_elements=[UnitName.id], set_=values))


# The real date a step's payload may carry (the shared contract: the office records a step that
# happened earlier, a past year's import): the timeline shows it rather than when the event was written.
STEP_TIME_FIELDS = {"assignment.assigned": "assigned_at", "assignment.signed": "signed_at",
                    "assignment.replied": "replied_at", "assignment.followed_up": "replied_at",
                    "evaluation.evaluated": "evaluated_at", "assignment.closed": "closed_at",
                    "assignment.rehandling_opened": "opened_at"}


def step_time(event: Received):
    """The step's real time: its payload's ``assigned_at``/``signed_at``/``replied_at``/``evaluated_at``
    (or ``at``) when the producer's model carries it, else when the event was written."""
    payload = event.payload
    for name in (STEP_TIME_FIELDS.get(event.type), "at"):
        value = getattr(payload, name, None) if name else None
        if isinstance(value, datetime):
            return value
    return event.occurred_at


def on_lifecycle(tx: Transaction, event: Received) -> None:
    """Any assignment/evaluation step: a timeline entry, and the status it implies."""
    payload = event.payload  # an AssignmentEvent or evaluation's Evaluated
    if event.type in NOT_IN_TIMELINE:
        return
    s = tx.get(Suggestion, payload.suggestion_id, with_for_update=True)
    if s is None:
        return
    add_timeline(tx, s.id, event.type.split(".", 1)[1], payload.actor,
                 payload.note or domain.STEP_LABELS.get(event.type), at=step_time(event),
                 event_id=str(event.event_id))
    if isinstance(payload, AssignmentEvent):
        project_assignment(s, event.type, payload)
    if event.type == "assignment.replied":
        record_reply(tx, s, event)
    elif event.type == "evaluation.evaluated":
        record_rating(tx, s, event)
    status = domain.status_after_event(event.type, payload.model_dump())
    if isinstance(payload, AssignmentEvent) and payload.mode == "separate" and event.type in domain.STATUS_BY_EVENT:
        status = domain.separate_status(payload.assignment_state) or status
    # events may arrive out of order: only a later step moves the status
    if status and event.occurred_at >= s.status_at:
        s.status = status
        s.status_at = event.occurred_at


def project_assignment(s: Suggestion, event_type: str, payload: AssignmentEvent) -> None:
    """The current assignment's units and due date, for the unit_id and overdue filters. A separate
    assignment (分办) has no lead unit: its units stand in co_unit_ids (who may see the suggestion,
    the unit_id filter) and in the summary's handling_unit_ids; its due date is the assignment's
    (the earliest of the units still owing a reply), not one unit's."""
    facts = payload.model_dump(mode="json", include={"assignment_id", "lead_unit_id", "lead_unit_name",
                                                     "co_unit_ids", "due_at", "mode", "handling_unit_ids"})
    due_at = payload.assignment_due_at or payload.due_at
    facts["due_at"] = due_at.isoformat()
    if event_type in ("assignment.assigned", "assignment.rerouted") or s.assignment is None:
        s.assignment = facts
    s.lead_unit_id = payload.lead_unit_id
    separate = payload.mode == "separate"
    s.co_unit_ids = list(payload.handling_unit_ids if separate else payload.co_unit_ids)
    s.due_at = due_at
    s.assignment = {**s.assignment, "due_at": facts["due_at"]}


def record_reply(tx: Transaction, s: Suggestion, event: Received) -> None:
    payload = event.payload
    tx.execute(pg_insert(ReplyEntry).values(
        suggestion_id=s.id, assignment_id=payload.assignment_id, round=payload.round,
        unit_id=payload.unit_id or payload.lead_unit_id,
        unit_name=payload.unit_name or payload.lead_unit_name, result_class=payload.result_class,
        content=payload.content, at=step_time(event), event_id=str(event.event_id),
    ).on_conflict_do_nothing(index_elements=[ReplyEntry.event_id]))


def record_rating(tx: Transaction, s: Suggestion, event: Received) -> None:
    """The deputy's rating onto the reply it rates (that unit's, that round's); a later rating of the
    same reply (never, today: one per round) would win."""
    payload = event.payload
    unit_id = payload.unit_id or payload.lead_unit_id
    tx.execute(update(ReplyEntry).where(
        ReplyEntry.suggestion_id == s.id, ReplyEntry.assignment_id == payload.assignment_id,
        ReplyEntry.round == payload.round, *([ReplyEntry.unit_id == unit_id] if unit_id else []),
    ).values(satisfaction=payload.satisfaction, evaluated_at=step_time(event)))


def make_handlers(rules: Rules) -> dict:
    def on_opinion_escalated(tx: Transaction, event: Received) -> None:
        create_draft_from_opinion(tx, event.payload, rules)

    return {
        "station.deputy_registered": on_deputy,
        "station.deputy_updated": on_deputy,
        "station.opinion_escalated": on_opinion_escalated,
        "assignment.unit_registered": on_unit_registered, "assignment.unit_updated": on_unit_registered,
        "evaluation.evaluated": on_lifecycle,
        "*": on_lifecycle,  # assignment.* (see topology)
    }
