"""Pure rules of identity: who a person is in a token, and which roles may be held together."""

# 三员分立: the three administrative duties, never two of them in one person
ADMINISTRATIVE = ("admin", "security_admin", "auditor")
# the roles of the suggestion work; deputy/unit/station bindings name their deputy/unit/station
BUSINESS = ("office", "leader", "assessor", "deputy", "unit", "station")
SCOPE_OF = {"deputy": "deputy_id", "unit": "unit_id", "station": "station_id"}


def subject(account_id: int) -> str:
    """The ``sub`` of a person's tokens: stable for life, never reused (a login may be renamed)."""
    return f"person-{account_id}"


def account_id_of(sub: str | None) -> int | None:
    if sub and sub.startswith("person-") and sub[7:].isdigit():
        return int(sub[7:])
    return None


# ---- password policy ---------------------------------------------------------------------
CLASS_NAMES = {"lower": "a lower-case letter", "upper": "an upper-case letter", "digit": "a digit",
               "symbol": "a symbol"}


def character_classes(password: str) -> set[str]:
    """Which of the four classes (lower, upper, digit, symbol) the password uses; a letter with no
    case (Chinese) counts as a symbol."""
    found = set()
    for ch in password:
        if ch.isdigit():
            found.add("digit")
        elif ch.islower():
            found.add("lower")
        elif ch.isupper():
            found.add("upper")
        elif not ch.isspace():
            found.add("symbol")
    return found


def password_problems(password: str, login: str | None, policy) -> list[str]:
    """Every rule of ``policy`` the password breaks (empty: acceptable). ``policy`` has
    min_length and classes (policy.Policy)."""
    problems = []
    if len(password) < policy.min_length:
        problems.append(f"must be at least {policy.min_length} characters long")
    if len(password) > 256:
        problems.append("must be at most 256 characters long")
    used = character_classes(password)
    if len(used) < policy.classes:
        missing = ", ".join(CLASS_NAMES[c] for c in CLASS_NAMES if c not in used)
        problems.append(f"must use at least {policy.classes} of: lower-case letters, upper-case letters, "
                        f"digits, symbols (add {missing})")
    if login and len(login) >= 3 and login.lower() in password.lower():
        problems.append("must not contain the login name")
    return problems


# ---- 三员分立: who may bind which role ------------------------------------------------------
def binding_problem(actor_role: str, actor_sub: str | None, target_sub: str, role: str,
                    held_roles: list[str]) -> tuple[str, str] | None:
    """Why the actor may not bind ``role`` to the account (``held_roles`` its roles now), as
    (kind, message) with kind "forbidden" (a 403) or "conflict" (a 409); None: allowed."""
    if role in ADMINISTRATIVE:
        if actor_role != "security_admin":
            return "forbidden", "only a security administrator binds the administrative roles"
        if actor_sub == target_sub:
            return "forbidden", "nobody binds an administrative role to themselves"
        other = [r for r in held_roles if r in ADMINISTRATIVE and r != role]
        if other:
            return "conflict", (f"the account holds {other[0]}: no one holds two of admin, security_admin "
                                f"and auditor (三员分立)")
        return None
    if actor_role not in ("admin", "security_admin"):
        return "forbidden", "only an administrator or a security administrator binds roles"
    return None


def unbinding_problem(actor_role: str, actor_sub: str | None, target_sub: str, role: str,
                      security_admins_left: int) -> tuple[str, str] | None:
    """Why the actor may not remove a binding of ``role``; ``security_admins_left`` counts the
    enabled holders of security_admin other than this binding."""
    if role in ADMINISTRATIVE:
        if actor_role != "security_admin":
            return "forbidden", "only a security administrator unbinds the administrative roles"
        if actor_sub == target_sub:
            return "forbidden", "nobody unbinds an administrative role of their own"
        if role == "security_admin" and security_admins_left < 1:
            return "conflict", "the last security administrator cannot be unbound"
        return None
    if actor_role not in ("admin", "security_admin"):
        return "forbidden", "only an administrator or a security administrator unbinds roles"
    return None


