"""Notify's own projections, fed by events: contacts (deputies, units, people) and open assignments."""
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from services.assignment.events import AssignmentEvent, SupervisionSet, UnitRegistered
from services.common.events import Received
from services.identity.events import AccountEvent
from services.notify import domain
from services.notify.models import Contact, OpenAssignment
from services.station.events import DeputyEvent


def _text(value, limit: int) -> str | None:
    return str(value)[:limit] if value not in (None, "") else None


def _upsert_contact(tx, recipient: str, name, email, webhook_url, active: bool, at: datetime) -> None:
    values = {"recipient": recipient, "name": name, "email": email or None, "webhook_url": webhook_url or None,
              "active": active, "updated_at": at}
    stmt = pg_insert(Contact).values(**values)
    tx.execute(stmt.on_conflict_do_update(index_elements=[Contact.recipient], set_=values,
                                          where=Contact.updated_at <= stmt.excluded.updated_at))
    forget = getattr(tx, "forget", None)
    if forget is not None:  # a later event of the batch reads the new address (store.addresses)
        forget(("reach", recipient))


def _upsert_assignment(tx, p: AssignmentEvent, at: datetime) -> tuple[bool, list[str]]:
    """Newest event wins (events may arrive out of order); returns whether it is key-supervised
    and its supervising leaders' subs.
    A separate assignment (分办, no lead unit) keeps its handling units in co_unit_ids, and the
    assignment's own state and due date (a per-unit event's state and due_at are that unit's)."""
    separate = p.mode == "separate"
    values = {"assignment_id": p.assignment_id, "suggestion_id": p.suggestion_id,
              "number": _text(p.label, 40), "title": _text(p.title, 300),
              "lead_unit_id": p.lead_unit_id, "co_unit_ids": list(p.handling_unit_ids if separate else p.co_unit_ids),
              "state": (p.assignment_state or p.state)[:30], "due_at": p.assignment_due_at or p.due_at,
              "event_at": at}
    stmt = pg_insert(OpenAssignment).values(**values)
    changed = {k: v for k, v in values.items() if k != "assignment_id" and (v is not None or k == "due_at")}
    row = tx.execute(stmt.on_conflict_do_update(
        index_elements=[OpenAssignment.assignment_id], set_=changed,
        where=OpenAssignment.event_at <= stmt.excluded.event_at)
        .returning(OpenAssignment.supervised, OpenAssignment.leader_subs)).first()
    if row is None:  # an older event than the one applied: nothing written, nothing returned
        row = tx.execute(select(OpenAssignment.supervised, OpenAssignment.leader_subs)
                         .where(OpenAssignment.assignment_id == p.assignment_id)).first()
    return bool(row and row.supervised), list(row.leader_subs or []) if row else []


def apply(tx, event: Received) -> tuple[bool, list[str]]:
    """Update the projections from ``event``; returns whether its assignment is key-supervised, and
    the subs of its supervising leaders (each told of its overdue in their own inbox)."""
    p, at = event.payload, event.occurred_at
    if isinstance(p, UnitRegistered):
        _upsert_contact(tx, domain.unit(p.id), p.name, p.email, p.webhook_url, True, at)
    elif isinstance(p, DeputyEvent):
        _upsert_contact(tx, domain.deputy(p.deputy_id), p.name, p.email, None, p.active, at)
    elif isinstance(p, AccountEvent):  # a person's own address (a leader is mailed at theirs)
        key = domain.person(p.sub)
        if key:
            _upsert_contact(tx, key, _text(p.display_name, 200), _text(p.email, 300), None, not p.disabled, at)
    elif isinstance(p, AssignmentEvent):
        supervised, leaders = _upsert_assignment(tx, p, at)
        if isinstance(p, SupervisionSet):  # sticky, whatever the order of arrival
            leaders = domain.leader_subs(p.model_dump())
            tx.execute(update(OpenAssignment).where(OpenAssignment.assignment_id == p.assignment_id)
                       .values(supervised=True, leader=_text(p.leader or p.committee, 200),
                               leader_subs=[s[:100] for s in leaders]))
            supervised = True
        return supervised, leaders
    return False, []
