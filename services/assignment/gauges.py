"""Replies owed, by deadline: overdue now and due within each reminder threshold (DUE_SOON_DAYS).

Counted per handling unit (the lead, or each unit of a separate assignment: 分办), as the deadline
scheduler reminds them; one query over ``ix_assignment_units_handling_due`` every GAUGE_INTERVAL s,
with the common gauges (services/common/gauges.py).
"""
from datetime import datetime, timedelta

from prometheus_client import Gauge
from sqlalchemy import func, select

from services.assignment import domain
from services.assignment.models import AssignmentUnit
from services.common.metrics import get_or_create

overdue = get_or_create(Gauge, "lianxin_assignments_overdue",
                        "Handling units whose reply is past its due date")
due_soon = get_or_create(Gauge, "lianxin_assignments_due_soon",
                         "Handling units whose reply is due within within_days days (not yet overdue)",
                         ["within_days"])


def refresh(session, at: datetime, thresholds: tuple) -> dict:
    p = AssignmentUnit
    columns = [func.count().filter(p.due_at < at)]
    columns += [func.count().filter(p.due_at >= at, p.due_at < at + timedelta(days=d)) for d in thresholds]
    row = session.execute(select(*columns).where(
        p.state.in_(domain.HANDLING), p.role.in_(domain.HANDLING_ROLES), p.due_at.is_not(None))).one()
    overdue.set(row[0])
    for days, count in zip(thresholds, row[1:]):
        due_soon.labels(str(days)).set(count)
    return {"overdue": row[0], **{f"due_within_{d}d": c for d, c in zip(thresholds, row[1:])}}