def administrative_conflict(roles: list[str]) -> str | None:
    """A message if ``roles`` (one person's, e.g. an account being created) hold two of the three."""
    held = sorted({r for r in roles if r in ADMINISTRATIVE})
    if len(held) > 1:
        return f"no one holds two of admin, security_admin and auditor (三员分立): {', '.join(held)}"
    return None


def managing_problem(actor_role: str, actor_sub: str | None, target_sub: str,
                     target_roles: list[str]) -> tuple[str, str] | None:
    """Why the actor may not disable, enable or reset the password of an account: a holder of an
    administrative role is looked after by a security administrator (an administrator who could
    reset the security administrator's password would hold both duties), everyone else by an
    administrator; nobody does it to themselves."""
    if actor_sub is not None and actor_sub == target_sub:
        return "forbidden", "nobody does this to their own account"
    if any(r in ADMINISTRATIVE for r in target_roles):
        if actor_role != "security_admin":
            return "forbidden", "an account with an administrative role is looked after by a security administrator"
        return None
    if actor_role != "admin":
        return "forbidden", "only an administrator looks after this account"
    return None


# ---- sign-in: bindings, access-token claims, lockout arithmetic (pure) ----------------------
from dataclasses import dataclass  # noqa: E402
from datetime import datetime, timedelta  # noqa: E402

AUDIENCE = "lianxin-api"
ID_CLAIMS = ("deputy_id", "unit_id", "station_id")


def choose_binding(bindings: list[dict], binding_id: int | None) -> dict | None:
    """The binding a session acts with: the one asked for, else the person's first; None if the
    person holds no role, or not the one asked for."""
    if binding_id is None:
        return bindings[0] if bindings else None
    return next((b for b in bindings if b["id"] == binding_id), None)


def access_claims(*, issuer: str, account_id: int, name: str, binding: dict, sid: str, amr: list[str],
                  issued_at: int, ttl: int, jti: str) -> dict:
    """The claims of an access token (the shared contract of issue 16)."""
    claims = {"iss": issuer, "aud": AUDIENCE, "sub": subject(account_id), "role": binding["role"],
              "name": name, "sid": sid, "amr": list(amr), "iat": issued_at, "exp": issued_at + ttl, "jti": jti}
    for key in ID_CLAIMS:
        if binding.get(key) is not None:
            claims[key] = int(binding[key])
    return claims


def needs_mfa(roles: list[str], mfa_roles) -> bool:
    """Any role the person holds that the policy names needs the second factor, whichever binding
    they sign in with (a person is one person)."""
    return any(r in mfa_roles for r in roles)


@dataclass(frozen=True)
class Failures:
    """Failed sign-ins of one login name: how many since ``first_at``, and a lock if one holds."""
    count: int = 0
    first_at: datetime | None = None
    locked_until: datetime | None = None


def locked_until(state: Failures, at: datetime) -> datetime | None:
    return state.locked_until if state.locked_until and state.locked_until > at else None


def after_failure(state: Failures, at: datetime, threshold: int, minutes: int) -> Failures:
    """One more failure: counted within a window of ``minutes`` from the first one; the
    ``threshold``-th in the window locks the name for ``minutes`` from now (and starts afresh)."""
    window = timedelta(minutes=minutes)
    if state.first_at is None or at - state.first_at >= window:
        count, first = 0, at
    else:
        count, first = state.count, state.first_at
    count += 1
    if count >= threshold:
        return Failures(0, None, at + window)
    return Failures(count, first, None)


def lock_message(until: datetime, zone) -> str:
    """What a locked-out person reads: the minute (office time, rounded up) the lock ends."""
    local = until.astimezone(zone)
    if local.second or local.microsecond:
        local = local.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return f"too many failed sign-ins; try again after {local:%H:%M}"
