"""The outbox relay against real PostgreSQL and RabbitMQ: a batch and one wait for its confirms,
a broker that refuses leaves the batch unsent for the next attempt, a commit wakes the relay."""
import json
import socket
import time
import uuid

import eventlet
import pytest
from kombu import Queue, binding
from sqlalchemy import text

from services.common import relay as relay_module
from services.common.relay import Confirms, OutboxRelay, PublishRefused
from services.common.topology import EVENTS_EXCHANGE, declare_all
from services.suggestion.service import SuggestionService
from tests.polling import wait_for
from tests.service.conftest import ENV, truncate
from tests.service.helpers import EventListener, envelope, scalar
from tests.service.suggestion_support import register_deputy
from tests.service.test_suggestion_service import SUGGESTION


@pytest.fixture
def outbox(db):
    engine = db("suggestion")
    truncate(engine, "outbox")
    declare_all(ENV["AMQP_URI"])
    return engine


@pytest.fixture
def relay(outbox):
    relay = OutboxRelay(outbox, ENV["AMQP_URI"], "relay-test")
    yield relay
    relay.close()


def insert_outbox(engine, type_: str, n: int = 1) -> list[str]:
    """n rows committed as another replica would: nobody wakes this process's relay."""
    events = [envelope(type_, {"n": i}) for i in range(n)]
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO outbox (event_id, type, envelope) VALUES (:e, :t, CAST(:env AS jsonb))"),
                     [{"e": e["event_id"], "t": type_, "env": json.dumps(e)} for e in events])
    return [e["event_id"] for e in events]


def unsent(engine) -> int:
    return scalar(engine, "select count(*) from outbox where sent_at is null")


def test_a_batch_is_published_then_its_confirms_awaited_once(relay, outbox, amqp, monkeypatch):
    listener = EventListener(amqp, "relaytest.#")
    ids = insert_outbox(outbox, "relaytest.ping", 150)
    waits = []
    wait_all = Confirms.wait_all

    def counted(confirms, connection, deadline):
        waits.append(confirms.published)  # py-amqp reads confirms already in while publishing, never waits
        wait_all(confirms, connection, deadline)
    monkeypatch.setattr(Confirms, "wait_all", counted)

    assert relay.publish_batch() == 150
    # all 150 went out before the relay waited for confirms, and it waited once
    assert waits == [150]
    assert unsent(outbox) == 0
    listener.wait("relaytest.ping", count=150)
    assert sorted(e["event_id"] for e in listener.settle(0.3)) == sorted(ids)
    assert relay.publish_batch() == 0  # nothing is published twice


def test_a_message_carries_the_stored_envelope_as_it_is_with_its_id_and_request_id(relay, outbox, amqp):
    listener = EventListener(amqp, "relaytest.#")
    event = {**envelope("relaytest.ping", {"text": '代表建议 "引号" \\ \u2028 end', "n": 1.5}), "request_id": "req-7"}
    with outbox.begin() as conn:
        conn.execute(text("INSERT INTO outbox (event_id, type, envelope) VALUES (:e, :t, CAST(:env AS jsonb))"),
                     {"e": event["event_id"], "t": "relaytest.ping", "env": json.dumps(event, ensure_ascii=False)})
    assert relay.publish_batch() == 1
    assert listener.wait("relaytest.ping") == [event]
    [message] = listener.messages
    assert message.properties["message_id"] == event["event_id"]
    assert message.headers["nameko.request_id"] == "req-7"
    assert (message.content_type, message.content_encoding, message.properties["delivery_mode"]) == (
        "application/json", "utf-8", 2)


def test_a_nacked_batch_stays_unsent_and_goes_on_the_next_attempt(relay, outbox, amqp):
    # a queue that holds one message and refuses more: RabbitMQ nacks the rest of the batch
    full = Queue(f"relaytest-full-{uuid.uuid4().hex[:6]}", exchange=EVENTS_EXCHANGE, routing_key="relaytest.full",
                 queue_arguments={"x-max-length": 1, "x-overflow": "reject-publish"})(amqp.channel())
    full.declare()
    try:
        insert_outbox(outbox, "relaytest.full", 5)
        with pytest.raises(PublishRefused):
            relay.publish_batch()
        assert unsent(outbox) == 5
        assert relay._connection is None  # a fresh connection for the next attempt
    finally:
        full.delete()
    assert relay.publish_batch() == 5
    assert unsent(outbox) == 0


def test_a_channel_closed_by_the_broker_mid_batch_leaves_the_batch_unsent(relay, outbox, amqp):
    listener = EventListener(amqp, "relaytest.#")
    ids = insert_outbox(outbox, "relaytest.ping", 10)
    channel = relay._ensure_producer().channel
    publish = channel.basic_publish
    calls = []

    def third_to_a_missing_exchange(message, **kwargs):
        calls.append(1)
        if len(calls) == 3:  # RabbitMQ closes the channel: 404 NOT_FOUND
            kwargs["exchange"] = f"lianxin.nowhere-{uuid.uuid4().hex[:6]}"
        return publish(message, **kwargs)
    channel.basic_publish = third_to_a_missing_exchange

    with pytest.raises(Exception, match="NOT_FOUND|nowhere"):
        relay.publish_batch()
    assert unsent(outbox) == 10
    assert relay.publish_batch() == 10  # a new connection and producer
    assert unsent(outbox) == 0
    listener.wait("relaytest.ping", count=10)
    # what the broker took before the channel closed comes again: consumers are idempotent
    assert set(e["event_id"] for e in listener.settle(0.3)) == set(ids)


