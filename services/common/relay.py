"""Publishes the outbox: publisher confirms, mandatory, then marks rows sent.

Runs as a managed thread inside each service process (any replica may take a
batch: rows are locked with SKIP LOCKED). A crash after publishing but before
marking re-publishes on restart; consumers are idempotent, so that is harmless.
"""
import logging

import eventlet
from eventlet.event import Event
from kombu import Connection
from prometheus_client import Counter, Gauge
from sqlalchemy import text

from services.common.metrics import get_or_create
from services.common.topology import EVENTS_EXCHANGE

log = logging.getLogger(__name__)

BATCH = 200
IDLE_POLL_SECONDS = 1.0
PUBLISH_TIMEOUT_SECONDS = 30

published_total = get_or_create(Counter, "lianxin_outbox_published_total",
                                 "Events published from the outbox", ["service", "type"])
unroutable_total = get_or_create(Counter, "lianxin_outbox_unroutable_total",
                                 "Events returned by RabbitMQ as unroutable (no queue bound)",
                                 ["service", "type"])
backlog_gauge = get_or_create(Gauge, "lianxin_outbox_backlog",
                              "Outbox rows not yet published", ["service"])


class OutboxRelay:
    def __init__(self, engine, amqp_uri: str, service: str, heartbeat: int = 15):
        self.engine = engine
        self.amqp_uri = amqp_uri
        self.service = service
        self.heartbeat = heartbeat
        self._wakeup = Event()
        self._running = True
        self._connection = None
        self._producer = None

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
                self._wait(IDLE_POLL_SECONDS)
        try:
            self.publish_batch()  # drain what committed before stop
        except (Exception, eventlet.Timeout):
            log.exception("outbox relay: final drain failed; rows stay unsent for the next start")
        self.close()

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
            self._connection = Connection(self.amqp_uri, heartbeat=self.heartbeat,
                                          transport_options={"confirm_publish": True})
            self._producer = self._connection.Producer(
                exchange=EVENTS_EXCHANGE, serializer="json", on_return=self._on_return)
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
        self._connection = self._producer = None

    def publish_batch(self) -> int:
        with self.engine.connect() as conn:
            with conn.begin():
                rows = conn.execute(
                    text("SELECT id, type, envelope FROM outbox WHERE sent_at IS NULL "
                         "ORDER BY id LIMIT :n FOR UPDATE SKIP LOCKED"), {"n": BATCH}).all()
                if not rows:
                    backlog_gauge.labels(self.service).set(0)
                    return 0
                producer = self._ensure_producer()
                # a broker that stops confirming (e.g. a memory alarm) must not hold these
                # rows locked forever: give up, roll back, reconnect and try again later
                with eventlet.Timeout(PUBLISH_TIMEOUT_SECONDS):
                    for row in rows:
                        envelope = row.envelope
                        producer.publish(
                            envelope, routing_key=row.type, mandatory=True, delivery_mode=2,
                            message_id=envelope["event_id"], content_encoding="utf-8",
                            headers={"nameko.request_id": envelope.get("request_id") or ""},
                            retry=True, retry_policy={"max_retries": 3},
                        )
                        published_total.labels(self.service, row.type).inc()
                conn.execute(text("UPDATE outbox SET sent_at = now(), attempts = attempts + 1 "
                                  "WHERE id = ANY(:ids)"), {"ids": [r.id for r in rows]})
            # a full batch means more is waiting; the next empty poll resets the gauge to 0
            backlog_gauge.labels(self.service).set(len(rows) if len(rows) == BATCH else 0)
            return len(rows)
