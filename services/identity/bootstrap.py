"""First run: ``python -m services.identity.bootstrap`` (``make first-admin``; ``make up`` runs it).

On a fresh system it creates the first administrator (login ``admin``, role admin) and the first
security administrator (login ``secadmin``, role security_admin), each with a random one-time
password printed once, here, to stdout; both must change it at their first sign-in. Run again, it
says who exists and changes nothing. A role that some account already holds is left alone.

The administrative roles are bound here directly, bypassing the API's rule that only a security
administrator binds them (roles.bind): on a fresh system there is no security administrator yet to
do it. The two roles go to two different people, as 三员分立 requires; the auditor is bound later by
the security administrator through the API.
"""
import sys

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from services.common.db import Transaction, make_engine
from services.common.settings import db_url
from services.identity import credentials
from services.identity.events import RoleBound
from services.identity.models import Account, RoleBinding
from services.identity.store import audit, login_taken, publish_account

FIRST = (("admin", "admin", "系统管理员", "first administrator"),
         ("secadmin", "security_admin", "安全管理员", "first security administrator"))
ACTOR = {"sub": "bootstrap", "role": None}


def holders(tx, role: str) -> list[str]:
    return list(tx.scalars(select(Account.login).join(RoleBinding, RoleBinding.account_id == Account.id)
                           .where(RoleBinding.role == role).order_by(Account.id)))


def ensure(tx, login: str, role: str, name: str) -> tuple[str, str | None]:
    """(login, one-time password) of the account created for ``role``; password None: nothing created."""
    existing = holders(tx, role)
    if existing:
        return existing[0], None
    if login_taken(tx, login):
        raise SystemExit(f"no account holds {role}, but the login {login!r} is taken by an account without it: "
                         f"bind {role} to someone through the API, or rename that account")
    account = Account(login=login, display_name=name, created_by=ACTOR["sub"])
    tx.add(account)
    tx.flush()
    binding = RoleBinding(account_id=account.id, role=role, bound_by=ACTOR["sub"])
    tx.add(binding)
    password = credentials.one_time_password()
    credentials.store_password(tx, account, password, must_change=True)
    tx.flush()
    publish_account(tx, account, created=True)
    tx.publish(RoleBound(account_id=account.id, sub=f"person-{account.id}", binding_id=binding.id, role=role,
                         deputy_id=None, unit_id=None, station_id=None, actor=ACTOR["sub"]))
    audit(tx, ACTOR, "account_created", {"account_id": [account.id]}, detail=f"first run: {login} as {role}")
    return login, password


def main(url: str | None = None, out=None) -> int:
    out = out or sys.stdout
    engine = make_engine(url or db_url("identity"), pool_size=1, application_name="lianxin-identity-bootstrap")
    try:
        with Session(engine) as session, session.begin():
            tx = Transaction(session, "identity")
            # one first run at a time: a second waits here, then finds the accounts made
            session.execute(text("LOCK TABLE role_bindings IN EXCLUSIVE MODE"))
            results = [(what, role) + ensure(tx, login, role, name) for login, role, name, what in FIRST]
    finally:
        engine.dispose()
    for what, role, login, password in results:
        if password is None:
            print(f"[identity] {what}: an account with role {role} exists ({login}); nothing changed", file=out)
        else:
            print(f"[identity] {what}: login {login}, one-time password {password} "
                  f"(shown only now; changed at the first sign-in)", file=out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
