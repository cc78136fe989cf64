"""Idempotent event handling: processed-events, retries with backoff, dead letters.

nameko acks a message once its worker ends, even if the handler raised, so
nothing may escape this function:
- a handler that keeps failing is parked in ``dead_letters`` (list and replay
  them with ``python -m services.common.deadletters``);
- a database that cannot be reached is not the handler's fault: the worker keeps
  the message (unacked) and retries until the database is back, so a crash in the
  meantime only means RabbitMQ delivers it again;
- a body that is not an envelope at all is parked as ``malformed``;
- a payload that does not validate against its type's published model
  (services/common/events.py), or of a type no producer publishes, is parked as
  ``invalid`` before any handler runs: handlers are given the parsed model.

Events that arrive together are handled together (``handle_events``): one transaction, one
processed-events statement and one commit for the batch, the handlers run in arrival order. A
handler that fails rolls the whole batch back, and its events are then handled one at a time
(``handle_event``), with the retries and dead letters above: a poison message costs its batch a
second pass, never an event.
"""
import json
import logging
import random
import uuid
from typing import Callable

import eventlet
from prometheus_client import Counter, Histogram
from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.exc import InterfaceError, OperationalError

from services.common.context import set_request_id
from services.common.db import Db, Transaction
from services.common.envelope import Envelope
from services.common.errors import DatabaseBusy
from services.common.events import Received, describe, model_for
from services.common.metrics import get_or_create
from services.common.outages import transient

log = logging.getLogger(__name__)

RETRY_DELAYS = (0.2, 1.0, 3.0)  # a failing handler: three more tries, then a dead letter
UNREACHABLE_MAX_DELAY = 30.0  # the database is down: wait and retry, never give up
UNREACHABLE = (OperationalError, InterfaceError, DatabaseBusy)  # a full pool is not the handler's fault

Handler = Callable[[Transaction, Received], None]

# an event's first delivery to this consumer, or a batch's first deliveries (RETURNING says which)
FIRST = text("INSERT INTO processed_events (consumer, event_id) VALUES (:c, :e) ON CONFLICT DO NOTHING RETURNING 1")
FIRST_OF_BATCH = text("INSERT INTO processed_events (consumer, event_id) "
                      "SELECT :c, unnest(CAST(:ids AS uuid[])) ON CONFLICT DO NOTHING RETURNING event_id")

handled_total = get_or_create(Counter, "lianxin_events_handled_total",
                              "Events handled by outcome", ["consumer", "type", "outcome"])
batch_sizes = get_or_create(Histogram, "lianxin_event_batch_size", "Events handled in one transaction",
                            ["consumer"], buckets=(1, 2, 5, 10, 20, 50))


def handle_event(db: Db, consumer: str, body, handlers: dict[str, Handler],
                 retry_delays: tuple | None = None) -> str:
    """Run the handler for ``body`` at most once per (consumer, event_id).

    Returns the outcome: handled, duplicate, ignored, dead_lettered, malformed or invalid.
    """
    retry_delays = RETRY_DELAYS if retry_delays is None else retry_delays
    event = _parsed(db, consumer, body)
    if isinstance(event, str):
        return event
    envelope = event.envelope
    context = _context(envelope, consumer)
    handler = handlers.get(envelope.type) or handlers.get("*")
    failures = 0
    while True:
        try:
            outcome = _until_reachable(lambda: _run_once(db, consumer, event, handler), context)
            break
        except Exception as exc:  # noqa: BLE001 - every failure is retried, then parked
            failures += 1
            if failures > len(retry_delays):
                log.exception("handler failed %d times; dead-lettered", failures, extra=context)
                error = repr(exc)
                _until_reachable(lambda: _dead_letter(db, consumer, envelope, error, failures), context)
                outcome = "dead_lettered"
                break
            log.warning("handler failed (attempt %d): %r", failures, exc, extra=context)
            eventlet.sleep(retry_delays[failures - 1])
    handled_total.labels(consumer, envelope.type, outcome).inc()
    log.info("event %s", outcome, extra=context)
    return outcome


def handle_events(db: Db, consumer: str, bodies: list, handlers: dict[str, Handler],
                  retry_delays: tuple | None = None) -> list[str]:
    """``handle_event`` for each of ``bodies`` (in order), sharing one transaction; returns the
    outcomes in the same order."""
    if len(bodies) == 1:
        batch_sizes.labels(consumer).observe(1)
        return [handle_event(db, consumer, bodies[0], handlers, retry_delays)]
    outcomes: list[str | None] = [None] * len(bodies)
    ready: list[tuple[int, Received]] = []
    for i, body in enumerate(bodies):
        event = _parsed(db, consumer, body)
        if isinstance(event, str):
            outcomes[i] = event
        else:
            ready.append((i, event))
    if not ready:
        return outcomes
    batch_sizes.labels(consumer).observe(len(ready))
    try:
        handled = _until_reachable(lambda: _run_batch(db, consumer, [e for _, e in ready], handlers),
                                   {"consumer": consumer, "batch": len(ready)})
    except Exception as exc:  # noqa: BLE001 - one at a time, each with its own retries
        log.warning("a handler failed in a batch of %d events (%r): handling them one at a time",
                    len(ready), exc, extra={"consumer": consumer})
        for i, _ in ready:
            outcomes[i] = handle_event(db, consumer, bodies[i], handlers, retry_delays)
        return outcomes
    for (i, event), outcome in zip(ready, handled):
        outcomes[i] = outcome
        handled_total.labels(consumer, event.type, outcome).inc()
        set_request_id(event.envelope.request_id)
        log.info("event %s", outcome, extra={**_context(event.envelope, consumer), "batch": len(ready)})
    return outcomes


