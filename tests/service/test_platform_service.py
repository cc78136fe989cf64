"""Platform pieces against real PostgreSQL and RabbitMQ: topology, relay, migrations."""
import json
import time
import uuid

import eventlet
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from kombu import Queue
from sqlalchemy import text

from services.common import relay as relay_module
from services.common.relay import OutboxRelay, published_total, unroutable_total
from services.common.settings import SERVICES
from services.common.topology import SUBSCRIPTIONS, declare_all, queue_name
from tests.service.conftest import ENV, truncate
from tests.service.helpers import EventListener, envelope, publish, scalar


def queue_depth(conn, service: str) -> int:
    return Queue(queue_name(service), durable=True)(conn.channel()).queue_declare(passive=True).message_count


def test_topology_routes_each_event_type_to_every_subscriber(amqp):
    declare_all(ENV["AMQP_URI"])
    for service in SUBSCRIPTIONS:
        amqp.default_channel.queue_purge(queue_name(service))
    publish(amqp, envelope("suggestion.submitted", {"suggestion_id": 1}))
    publish(amqp, envelope("assignment.replied", {"assignment_id": 1}))
    time.sleep(0.3)
    depths = {s: queue_depth(amqp, s) for s in SUBSCRIPTIONS}
    # suggestion.submitted: station (points), evaluation and notify; assignment.replied: suggestion,
    # evaluation, notify
    assert depths == {"suggestion": 1, "assignment": 0, "evaluation": 2, "station": 1, "notify": 2, "identity": 0}
    for service in SUBSCRIPTIONS:
        amqp.default_channel.queue_purge(queue_name(service))


@pytest.fixture
def outbox(db):
    engine = db("suggestion")
    truncate(engine, "outbox")
    return engine


def insert_outbox(engine, type_: str) -> str:
    event = envelope(type_, {"n": 1})
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO outbox (event_id, type, envelope) VALUES (:e, :t, CAST(:env AS jsonb))"),
                     {"e": event["event_id"], "t": type_, "env": json.dumps(event)})
    return event["event_id"]


def test_relay_publishes_with_mandatory_and_counts_unroutable(outbox):
    declare_all(ENV["AMQP_URI"])
    relay = OutboxRelay(outbox, ENV["AMQP_URI"], "relay-test")
    nobody = f"nobody.hears_{uuid.uuid4().hex[:6]}"
    routed_before = published_total.labels("relay-test", "suggestion.submitted")._value.get()
    insert_outbox(outbox, "suggestion.submitted")
    insert_outbox(outbox, nobody)
    try:
        assert relay.publish_batch() == 2
    finally:
        relay.close()
    assert published_total.labels("relay-test", "suggestion.submitted")._value.get() == routed_before + 1
    # RabbitMQ returned the event no queue is bound for: mandatory=True made that visible
    assert unroutable_total.labels("relay-test", nobody)._value.get() == 1
    assert scalar(outbox, "select count(*) from outbox where sent_at is null") == 0
    assert relay.publish_batch() == 0  # nothing is published twice


@pytest.mark.parametrize("service", SERVICES)
def test_migrations_match_the_models(db, service):
    """A model changed without a migration shows here, not in production."""
    import importlib

    metadata = importlib.import_module(f"services.{service}.models").Base.metadata
    with db(service).connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    assert diff == []


def test_two_relays_share_the_outbox_without_publishing_twice(outbox, amqp):
    """Two replicas of a service each run a relay; SKIP LOCKED gives every row to one of them."""
    declare_all(ENV["AMQP_URI"])
    listener = EventListener(amqp, "relaytest.#")
    ids = {insert_outbox(outbox, "relaytest.ping") for _ in range(300)}
    relays = [OutboxRelay(outbox, ENV["AMQP_URI"], f"replica-{i}") for i in range(2)]
    sizes = []
    original = relay_module.BATCH
    relay_module.BATCH = 25  # small batches, so the two really interleave
    try:
        def drain(relay):
            while (n := relay.publish_batch()):
                sizes.append((relay.service, n))
                eventlet.sleep(0)
        pool = eventlet.GreenPool()
        for relay in relays:
            pool.spawn(drain, relay)
        pool.waitall()
    finally:
        relay_module.BATCH = original
        for relay in relays:
            relay.close()
    listener.wait("relaytest.ping", count=300)
    received = [e["event_id"] for e in listener.settle(0.5)]
    assert sorted(received) == sorted(ids)  # every row once, none twice
    assert {service for service, _ in sizes} == {"replica-0", "replica-1"}
