"""Sign-in: password (with lockout), then the steps a person may still owe (a forced password
change, TOTP enrolment or a TOTP / recovery code), then a session.

Use cases that refuse after writing (a failure counted, an audit record) return the error instead
of raising it: the entrypoint commits, then raises (service.py)."""
from sqlalchemy import func, select

from services.common.clock import now
from services.identity import challenges, credentials, domain, lockout, sessions, totp
from services.identity.errors import MESSAGES, AccountLocked, InvalidCode, InvalidCredentials
from services.identity.models import Account, Credential
from services.identity.passwords import verify_password
from services.identity.security_events import record
from services.identity.settings import effective_policy

MFA_METHODS = ["totp", "recovery_code"]


def sign_in(tx, settings, data: dict, client: dict):
    login = str(data.get("login") or "").strip().lower()[:200]
    password = str(data.get("password") or "")
    binding_id = data.get("binding_id")
    policy, at = effective_policy(tx.session, settings), now()
    until = lockout.locked_until(tx, login, at)
    if until:
        record(tx, "sign_in", "locked", client=client, login=login, status=423, detail="login name is locked")
        return AccountLocked(domain.lock_message(until, settings.zone))
    account = tx.scalar(select(Account).where(func.lower(Account.login) == login)) if login else None
    credential = tx.get(Credential, account.id) if account is not None else None
    if not verify_password(credential.password_hash if credential else None, password):
        return _failed(tx, settings, policy, login, client, "no such login name" if account is None else
                       "wrong password", account)
    if account.disabled:
        sessions.revoke_all(tx, account.id, "account disabled")
        record(tx, "sign_in", "denied", client=client, account=account, status=401, detail="account is disabled")
        return InvalidCredentials(MESSAGES["invalid_credentials"])
    lockout.reset(tx, login)
    return next_step(tx, settings, account, credential, binding_id, ["pwd"], client)


def _failed(tx, settings, policy, login: str, client: dict, detail: str, account=None):
    until = lockout.fail(tx, login, policy, now())
    record(tx, "sign_in", "failed", client=client, login=login, account=account, status=401, detail=detail)
    if until:
        record(tx, "sign_in", "locked", client=client, login=login, account=account, status=423,
               detail=f"{policy.lockout_threshold} failures: locked until {until.isoformat()}")
        return AccountLocked(domain.lock_message(until, settings.zone))
    return InvalidCredentials(MESSAGES["invalid_credentials"])


def next_step(tx, settings, account, credential, binding_id, amr: list[str], client: dict) -> dict:
    """What the person still owes before a session, as the sign-in answer."""
    policy = effective_policy(tx.session, settings)
    binding = sessions.binding_for(tx.session, account, binding_id)
    if credential is not None and credential.must_change:
        return {"status": "password_change_required",
                "challenge": challenges.issue(tx, account.id, "password_change", binding["id"], amr)}
    roles = [b["role"] for b in sessions.bindings_of(tx.session, account.id)]
    if "otp" not in amr and domain.needs_mfa(roles, policy.mfa_roles):
        if totp.enrolled(tx, account.id):
            return {"status": "mfa_required", "methods": MFA_METHODS,
                    "challenge": challenges.issue(tx, account.id, "mfa", binding["id"], amr)}
        return {"status": "mfa_enrolment_required",
                "challenge": challenges.issue(tx, account.id, "mfa_enrolment", binding["id"], amr)}
    answer = sessions.open_session(tx, settings, account, amr, client, binding["id"])
    record(tx, "sign_in", "ok", client=client, account=account, role=binding["role"], status=200,
           detail="amr=" + ",".join(amr))
    return answer


def _live_account(tx, account_id: int, client: dict):
    """The challenge's person, unless disabled meanwhile (then their sessions go too)."""
    account = tx.get(Account, account_id)
    if account is None or account.disabled:
        if account is not None:
            sessions.revoke_all(tx, account.id, "account disabled")
            record(tx, "sign_in", "denied", client=client, account=account, status=401, detail="account is disabled")
        return None
    return account


