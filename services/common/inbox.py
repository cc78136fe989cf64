"""Idempotent event handling: processed-events, retries with backoff, dead letters.

nameko acks a message whose handler raised, so nothing may escape: a handler
that keeps failing is parked in ``dead_letters`` (list and replay them with
``python -m services.common.deadletters``).
"""
import logging
from typing import Callable

import eventlet
from prometheus_client import Counter
from sqlalchemy import text

from services.common.context import set_request_id
from services.common.db import Db, Transaction
from services.common.envelope import Envelope
from services.common.metrics import get_or_create

log = logging.getLogger(__name__)

RETRY_DELAYS = (0.2, 1.0, 3.0)

Handler = Callable[[Transaction, Envelope], None]

handled_total = get_or_create(Counter, "lianxin_events_handled_total",
                              "Events handled by outcome", ["consumer", "type", "outcome"])


def handle_event(db: Db, consumer: str, body: dict, handlers: dict[str, Handler],
                 retry_delays: tuple | None = None) -> str:
    """Run the handler for ``body`` at most once per (consumer, event_id).

    Returns the outcome: handled, duplicate, ignored or dead_lettered.
    """
    retry_delays = RETRY_DELAYS if retry_delays is None else retry_delays
    envelope = Envelope.model_validate(body)
    set_request_id(envelope.request_id)
    handler = handlers.get(envelope.type) or handlers.get("*")
    attempts = 0
    while True:
        attempts += 1
        try:
            outcome = _run_once(db, consumer, envelope, handler)
            break
        except Exception as exc:  # noqa: BLE001 - every failure is retried, then parked
            if attempts > len(retry_delays):
                log.exception("handler failed %d times; dead-lettered", attempts,
                              extra={"event_type": envelope.type, "event_id": str(envelope.event_id),
                                     "consumer": consumer})
                _dead_letter(db, consumer, envelope, repr(exc), attempts)
                outcome = "dead_lettered"
                break
            log.warning("handler failed (attempt %d): %r", attempts, exc,
                        extra={"event_type": envelope.type, "event_id": str(envelope.event_id)})
            eventlet.sleep(retry_delays[attempts - 1])
    handled_total.labels(consumer, envelope.type, outcome).inc()
    log.info("event %s", outcome, extra={"event_type": envelope.type, "event_id": str(envelope.event_id),
                                         "consumer": consumer})
    return outcome


def _run_once(db: Db, consumer: str, envelope: Envelope, handler: Handler | None) -> str:
    with db.transaction() as tx:
        first = tx.execute(
            text("INSERT INTO processed_events (consumer, event_id) VALUES (:c, :e) "
                 "ON CONFLICT DO NOTHING RETURNING 1"),
            {"c": consumer, "e": str(envelope.event_id)},
        ).first()
        if first is None:
            return "duplicate"
        if handler is None:
            return "ignored"
        handler(tx, envelope)
        return "handled"


def _dead_letter(db: Db, consumer: str, envelope: Envelope, error: str, attempts: int) -> None:
    with db.transaction() as tx:
        tx.execute(
            text("INSERT INTO dead_letters (consumer, event_id, type, envelope, error, attempts) "
                 "VALUES (:c, :e, :t, CAST(:env AS jsonb), :err, :a)"),
            {"c": consumer, "e": str(envelope.event_id), "t": envelope.type,
             "env": envelope.model_dump_json(), "err": error[:4000], "a": attempts},
        )
