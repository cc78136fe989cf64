"""The public intake's rate limit, kept in PostgreSQL so it holds across replicas.

Each accepted submission is a row (key, at) with key = HMAC(secret, token + client address):
the address itself is never stored, and rows older than the window are deleted.
"""
from datetime import timedelta

from sqlalchemy import delete, func, select, text

from services.common.clock import now
from services.station import domain
from services.station.errors import rate_limited
from services.station.models import IntakeHit


def check_rate(tx, key: str, limit: int, window: int) -> None:
    """Count one submission for ``key``, or raise RateLimited (429 with the seconds to wait)."""
    at = now()
    # one key at a time: two requests at once cannot both take the last place
    tx.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 6))"), {"k": key})
    since = at - timedelta(seconds=window)
    hits = list(tx.scalars(select(IntakeHit.at).where(IntakeHit.key == key, IntakeHit.at > since)))
    wait = domain.retry_after(hits, at, limit, window)
    if wait is not None:
        raise rate_limited(wait)
    tx.add(IntakeHit(key=key, at=at))
    # sweep expired rows of any key, a few at a time, never waiting on another request's rows
    stale = select(IntakeHit.id).where(IntakeHit.at <= since).limit(100).with_for_update(skip_locked=True)
    tx.execute(delete(IntakeHit).where(IntakeHit.id.in_(stale.scalar_subquery())))


def hits(session) -> int:
    return session.scalar(select(func.count()).select_from(IntakeHit))
