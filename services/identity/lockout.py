"""Failed sign-ins per lower-cased login name (whether an account has it or not): the policy's
threshold of failures within its window locks the name (domain.after_failure)."""
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert

from services.identity import domain
from services.identity.models import SignInFailures


def _row(tx, login: str) -> SignInFailures:
    tx.execute(insert(SignInFailures).values(login=login, failures=0).on_conflict_do_nothing())
    return tx.scalar(select(SignInFailures).where(SignInFailures.login == login).with_for_update())


def locked_until(tx, login: str, at):
    row = tx.scalar(select(SignInFailures).where(SignInFailures.login == login))
    if row is None:
        return None
    return domain.locked_until(domain.Failures(row.failures, row.first_failure_at, row.locked_until), at)


def fail(tx, login: str, policy, at):
    """Counts one failure; the time the name is locked until if this one locked it, else None."""
    row = _row(tx, login)
    state = domain.after_failure(domain.Failures(row.failures, row.first_failure_at, row.locked_until), at,
                                 policy.lockout_threshold, policy.lockout_minutes)
    row.failures, row.first_failure_at, row.locked_until = state.count, state.first_at, state.locked_until
    return state.locked_until


def reset(tx, login: str) -> None:
    tx.execute(delete(SignInFailures).where(SignInFailures.login == login))
