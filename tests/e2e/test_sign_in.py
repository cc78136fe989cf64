"""People sign in over HTTP (issue 16 part B): password, TOTP enrolment and sign-in with a code,
lockout, refresh rotation and reuse detection, sign-out everywhere, the idle time-out, and a real
RS256 token on an existing route. Accounts are written into the copy's identity database."""
import uuid

import jwt
import pytest
from sqlalchemy import create_engine, text

from tests.identity_people import PASSWORD, audit_records, create_person, fresh_code

UA = {"User-Agent": "e2e-browser"}


@pytest.fixture(scope="module")
def people(system):
    engine = create_engine(f"{system.env.get('PG_URL', 'postgresql+psycopg://root@127.0.0.1:5432')}/"
                           f"{system.env['DB_PREFIX']}_identity", pool_size=1, max_overflow=1)
    yield engine
    engine.dispose()


def name() -> str:
    return f"e{uuid.uuid4().hex[:8]}"


def sign_in(api, login: str, password: str = PASSWORD, expect: int = 200, **extra):
    return api.post("/auth/sign-in", json={"login": login, "password": password, **extra}, expect=expect,
                    headers=UA).json()


def test_a_deputy_signs_in_and_acts_as_themselves_on_an_existing_route(api, people):
    login = name()
    account_id = create_person(people, login, [{"role": "deputy", "deputy_id": 4242}], display_name="周敏")
    answer = sign_in(api, login)
    assert answer["status"] == "signed_in" and answer["account"]["display_name"] == "周敏"
    header = jwt.get_unverified_header(answer["access_token"])
    assert header["alg"] == "RS256" and header["kid"] in [k["kid"] for k in
                                                          api.call("GET", "/.well-known/jwks.json", expect=200)
                                                          .json()["keys"]]
    inbox = api.get("/notifications", answer["access_token"], expect=200).json()
    assert inbox["items"] == []
    me = api.get("/auth/me", answer["access_token"], expect=200).json()
    assert me["sub"] == f"person-{account_id}" and me["session"]["current"] is True
    assert me["session"]["user_agent"] == "e2e-browser"
    # the person's token is not a security administrator's
    api.post("/security/keys/rotate", answer["access_token"], expect=403)
    # the sign-in was recorded with its request id (the audit trail's record, from the identity outbox)
    request_id = uuid.uuid4().hex
    api.post("/auth/sign-in", json={"login": login, "password": PASSWORD}, expect=200,
             headers={**UA, "X-Request-Id": request_id})
    [record] = [r for r in audit_records(people, "sign_in") if r["request_id"] == request_id]
    assert (record["outcome"], record["sub"], record["user_agent"]) == ("ok", f"person-{account_id}", "e2e-browser")


def test_wrong_password_and_unknown_name_lock_alike_after_five_failures(api, people):
    login = name()
    create_person(people, login, [{"role": "unit", "unit_id": 77}])
    for who in (login, "ghost-" + login):
        bodies = [api.post("/auth/sign-in", json={"login": who, "password": "nope"}, expect=401).json()
                  for _ in range(4)]
        assert {b["error"]["code"] for b in bodies} == {"invalid_credentials"}
        assert {b["error"]["message"] for b in bodies} == {"login name or password is wrong"}
        locked = api.post("/auth/sign-in", json={"login": who, "password": "nope"}, expect=423).json()["error"]
        assert locked["code"] == "locked" and locked["message"].startswith("too many failed sign-ins; try again after")
    again = api.post("/auth/sign-in", json={"login": login, "password": PASSWORD}, expect=423).json()["error"]
    ghost = api.post("/auth/sign-in", json={"login": "ghost-" + login, "password": "x"}, expect=423).json()["error"]
    assert again["message"][:40] == ghost["message"][:40]


def test_an_office_clerk_enrols_totp_then_signs_in_with_a_code(api, people):
    login = name()
    create_person(people, login, [{"role": "office"}])
    first = sign_in(api, login)
    assert first["status"] == "mfa_enrolment_required"
    api.post("/auth/totp/enrol", json={}, expect=401)  # neither signed in nor a challenge
    enrolment = api.post("/auth/totp/enrol", json={"challenge": first["challenge"]}, expect=200).json()
    assert enrolment["qr_png"].startswith("data:image/png;base64,")
    used = set()
    confirmed = api.post("/auth/totp/confirm", json={"challenge": first["challenge"],
                                                     "code": fresh_code(enrolment["secret"], used)},
                         expect=200).json()
    assert len(confirmed["recovery_codes"]) == 10 and confirmed["status"] == "signed_in"

    second = sign_in(api, login)
    assert second["status"] == "mfa_required"
    wrong = api.post("/auth/mfa", json={"challenge": second["challenge"], "code": "000000"}, expect=401).json()
    assert wrong["error"]["code"] == "invalid_code"
    done = api.post("/auth/mfa", json={"challenge": second["challenge"], "code": fresh_code(enrolment["secret"], used)},
                    expect=200).json()
    assert jwt.decode(done["access_token"], options={"verify_signature": False})["amr"] == ["pwd", "otp"]
    api.get("/suggestions", done["access_token"], expect=200)  # the office's list, as this person
    api.post("/auth/mfa", json={"challenge": second["challenge"], "code": "123456"}, expect=401)  # used up


