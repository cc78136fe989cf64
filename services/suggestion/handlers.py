"""Event handlers of the suggestion service: the deputy projection, the timeline and
status of each suggestion, the public replies, and drafts from station opinions."""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert

from services.common.db import Transaction
from services.common.envelope import Envelope
from services.suggestion import domain
from services.suggestion.commands import add_timeline, create_draft_from_opinion
from services.suggestion.models import ReplyEntry, Suggestion, UnitName
from services.suggestion.roster import upsert_deputy

# Reminders, not steps of the suggestion's life: kept out of its timeline.
NOT_IN_TIMELINE = {"assignment.due_soon", "assignment.unit_registered"}


def on_deputy(tx: Transaction, event: Envelope) -> None:
    upsert_deputy(tx, event.payload)


def on_unit_registered(tx: Transaction, event: Envelope) -> None:
    values = {"id": event.payload["id"], "name": event.payload["name"]}
    tx.execute(pg_insert(UnitName).values(**values).on_conflict_do_update(index_elements=[UnitName.id], set_=values))


def on_opinion_escalated(tx: Transaction, event: Envelope) -> None:
    create_draft_from_opinion(tx, event.payload)


def on_lifecycle(tx: Transaction, event: Envelope) -> None:
    """Any assignment/evaluation step: a timeline entry, and the status it implies."""
    payload = event.payload
    if event.type in NOT_IN_TIMELINE or "suggestion_id" not in payload:
        return
    s = tx.scalar(select(Suggestion).where(Suggestion.id == payload["suggestion_id"]).with_for_update())
    if s is None:
        return
    add_timeline(tx, s.id, event.type.split(".", 1)[1], payload.get("actor"),
                 payload.get("note") or domain.STEP_LABELS.get(event.type), at=event.occurred_at,
                 event_id=str(event.event_id))
    project_assignment(s, event)
    if event.type == "assignment.replied":
        record_reply(tx, s, event)
    status = domain.status_after_event(event.type, payload)
    # events may arrive out of order: only a later step moves the status
    if status and event.occurred_at >= s.status_at:
        s.status = status
        s.status_at = event.occurred_at


def project_assignment(s: Suggestion, event: Envelope) -> None:
    """The current assignment's units and due date, for the unit_id and overdue filters."""
    payload = event.payload
    if not event.type.startswith("assignment.") or "assignment_id" not in payload:
        return
    if event.type in ("assignment.assigned", "assignment.rerouted") or s.assignment is None:
        s.assignment = {k: payload.get(k) for k in ("assignment_id", "lead_unit_id", "lead_unit_name",
                                                    "co_unit_ids", "due_at")}
    if payload.get("lead_unit_id"):
        s.lead_unit_id = payload["lead_unit_id"]
        s.co_unit_ids = list(payload.get("co_unit_ids") or [])
    if payload.get("due_at"):
        s.due_at = datetime.fromisoformat(payload["due_at"])
        s.assignment = {**s.assignment, "due_at": payload["due_at"]}


def record_reply(tx: Transaction, s: Suggestion, event: Envelope) -> None:
    payload = event.payload
    tx.execute(pg_insert(ReplyEntry).values(
        suggestion_id=s.id, assignment_id=payload["assignment_id"], round=payload.get("round") or 1,
        unit_name=payload.get("lead_unit_name"), result_class=payload.get("result_class") or "",
        content=payload.get("content"), at=event.occurred_at, event_id=str(event.event_id),
    ).on_conflict_do_nothing(index_elements=[ReplyEntry.event_id]))


HANDLERS = {
    "station.deputy_registered": on_deputy,
    "station.deputy_updated": on_deputy,
    "station.opinion_escalated": on_opinion_escalated,
    "assignment.unit_registered": on_unit_registered,
    "assignment.unit_updated": on_unit_registered,
    "evaluation.evaluated": on_lifecycle,
    "*": on_lifecycle,  # assignment.* (see topology)
}