def test_a_connection_lost_mid_batch_leaves_the_batch_unsent(relay, outbox):
    insert_outbox(outbox, "relaytest.ping", 10)
    channel = relay._ensure_producer().channel
    publish = channel.basic_publish
    calls = []

    def cut_after_two(message, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            relay._connection.connection.transport.sock.shutdown(socket.SHUT_RDWR)
        return publish(message, **kwargs)
    channel.basic_publish = cut_after_two

    with pytest.raises(Exception):
        relay.publish_batch()
    assert unsent(outbox) == 10
    assert relay.publish_batch() == 10
    assert unsent(outbox) == 0


def test_rows_another_replica_committed_go_at_the_next_poll(outbox, amqp, monkeypatch):
    monkeypatch.setattr(relay_module, "IDLE_POLL_SECONDS", 0.3)
    relay = OutboxRelay(outbox, ENV["AMQP_URI"], "relay-test")
    thread = eventlet.spawn(relay.run)
    try:
        listener = EventListener(amqp, "relaytest.#")
        eventlet.sleep(0.1)  # the relay found nothing and waits
        [event_id] = insert_outbox(outbox, "relaytest.ping")
        [event] = listener.wait("relaytest.ping", timeout=3)
        assert event["event_id"] == event_id
    finally:
        relay.stop()
        thread.wait()


def test_under_load_the_next_batch_waits_a_window_for_company_and_a_lone_event_goes_at_once(outbox, monkeypatch):
    """After a batch that published something, the relay starts the next no sooner than OUTBOX_WINDOW
    after it ended, so the events committed meanwhile go together; after one that found nothing,
    a commit's wake publishes at once (services/common/relay.py ``_gather``)."""
    monkeypatch.setattr(relay_module, "IDLE_POLL_SECONDS", 5)
    relay = OutboxRelay(outbox, ENV["AMQP_URI"], "relay-test", window=0.5)
    batches = []  # (when its publish began, how many events)
    publish = OutboxRelay._publish

    def recorded(self, rows):
        batches.append((time.monotonic(), len(rows)))
        publish(self, rows)
    monkeypatch.setattr(OutboxRelay, "_publish", recorded)
    thread = eventlet.spawn(relay.run)
    try:
        eventlet.sleep(0.1)  # the first poll found nothing: the relay waits for a wake
        insert_outbox(outbox, "relaytest.ping")
        woke = time.monotonic()
        relay.wake()
        wait_for(lambda: len(batches) == 1, timeout=3, what="the lone event's batch")
        assert batches[0][0] - woke < 0.3  # at once
        for _ in range(3):  # under load: commits one after another, each waking the relay
            insert_outbox(outbox, "relaytest.ping")
            relay.wake()
            eventlet.sleep(0.05)
        wait_for(lambda: len(batches) == 2, timeout=3, what="the next batch")
        assert batches[1][1] == 3, batches
        assert batches[1][0] - batches[0][0] >= 0.5, batches
        assert unsent(outbox) == 0
    finally:
        relay.stop()
        thread.wait()


def test_a_commit_wakes_the_relay(start_service, rpc, amqp, suggestion_db, monkeypatch):
    """The submission's event reaches a consumer at once, though the relay polls only every 30 s."""
    monkeypatch.setattr(relay_module, "IDLE_POLL_SECONDS", 30)
    start_service(SuggestionService)
    listener = EventListener(amqp, "suggestion.submitted")
    register_deputy(amqp, suggestion_db, 11)
    eventlet.sleep(0.3)  # the relay's first poll is long over: it waits for a wake or 30 s

    created = rpc.suggestion.submit({"role": "deputy", "deputy_id": 11, "sub": "d11"}, SUGGESTION)
    committed = time.monotonic()
    [event] = listener.wait("suggestion.submitted", timeout=5)
    assert time.monotonic() - committed < 1.0
    assert event["payload"]["suggestion_id"] == created["id"]


def _record(action: str):
    from services.common.audit import AuditRecorded
    from services.common.clock import now
    return AuditRecorded(at=now(), service="suggestion", action=action, outcome="ok")


def test_a_transactions_events_are_written_at_its_commit_in_order_savepoints_included(outbox):
    """One INSERT at commit for all a transaction published (services/common/db.py OUTBOX_ROWS): in
    publishing order, without what a rolled-back savepoint published, and on any commit of the
    session (a script's ``session.begin()`` too); a rolled-back transaction writes nothing."""
    from sqlalchemy.orm import Session

    from services.common.db import Db, Transaction
    from services.common.errors import ValidationFailed

    def actions():
        return [r[0] for r in outbox.connect().execute(text(
            "SELECT envelope->'payload'->>'action' FROM outbox ORDER BY id")).all()]

    db = Db(outbox, "suggestion")
    with db.transaction() as tx:
        tx.publish(_record("first"))
        assert tx.session.scalar(text("SELECT count(*) FROM outbox")) == 0  # not yet: at commit
        with pytest.raises(ValidationFailed):
            with db.transaction() as inner:  # a savepoint the method's failure rolls back
                inner.publish(_record("rolled back"))
                raise ValidationFailed("refused")
        with db.transaction() as inner:
            inner.publish(_record("second"))
        tx.publish(_record("third"))
    assert actions() == ["first", "second", "third"]

    with pytest.raises(RuntimeError):
        with db.transaction() as tx:
            tx.publish(_record("never"))
            raise RuntimeError("the whole transaction fails")
    with Session(outbox) as session, session.begin():
        Transaction(session, "suggestion").publish(_record("bootstrap"))
    assert actions() == ["first", "second", "third", "bootstrap"]
    # each row's id and type are its envelope's (read from it in the INSERT)
    assert outbox.connect().execute(text(
        "SELECT bool_and(event_id::text = envelope->>'event_id' AND type = envelope->>'type' "
        "AND type = 'audit.recorded') FROM outbox")).scalar() is True
