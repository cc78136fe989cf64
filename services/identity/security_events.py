"""The identity service's own audit records (sign-in, MFA, sessions, keys), published as
``audit.recorded`` through the outbox in the transaction of the change they record."""
from services.common.audit import AuditRecorded
from services.common.clock import now
from services.common.context import current_request_id
from services.identity.domain import subject


def record(tx, action: str, outcome: str, *, client: dict | None = None, account=None, login: str | None = None,
           role: str | None = None, status: int | None = None, detail: str | None = None,
           actor: dict | None = None, targets: dict | None = None) -> None:
    client = client or {}
    sub = actor.get("sub") if actor else (subject(account.id) if account is not None else None)
    tx.publish(AuditRecorded(
        at=now(), service="identity", action=action, outcome=outcome, status=status, sub=sub,
        role=(actor or {}).get("role") or role, login=login if login is not None else getattr(account, "login", None),
        client=client.get("address"), user_agent=(client.get("user_agent") or None) and client["user_agent"][:300],
        request_id=client.get("request_id") or current_request_id(), detail=detail, targets=targets or {}))
