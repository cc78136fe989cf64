"""Sign-in challenges: short-lived (5 min), one-use steps between the password and a session
(mfa, mfa_enrolment, password_change), handed out once and stored as SHA-256."""
from datetime import timedelta

from sqlalchemy import select

from services.common.clock import now
from services.identity.crypto import digest, new_token
from services.identity.errors import InvalidChallenge
from services.identity.models import Challenge

LIFETIME = timedelta(minutes=5)
PURPOSES = ("mfa", "mfa_enrolment", "password_change")


def issue(tx, account_id: int, purpose: str, binding_id: int | None, amr: list[str]) -> str:
    token = new_token("ch")
    at = now()
    tx.add(Challenge(token_hash=digest(token), account_id=account_id, purpose=purpose, binding_id=binding_id,
                     amr=list(amr), created_at=at, expires_at=at + LIFETIME))
    return token


def find(tx, token: str | None, *purposes: str) -> Challenge:
    """The live challenge of one of ``purposes`` (locked for this transaction), else 401."""
    row = tx.scalar(select(Challenge).where(Challenge.token_hash == digest(token or "")).with_for_update()) \
        if token else None
    if row is None or row.used_at is not None or row.expires_at <= now() or row.purpose not in purposes:
        raise InvalidChallenge("the challenge is not valid or has expired; sign in again")
    return row


def use(row: Challenge) -> None:
    row.used_at = now()
