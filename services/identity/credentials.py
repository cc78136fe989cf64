"""A person's password. TODO(merge): minimal stand-in of the accounts part's credentials module
(same signature); the lead keeps theirs."""
from sqlalchemy import select

from services.common.clock import now
from services.common.errors import field_error
from services.identity.models import Credential, PasswordHistory
from services.identity.passwords import hash_password, verify_password


def set_password(tx, account, new_password: str, policy, must_change: bool = False) -> None:
    """Checks the policy (length, not the login name, not one of the last few), then stores it."""
    if not isinstance(new_password, str) or len(new_password) < policy.password_min_length:
        raise field_error("new_password", f"at least {policy.password_min_length} characters")
    if account.login.lower() in new_password.lower():
        raise field_error("new_password", "must not contain the login name")
    current = tx.get(Credential, account.id, with_for_update=True)
    earlier = list(tx.scalars(select(PasswordHistory.password_hash).where(PasswordHistory.account_id == account.id)
                              .order_by(PasswordHistory.id.desc()).limit(policy.password_history)))
    if current is not None:
        earlier.insert(0, current.password_hash)
    if any(verify_password(h, new_password) for h in earlier[:policy.password_history]):
        raise field_error("new_password", f"must not be one of the last {policy.password_history} passwords")
    hashed = hash_password(new_password)
    if current is None:
        tx.add(Credential(account_id=account.id, password_hash=hashed, must_change=must_change, changed_at=now()))
    else:
        tx.add(PasswordHistory(account_id=account.id, password_hash=current.password_hash))
        current.password_hash, current.must_change, current.changed_at = hashed, must_change, now()
