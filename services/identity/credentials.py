"""Setting a person's password under the policy (length, classes, not the login, no reuse)."""
import secrets
import string

from sqlalchemy import delete, select

from services.common.clock import now
from services.common.errors import ValidationFailed
from services.identity import domain
from services.identity.models import Account, Credential, PasswordHistory
from services.identity.passwords import hash_password, verify_password


def check_new_password(tx, account: Account, new_password: str, policy) -> None:
    """ValidationFailed("new_password", ...) naming every rule the password breaks."""
    problems = domain.password_problems(new_password, account.login, policy)
    if not problems and policy.history > 0 and reused(tx, account.id, new_password, policy.history):
        problems.append(f"must not be any of the last {policy.history} passwords")
    if problems:
        raise ValidationFailed("new_password: " + "; ".join(problems),
                               [{"field": "new_password", "message": p} for p in problems])


def reused(tx, account_id: int, password: str, history: int) -> bool:
    """Whether ``password`` is the current one or one of the last ``history`` - 1 before it."""
    current = tx.get(Credential, account_id)
    hashes = [current.password_hash] if current else []
    hashes += tx.scalars(select(PasswordHistory.password_hash).where(PasswordHistory.account_id == account_id)
                         .order_by(PasswordHistory.id.desc()).limit(max(history - 1, 0))).all()
    return any(verify_password(h, password) for h in hashes[:history])


def set_password(tx, account: Account, new_password: str, policy, must_change: bool = False) -> Credential:
    """Check ``new_password`` against ``policy`` (ValidationFailed naming new_password), then store its
    hash; the old hash goes to the history (the last ``policy.history`` are kept)."""
    check_new_password(tx, account, new_password, policy)
    return store_password(tx, account, new_password, must_change, keep=policy.history)


def store_password(tx, account: Account, password: str, must_change: bool, keep: int = 5) -> Credential:
    """Store without checks (a generated one-time password); the old hash goes to the history."""
    credential = tx.get(Credential, account.id, with_for_update=True)
    new_hash = hash_password(password)
    if credential is None:
        credential = Credential(account_id=account.id, password_hash=new_hash, must_change=must_change,
                                changed_at=now())
        tx.add(credential)
    else:
        tx.add(PasswordHistory(account_id=account.id, password_hash=credential.password_hash, created_at=now()))
        credential.password_hash, credential.must_change, credential.changed_at = new_hash, must_change, now()
    tx.flush()
    prune_history(tx, account.id, max(keep, 1))
    return credential


def prune_history(tx, account_id: int, keep: int) -> None:
    keep_ids = select(PasswordHistory.id).where(PasswordHistory.account_id == account_id) \
        .order_by(PasswordHistory.id.desc()).limit(keep)
    tx.execute(delete(PasswordHistory).where(PasswordHistory.account_id == account_id,
                                             PasswordHistory.id.not_in(keep_ids)))


ALPHABET = string.ascii_letters + string.digits
SYMBOLS = "!#%+-=?@_~"


def one_time_password(length: int = 16) -> str:
    """A random password meeting every policy (all four classes, no ambiguous symbol), shown once."""
    length = max(length, 12)
    while True:
        chars = [secrets.choice(ALPHABET + SYMBOLS) for _ in range(length)]
        if domain.character_classes("".join(chars)) == {"lower", "upper", "digit", "symbol"}:
            return "".join(chars)
