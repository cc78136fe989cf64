"""Sends pending deliveries: claim a batch, send outside any transaction, record the outcome.

- claim: one short transaction takes due rows with FOR UPDATE SKIP LOCKED (so any
  number of replicas share the work), counts the attempt and pushes next_attempt_at
  one lease ahead; then commits. No row is sent by two dispatchers at once.
- send: e-mail or webhook, with the connection's timeout, no transaction open.
- record: delivered, or last_error and the next try after the backoff, or - when the
  retries are used up - state dead and a row in delivery_dead_letters.
A dispatcher that dies between send and record leaves the row claimed: after the
lease it is sent again. So delivery is at-least-once at the SMTP/HTTP boundary;
the Message-ID / Idempotency-Key (one per notification) lets the receiver dedupe.
"""
import logging
from datetime import timedelta

import eventlet
from prometheus_client import Counter
from sqlalchemy import text

from services.common.clock import now
from services.common.metrics import get_or_create
from services.notify import channels, policy
from services.notify.settings import Settings

log = logging.getLogger(__name__)
CONCURRENCY = 10

deliveries_total = get_or_create(Counter, "lianxin_notify_deliveries_total",
                                 "Delivery attempts by channel and outcome (delivered, failed, dead)",
                                 ["channel", "outcome"])

CLAIM = text("""
    UPDATE deliveries d SET attempts = d.attempts + 1, last_attempt_at = :at, next_attempt_at = :lease_until
    FROM notifications n
    WHERE n.id = d.notification_id AND d.id IN (
        SELECT id FROM deliveries WHERE state = 'pending' AND next_attempt_at <= :at
        ORDER BY next_attempt_at, id LIMIT :n FOR UPDATE SKIP LOCKED)
    RETURNING d.id, d.channel, d.address, d.attempts, n.id AS notification_id, n.event_id, n.type,
              n.recipient, n.title, n.body, n.suggestion_id, n.created_at""")


def claim(db, settings: Settings) -> list[dict]:
    at = now()
    with db.transaction() as tx:
        rows = tx.execute(CLAIM, {"at": at, "lease_until": at + timedelta(seconds=settings.lease_seconds),
                                  "n": settings.batch}).mappings().all()
    return [dict(r, event_id=str(r["event_id"])) for r in rows]


def record(db, settings: Settings, item: dict, error: str | None) -> str:
    """Write the outcome of one try; only if the row is still ours (same attempt, still pending)."""
    at = now()
    mine = {"id": item["id"], "attempts": item["attempts"], "at": at}
    with db.transaction() as tx:
        if error is None:
            tx.execute(text("UPDATE deliveries SET state = 'delivered', delivered_at = :at, last_error = NULL "
                            "WHERE id = :id AND attempts = :attempts AND state = 'pending'"), mine)
            return "delivered"
        delay = policy.after_failure(item["attempts"], settings.backoff)
        if delay is not None:
            tx.execute(text("UPDATE deliveries SET last_error = :err, next_attempt_at = :next "
                            "WHERE id = :id AND attempts = :attempts AND state = 'pending'"),
                       {**mine, "err": error[:2000], "next": at + timedelta(seconds=delay)})
            return "failed"
        dead = tx.execute(text("UPDATE deliveries SET state = 'dead', last_error = :err "
                               "WHERE id = :id AND attempts = :attempts AND state = 'pending' RETURNING id"),
                          {**mine, "err": error[:2000]}).first()
        if dead is not None:
            tx.execute(text("INSERT INTO delivery_dead_letters (delivery_id, channel, error, attempts) "
                            "VALUES (:id, :channel, :err, :attempts)"),
                       {"id": item["id"], "channel": item["channel"], "err": error[:4000],
                        "attempts": item["attempts"]})
        return "dead"


def _deliver(db, settings: Settings, item: dict) -> str:
    try:
        channels.send(settings, item)
        error = None
    except channels.DeliveryFailed as exc:
        error = str(exc)
    except Exception as exc:  # noqa: BLE001 - a bug in one send must not stop the batch
        log.exception("delivery %s crashed", item["id"])
        error = f"{type(exc).__name__}: {exc}"
    outcome = record(db, settings, item, error)
    deliveries_total.labels(item["channel"], outcome).inc()
    if error:
        log.warning("delivery %s (%s) %s after attempt %d: %s", item["id"], item["channel"], outcome,
                    item["attempts"], error)
    return outcome


def dispatch(db, settings: Settings) -> dict:
    """One round: claim due deliveries and send them (a few at a time). Returns the outcomes."""
    items = claim(db, settings)
    outcomes: dict[str, int] = {}
    pool = eventlet.GreenPool(CONCURRENCY)
    for outcome in pool.imap(lambda item: _deliver(db, settings, item), items):
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes
