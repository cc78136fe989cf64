"""The identity service's sign-in, two-factor, sessions and signing keys on real PostgreSQL and
RabbitMQ (accounts are written into its database; the accounts part creates them over the API)."""
import uuid
from datetime import timedelta

import jwt
import pytest
from sqlalchemy import text

from services.common.errors import Forbidden, ValidationFailed
from services.identity.errors import AccountLocked, InvalidChallenge, InvalidCode, InvalidCredentials, SessionEnded
from services.identity.service import IdentityService
from tests.identity_people import PASSWORD, audit_records, code_for, create_person, fresh_code
from tests.service.conftest import truncate
from tests.service.helpers import scalar

TABLES = ("refresh_tokens", "sessions", "challenges", "sign_in_failures", "totp_secrets", "recovery_codes",
          "signing_keys", "password_history", "credentials", "role_bindings", "accounts", "outbox")
CLIENT = {"address": "10.1.2.3", "user_agent": "pytest"}
SECADMIN = {"role": "security_admin", "sub": "person-999"}


@pytest.fixture
def identity(start_service, db):
    engine = db("identity")
    truncate(engine, *TABLES)
    start_service(IdentityService)
    return engine


def login_name() -> str:
    return f"u{uuid.uuid4().hex[:8]}"


def jwk_key(rpc, token: str):
    kid = jwt.get_unverified_header(token)["kid"]
    [jwk] = [k for k in rpc.identity.jwks()["keys"] if k["kid"] == kid]
    return jwt.PyJWK(jwk).key


def claims_of(rpc, token: str) -> dict:
    return jwt.decode(token, jwk_key(rpc, token), algorithms=["RS256"], audience="lianxin-api", issuer="lianxin")


def test_sign_in_gives_rs256_tokens_with_the_contract_claims(rpc, identity):
    name = login_name()
    account_id = create_person(identity, name, [{"role": "unit", "unit_id": 7}], display_name="李明")

    answer = rpc.identity.sign_in({"login": name.upper(), "password": PASSWORD}, CLIENT)

    assert answer["status"] == "signed_in" and answer["token_type"] == "Bearer" and answer["expires_in"] == 600
    assert answer["account"]["sub"] == f"person-{account_id}" and answer["account"]["role"] == "unit"
    claims = claims_of(rpc, answer["access_token"])
    assert claims["sub"] == f"person-{account_id}" and claims["role"] == "unit" and claims["unit_id"] == 7
    assert claims["name"] == "李明" and claims["amr"] == ["pwd"] and claims["exp"] - claims["iat"] == 600
    assert claims["sid"] and claims["jti"]
    [ok] = audit_records(identity, "sign_in")
    assert ok["outcome"] == "ok" and ok["client"] == "10.1.2.3" and ok["sub"] == f"person-{account_id}"


def test_wrong_password_and_unknown_name_answer_alike_and_lock_after_five(rpc, identity):
    name = login_name()
    create_person(identity, name, [{"role": "deputy", "deputy_id": 3}])
    answers = []
    for who in (name, "nobody-" + name):
        for _ in range(4):
            with pytest.raises(InvalidCredentials) as exc:
                rpc.identity.sign_in({"login": who, "password": "wrong-password"}, CLIENT)
            answers.append(str(exc.value))
        with pytest.raises(AccountLocked) as locked:
            rpc.identity.sign_in({"login": who, "password": "wrong-password"}, CLIENT)
        assert "too many failed sign-ins; try again after" in str(locked.value)
    assert len(set(answers)) == 1 and "login name or password is wrong" in answers[0]
    # locked: even the right password is refused, and the failures were committed with their records
    with pytest.raises(AccountLocked):
        rpc.identity.sign_in({"login": name, "password": PASSWORD}, CLIENT)
    records = audit_records(identity, "sign_in")
    assert [r["outcome"] for r in records].count("failed") == 10
    assert [r["outcome"] for r in records].count("locked") == 3
    # the lock ends: the right password works and resets the count
    with identity.begin() as conn:
        conn.execute(text("UPDATE sign_in_failures SET locked_until = now() - interval '1 second'"))
    assert rpc.identity.sign_in({"login": name, "password": PASSWORD}, CLIENT)["status"] == "signed_in"


