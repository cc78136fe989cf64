"""Events that arrive together are handled in one transaction, each still at most once, and a
handler that fails on one of them costs the others nothing (services/common/inbox.py
``handle_events``, services/common/amqp.py ``BatchEventConsumer``)."""
import subprocess
import time

import eventlet
from prometheus_client import REGISTRY

from services.station import consumers as station_consumers
from services.station.service import StationService
from tests.service.conftest import ENV, truncate
from tests.service.helpers import envelope, publish, scalar, wait_for

DEPUTY = 7700


def batches_of(consumer: str) -> tuple[float, float]:
    """(batches, events) the station consumer has handled in this process so far."""
    count = REGISTRY.get_sample_value("lianxin_event_batch_size_count", {"consumer": consumer}) or 0
    total = REGISTRY.get_sample_value("lianxin_event_batch_size_sum", {"consumer": consumer}) or 0
    return count, total


def submitted(suggestion_id: int) -> dict:
    return envelope("suggestion.submitted", {"suggestion_id": suggestion_id, "lead_deputy_id": DEPUTY,
                                             "co_signer_ids": [], "station_opinion_id": None})


def clean(engine) -> None:
    truncate(engine, "dead_letters", "processed_events")
    with engine.begin() as conn:
        from sqlalchemy import text
        conn.execute(text("DELETE FROM points WHERE deputy_id = :d"), {"d": DEPUTY})


def test_a_burst_is_handled_in_batches_each_event_once(start_service, amqp, db, monkeypatch):
    engine = db("station")
    clean(engine)
    award = station_consumers.award_at_commit
    first = 900_000

    def slow_first(tx, deputy_id, points, reason, source_type, source_id, *args, **kwargs):
        if source_id == first:
            eventlet.sleep(1.0)  # the rest of the burst arrives meanwhile and waits as the next batches
        return award(tx, deputy_id, points, reason, source_type, source_id, *args, **kwargs)

    monkeypatch.setattr(station_consumers, "award_at_commit", slow_first)
    start_service(StationService, EVENT_BATCH_SIZE=10, EVENT_BATCH_WORKERS=1)
    before = batches_of("station")
    bodies = [submitted(first + i) for i in range(40)]
    for body in bodies + bodies[1:6]:  # five delivered twice: a redelivery, handled once
        publish(amqp, body)
    wait_for(lambda: scalar(engine, "select count(*) from processed_events") == 40, timeout=30,
             what="40 events processed")
    wait_for(lambda: batches_of("station")[1] - before[1] == 45, timeout=10, what="45 deliveries counted")
    assert scalar(engine, "select count(*) from points where deputy_id = :d", {"d": DEPUTY}) == 40
    assert scalar(engine, "select count(distinct source_id) from points where deputy_id = :d", {"d": DEPUTY}) == 40
    # the first alone, then the 44 that waited in batches of at most 10 (some short while the broker
    # refills the prefetch of 20: measured 10 in all), never one transaction per delivery
    assert 5 <= batches_of("station")[0] - before[0] <= 15
    assert scalar(engine, "select count(*) from dead_letters") == 0


def test_a_failing_handler_parks_its_event_and_the_batch_is_handled(start_service, amqp, db, monkeypatch):
    engine = db("station")
    clean(engine)
    poison = 910_007
    award = station_consumers.award_at_commit

    def failing_award(tx, deputy_id, points, reason, source_type, source_id, *args, **kwargs):
        if source_id == poison:
            raise RuntimeError("this one fails")
        return award(tx, deputy_id, points, reason, source_type, source_id, *args, **kwargs)

    monkeypatch.setattr(station_consumers, "award_at_commit", failing_award)
    monkeypatch.setattr("services.common.inbox.RETRY_DELAYS", (0.05, 0.05, 0.05))
    start_service(StationService, EVENT_BATCH_SIZE=20, EVENT_BATCH_WORKERS=1)
    bodies = [submitted(910_000 + i) for i in range(15)]
    for body in bodies:
        publish(amqp, body)
    wait_for(lambda: scalar(engine, "select count(*) from dead_letters") == 1, timeout=30,
             what="the failing event parked")
    wait_for(lambda: scalar(engine, "select count(*) from points where deputy_id = :d", {"d": DEPUTY}) == 14,
             timeout=10, what="the other 14 handled")
    letter = str(scalar(engine, "select event_id from dead_letters"))
    assert letter == bodies[7]["event_id"]
    assert scalar(engine, "select error from dead_letters").startswith("RuntimeError('this one fails')")
    # the failed event's processed row was rolled back with it: a replay can still handle it
    assert scalar(engine, "select count(*) from processed_events where event_id = :e", {"e": letter}) == 0
    assert scalar(engine, "select count(*) from processed_events") == 14


def test_a_lone_event_goes_at_once_and_events_under_load_wait_for_company(start_service, amqp, db):
    """EVENT_BATCH_WINDOW applies only while the lane is under load (its last batch ended less than
    a window ago): a lone event is not kept waiting; a burst right after a batch is one batch."""
    engine = db("station")
    clean(engine)
    start_service(StationService, EVENT_BATCH_SIZE=50, EVENT_BATCH_WORKERS=1, EVENT_BATCH_WINDOW=5.0)
    before = batches_of("station")
    started = time.monotonic()
    publish(amqp, submitted(919_999))
    wait_for(lambda: scalar(engine, "select count(*) from processed_events") == 1, timeout=30,
             what="the lone event processed")
    assert time.monotonic() - started < 2.5  # not held for the 5 s window: the lane was idle
    eventlet.sleep(0.3)  # its worker has ended (acked), so the lane is idle again, and under load
    for body in [submitted(920_000 + i) for i in range(8)]:  # within 5 s of that batch's end
        publish(amqp, body)
    wait_for(lambda: scalar(engine, "select count(*) from processed_events") == 9, timeout=30,
             what="8 more events processed")
    assert batches_of("station")[0] - before[0] == 2  # the lone one, then the first of 8 waited for the rest
    assert scalar(engine, "select count(*) from points where deputy_id = :d", {"d": DEPUTY}) == 9


def prefetch_by_queue() -> dict[str, int]:
    out = subprocess.run(["rabbitmqctl", "-q", "list_consumers", "-p", ENV["AMQP_VHOST"], "--no-table-headers",
                          "queue_name", "prefetch_count"], capture_output=True, text=True, check=True).stdout
    rows = [line.split("\t") for line in out.splitlines() if line.count("\t") == 1]  # consumers' rows only
    return {queue: int(count) for queue, count in rows}


def test_each_consumer_of_a_service_has_its_own_prefetch(start_service):
    """RPC requests: as many as the workers (a replica takes no more than it can run); events: a
    batch being handled and the next gathering (services/common/amqp.py PrefetchConsumer)."""
    start_service(StationService, max_workers=7, EVENT_BATCH_SIZE=20, EVENT_BATCH_WORKERS=1)
    found = wait_for(lambda: (p := prefetch_by_queue()).keys() >= {"rpc-station", "lianxin.station.events"} and p,
                     what="the station's consumers")
    assert found["rpc-station"] == 7
    assert found["lianxin.station.events"] == 40
