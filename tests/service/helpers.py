"""Small helpers for service tests: publish envelopes, wait for conditions, listen to events."""
import time
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone

from kombu import Queue, binding
from sqlalchemy import event
from sqlalchemy.engine import Engine

from services.common.events import model_for
from services.common.topology import EVENTS_EXCHANGE
from tests.event_samples import raw
from tests.polling import wait_for  # noqa: F401 - re-exported for the service tests


def envelope(type_: str, payload: dict, event_id: str | None = None, fill: bool = True) -> dict:
    """An envelope of ``type_``; ``fill``: fields the payload lacks are taken from a valid sample of
    its type (tests/event_samples.py), so a test names only what matters to it."""
    if fill and model_for(type_) is not None:
        payload = {**raw(type_), **payload}
    return {"event_id": event_id or str(uuid.uuid4()), "type": type_, "version": 1,
            "occurred_at": datetime.now(timezone.utc).isoformat(), "producer": type_.split(".")[0],
            "payload": payload, "request_id": "test-req"}


def publish(conn, body: dict) -> None:
    with conn.Producer(exchange=EVENTS_EXCHANGE, serializer="json") as producer:
        producer.publish(body, routing_key=body["type"], declare=[EVENTS_EXCHANGE])


def scalar(engine, sql: str, params: dict | None = None):
    """One value from a test database, on a connection that is closed at once.

    A connection left open holds its locks and makes the next test's TRUNCATE wait.
    """
    from sqlalchemy import text

    with engine.connect() as conn:
        return conn.execute(text(sql), params or {}).scalar()


class EventListener:
    """A private queue bound to the events exchange, to see what a service published."""

    def __init__(self, conn, *patterns: str):
        self.conn = conn
        self.queue = Queue(f"test-listener-{uuid.uuid4().hex[:8]}", exclusive=True, auto_delete=True,
                           bindings=[binding(EVENTS_EXCHANGE, routing_key=p) for p in patterns])
        self.received: list[dict] = []
        self.messages: list = []  # as kombu gave them (properties, headers)
        self.consumer = conn.Consumer([self.queue], callbacks=[self._on], accept=["json"])
        self.consumer.consume()

    def _on(self, body, message):
        self.received.append(body)
        self.messages.append(message)
        message.ack()

    def settle(self, seconds: float = 0.5) -> list[dict]:
        """Take in whatever else arrives within ``seconds`` (to catch late duplicates)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                self.conn.drain_events(timeout=0.1)
            except (TimeoutError, OSError):
                pass
        return self.received

    def wait(self, type_: str, count: int = 1, timeout: float = 10.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            matching = [e for e in self.received if e["type"] == type_]
            if len(matching) >= count:
                return matching
            try:
                self.conn.drain_events(timeout=0.2)
            except TimeoutError:
                pass
            except OSError:
                pass
        raise AssertionError(f"did not receive {count} x {type_}; got {[e['type'] for e in self.received]}")


@contextmanager
def statements_sent(engine):
    """Every statement sent to ``engine``'s database by any engine of this process (the services
    the tests start run in it) while inside, whitespace folded and lowercased, in a list."""
    sent: list[str] = []

    def seen(conn, cursor, statement, *args):
        if conn.engine.url.database == engine.url.database:
            sent.append(" ".join(statement.split()).lower())

    event.listen(Engine, "before_cursor_execute", seen)
    try:
        yield sent
    finally:
        event.remove(Engine, "before_cursor_execute", seen)