def test_a_disabled_account_is_refused_like_a_wrong_password_and_loses_its_sessions(rpc, identity):
    name = login_name()
    account_id = create_person(identity, name, [{"role": "station", "station_id": 2}])
    session = rpc.identity.sign_in({"login": name, "password": PASSWORD}, CLIENT)
    with identity.begin() as conn:
        conn.execute(text("UPDATE accounts SET disabled = true WHERE id = :a"), {"a": account_id})
    with pytest.raises(InvalidCredentials, match="login name or password is wrong"):
        rpc.identity.sign_in({"login": name, "password": PASSWORD}, CLIENT)
    with pytest.raises(SessionEnded):
        rpc.identity.refresh({"refresh_token": session["refresh_token"]}, CLIENT)
    assert audit_records(identity, "sign_in")[-1]["detail"] == "account is disabled"


def test_refresh_rotates_and_a_reused_token_revokes_the_family(rpc, identity):
    name = login_name()
    create_person(identity, name, [{"role": "deputy", "deputy_id": 5}])
    first = rpc.identity.sign_in({"login": name, "password": PASSWORD}, CLIENT)

    second = rpc.identity.refresh({"refresh_token": first["refresh_token"]}, CLIENT)
    assert second["refresh_token"] != first["refresh_token"]
    assert claims_of(rpc, second["access_token"])["sid"] == claims_of(rpc, first["access_token"])["sid"]

    with pytest.raises(SessionEnded, match="already used"):
        rpc.identity.refresh({"refresh_token": first["refresh_token"]}, CLIENT)
    with pytest.raises(SessionEnded):  # the whole family went with it
        rpc.identity.refresh({"refresh_token": second["refresh_token"]}, CLIENT)
    [reuse] = audit_records(identity, "refresh_reuse")
    assert reuse["outcome"] == "denied"


def test_idle_session_times_out(rpc, identity):
    name = login_name()
    create_person(identity, name, [{"role": "deputy", "deputy_id": 6}])
    answer = rpc.identity.sign_in({"login": name, "password": PASSWORD}, CLIENT)
    with identity.begin() as conn:
        conn.execute(text("UPDATE sessions SET last_used_at = now() - interval '31 minutes'"))
    with pytest.raises(SessionEnded, match="session timed out"):
        rpc.identity.refresh({"refresh_token": answer["refresh_token"]}, CLIENT)


def test_sign_out_and_sign_out_everywhere(rpc, identity):
    name = login_name()
    account_id = create_person(identity, name, [{"role": "deputy", "deputy_id": 8}])
    a = rpc.identity.sign_in({"login": name, "password": PASSWORD}, CLIENT)
    b = rpc.identity.sign_in({"login": name, "password": PASSWORD}, {"address": "10.9.9.9", "user_agent": "phone"})
    c = rpc.identity.sign_in({"login": name, "password": PASSWORD}, CLIENT)
    actor = {"role": "deputy", "sub": f"person-{account_id}", "deputy_id": 8,
             "sid": claims_of(rpc, b["access_token"])["sid"]}
    assert len(rpc.identity.list_sessions(actor)["items"]) == 3

    assert rpc.identity.sign_out({"refresh_token": a["refresh_token"]}, CLIENT) == {"status": "signed_out"}
    with pytest.raises(SessionEnded):
        rpc.identity.refresh({"refresh_token": a["refresh_token"]}, CLIENT)
    listed = rpc.identity.list_sessions(actor)["items"]
    assert len(listed) == 2 and [s["current"] for s in listed].count(True) == 1

    assert rpc.identity.sign_out_everywhere(actor, CLIENT)["sessions"] == 2
    for token in (b, c):
        with pytest.raises(SessionEnded):
            rpc.identity.refresh({"refresh_token": token["refresh_token"]}, CLIENT)
    assert rpc.identity.me(actor)["login"] == name
    dev = {"role": "office", "sub": "office-dev"}  # a development token's caller is no person
    assert rpc.identity.list_sessions(dev) == {"items": []} and rpc.identity.me(dev)["id"] is None
    assert rpc.identity.sign_out_everywhere(dev, CLIENT)["sessions"] == 0


