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
