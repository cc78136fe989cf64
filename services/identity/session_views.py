"""Reads of sessions: the signed-in person (``/auth/me``) and their live sessions."""
from sqlalchemy import select

from services.common.clock import now
from services.identity import domain
from services.identity.models import Account, SignInSession
from services.identity.sessions import account_answer, bindings_of


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