def test_office_enrols_totp_then_signs_in_with_codes_and_recovery_codes(rpc, identity):
    name = login_name()
    create_person(identity, name, [{"role": "office"}])
    first = rpc.identity.sign_in({"login": name, "password": PASSWORD}, CLIENT)
    assert first["status"] == "mfa_enrolment_required"

    enrolment = rpc.identity.totp_enrol(None, {"challenge": first["challenge"]}, CLIENT)
    assert enrolment["otpauth_uri"].startswith("otpauth://totp/") and enrolment["qr_png"].startswith("data:image/png")
    stored = scalar(identity, "SELECT secret FROM totp_secrets")
    assert enrolment["secret"].encode() not in bytes(stored)  # encrypted at rest
    with pytest.raises(InvalidCode):
        rpc.identity.totp_confirm(None, {"challenge": first["challenge"], "code": "000000"}, CLIENT)
    used = set()
    confirmed = rpc.identity.totp_confirm(None, {"challenge": first["challenge"],
                                                 "code": fresh_code(enrolment["secret"], used)}, CLIENT)
    assert len(confirmed["recovery_codes"]) == 10 and confirmed["status"] == "signed_in"
    assert claims_of(rpc, confirmed["access_token"])["amr"] == ["pwd", "otp"]
    with pytest.raises(InvalidChallenge):  # one use
        rpc.identity.totp_confirm(None, {"challenge": first["challenge"], "code": "123456"}, CLIENT)

    second = rpc.identity.sign_in({"login": name, "password": PASSWORD}, CLIENT)
    assert second["status"] == "mfa_required" and second["methods"] == ["totp", "recovery_code"]
    with pytest.raises(InvalidCode):  # the code used to confirm is not accepted again
        rpc.identity.mfa({"challenge": second["challenge"], "code": next(iter(used))}, CLIENT)
    done = rpc.identity.mfa({"challenge": second["challenge"], "code": fresh_code(enrolment["secret"], used)},
                            CLIENT)
    assert done["status"] == "signed_in"

    third = rpc.identity.sign_in({"login": name, "password": PASSWORD}, CLIENT)
    recovery = confirmed["recovery_codes"][0]
    assert rpc.identity.mfa({"challenge": third["challenge"], "recovery_code": recovery}, CLIENT)["status"] == \
        "signed_in"
    fourth = rpc.identity.sign_in({"login": name, "password": PASSWORD}, CLIENT)
    with pytest.raises(InvalidCode):
        rpc.identity.mfa({"challenge": fourth["challenge"], "recovery_code": recovery}, CLIENT)
    assert {r["outcome"] for r in audit_records(identity, "mfa")} == {"ok", "failed"}
    assert audit_records(identity, "totp_enrolled")[-1]["outcome"] == "ok"


def test_wrong_codes_count_toward_lockout_and_a_reset_asks_to_enrol_again(rpc, identity):
    name = login_name()
    account_id = create_person(identity, name, [{"role": "leader"}])
    first = rpc.identity.sign_in({"login": name, "password": PASSWORD}, CLIENT)
    secret = rpc.identity.totp_enrol(None, {"challenge": first["challenge"]}, CLIENT)["secret"]
    rpc.identity.totp_confirm(None, {"challenge": first["challenge"], "code": code_for(secret)}, CLIENT)
    second = rpc.identity.sign_in({"login": name, "password": PASSWORD}, CLIENT)
    for _ in range(4):
        with pytest.raises(InvalidCode):
            rpc.identity.mfa({"challenge": second["challenge"], "code": "000000"}, CLIENT)
    with pytest.raises(AccountLocked):
        rpc.identity.mfa({"challenge": second["challenge"], "code": "000000"}, CLIENT)
    with pytest.raises(AccountLocked):
        rpc.identity.sign_in({"login": name, "password": PASSWORD}, CLIENT)
    with identity.begin() as conn:
        conn.execute(text("DELETE FROM sign_in_failures"))

    with pytest.raises(Forbidden):
        rpc.identity.reset_mfa({"role": "admin", "sub": "person-1"}, account_id, CLIENT)
    assert rpc.identity.reset_mfa(SECADMIN, account_id, CLIENT)["reset"] is True
    assert rpc.identity.sign_in({"login": name, "password": PASSWORD}, CLIENT)["status"] == "mfa_enrolment_required"
    assert audit_records(identity, "totp_reset")[-1]["sub"] == "person-999"