def mfa(tx, settings, data: dict, client: dict):
    """The second factor of a sign-in: a TOTP code or a recovery code; failures count toward lockout."""
    challenge = challenges.find(tx, data.get("challenge"), "mfa")
    account = _live_account(tx, challenge.account_id, client)
    if account is None:
        challenges.use(challenge)
        return InvalidCredentials(MESSAGES["invalid_credentials"])
    policy, login = effective_policy(tx.session, settings), account.login.lower()
    until = lockout.locked_until(tx, login, now())
    if until:
        challenges.use(challenge)
        record(tx, "mfa", "locked", client=client, account=account, status=423)
        return AccountLocked(domain.lock_message(until, settings.zone))
    if data.get("recovery_code"):
        ok, method = totp.use_recovery_code(tx, account.id, data["recovery_code"]), "recovery_code"
    else:
        ok, method = totp.check(tx, settings, account.id, str(data.get("code") or "")), "totp"
    if not ok:
        until = lockout.fail(tx, login, policy, now())
        record(tx, "mfa", "failed", client=client, account=account, status=401, detail=f"wrong {method}")
        if until:
            challenges.use(challenge)
            record(tx, "mfa", "locked", client=client, account=account, status=423)
            return AccountLocked(domain.lock_message(until, settings.zone))
        return InvalidCode("the code is wrong, already used or expired")
    challenges.use(challenge)
    lockout.reset(tx, login)
    record(tx, "mfa", "ok", client=client, account=account, detail=method)
    return next_step(tx, settings, account, tx.get(Credential, account.id), challenge.binding_id,
                     [*challenge.amr, "otp"], client)


def enrolment_account(tx, actor: dict | None, challenge_token: str | None, client: dict):
    """Who enrols: the signed-in person, or the one an enrolment challenge names."""
    if challenge_token:
        return _live_account(tx, challenges.find(tx, challenge_token, "mfa_enrolment").account_id, client)
    return tx.get(Account, sessions.person_of(actor or {}))


def confirm_totp(tx, settings, actor: dict | None, data: dict, client: dict):
    """The first code: recovery codes, and through an enrolment challenge the session too."""
    token = data.get("challenge")
    challenge = challenges.find(tx, token, "mfa_enrolment") if token else None
    account = enrolment_account(tx, actor, token, client)
    if account is None:
        return InvalidCredentials(MESSAGES["invalid_credentials"])
    codes = totp.confirm(tx, settings, account, str(data.get("code") or ""), client)
    if codes is None:
        record(tx, "totp_enrolled", "failed", client=client, account=account, status=401, detail="wrong code")
        return InvalidCode("the code is wrong or expired; check the authenticator's clock")
    answer = {"recovery_codes": codes}
    if challenge is not None:
        challenges.use(challenge)
        answer |= next_step(tx, settings, account, tx.get(Credential, account.id), challenge.binding_id,
                            [*challenge.amr, "otp"], client)
    return answer


def change_password(tx, settings, actor: dict | None, data: dict, client: dict):
    """Through a password_change challenge (then the sign-in goes on), or signed in with the current one."""
    policy = effective_policy(tx.session, settings)
    token = data.get("challenge")
    if token:
        challenge = challenges.find(tx, token, "password_change")
        account = _live_account(tx, challenge.account_id, client)
        if account is None:
            return InvalidCredentials(MESSAGES["invalid_credentials"])
        credentials.set_password(tx, account, data.get("new_password"), policy)
        challenges.use(challenge)
        record(tx, "password_changed", "ok", client=client, account=account, detail="forced change at sign-in")
        return next_step(tx, settings, account, tx.get(Credential, account.id), challenge.binding_id,
                         challenge.amr, client)
    account = tx.get(Account, sessions.person_of(actor or {}))
    credential = tx.get(Credential, account.id) if account else None
    if account is None or not verify_password(credential.password_hash if credential else None,
                                              str(data.get("current_password") or "")):
        record(tx, "password_changed", "failed", client=client, actor=actor, account=account, status=401,
               detail="wrong current password")
        return InvalidCredentials("the current password is wrong")
    credentials.set_password(tx, account, data.get("new_password"), policy)
    record(tx, "password_changed", "ok", client=client, actor=actor, account=account)
    return {"status": "password_changed"}
