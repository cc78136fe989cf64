"""Loading and locking of accounts and bindings, the audit record of identity's own security
events, and the account events; shared by the use cases (accounts, roles, imports, bootstrap)."""
from sqlalchemy import func, select

from services.common.audit import AuditRecorded
from services.common.clock import now
from services.common.context import current_request_id
from services.common.errors import Conflict
from services.common.store import load_or_404
from services.identity.domain import subject
from services.identity.events import AccountCreated, AccountUpdated
from services.identity.models import Account, RoleBinding


def load_account(tx_or_session, account_id: int, lock: bool = False) -> Account:
    return load_or_404(tx_or_session, Account, account_id, "account", lock)


def roles_of(tx_or_session, account_id: int) -> list[RoleBinding]:
    return list(tx_or_session.scalars(select(RoleBinding).where(RoleBinding.account_id == account_id)
                                      .order_by(RoleBinding.id)))


def login_taken(tx_or_session, login: str) -> bool:
    return tx_or_session.scalar(select(func.count()).select_from(Account)
                                .where(func.lower(Account.login) == login.lower())) > 0


def check_login_free(tx_or_session, login: str) -> None:
    if login_taken(tx_or_session, login):
        raise Conflict(f"the login {login!r} is taken", [{"field": "login", "message": "taken"}])


def deputy_holder(tx_or_session, deputy_id: int) -> int | None:
    """The account bound to this deputy, if any (a deputy has one account)."""
    return tx_or_session.scalar(select(RoleBinding.account_id).where(RoleBinding.role == "deputy",
                                                                     RoleBinding.deputy_id == deputy_id).limit(1))


def enabled_holders(tx_or_session, role: str, lock: bool = False) -> list[RoleBinding]:
    """Bindings of ``role`` held by enabled accounts (locked FOR UPDATE if ``lock``: two security
    administrators removing each other at once must not both succeed)."""
    query = (select(RoleBinding).join(Account, Account.id == RoleBinding.account_id)
             .where(RoleBinding.role == role, Account.disabled.is_(False)).order_by(RoleBinding.id))
    if lock:
        query = query.with_for_update(of=RoleBinding)
    return list(tx_or_session.scalars(query))


def audit(tx, actor: dict | None, action: str, targets: dict, client: dict | None = None, outcome: str = "ok",
          detail: str | None = None, login: str | None = None) -> None:
    """Record one of identity's own security events in the audit trail (with the write it records)."""
    actor, client = actor or {}, client or {}
    tx.publish(AuditRecorded(at=now(), service="identity", action=action, outcome=outcome,
                             sub=actor.get("sub"), role=actor.get("role"), login=login, targets=targets,
                             client=client.get("address"), user_agent=client.get("user_agent"),
                             request_id=current_request_id(), detail=detail))


def publish_account(tx, account: Account, created: bool = False) -> list[RoleBinding]:
    """account_created / account_updated with the account as it is now; answers its bindings."""
    account.updated_at = now()
    tx.flush()
    bindings = roles_of(tx, account.id)
    roles = [{k: v for k, v in (("role", b.role), ("deputy_id", b.deputy_id), ("unit_id", b.unit_id),
                                ("station_id", b.station_id)) if v is not None} for b in bindings]
    event = AccountCreated if created else AccountUpdated
    tx.publish(event(account_id=account.id, sub=subject(account.id), login=account.login,
                     display_name=account.display_name, phone=account.phone, email=account.email,
                     disabled=account.disabled, roles=roles))
    return bindings
