"""Suggestions by status, for operators' dashboards (lianxin_suggestions{status}).

Refreshed with the common gauges (services/common/gauges.py): one GROUP BY over
``ix_suggestions_status`` every GAUGE_INTERVAL s.
"""
from prometheus_client import Gauge
from sqlalchemy import func, select

from services.common.metrics import get_or_create
from services.suggestion.models import Suggestion
from services.suggestion.schemas import STATUSES

by_status = get_or_create(Gauge, "lianxin_suggestions", "Suggestions by status (drafts included)", ["status"])


def refresh(session, at=None) -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)  # a status that empties shows 0, not its last count
    counts.update(session.execute(select(Suggestion.status, func.count()).group_by(Suggestion.status)).all())
    for status, count in counts.items():
        by_status.labels(status).set(count)
    return counts
