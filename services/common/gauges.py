"""Gauges every service has, refreshed on a timer: dead letters waiting and the outbox's unsent
events (how many, and how old the oldest is), plus the service's own business gauges.

A timer (ServiceBase.refresh_gauges_tick, every GAUGE_INTERVAL s, default 15) and not a query at
scrape time: the database work is one cheap query per table per interval whatever scrapes the
port, and how often or how many Prometheus replicas scrape never reaches PostgreSQL. The unsent
rows are found through the outbox's partial index (``ix_outbox_unsent``); dead letters are few.

The relay's own ``lianxin_outbox_backlog`` says only "a full batch is waiting" (0 or 200); these
count what is unsent, whoever left it there.
"""
import logging
from datetime import datetime

from prometheus_client import Gauge
from sqlalchemy import text

from services.common.clock import now
from services.common.metrics import get_or_create

log = logging.getLogger(__name__)

dead_letters_waiting = get_or_create(
    Gauge, "lianxin_dead_letters_waiting", "Dead-lettered events not yet replayed", ["service"])
outbox_unsent = get_or_create(
    Gauge, "lianxin_outbox_unsent_events", "Outbox rows not yet published to RabbitMQ", ["service"])
outbox_oldest_age = get_or_create(
    Gauge, "lianxin_outbox_oldest_unsent_age_seconds",
    "Age of the oldest outbox row not yet published (0 when none is waiting)", ["service"])
refreshed = get_or_create(
    Gauge, "lianxin_gauges_refreshed_timestamp_seconds", "When the service's gauges were last refreshed",
    ["service"])


def refresh_common(session, service: str, at: datetime) -> None:
    letters = session.execute(text("SELECT count(*) FROM dead_letters WHERE replayed_at IS NULL")).scalar_one()
    unsent, oldest = session.execute(text(
        "SELECT count(*), min(created_at) FROM outbox WHERE sent_at IS NULL")).one()
    dead_letters_waiting.labels(service).set(letters)
    outbox_unsent.labels(service).set(unsent)
    outbox_oldest_age.labels(service).set(max((at - oldest).total_seconds(), 0.0) if oldest else 0.0)


def refresh(service) -> bool:
    """The common gauges and ``service.business_gauges(session, at)`` if it has them; False (and a
    warning, the gauges keep their last values) when the database cannot be read."""
    at = now()
    try:
        with service.db.read() as session:
            refresh_common(session, service.name, at)
            own = getattr(service, "business_gauges", None)
            if own is not None:
                own(session, at)
    except Exception as exc:  # noqa: BLE001 - a database that is down: the next tick tries again
        log.warning("gauges not refreshed: %s", exc)
        return False
    refreshed.labels(service.name).set(at.timestamp())
    return True
