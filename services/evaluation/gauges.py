"""Business metrics: per-unit rates and overdue counts as Prometheus gauges.

Refreshed on a timer from the projection (one grouped query), never per request, so
operators can chart and alert on them (e.g. ``lianxin_unit_overdue > 0``).
"""
from datetime import datetime

from prometheus_client import Gauge

from services.common.metrics import get_or_create
from services.evaluation import domain, stats
from services.evaluation.store import unit_names

LABELS = ("unit_id", "unit")
GAUGES = {
    "assigned": get_or_create(Gauge, "lianxin_unit_assigned", "Replies due of the unit (assignments it leads or handles separately)", LABELS),
    "completion_rate": get_or_create(Gauge, "lianxin_unit_completion_rate", "办结率 of the unit (0..1)", LABELS),
    "resolution_rate": get_or_create(Gauge, "lianxin_unit_resolution_rate", "办成率 (A / replies) of the unit",
                                     LABELS),
    "satisfaction_rate": get_or_create(Gauge, "lianxin_unit_satisfaction_rate",
                                       "满意率 (satisfied / evaluated) of the unit", LABELS),
    "on_time_rate": get_or_create(Gauge, "lianxin_unit_on_time_rate", "Replies by their due date / replies",
                                  LABELS),
    "overdue": get_or_create(Gauge, "lianxin_unit_overdue", "Assignments of the unit overdue now", LABELS),
}
refreshed = get_or_create(Gauge, "lianxin_unit_gauges_refreshed_timestamp_seconds",
                          "When the unit gauges were last refreshed")


def refresh(session, now: datetime) -> int:
    """Set every unit's gauges from the projection; returns the number of units."""
    names = unit_names(session)
    grouped = stats.counts(session, {}, now, "unit")
    values = {unit_id: domain.rates(c) for unit_id, c in grouped.items()}
    for gauge in GAUGES.values():  # units that disappeared (rerouted away) lose their series
        gauge.clear()
    for unit_id, row in values.items():
        labels = (str(unit_id), names.get(unit_id) or "")
        for key, gauge in GAUGES.items():
            if row[key] is not None:
                gauge.labels(*labels).set(row[key])
    refreshed.set(now.timestamp())
    return len(values)
