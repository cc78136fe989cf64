"""Pure rules of sign-in: lockout arithmetic, the TOTP window, access-token claims; and the gateway's
verification of RS256 tokens (JWKS cache, iss/aud/exp, development tokens only in development mode)."""
import time
import uuid
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import jwt
import pyotp
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway import tokens
from gateway.auth import DEV_REFUSED, SIGNED_IN, actor_from
from gateway.errors import ApiError
from gateway.jwks import JwksCache
from gateway.settings import GatewaySettings
from services.common.errors import Unavailable
from services.identity import crypto, domain, totp
from services.identity.keys import public_jwk

T0 = datetime(2026, 11, 30, 2, 30, tzinfo=timezone.utc)


# ---- lockout -------------------------------------------------------------------------------
def fail(state, minutes_after: float, threshold=5, minutes=15):
    return domain.after_failure(state, T0 + timedelta(minutes=minutes_after), threshold, minutes)


def test_the_fifth_failure_within_the_window_locks_for_the_lockout_minutes():
    state = domain.Failures()
    for i in range(4):
        state = fail(state, i)
        assert domain.locked_until(state, T0 + timedelta(minutes=i)) is None
    assert state.count == 4
    state = fail(state, 4)
    assert state.locked_until == T0 + timedelta(minutes=19)
    assert domain.locked_until(state, T0 + timedelta(minutes=18, seconds=59)) == state.locked_until
    assert domain.locked_until(state, T0 + timedelta(minutes=19)) is None


def test_failures_older_than_the_window_start_afresh():
    state = domain.Failures()
    for i in range(4):
        state = fail(state, i)
    state = fail(state, 15)  # the first failure was 15 minutes ago: a new window
    assert (state.count, state.locked_until, state.first_at) == (1, None, T0 + timedelta(minutes=15))


def test_after_a_lock_the_count_starts_from_zero():
    state = domain.Failures(0, None, T0)
    state = fail(state, 20)
    assert (state.count, state.locked_until) == (1, None)


def test_the_lock_message_names_the_office_minute_rounded_up():
    until = datetime(2026, 11, 30, 2, 44, 30, tzinfo=timezone.utc)
    assert domain.lock_message(until, ZoneInfo("Asia/Shanghai")) == "too many failed sign-ins; try again after 10:45"
    assert domain.lock_message(until.replace(second=0), ZoneInfo("Asia/Shanghai")).endswith("10:44")


# ---- TOTP ----------------------------------------------------------------------------------
SECRET = pyotp.random_base32()


def test_a_code_is_accepted_one_step_either_side_and_not_further():
    now = time.time()
    step = totp.step_of(now)
    otp = pyotp.TOTP(SECRET)
    for offset in (-1, 0, 1):
        assert totp.matching_step(SECRET, otp.generate_otp(step + offset), now, 0) == step + offset
    for offset in (-3, -2, 2, 3):
        assert totp.matching_step(SECRET, otp.generate_otp(step + offset), now, 0) is None


def test_a_used_code_or_an_older_one_is_refused():
    now = time.time()
    step = totp.step_of(now)
    code = pyotp.TOTP(SECRET).generate_otp(step)
    assert totp.matching_step(SECRET, code, now, last_step=step) is None
    assert totp.matching_step(SECRET, pyotp.TOTP(SECRET).generate_otp(step - 1), now, last_step=step) is None
    for bad in ("", "12345", "abcdef", "1234567"):
        assert totp.matching_step(SECRET, bad, now, 0) is None


def test_recovery_codes_are_distinct_and_read_loosely():
    codes = {totp.new_recovery_code() for _ in range(50)}
    assert len(codes) == 50
    code = next(iter(codes))
    assert totp.normal_recovery(code.upper().replace("-", " - ")) == totp.normal_recovery(code)


def test_sealed_secrets_need_the_key_and_their_purpose():
    sealed = crypto.seal("k" * 32, b"JBSWY3DPEHPK3PXP", b"totp")
    assert b"JBSWY3DPEHPK3PXP" not in sealed
    assert crypto.unseal("k" * 32, sealed, b"totp") == b"JBSWY3DPEHPK3PXP"
    with pytest.raises(Exception):
        crypto.unseal("x" * 32, sealed, b"totp")
    with pytest.raises(Exception):
        crypto.unseal("k" * 32, sealed, b"signing")


