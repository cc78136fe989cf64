"""Event handlers of the suggestion service: deputy projection, status and timeline."""
from sqlalchemy import select

from services.common.db import Transaction
from services.common.envelope import Envelope
from services.suggestion import domain
from services.suggestion.commands import add_timeline, upsert_deputy
from services.suggestion.models import Suggestion


def on_deputy(tx: Transaction, event: Envelope) -> None:
    upsert_deputy(tx, event.payload)


def on_lifecycle(tx: Transaction, event: Envelope) -> None:
    """Any assignment/evaluation step: a timeline entry, and the status it implies."""
    payload = event.payload
    s = tx.scalar(select(Suggestion).where(Suggestion.id == payload["suggestion_id"]).with_for_update())
    if s is None:
        return
    step = event.type.split(".", 1)[1]
    add_timeline(tx, s.id, step, payload.get("actor"), payload.get("note"), at=event.occurred_at,
                 event_id=str(event.event_id))
    if event.type in ("assignment.assigned", "assignment.rerouted"):
        s.assignment = {k: payload.get(k) for k in ("assignment_id", "lead_unit_id", "co_unit_ids", "due_at")}
    status = domain.status_after_event(event.type, payload)
    # events may arrive out of order: only a later step moves the status
    if status and event.occurred_at >= s.status_at:
        s.status = status
        s.status_at = event.occurred_at


HANDLERS = {
    "station.deputy_registered": on_deputy,
    "station.deputy_updated": on_deputy,
    **{t: on_lifecycle for t in (
        "assignment.assigned", "assignment.rerouted", "assignment.signed", "assignment.disputed",
        "assignment.replied", "assignment.urged", "assignment.contact_added",
        "assignment.co_opinion_added", "assignment.supervision_set", "assignment.rehandling_opened",
        "assignment.overdue", "assignment.closed", "evaluation.evaluated")},
}
