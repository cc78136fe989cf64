"""Publishes the outbox: a batch at a time, mandatory, one wait for the publisher confirms of
the whole batch, then marks its rows sent.

Runs as a managed thread inside each service process (any replica may take a batch: rows are
locked with SKIP LOCKED). A transaction that wrote outbox rows wakes the relay when it commits
(services/common/db.py ``Db.on_commit``); the poll every IDLE_POLL_SECONDS is the fallback for
rows another replica committed, or a wake that came while the relay was not listening.

A batch is marked sent only when RabbitMQ has acked every message of it. A nack, a closed
channel or connection, or no confirms within PUBLISH_TIMEOUT_SECONDS leaves the whole batch
unsent: the relay reconnects and publishes it again later. Re-publishing what the broker did
take, like a crash after publishing but before marking, is harmless: consumers are idempotent.
"""
import logging
import time

import eventlet
from amqp import Message
from eventlet.event import Event
from kombu import Connection
from prometheus_client import Counter, Gauge
from sqlalchemy import text

from services.common.metrics import get_or_create
from services.common.topology import EVENTS_EXCHANGE

log = logging.getLogger(__name__)

BATCH = 200
# the envelope as stored (valid JSON in UTF-8, what consumers decode), and what the message carries beside it
UNSENT = text("SELECT id, type, envelope::text AS body, envelope->>'event_id' AS event_id, "
              "envelope->>'request_id' AS request_id FROM outbox WHERE sent_at IS NULL "
              "ORDER BY id LIMIT :n FOR UPDATE SKIP LOCKED")
IDLE_POLL_SECONDS = 1.0
# seconds (OUTBOX_WINDOW): under load, how long after a batch the next one waits for company
DEFAULT_WINDOW = 0.05
PUBLISH_TIMEOUT_SECONDS = 30

published_total = get_or_create(Counter, "lianxin_outbox_published_total",
                                 "Events published from the outbox", ["service", "type"])
unroutable_total = get_or_create(Counter, "lianxin_outbox_unroutable_total",
                                 "Events returned by RabbitMQ as unroutable (no queue bound)",
                                 ["service", "type"])
backlog_gauge = get_or_create(Gauge, "lianxin_outbox_backlog",
                              "Outbox rows not yet published", ["service"])


class PublishRefused(Exception):
    """RabbitMQ nacked a message of the batch (e.g. a full queue that rejects publishes)."""


class Confirms:
    """The publisher confirms of one channel in confirm mode.

    RabbitMQ numbers the messages published on such a channel 1, 2, 3 … and acks or nacks each
    number once, in any order; ``multiple`` settles every number up to the one given. An
    unroutable mandatory message comes back as basic.return before its (positive) ack. py-amqp
    reads what has already arrived (without waiting) before each publish, so some confirms of a
    batch are settled while it is still being published; ``wait_all`` blocks for the rest.
    """

    def __init__(self, channel):
        self.published = 0  # the number of the last message published on the channel
        self.pending: set[int] = set()
        self.nacked = 0
        channel.confirm_select()
        channel.events["basic_ack"].add(self._on_ack)
        channel.events["basic_nack"].add(self._on_nack)

    def published_one(self) -> None:
        self.published += 1
        self.pending.add(self.published)

    def _settle(self, delivery_tag: int, multiple: bool) -> None:
        if multiple:
            self.pending = {tag for tag in self.pending if tag > delivery_tag}
        else:
            self.pending.discard(delivery_tag)

    def _on_ack(self, delivery_tag, multiple):
        self._settle(delivery_tag, multiple)

    def _on_nack(self, delivery_tag, multiple):
        self._settle(delivery_tag, multiple)
        self.nacked += 1

    def wait_all(self, connection, deadline: float) -> None:
        """Read from the broker until every message published is settled; PublishRefused if any
        was nacked. A closed channel or connection raises from ``drain_events``."""
        while self.pending:
            connection.drain_events(timeout=max(deadline - time.monotonic(), 0.01))
        if self.nacked:
            raise PublishRefused(f"RabbitMQ refused {self.nacked} publish(es) of the batch")