def test_refresh_rotates_and_reuse_revokes_the_session(api, people):
    login = name()
    create_person(people, login, [{"role": "station", "station_id": 5}])
    first = sign_in(api, login)
    second = api.post("/auth/refresh", json={"refresh_token": first["refresh_token"]}, expect=200).json()
    assert second["refresh_token"] != first["refresh_token"]
    api.get("/auth/me", second["access_token"], expect=200)
    reused = api.post("/auth/refresh", json={"refresh_token": first["refresh_token"]}, expect=401).json()
    assert reused["error"]["code"] == "session_ended"
    api.post("/auth/refresh", json={"refresh_token": second["refresh_token"]}, expect=401)


def test_sign_out_everywhere_ends_every_session(api, people):
    login = name()
    create_person(people, login, [{"role": "deputy", "deputy_id": 4343}])
    sessions = [sign_in(api, login) for _ in range(3)]
    listed = api.get("/auth/sessions", sessions[0]["access_token"], expect=200).json()["items"]
    assert len(listed) == 3
    api.post("/auth/sign-out", json={"refresh_token": sessions[2]["refresh_token"]}, expect=200)
    assert len(api.get("/auth/sessions", sessions[0]["access_token"], expect=200).json()["items"]) == 2
    assert api.post("/auth/sign-out-everywhere", sessions[0]["access_token"], expect=200).json()["sessions"] == 2
    for s in sessions:
        api.post("/auth/refresh", json={"refresh_token": s["refresh_token"]}, expect=401)
    assert api.get("/auth/sessions", sessions[1]["access_token"], expect=200).json()["items"] == []


def test_an_idle_session_times_out(api, people):
    login = name()
    account_id = create_person(people, login, [{"role": "deputy", "deputy_id": 4444}])
    answer = sign_in(api, login)
    with people.begin() as conn:
        conn.execute(text("UPDATE sessions SET last_used_at = now() - interval '31 minutes' WHERE account_id = :a"),
                     {"a": account_id})
    ended = api.post("/auth/refresh", json={"refresh_token": answer["refresh_token"]}, expect=401).json()
    assert ended["error"]["message"] == "session timed out"


def test_a_forced_password_change_then_the_session(api, people):
    login = name()
    create_person(people, login, [{"role": "unit", "unit_id": 88}], must_change=True)
    first = sign_in(api, login)
    assert first["status"] == "password_change_required"
    short = api.post("/auth/password", json={"challenge": first["challenge"], "new_password": "x"}, expect=422)
    assert short.json()["error"]["details"][0]["field"] == "new_password"
    done = api.post("/auth/password", json={"challenge": first["challenge"], "new_password": "Brand-new-pass-2026"},
                    expect=200).json()
    assert done["status"] == "signed_in"
    api.post("/auth/password", done["access_token"], {"current_password": "wrong", "new_password": "x" * 12},
             expect=401)
    api.post("/auth/password", done["access_token"],
             {"current_password": "Brand-new-pass-2026", "new_password": "Another-pass-2027"}, expect=200)
    sign_in(api, login, "Another-pass-2027")


def test_security_admin_rotates_keys_and_resets_mfa(api, people):
    admin_login, clerk_login = name(), name()
    create_person(people, admin_login, [{"role": "security_admin"}])
    clerk_id = create_person(people, clerk_login, [{"role": "leader"}])
    first = sign_in(api, admin_login)
    secret = api.post("/auth/totp/enrol", json={"challenge": first["challenge"]}, expect=200).json()["secret"]
    admin = api.post("/auth/totp/confirm", json={"challenge": first["challenge"], "code": fresh_code(secret, set())},
                     expect=200).json()["access_token"]
    old_kid = jwt.get_unverified_header(admin)["kid"]
    rotated = api.post("/security/keys/rotate", admin, expect=200).json()
    assert old_kid in rotated["superseded"]
    api.get("/auth/me", admin, expect=200)  # the old key still verifies its tokens
    api.post(f"/accounts/{clerk_id}/reset-mfa", admin, expect=200)
    api.get("/suggestions", admin, expect=403)  # 三员分立: not a business caller