# ---- claims --------------------------------------------------------------------------------
def test_access_claims_follow_the_contract():
    claims = domain.access_claims(issuer="lianxin", account_id=7, name="王芳",
                                  binding={"id": 3, "role": "unit", "unit_id": 12, "deputy_id": None},
                                  sid="s1", amr=["pwd", "otp"], issued_at=1000, ttl=600, jti="j1")
    assert claims == {"iss": "lianxin", "aud": "lianxin-api", "sub": "person-7", "role": "unit", "unit_id": 12,
                      "name": "王芳", "sid": "s1", "amr": ["pwd", "otp"], "iat": 1000, "exp": 1600, "jti": "j1"}


def test_choose_binding_and_who_needs_mfa():
    bindings = [{"id": 4, "role": "deputy"}, {"id": 9, "role": "station"}]
    assert domain.choose_binding(bindings, None)["id"] == 4
    assert domain.choose_binding(bindings, 9)["role"] == "station"
    assert domain.choose_binding(bindings, 5) is None and domain.choose_binding([], None) is None
    assert domain.needs_mfa(["deputy", "office"], ("office",)) and not domain.needs_mfa(["deputy"], ("office",))


# ---- the gateway's verification --------------------------------------------------------------
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
KID = uuid.uuid4().hex


def rs256(key=KEY, kid=KID, **claims) -> str:
    now = int(time.time())
    base = {"iss": "lianxin", "aud": "lianxin-api", "sub": "person-5", "role": "leader", "name": "张三",
            "sid": "abc", "iat": now, "exp": now + 600, "jti": "j"}
    return jwt.encode({**base, **claims}, key, algorithm="RS256", headers={"kid": kid})


class Fetcher:
    def __init__(self, *keys):
        self.calls, self.keys = 0, list(keys)

    def __call__(self):
        self.calls += 1
        return {"keys": [public_jwk(kid, key) for kid, key in self.keys]}


def actor(token: str, keys, settings=GatewaySettings(jwt_secret=tokens.secret())) -> dict:
    request = Request(EnvironBuilder(headers={"Authorization": f"Bearer {token}"}).get_environ())
    return actor_from(request, settings, keys)


def refused(token: str, keys, **kw) -> str:
    with pytest.raises(ApiError) as caught:
        actor(token, keys, **kw)
    assert caught.value.status == 401
    return caught.value.message


def test_an_rs256_token_of_a_known_key_is_the_person():
    keys = JwksCache(Fetcher((KID, KEY)))
    assert actor(rs256(), keys) == {"sub": "person-5", "role": "leader", "name": "张三", "sid": "abc"}


def test_issuer_audience_expiry_and_signature_are_checked():
    keys = JwksCache(Fetcher((KID, KEY)))
    assert "issuer" in refused(rs256(iss="someone-else"), keys).lower()
    assert "audience" in refused(rs256(aud="other-api"), keys).lower()
    now = int(time.time())
    assert "expired" in refused(rs256(iat=now - 700, exp=now - 100), keys).lower()
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert "signature" in refused(rs256(key=other), keys).lower()
    assert "unknown key" in refused(rs256(kid="nope"), keys)
    assert "RS256" in refused(jwt.encode({"sub": "x"}, "k" * 32, algorithm="HS512"), keys)


