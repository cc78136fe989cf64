"""Sessions: opening one (access + refresh token), refreshing (rotation, reuse detection, idle
time-out, absolute lifetime), signing out, revoking every session of a person."""
import uuid
from datetime import timedelta

from sqlalchemy import delete, or_, select, update

from services.common.clock import now
from services.common.errors import Forbidden, field_error
from services.identity import domain, keys
from services.identity.crypto import digest, new_token
from services.identity.errors import SessionEnded
from services.identity.models import Account, Challenge, RefreshToken, RoleBinding, SignInSession
from services.identity.security_events import record
from services.identity.settings import effective_policy


def bindings_of(session, account_id: int) -> list[dict]:
    rows = session.scalars(select(RoleBinding).where(RoleBinding.account_id == account_id).order_by(RoleBinding.id))
    return [{"id": b.id, "role": b.role, "deputy_id": b.deputy_id, "unit_id": b.unit_id, "station_id": b.station_id}
            for b in rows]


def binding_for(session, account, binding_id: int | None) -> dict:
    """The binding to act with; 422 naming binding_id if it is not the person's, 403 if they hold no role."""
    bindings = bindings_of(session, account.id)
    binding = domain.choose_binding(bindings, binding_id)
    if binding is None:
        if binding_id is not None:
            raise field_error("binding_id", "not one of this account's role bindings")
        raise Forbidden("this account holds no role yet; ask an administrator to bind one")
    return binding


def account_answer(session, account, binding: dict | None = None) -> dict:
    return {"id": account.id, "sub": domain.subject(account.id), "login": account.login,
            "display_name": account.display_name, "roles": bindings_of(session, account.id),
            "role": binding["role"] if binding else None, "binding_id": binding["id"] if binding else None}


def open_session(tx, settings, account, amr: list[str], client: dict, binding_id: int | None = None) -> dict:
    """A new session for a person who has proven who they are (``amr``): the sign-in answer."""
    policy = effective_policy(tx.session, settings)
    binding = binding_for(tx.session, account, binding_id)
    at = now()
    client = client or {}
    row = SignInSession(id=uuid.uuid4().hex, account_id=account.id, binding_id=binding["id"], role=binding["role"],
                        amr=list(amr), client_address=(client.get("address") or None) and client["address"][:100],
                        user_agent=(client.get("user_agent") or None) and client["user_agent"][:300],
                        created_at=at, last_used_at=at, expires_at=at + timedelta(hours=policy.refresh_ttl_hours))
    tx.add(row)
    tx.flush()
    return _tokens(tx, settings, policy, account, binding, row, at) | {
        "account": account_answer(tx.session, account, binding)}


def _tokens(tx, settings, policy, account, binding: dict, row: SignInSession, at) -> dict:
    refresh_token = new_token("rt")
    tx.add(RefreshToken(session_id=row.id, token_hash=digest(refresh_token), created_at=at))
    claims = domain.access_claims(issuer=settings.issuer, account_id=account.id, name=account.display_name,
                                  binding=binding, sid=row.id, amr=row.amr, issued_at=int(at.timestamp()),
                                  ttl=policy.access_ttl, jti=uuid.uuid4().hex)
    return {"status": "signed_in", "access_token": keys.sign(tx, settings, claims), "refresh_token": refresh_token,
            "token_type": "Bearer", "expires_in": policy.access_ttl}


def _revoke(row: SignInSession, reason: str, at=None) -> None:
    if row.revoked_at is None:
        row.revoked_at, row.revoked_reason = at or now(), reason[:100]


def revoke_all(tx, account_id: int, reason: str) -> int:
    """Ends every live session of the person (their refresh tokens stop working); returns how many."""
    result = tx.execute(update(SignInSession)
                        .where(SignInSession.account_id == account_id, SignInSession.revoked_at.is_(None))
                        .values(revoked_at=now(), revoked_reason=reason[:100]))
    return result.rowcount


def refresh(tx, settings, refresh_token: str, client: dict):
    """New tokens for a refresh token (which is then used up), or the SessionEnded to answer after
    the transaction commits what it found (a reuse revokes the whole family)."""
    token = tx.scalar(select(RefreshToken).where(RefreshToken.token_hash == digest(refresh_token or ""))
                      .with_for_update())
    if token is None:
        return SessionEnded("the refresh token is not valid")
    row = tx.get(SignInSession, token.session_id, with_for_update=True)
    account = tx.get(Account, row.account_id)
    at = now()
    if row.revoked_at is not None:
        return SessionEnded("the session has ended; sign in again")
    if token.used_at is not None:
        _revoke(row, "refresh token reused", at)
        record(tx, "refresh_reuse", "denied", client=client, account=account, role=row.role, status=401,
               detail=f"a used refresh token was presented again; session {row.id} revoked")
        return SessionEnded("this refresh token was already used; the session is revoked")
    policy = effective_policy(tx.session, settings)
    if at - row.last_used_at > timedelta(minutes=policy.idle_minutes):
        _revoke(row, "idle", at)
        return SessionEnded("session timed out")
    if at >= row.expires_at:
        _revoke(row, "expired", at)
        return SessionEnded("the session has expired; sign in again")
    if account.disabled:
        revoke_all(tx, account.id, "account disabled")
        return SessionEnded("the session has ended; sign in again")
    binding = next((b for b in bindings_of(tx.session, account.id) if b["id"] == row.binding_id), None)
    if binding is None:
        _revoke(row, "role unbound", at)
        return SessionEnded("the role of this session was unbound; sign in again")
    token.used_at, row.last_used_at = at, at
    return _tokens(tx, settings, policy, account, binding, row, at) | {
        "account": account_answer(tx.session, account, binding)}


