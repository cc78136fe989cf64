"""The access tokens' RS256 signing keys: made on first need, rotated by a security administrator,
published as a JWKS. A superseded key stays in the JWKS until the tokens it signed have expired."""
import base64
import uuid
from datetime import timedelta

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from eventlet import tpool
from sqlalchemy import or_, select, text

from services.common.audit import AuditRecorded
from services.common.clock import now
from services.identity.crypto import seal, unseal
from services.identity.models import SigningKey

PURPOSE = b"signing_keys.private_key"
GRACE = timedelta(seconds=60)  # clock skew beyond an access token's lifetime
_private_keys: dict = {}  # kid -> key object, so the PEM is decrypted once per process


def _b64(n: int) -> str:
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def public_jwk(kid: str, private_key) -> dict:
    numbers = private_key.public_key().public_numbers()
    return {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid, "n": _b64(numbers.n), "e": _b64(numbers.e)}


def _new_key(tx, settings) -> SigningKey:
    private_key = tpool.execute(rsa.generate_private_key, public_exponent=65537, key_size=2048)
    pem = private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
    kid = uuid.uuid4().hex
    row = SigningKey(kid=kid, private_key=seal(settings.data_key, pem, PURPOSE),
                     public_jwk=public_jwk(kid, private_key), created_at=now())
    tx.add(row)
    tx.flush()
    _private_keys[kid] = private_key
    return row


def _lock(tx) -> None:
    tx.execute(text("SELECT pg_advisory_xact_lock(hashtext('identity.signing_keys'))"))


def current(tx, settings) -> tuple[str, object]:
    """(kid, private key) of the key that signs now; made when there is none."""
    row = tx.scalar(select(SigningKey).where(SigningKey.superseded_at.is_(None))
                    .order_by(SigningKey.created_at.desc()).limit(1))
    if row is None:
        _lock(tx)
        row = tx.scalar(select(SigningKey).where(SigningKey.superseded_at.is_(None))
                        .order_by(SigningKey.created_at.desc()).limit(1)) or _new_key(tx, settings)
    if row.kid not in _private_keys:
        pem = unseal(settings.data_key, row.private_key, PURPOSE)
        _private_keys[row.kid] = serialization.load_pem_private_key(pem, password=None)
    return row.kid, _private_keys[row.kid]


def sign(tx, settings, claims: dict) -> str:
    kid, private_key = current(tx, settings)
    return jwt.encode(claims, private_key, algorithm="RS256", headers={"kid": kid})


def jwks(session) -> dict:
    rows = session.scalars(select(SigningKey).where(or_(SigningKey.retire_at.is_(None), SigningKey.retire_at > now()))
                           .order_by(SigningKey.created_at.desc()))
    return {"keys": [row.public_jwk for row in rows]}


def rotate(tx, settings, policy, actor: dict, client: dict | None = None) -> dict:
    """A new key signs from now; the old ones leave the JWKS once their last tokens expired."""
    _lock(tx)
    at = now()
    old = list(tx.scalars(select(SigningKey).where(SigningKey.superseded_at.is_(None))))
    for row in old:
        row.superseded_at = at
        row.retire_at = at + timedelta(seconds=policy.access_ttl) + GRACE
    tx.flush()
    row = _new_key(tx, settings)
    client = client or {}
    tx.publish(AuditRecorded(at=at, service="identity", action="key_rotated", outcome="ok",
                             sub=actor.get("sub"), role=actor.get("role"), client=client.get("address"),
                             user_agent=client.get("user_agent"), targets={"kid": [row.kid]},
                             detail=f"superseded: {', '.join(r.kid for r in old) or 'none'}"))
    return {"kid": row.kid, "superseded": [r.kid for r in old],
            "retire_at": {r.kid: r.retire_at.isoformat() for r in old}}
