"""The public intake: constituents' opinions sent through a station's QR link, without a login.

Its rate limit is kept in PostgreSQL so it holds across replicas. Each accepted submission
is a row (key, at) with key = HMAC(secret, token + client address): the address itself is
never stored, and rows older than the window are deleted.
"""
import hmac
from datetime import timedelta

from sqlalchemy import delete, select, text

from services.common.clock import now
from services.common.errors import NotFound
from services.common.validation import parse
from services.station import domain
from services.station.errors import rate_limited
from services.station.models import IntakeHit, Opinion, Station
from services.station.rules import Rules
from services.station.schemas import PublicOpinionIn
from services.station.store import publish_received


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


def receive_public(tx, station_id: int, data: dict, client: str, rules: Rules) -> dict:
    """The public QR path: no login; the token must be the station's; limited per (token, client).

    Kept: the content, the contact if given, the station, the time and channel "qr" - nothing else.
    """
    form = parse(PublicOpinionIn, data)
    station = tx.get(Station, station_id)
    if station is None or not form.qr_token or not hmac.compare_digest(station.qr_token.encode(),
                                                                       form.qr_token.encode()):
        raise NotFound(f"station {station_id} not found (or the link is not this station's)")
    check_rate(tx, domain.intake_key(rules.intake_secret, form.qr_token, client or "?"),
               rules.intake_limit, rules.intake_window)
    opinion = Opinion(station_id=station_id, content=form.content, contact=form.contact or None, channel="qr",
                      received_at=now(), status="open")
    tx.add(opinion)
    tx.flush()
    publish_received(tx, station, opinion, None)
    return {"id": opinion.id, "station_id": station_id, "status": "open", "received_at": opinion.received_at}
