"""The deadline scheduler: due_soon (14 and 3 days before) and overdue, each exactly once.

Reminders are per handling unit (the lead, or each unit of a separate assignment: 分办), each
with its own due date. Any number of replicas may run it at once. Each batch takes handling
units with ``FOR UPDATE SKIP LOCKED`` (replicas share the work) and claims each reminder by
inserting its mark under a unique key (assignment, unit, due date, kind, threshold) in
the same transaction as the event's outbox row: whoever inserts the mark
publishes, a replica that loses the race inserts nothing and publishes nothing.
"""
from datetime import datetime, timedelta

from sqlalchemy import and_, case, exists, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert

from services.assignment import domain, schedule
from services.assignment.events import DueSoon, Overdue
from services.assignment.models import Assignment, AssignmentUnit, DeadlineMark, SuggestionFacts, Unit
from services.assignment.rules import Rules
from services.assignment.store import event_payload
from services.common.clock import now

BATCH = 200
MAX_BATCHES = 50  # per run; the next tick takes the rest


def run(db, rules: Rules, at: datetime | None = None, batch: int = BATCH) -> dict:
    at = at or now()
    counts = {"due_soon": 0, "overdue": 0, "checked": 0}
    for _ in range(MAX_BATCHES):
        with db.transaction() as tx:
            rows = tx.scalars(pending_query(at, rules.due_soon_days).limit(batch)
                              .with_for_update(skip_locked=True)).all()
            marks = marked(tx, rows)
            # the events name the suggestion: load the batch's assignments and facts at once; while
            # referenced here, the session's identity map answers tx.get() without a query
            assignments = {a.id: a for a in tx.scalars(select(Assignment).where(
                Assignment.id.in_({p.assignment_id for p in rows})))}
            ids = [a.suggestion_id for a in assignments.values()]
            facts = tx.scalars(select(SuggestionFacts).where(SuggestionFacts.suggestion_id.in_(ids))).all()
            for p in rows:
                a = assignments[p.assignment_id]
                for kind in remind(tx, a, p, at, rules, marks.get((p.assignment_id, p.unit_id), set())):
                    counts[kind] += 1
            counts["checked"] += len(rows)
            del facts
        if len(rows) < batch:
            break
    return counts


def pending_query(at: datetime, thresholds: tuple):
    """Handling units (the lead, or each unit of a separate assignment) waiting for their reply whose
    tightest crossed reminder is not marked yet."""
    m, p = DeadlineMark, AssignmentUnit
    tightest = case(*[(p.due_at <= at + timedelta(days=t), t) for t in sorted(thresholds)],
                    else_=max(thresholds))
    done = exists().where(m.assignment_id == p.assignment_id, m.unit_id == p.unit_id, m.due_at == p.due_at, or_(
        and_(p.due_at < at, m.kind == "overdue"),
        and_(p.due_at >= at, m.kind == "due_soon", m.threshold == tightest)))
    return (select(p)
            .where(p.state.in_(domain.HANDLING), p.role.in_(domain.HANDLING_ROLES),
                   p.due_at <= schedule.horizon(at, thresholds), ~done)
            .order_by(p.due_at, p.assignment_id, p.unit_id))


def marked(tx, rows: list) -> dict[tuple[int, int], set]:
    """The reminders already recorded for these handling units' current due dates."""
    due = {(p.assignment_id, p.unit_id): p.due_at for p in rows}
    result: dict[tuple[int, int], set] = {}
    if due:
        for m in tx.scalars(select(DeadlineMark).where(DeadlineMark.assignment_id.in_({k[0] for k in due}))):
            key = (m.assignment_id, m.unit_id)
            if key in due and m.due_at == due[key]:
                result.setdefault(key, set()).add((m.kind, m.threshold))
    return result


def remind(tx, a: Assignment, p: AssignmentUnit, at: datetime, rules: Rules, marks: set) -> list[str]:
    """Claim and publish this handling unit's due reminders; returns the kinds published."""
    todo = schedule.due_reminders(p.due_at, at, marks, rules.due_soon_days)
    if not todo:
        return []
    # whoever inserts a mark owns it; a replica that lost the race gets nothing back
    claimed = {(c.kind, c.threshold) for c in tx.execute(
        pg_insert(DeadlineMark).values([{"assignment_id": a.id, "unit_id": p.unit_id, "due_at": p.due_at,
                                         "kind": r.kind, "threshold": r.threshold, "published": r.publish, "at": at}
                                        for r in todo])
        .on_conflict_do_nothing().returning(DeadlineMark.kind, DeadlineMark.threshold))}
    published = []
    who = f"{tx.get(Unit, p.unit_id).name} " if a.mode == "separate" else ""
    for r in todo:
        if (r.kind, r.threshold) not in claimed or not r.publish:
            continue
        if r.kind == "overdue":
            late = domain.days_late(p.due_at, at, rules.zone)
            tx.publish(event_payload(tx, a, Overdue, p, days_late=late, actor="system",
                                     note=who + (f"已超过答复期限{late}天" if late else "已超过答复期限")))
        else:
            left = schedule.days_left(p.due_at, at)
            tx.publish(event_payload(tx, a, DueSoon, p, days_left=left, threshold=r.threshold, actor="system",
                                     note=f"{who}距答复期限还有{left}天"))
        published.append(r.kind)
    return published
