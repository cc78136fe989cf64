"""Accounts: create (with a one-time password), change, disable and enable, reset the password,
and a deputy's account in one step from the roster."""
from services.common.errors import Conflict, Forbidden, NotFound, field_error
from services.common.validation import parse
from services.identity import credentials, domain, lockout, sessions
from services.identity.models import Account, DeputyRecord, RoleBinding
from services.identity.schemas import AccountIn, AccountUpdate, DeputyAccountIn, DisableIn
from services.identity.store import (audit, check_login_free, deputy_holder, enabled_holders, load_account,
                                     login_taken, publish_account, roles_of)
from services.identity.views import account_dict

ERRORS = {"forbidden": Forbidden, "conflict": Conflict}


def refuse(problem: tuple[str, str] | None) -> None:
    if problem:
        kind, message = problem
        raise ERRORS[kind](message)


def create(tx, actor: dict, data: dict, client: dict | None = None) -> dict:
    """A new account with its role bindings and a one-time password (must be changed at first sign-in),
    answered once as ``initial_password``."""
    form = parse(AccountIn, data)
    return create_account(tx, actor, form, client)


def create_account(tx, actor: dict, form: AccountIn, client: dict | None = None, checked: bool = False) -> dict:
    if not checked:
        check_new(tx, actor, form)
    answer = insert_account(tx, actor, form)
    audit(tx, actor, "account_created", {"account_id": [answer["id"]]}, client,
          detail=f"login {answer['login']}; roles: {', '.join(b['role'] for b in answer['roles']) or 'none'}")
    return answer


def insert_account(tx, actor: dict, form: AccountIn) -> dict:
    """A checked account with its bindings and a one-time password (answered once, must be changed);
    publishes identity.account_created. The caller records the audit (one account, or an import)."""
    account = Account(login=form.login.lower(), display_name=form.display_name, phone=form.phone,
                      email=form.email, created_by=actor.get("sub"))
    tx.add(account)
    tx.flush()
    for b in form.roles:
        tx.add(RoleBinding(account_id=account.id, role=b.role, deputy_id=b.deputy_id, unit_id=b.unit_id,
                           station_id=b.station_id, bound_by=actor.get("sub")))
    password = credentials.one_time_password()
    credentials.store_password(tx, account, password, must_change=True)
    bindings = publish_account(tx, account, created=True)
    return {**account_dict(account, bindings), "initial_password": password}


def check_new(tx, actor: dict, form: AccountIn) -> None:
    """The login is free, the roles may be held together and bound by this actor, deputies exist."""
    check_login_free(tx, form.login)
    roles = [b.role for b in form.roles]
    conflict = domain.administrative_conflict(roles)
    if conflict:
        raise Conflict(conflict)
    for b in form.roles:
        refuse(domain.binding_problem(actor.get("role"), actor.get("sub"), None, b.role, []))
        if b.deputy_id is not None and tx.get(DeputyRecord, b.deputy_id) is None:
            raise field_error("roles.deputy_id", f"deputy {b.deputy_id} is not on the roster")
        if b.deputy_id is not None and deputy_holder(tx, b.deputy_id) is not None:
            raise Conflict(f"deputy {b.deputy_id} has an account already: person-{deputy_holder(tx, b.deputy_id)}")
    if len({(b.role, b.deputy_id, b.unit_id, b.station_id) for b in form.roles}) < len(form.roles):
        raise field_error("roles", "a role is given twice")


def update(tx, actor: dict, account_id: int, data: dict, client: dict | None = None) -> dict:
    form = parse(AccountUpdate, data)
    changes = {k: getattr(form, k) for k in form.model_fields_set}
    if "display_name" in changes and changes["display_name"] is None:
        raise field_error("display_name", "may not be null")
    if not changes:
        raise field_error("body", "display_name, phone or email")
    account = load_account(tx, account_id, lock=True)
    if all(getattr(account, k) == v for k, v in changes.items()):
        return account_dict(account, roles_of(tx, account.id))
    for key, value in changes.items():
        setattr(account, key, value)
    bindings = publish_account(tx, account)
    audit(tx, actor, "account_updated", {"account_id": [account.id]}, client, detail=", ".join(sorted(changes)))
    return account_dict(account, bindings)


def set_disabled(tx, actor: dict, account_id: int, disabled: bool, data: dict | None = None,
                 client: dict | None = None) -> dict:
    """Disable (with a reason) or enable; a disabled account cannot sign in and its sessions end.
    The last enabled security administrator cannot be disabled."""
    form = parse(DisableIn, data or {}) if disabled else None
    account = load_account(tx, account_id, lock=True)
    held = [b.role for b in roles_of(tx, account.id)]
    refuse(domain.managing_problem(actor.get("role"), actor.get("sub"), domain.subject(account.id), held))
    if account.disabled == disabled:
        return account_dict(account, roles_of(tx, account.id))
    if disabled and "security_admin" in held:
        others = [b for b in enabled_holders(tx, "security_admin", lock=True) if b.account_id != account.id]
        if not others:
            raise Conflict("the last security administrator cannot be disabled")
    account.disabled = disabled
    account.disabled_reason = form.reason if disabled else None
    bindings = publish_account(tx, account)
    if disabled:  # every session ends now; its access tokens live at most the policy's access_ttl_seconds
        sessions.revoke_all(tx, account.id, "account disabled")
    audit(tx, actor, "account_disabled" if disabled else "account_enabled", {"account_id": [account.id]},
          client, detail=form.reason if disabled else None)
    return account_dict(account, bindings)


def reset_password(tx, actor: dict, account_id: int, client: dict | None = None) -> dict:
    """A new one-time password (answered once), to be changed at the next sign-in."""
    account = load_account(tx, account_id, lock=True)
    bindings = roles_of(tx, account.id)
    refuse(domain.managing_problem(actor.get("role"), actor.get("sub"), domain.subject(account.id),
                                   [b.role for b in bindings]))
    password = credentials.one_time_password()
    credential = credentials.store_password(tx, account, password, must_change=True)
    lockout.reset(tx, account.login.strip().lower())  # the person may sign in with it at once (signin.py keys it so)
    audit(tx, actor, "password_reset", {"account_id": [account.id]}, client)
    return {**account_dict(account, bindings, credential), "initial_password": password}


def account_for_deputy(tx, actor: dict, deputy_id: int, data: dict | None = None, client: dict | None = None) -> dict:
    """The roster's deputy gets an account bound to the deputy role in one step (404: not on the
    roster; 409: the deputy has an account already)."""
    form = parse(DeputyAccountIn, data or {})
    deputy = tx.get(DeputyRecord, deputy_id, with_for_update=True)
    if deputy is None:
        raise NotFound(f"no such deputy: {deputy_id}")
    held = deputy_holder(tx, deputy_id)
    if held is not None:
        raise Conflict(f"deputy {deputy_id} has an account already: person-{held}")
    login = form.login or default_login(tx, deputy)
    account_in = parse(AccountIn, {"login": login, "display_name": deputy.name, "phone": deputy.phone,
                                   "email": deputy.email, "roles": [{"role": "deputy", "deputy_id": deputy_id}]})
    check_login_free(tx, account_in.login)
    # the deputy role is a business role: the office, or an administrator, gives it
    return create_account(tx, actor, account_in, client, checked=True)


def default_login(tx, deputy: DeputyRecord) -> str:
    """``deputy<id>``, or its phone number when that is free (what a deputy remembers)."""
    if deputy.phone and deputy.phone.isdigit() and not login_taken(tx, deputy.phone):
        return deputy.phone
    return f"deputy{deputy.deputy_id}"