def test_a_verified_token_is_not_verified_again_until_it_expires_or_its_key_changes(monkeypatch):
    import gateway.auth as auth
    decoded = []
    real_decode = jwt.decode
    monkeypatch.setattr(auth.jwt, "decode", lambda *a, **kw: decoded.append(1) or real_decode(*a, **kw))
    keys = JwksCache(Fetcher((KID, KEY)))
    token = rs256(sub="person-cache")
    assert actor(token, keys)["sub"] == actor(token, keys)["sub"] == "person-cache"
    assert len(decoded) == 1
    # another issuer expected: checked afresh (and refused)
    assert "issuer" in refused(token, keys, settings=GatewaySettings(jwt_secret=tokens.secret(),
                                                                    token_issuer="elsewhere")).lower()
    # the key under its kid replaced (rotation): checked afresh with the new key, the signature fails
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert "signature" in refused(token, JwksCache(Fetcher((KID, other)))).lower()
    # past its exp: refused although it was verified before
    now = int(time.time())
    short = rs256(sub="person-short", iat=now - 10, exp=now + 1)
    assert actor(short, keys)["sub"] == "person-short"
    time.sleep(max(0.0, now + 1.05 - time.time()))
    assert "expired" in refused(short, keys).lower()


def test_an_unknown_kid_refetches_at_most_every_ten_seconds_and_the_cache_expires():
    clock = [0.0]
    fetch = Fetcher((KID, KEY))
    keys = JwksCache(fetch, ttl=300, min_interval=10, clock=lambda: clock[0])
    actor(rs256(), keys)
    assert fetch.calls == 1
    new = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    refused(rs256(key=new, kid="new"), keys)
    assert fetch.calls == 1  # fetched less than 10 s ago
    fetch.keys.append(("new", new))
    clock[0] = 10
    assert actor(rs256(key=new, kid="new"), keys)["sub"] == "person-5"  # a rotation: fetched again
    assert fetch.calls == 2
    for _ in range(5):
        refused(rs256(kid="made-up"), keys)
    assert fetch.calls == 2
    clock[0] = 311
    actor(rs256(), keys)
    assert fetch.calls == 3  # the TTL ran out


def test_keys_unreachable_at_first_is_a_503_later_the_known_keys_serve():
    calls = []

    def failing():
        calls.append(1)
        raise TimeoutError("identity down")
    with pytest.raises(Unavailable):
        actor(rs256(), JwksCache(failing))
    clock = [0.0]
    fetch = Fetcher((KID, KEY))
    keys = JwksCache(fetch, ttl=300, clock=lambda: clock[0])
    actor(rs256(), keys)
    keys.fetch, clock[0] = failing, 400
    assert actor(rs256(), keys)["sub"] == "person-5"


def test_development_tokens_only_in_development_mode(monkeypatch):
    keys = JwksCache(Fetcher((KID, KEY)))
    dev = tokens.make_token("office", sub="office-1")
    assert actor(dev, keys)["role"] == "office"
    monkeypatch.delenv("LIANXIN_ENV")
    assert refused(dev, keys, settings=GatewaySettings()) == DEV_REFUSED
    assert refused(dev, keys) == DEV_REFUSED  # even with the key at hand
    assert actor(rs256(), keys)["sub"] == "person-5"


def test_the_security_and_audit_roles_are_not_business_callers():
    assert {"security_admin", "auditor", "assessor"}.isdisjoint(SIGNED_IN)
    assert {"office", "leader", "admin", "deputy", "unit", "station"} <= set(SIGNED_IN)


# ---- settings ------------------------------------------------------------------------------
def test_config_yml_defaults_are_the_policy_defaults_and_each_variable_reaches_them():
    from services.identity.settings import Policy, settings_from
    from tests.unit.test_platform import load_config

    settings = settings_from(load_config("services/identity/config.yml", {"LIANXIN_ENV": "development"}))
    assert settings.defaults == Policy() and settings.issuer == "lianxin"
    assert settings.defaults.mfa_roles == ("office", "leader", "admin", "security_admin", "auditor")
    changed = settings_from(load_config("services/identity/config.yml", {
        "LOCKOUT_THRESHOLD": "3", "LOCKOUT_MINUTES": "5", "IDLE_MINUTES": "1", "ACCESS_TTL_SECONDS": "60",
        "REFRESH_TTL_HOURS": "2", "MFA_ROLES": "admin", "IDENTITY_ISSUER": "city", "IDENTITY_DATA_KEY": "x" * 40}))
    assert changed.defaults == Policy(3, 5, 1, 60, 2, ("admin",)) and changed.issuer == "city"
    assert changed.data_key == "x" * 40
