"""The deadline scheduler: due_soon (14 and 3 days before) and overdue, each exactly once.

Any number of replicas may run it at once. Each batch takes assignments with
``FOR UPDATE SKIP LOCKED`` (replicas share the work) and claims each reminder by
inserting its mark under a unique key (assignment, due date, kind, threshold) in
the same transaction as the event's outbox row: whoever inserts the mark
publishes, a replica that loses the race inserts nothing and publishes nothing.
"""
from datetime import datetime, timedelta

from sqlalchemy import and_, case, exists, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert

from services.assignment import domain, schedule
from services.assignment.events import DueSoon, Overdue
from services.assignment.models import Assignment, DeadlineMark, SuggestionFacts
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
            # the events name the suggestion: load the batch's facts at once; while referenced here,
            # the session's identity map answers event_payload's tx.get() without a query
            ids = [a.suggestion_id for a in rows]
            facts = tx.scalars(select(SuggestionFacts).where(SuggestionFacts.suggestion_id.in_(ids))).all()
            for a in rows:
                for kind in remind(tx, a, at, rules, marks.get(a.id, set())):
                    counts[kind] += 1
            counts["checked"] += len(rows)
            del facts
        if len(rows) < batch:
            break
    return counts


def pending_query(at: datetime, thresholds: tuple):
    """Assignments waiting for a reply whose tightest crossed reminder is not marked yet."""
    m = DeadlineMark
    tightest = case(*[(Assignment.due_at <= at + timedelta(days=t), t) for t in sorted(thresholds)],
                    else_=max(thresholds))
    done = exists().where(m.assignment_id == Assignment.id, m.due_at == Assignment.due_at, or_(
        and_(Assignment.due_at < at, m.kind == "overdue"),
        and_(Assignment.due_at >= at, m.kind == "due_soon", m.threshold == tightest)))
    return (select(Assignment)
            .where(Assignment.state.in_(domain.HANDLING), Assignment.due_at <= schedule.horizon(at, thresholds),
                   ~done)
            .order_by(Assignment.due_at, Assignment.id))


def marked(tx, rows: list) -> dict[int, set]:
    """The reminders already recorded for these assignments' current due dates."""
    due = {a.id: a.due_at for a in rows}
    result: dict[int, set] = {}
    if due:
        for m in tx.scalars(select(DeadlineMark).where(DeadlineMark.assignment_id.in_(list(due)))):
            if m.due_at == due[m.assignment_id]:
                result.setdefault(m.assignment_id, set()).add((m.kind, m.threshold))
    return result


def remind(tx, a: Assignment, at: datetime, rules: Rules, marks: set) -> list[str]:
    """Claim and publish this assignment's due reminders; returns the kinds published."""
    todo = schedule.due_reminders(a.due_at, at, marks, rules.due_soon_days)
    if not todo:
        return []
    # whoever inserts a mark owns it; a replica that lost the race gets nothing back
    claimed = {(c.kind, c.threshold) for c in tx.execute(
        pg_insert(DeadlineMark).values([{"assignment_id": a.id, "due_at": a.due_at, "kind": r.kind,
                                         "threshold": r.threshold, "published": r.publish, "at": at} for r in todo])
        .on_conflict_do_nothing().returning(DeadlineMark.kind, DeadlineMark.threshold))}
    published = []
    for r in todo:
        if (r.kind, r.threshold) not in claimed or not r.publish:
            continue
        if r.kind == "overdue":
            late = domain.days_late(a.due_at, at, rules.zone)
            tx.publish(event_payload(tx, a, Overdue, days_late=late, actor="system",
                                                note=f"已超过答复期限{late}天" if late else "已超过答复期限"))
        else:
            left = schedule.days_left(a.due_at, at)
            tx.publish(event_payload(tx, a, DueSoon, days_left=left, threshold=r.threshold, actor="system",
                                                 note=f"距答复期限还有{left}天"))
        published.append(r.kind)
    return published