def test_forced_password_change_then_sign_in(rpc, identity):
    name = login_name()
    create_person(identity, name, [{"role": "deputy", "deputy_id": 9}], must_change=True)
    first = rpc.identity.sign_in({"login": name, "password": PASSWORD}, CLIENT)
    assert first["status"] == "password_change_required"
    with pytest.raises(ValidationFailed, match="new_password"):
        rpc.identity.change_password(None, {"challenge": first["challenge"], "new_password": PASSWORD}, CLIENT)
    with pytest.raises(ValidationFailed, match="new_password"):
        rpc.identity.change_password(None, {"challenge": first["challenge"], "new_password": "short"}, CLIENT)
    done = rpc.identity.change_password(None, {"challenge": first["challenge"],
                                               "new_password": "A-new-and-long-one-42"}, CLIENT)
    assert done["status"] == "signed_in"
    assert rpc.identity.sign_in({"login": name, "password": "A-new-and-long-one-42"}, CLIENT)["status"] == \
        "signed_in"
    with pytest.raises(InvalidCredentials):
        rpc.identity.sign_in({"login": name, "password": PASSWORD}, CLIENT)


def test_binding_choice(rpc, identity):
    name = login_name()
    create_person(identity, name, [{"role": "deputy", "deputy_id": 11}, {"role": "station", "station_id": 4}])
    bindings = rpc.identity.sign_in({"login": name, "password": PASSWORD}, CLIENT)["account"]["roles"]
    station = next(b for b in bindings if b["role"] == "station")
    answer = rpc.identity.sign_in({"login": name, "password": PASSWORD, "binding_id": station["id"]}, CLIENT)
    claims = claims_of(rpc, answer["access_token"])
    assert claims["role"] == "station" and claims["station_id"] == 4 and "deputy_id" not in claims
    with pytest.raises(ValidationFailed, match="binding_id"):
        rpc.identity.sign_in({"login": name, "password": PASSWORD, "binding_id": 10**9}, CLIENT)


def test_key_rotation_keeps_the_old_key_in_the_jwks_until_its_tokens_expired(rpc, identity):
    name = login_name()
    create_person(identity, name, [{"role": "deputy", "deputy_id": 12}])
    before = rpc.identity.sign_in({"login": name, "password": PASSWORD}, CLIENT)
    old_kid = jwt.get_unverified_header(before["access_token"])["kid"]
    with pytest.raises(Forbidden):
        rpc.identity.rotate_keys({"role": "admin", "sub": "person-1"}, CLIENT)
    rotated = rpc.identity.rotate_keys(SECADMIN, CLIENT)
    assert rotated["superseded"] == [old_kid]
    after = rpc.identity.sign_in({"login": name, "password": PASSWORD}, CLIENT)
    assert jwt.get_unverified_header(after["access_token"])["kid"] == rotated["kid"] != old_kid
    kids = [k["kid"] for k in rpc.identity.jwks()["keys"]]
    assert set(kids) == {old_kid, rotated["kid"]}
    claims_of(rpc, before["access_token"])  # still verifiable
    with identity.begin() as conn:
        conn.execute(text("UPDATE signing_keys SET retire_at = now() - :d WHERE kid = :k"),
                     {"d": timedelta(seconds=1), "k": old_kid})
    assert [k["kid"] for k in rpc.identity.jwks()["keys"]] == [rotated["kid"]]
    stored = scalar(identity, "SELECT private_key FROM signing_keys LIMIT 1")
    assert b"PRIVATE KEY" not in bytes(stored)
    assert audit_records(identity, "key_rotated")[-1]["outcome"] == "ok"


def test_purge_drops_expired_challenges_and_long_ended_sessions(rpc, identity):
    from services.common.db import Db, make_engine
    from services.identity import sessions
    from tests.service.conftest import database_url

    name = login_name()
    create_person(identity, name, [{"role": "deputy", "deputy_id": 13}], must_change=True)
    rpc.identity.sign_in({"login": name, "password": PASSWORD}, CLIENT)  # a challenge
    create_person(identity, name + "b", [{"role": "deputy", "deputy_id": 14}])
    live = rpc.identity.sign_in({"login": name + "b", "password": PASSWORD}, CLIENT)
    old = rpc.identity.sign_in({"login": name + "b", "password": PASSWORD}, CLIENT)
    with identity.begin() as conn:
        conn.execute(text("UPDATE challenges SET expires_at = now() - interval '2 hours'"))
        conn.execute(text("UPDATE sessions SET revoked_at = now() - interval '31 days' WHERE id = :s"),
                     {"s": claims_of(rpc, old["access_token"])["sid"]})
    engine = make_engine(database_url("identity"), pool_size=1)
    with Db(engine, "identity").transaction() as tx:
        assert sessions.purge(tx) == {"challenges": 1, "refresh_tokens": 1, "sessions": 1}
    engine.dispose()
    assert rpc.identity.refresh({"refresh_token": live["refresh_token"]}, CLIENT)["status"] == "signed_in"