def _run_batch(db: Db, consumer: str, events: list[Received], handlers: dict[str, Handler]) -> list[str]:
    with db.transaction() as tx:
        # the ids not handled before; an id twice in one batch (a redelivery) is handled once
        first = {str(event_id) for event_id in tx.run(
            FIRST_OF_BATCH, {"c": consumer, "ids": [str(e.event_id) for e in events]}).scalars()}
        outcomes = []
        for event in events:
            event_id = str(event.event_id)
            if event_id not in first:
                outcomes.append("duplicate")
                continue
            first.discard(event_id)
            handler = handlers.get(event.type) or handlers.get("*")
            if handler is None:
                outcomes.append("ignored")
                continue
            set_request_id(event.envelope.request_id)
            handler(tx, event)
            outcomes.append("handled")
        return outcomes


def _until_reachable(work: Callable, context: dict):
    """Run ``work``; while the database cannot be reached, wait (backing off) and run it again."""
    delay, quick = 0.5, 5
    while True:
        try:
            return work()
        except UNREACHABLE as exc:
            if transient(exc) and quick:  # a deadlock's victim, rolled back whole: again at once
                quick -= 1
                log.warning("transaction rolled back (%s), running it again", getattr(exc, "orig", exc),
                            extra=context)
                eventlet.sleep(random.uniform(0.01, 0.05))
                continue
            log.warning("database unreachable, retrying in %.1fs: %s", delay, getattr(exc, "orig", exc),
                        extra=context)
            eventlet.sleep(delay)
            delay = min(delay * 2, UNREACHABLE_MAX_DELAY)


def _parsed(db: Db, consumer: str, body) -> Received | str:
    """The event ``body`` carries, or the outcome of parking a body that is none (malformed: not
    an envelope; invalid: a payload its type's model refuses)."""
    try:
        envelope = Envelope.model_validate(body)
    except ValidationError as exc:
        return _park_malformed(db, consumer, body, exc)
    set_request_id(envelope.request_id)
    event = _received(envelope)
    if isinstance(event, str):
        return _park_invalid(db, consumer, envelope, event, _context(envelope, consumer))
    return event


def _context(envelope: Envelope, consumer: str) -> dict:
    """What every log line about an event names."""
    return {"event_type": envelope.type, "event_id": str(envelope.event_id), "consumer": consumer}


def _received(envelope: Envelope) -> Received | str:
    """The envelope with its payload parsed by its type's model, or why it cannot be."""
    model = model_for(envelope.type, envelope.version)
    if model is None:
        return f"no published model for {envelope.type} version {envelope.version}"
    try:
        return Received(envelope, model.model_validate(envelope.payload))
    except ValidationError as exc:
        return f"invalid {envelope.type} payload: {describe(exc)}"


def _run_once(db: Db, consumer: str, event: Received, handler: Handler | None) -> str:
    with db.transaction() as tx:
        first = tx.run(FIRST, {"c": consumer, "e": str(event.event_id)}).first()
        if first is None:
            return "duplicate"
        if handler is None:
            return "ignored"
        handler(tx, event)
        return "handled"


def _dead_letter(db: Db, consumer: str, envelope: Envelope, error: str, attempts: int) -> None:
    _insert_dead_letter(db, consumer, str(envelope.event_id), envelope.type, envelope.model_dump_json(),
                        error, attempts)


def _park_invalid(db: Db, consumer: str, envelope: Envelope, error: str, context: dict) -> str:
    """Never handled: a retry cannot make it valid. Fixed by its producer, it can be replayed."""
    log.error("invalid event parked: %s", error, extra=context)
    _until_reachable(lambda: _dead_letter(db, consumer, envelope, error, 1), context)
    handled_total.labels(consumer, envelope.type, "invalid").inc()
    return "invalid"


def _park_malformed(db: Db, consumer: str, body, exc: ValidationError) -> str:
    log.error("malformed event parked: %s", exc, extra={"consumer": consumer})
    raw = json.dumps(body, ensure_ascii=False, default=str)
    _until_reachable(lambda: _insert_dead_letter(db, consumer, str(uuid.uuid4()), "malformed", raw,
                                                 str(exc), 1), {"consumer": consumer})
    handled_total.labels(consumer, "malformed", "malformed").inc()
    return "malformed"


def _insert_dead_letter(db: Db, consumer: str, event_id: str, type_: str, envelope_json: str,
                        error: str, attempts: int) -> None:
    with db.transaction() as tx:
        # a redelivered message that fails again is parked once (until it is replayed)
        tx.execute(
            text("INSERT INTO dead_letters (consumer, event_id, type, envelope, error, attempts) "
                 "SELECT CAST(:c AS varchar), CAST(:e AS uuid), :t, CAST(:env AS jsonb), :err, :a WHERE NOT EXISTS "
                 "(SELECT 1 FROM dead_letters WHERE consumer = CAST(:c AS varchar) AND event_id = CAST(:e AS uuid) "
                 "AND replayed_at IS NULL)"),
            {"c": consumer, "e": event_id, "t": type_[:100], "env": envelope_json, "err": error[:4000],
             "a": attempts},
        )


def park_undecodable(db: Db, consumer: str, message) -> str:
    """Park a message whose body could not be decoded (``services.common.amqp.Undecodable``):
    its bytes (base64 and as lossy text), content type, routing key and headers. Until the
    database takes it the worker waits, so the message stays unacked and cannot be lost."""
    record = message.as_record()
    _until_reachable(lambda: _insert_dead_letter(db, consumer, str(uuid.uuid4()), "undecodable",
                                                 json.dumps(record, ensure_ascii=False), message.error, 1),
                     {"consumer": consumer})
    handled_total.labels(consumer, "undecodable", "undecodable").inc()
    return "undecodable"
