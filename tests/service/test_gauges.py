"""The business gauges against real PostgreSQL: replies overdue and due soon (assignment), dead letters
and the outbox's unsent events (every service), refreshed by the service's timer."""
from datetime import timedelta
from types import SimpleNamespace

from prometheus_client import REGISTRY
from sqlalchemy import text
from sqlalchemy.orm import Session

from services.assignment import gauges as assignment_gauges
from services.assignment.service import AssignmentService
from services.common import gauges
from services.common.clock import now
from services.common.db import Db, make_engine
from tests.service.assignment_world import REPLY, World, fresh_db, unit_actor
from tests.service.helpers import wait_for


def sample(name: str, labels: dict | None = None):
    return REGISTRY.get_sample_value(name, labels or {})


def test_overdue_and_due_soon_count_the_handling_units_owing_a_reply(start_service, rpc, amqp, db):
    engine = fresh_db(db)
    start_service(AssignmentService, DEADLINE_INTERVAL=0, GAUGE_INTERVAL=0.2)
    world = World(rpc, amqp, engine)
    at = now()
    for days in (20, 10, 1):  # due dates end with the office's day: +1 stays within 3 days
        world.assign(co=True, due_at=(at + timedelta(days=days, hours=1)).isoformat())
    world.assign(co=False, due_at=(at - timedelta(days=4)).isoformat())
    replied = world.assign(co=False, due_at=(at - timedelta(days=2)).isoformat())["id"]  # late, but replied
    rpc.assignment.sign(unit_actor(world.lead), replied)
    rpc.assignment.reply(unit_actor(world.lead), replied, REPLY)

    with Session(engine) as session:  # co-units owe no reply: three assignments with one, not six
        assert assignment_gauges.refresh(session, at, (14, 3)) == {"overdue": 1, "due_within_14d": 2,
                                                                    "due_within_3d": 1}
        later = assignment_gauges.refresh(session, at + timedelta(days=15), (14, 3))
    assert later == {"overdue": 3, "due_within_14d": 1, "due_within_3d": 0}
    # the service's own timer sets the same from the running process
    wait_for(lambda: sample("lianxin_assignments_overdue") == 1
             and sample("lianxin_assignments_due_soon", {"within_days": "14"}) == 2
             and sample("lianxin_assignments_due_soon", {"within_days": "3"}) == 1, timeout=10)
    assert sample("lianxin_gauges_refreshed_timestamp_seconds", {"service": "assignment"}) >= at.timestamp()


def test_dead_letters_waiting_and_the_oldest_unsent_event(db):
    engine = fresh_db(db)  # no assignment service runs here: no relay publishes the row below
    service = SimpleNamespace(name="assignment", db=Db(engine, "assignment"), business_gauges=None)
    try:
        with engine.begin() as conn:
            for replayed in ("NULL", "now()", "NULL"):
                conn.execute(text(
                    "INSERT INTO dead_letters (consumer, event_id, type, envelope, error, attempts, replayed_at) "
                    f"VALUES ('assignment', gen_random_uuid(), 'x.y', '{{}}', 'boom', 4, {replayed})"))
            conn.execute(text("INSERT INTO outbox (event_id, type, envelope, created_at, sent_at) VALUES "
                              "(gen_random_uuid(), 'x.y', '{}', now() - interval '90 seconds', NULL), "
                              "(gen_random_uuid(), 'x.y', '{}', now() - interval '30 seconds', NULL), "
                              "(gen_random_uuid(), 'x.y', '{}', now() - interval '1 hour', now())"))
        assert gauges.refresh(service)
        labels = {"service": "assignment"}
        assert sample("lianxin_dead_letters_waiting", labels) == 2
        assert sample("lianxin_outbox_unsent_events", labels) == 2
        assert 90 <= sample("lianxin_outbox_oldest_unsent_age_seconds", labels) < 120
    finally:
        with engine.begin() as conn:
            conn.execute(text("TRUNCATE outbox, dead_letters"))
    assert gauges.refresh(service)
    assert sample("lianxin_outbox_unsent_events", labels) == 0
    assert sample("lianxin_outbox_oldest_unsent_age_seconds", labels) == 0


def test_a_database_that_cannot_be_read_leaves_the_last_values():
    gauges.dead_letters_waiting.labels("unreachable").set(5)
    engine = make_engine("postgresql+psycopg://root@127.0.0.1:1/nothing", pool_size=1)
    try:
        assert gauges.refresh(SimpleNamespace(name="unreachable", db=Db(engine, "unreachable"))) is False
    finally:
        engine.dispose()
    assert sample("lianxin_dead_letters_waiting", {"service": "unreachable"}) == 5
    assert sample("lianxin_gauges_refreshed_timestamp_seconds", {"service": "unreachable"}) is None