class OutboxRelay:
    def __init__(self, engine, amqp_uri: str, service: str, heartbeat: int = 15, window: float = DEFAULT_WINDOW):
        self.engine = engine
        self.window = max(0.0, window)
        self.amqp_uri = amqp_uri
        self.service = service
        self.heartbeat = heartbeat
        self._wakeup = Event()
        self._running = True
        self._connection = None
        self._producer = None
        self._confirms = None

    def wake(self) -> None:
        if not self._wakeup.ready():
            self._wakeup.send(True)

    def stop(self) -> None:
        self._running = False
        self.wake()

    def run(self) -> None:
        backoff = 0.5
        while self._running:
            try:
                sent = self.publish_batch()
                backoff = 0.5
            except (Exception, eventlet.Timeout):
                log.exception("outbox relay failed; retrying in %.1fs", backoff)
                self.close()
                eventlet.sleep(backoff)
                backoff = min(backoff * 2, 10)
                continue
            if sent < BATCH:
                ended = time.monotonic()
                self._wait(IDLE_POLL_SECONDS)
                if sent:
                    self._gather(ended)
        try:
            self.publish_batch()  # drain what committed before stop
        except (Exception, eventlet.Timeout):
            log.exception("outbox relay: final drain failed; rows stay unsent for the next start")
        self.close()

    def _gather(self, ended: float) -> None:
        """Under load — the last batch published something — the next batch starts no sooner than
        ``window`` after it ended, so what commits meanwhile goes with it: a batch's fixed cost
        (its transaction, SELECT, UPDATE and commit, its confirms) was paid per submission at a
        steady 50 a second, a batch of one submission's two events each time (bench/README.md
        "Fewer statements and frames at the commit"). A lone event, after a batch that found
        nothing, goes at once."""
        remaining = ended + self.window - time.monotonic()
        if remaining > 0 and self._running:
            eventlet.sleep(remaining)

    def _wait(self, seconds: float) -> None:
        with eventlet.Timeout(seconds, False):
            self._wakeup.wait()
        self._wakeup = Event()
        if self._connection is not None:
            try:  # keep an idle connection alive: the broker drops it after two missed heartbeats
                self._connection.heartbeat_check()
            except Exception:  # noqa: BLE001 - reconnects on the next publish
                self.close()

    def _ensure_producer(self):
        if self._producer is None:
            # no confirm_publish transport option: that waits for each message's confirm
            self._connection = Connection(self.amqp_uri, heartbeat=self.heartbeat)
            channel = self._connection.default_channel
            self._confirms = Confirms(channel)
            self._producer = self._connection.Producer(
                channel, exchange=EVENTS_EXCHANGE, serializer="json", on_return=self._on_return)
        return self._producer

    def _on_return(self, exception, exchange, routing_key, message):
        unroutable_total.labels(self.service, routing_key).inc()
        log.warning("event %s returned unroutable: no queue bound", routing_key)

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.release()
            except Exception:
                pass
        self._connection = self._producer = self._confirms = None

    def publish_batch(self) -> int:
        with self.engine.connect() as conn:
            with conn.begin():
                rows = conn.execute(UNSENT, {"n": BATCH}).all()
                if not rows:
                    backlog_gauge.labels(self.service).set(0)
                    return 0
                try:
                    self._publish(rows)
                except BaseException:
                    # whatever the broker took of this batch is unknown: a new connection, the
                    # rows stay unsent (the rollback) and go again on the next attempt
                    self.close()
                    raise
                conn.execute(text("UPDATE outbox SET sent_at = now(), attempts = attempts + 1 "
                                  "WHERE id = ANY(:ids)"), {"ids": [r.id for r in rows]})
            for row in rows:
                published_total.labels(self.service, row.type).inc()
            # a full batch means more is waiting; the next empty poll resets the gauge to 0
            backlog_gauge.labels(self.service).set(len(rows) if len(rows) == BATCH else 0)
            return len(rows)

    def _publish(self, rows) -> None:
        """Publishes ``rows`` and returns once RabbitMQ has confirmed them all."""
        producer = self._ensure_producer()
        # a broker that stops confirming (e.g. a memory alarm) must not hold these rows locked
        # forever: give up, roll back, reconnect and try again later
        deadline = time.monotonic() + PUBLISH_TIMEOUT_SECONDS
        channel = producer.channel
        with eventlet.Timeout(PUBLISH_TIMEOUT_SECONDS):
            for row in rows:
                # the stored JSON as it is, on the channel kombu's producer declared the exchange
                # on: kombu's publish (serializing the decoded envelope again, its declare check
                # and property handling) was two thirds of the relay's CPU per event (py-spy)
                channel.basic_publish(
                    Message(row.body.encode("utf-8"), priority=0, content_type="application/json",
                            content_encoding="utf-8", application_headers={"nameko.request_id": row.request_id or ""},
                            delivery_mode=2, message_id=row.event_id),
                    exchange=EVENTS_EXCHANGE.name, routing_key=row.type, mandatory=True)
                self._confirms.published_one()
            self._confirms.wait_all(self._connection, deadline)