def sign_out(tx, refresh_token: str, client: dict) -> dict:
    """Ends the session of this refresh token (used or not); unknown tokens are answered alike."""
    token = tx.scalar(select(RefreshToken).where(RefreshToken.token_hash == digest(refresh_token or "")))
    if token is not None:
        row = tx.get(SignInSession, token.session_id, with_for_update=True)
        if row.revoked_at is None:
            _revoke(row, "signed out")
            record(tx, "sign_out", "ok", client=client, account=tx.get(Account, row.account_id), role=row.role)
    return {"status": "signed_out"}


def sign_out_everywhere(tx, actor: dict, client: dict) -> dict:
    """Every session of the person ends; a development token's caller has none."""
    account_id = domain.account_id_of(actor.get("sub"))
    account = tx.get(Account, account_id) if account_id else None
    count = revoke_all(tx, account.id, "signed out everywhere") if account else 0
    record(tx, "sign_out_everywhere", "ok", client=client, actor=actor, account=account, detail=f"{count} sessions")
    return {"status": "signed_out", "sessions": count}


def person_of(actor: dict) -> int:
    account_id = domain.account_id_of(actor.get("sub"))
    if account_id is None:
        raise Forbidden("only a person signed in with an account has sessions (not a development token)")
    return account_id


def session_dict(row: SignInSession, current_sid: str | None) -> dict:
    return {"id": row.id, "role": row.role, "binding_id": row.binding_id, "amr": row.amr,
            "client_address": row.client_address, "user_agent": row.user_agent, "created_at": row.created_at,
            "last_used_at": row.last_used_at, "expires_at": row.expires_at, "current": row.id == current_sid}


def list_sessions(session, actor: dict) -> dict:
    """The person's live sessions (a development token's caller has none)."""
    account_id = domain.account_id_of(actor.get("sub"))
    if account_id is None:
        return {"items": []}
    at = now()
    rows = session.scalars(select(SignInSession).where(SignInSession.account_id == account_id,
                                                       SignInSession.revoked_at.is_(None),
                                                       SignInSession.expires_at > at)
                           .order_by(SignInSession.created_at.desc()).limit(100))
    return {"items": [session_dict(r, actor.get("sid")) for r in rows]}


def me(session, actor: dict) -> dict:
    """The signed-in person; a development token's caller is only what the token says."""
    account_id = domain.account_id_of(actor.get("sub"))
    account = session.get(Account, account_id) if account_id else None
    if account is None:
        return {"id": None, "sub": actor.get("sub"), "login": None, "display_name": actor.get("name"), "roles": [],
                "role": actor.get("role"), "binding_id": None, "session": None}
    bindings = bindings_of(session, account.id)
    current = session.get(SignInSession, actor["sid"]) if actor.get("sid") else None
    if current is not None and current.account_id != account.id:
        current = None
    binding = next((b for b in bindings if current and b["id"] == current.binding_id), None) or \
        next((b for b in bindings if b["role"] == actor.get("role")), None)
    return account_answer(session, account, binding) | {
        "session": session_dict(current, actor.get("sid")) if current else None}


def purge(tx, keep_days: int = 30) -> dict:
    """Drops what can no longer be used: challenges an hour past expiry, sessions (and their refresh
    tokens) ended more than ``keep_days`` ago. The audit trail keeps the sign-ins themselves."""
    at = now()
    challenges = tx.execute(delete(Challenge).where(Challenge.expires_at < at - timedelta(hours=1))).rowcount
    cutoff = at - timedelta(days=keep_days)
    ended = select(SignInSession.id).where(or_(SignInSession.revoked_at < cutoff, SignInSession.expires_at < cutoff))
    tokens = tx.execute(delete(RefreshToken).where(RefreshToken.session_id.in_(ended))).rowcount
    gone = tx.execute(delete(SignInSession).where(SignInSession.id.in_(ended))).rowcount
    return {"challenges": challenges, "refresh_tokens": tokens, "sessions": gone}
