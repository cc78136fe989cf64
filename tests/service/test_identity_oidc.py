"""Single sign-on on real PostgreSQL and RabbitMQ, against a real OpenID provider (panva's
node-oidc-provider, tests/oidc): the identity service's code flow with PKCE, from start to the
session it opens, and what it refuses."""
import secrets
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests
from sqlalchemy import text

from scripts.isolation import ROOT, TEST_ID
from services.common.errors import Forbidden, NotFound, Unavailable, ValidationFailed
from services.identity import oidc_domain
from services.identity.errors import InvalidState, SsoFailed
from services.identity.service import IdentityService
from tests.oidc_platform import running_platform, sign_in_at_platform
from tests.service.conftest import truncate

PORT = 19200 + 300 * TEST_ID + 58  # in the service tests' block of ports (tests/service/conftest.py)
REDIRECT_URI = "http://127.0.0.1:8000/api/v1/auth/oidc/callback"  # the browser is stopped before it
DATA_KEY = secrets.token_urlsafe(32)
CLIENT = {"address": "10.1.2.3", "user_agent": "pytest-browser"}


@pytest.fixture(scope="module")
def platform():
    with running_platform(PORT, REDIRECT_URI, ROOT / ".run" / f"oidc-svctest{TEST_ID}.log") as p:
        yield p


@pytest.fixture
def identity_db(db):
    engine = db("identity")
    truncate(engine, "accounts", "oidc_requests", "signing_keys", "outbox")
    with engine.begin() as conn:
        for login, name, phone, disabled, role in (("zhangsan", "张三", "138 0000 0001", False, "office"),
                                                   ("lisi", "李四", "13800000002", False, "leader"),
                                                   ("zhaoliu", "赵六", "13800000004", True, "office")):
            account_id = conn.execute(text(
                "INSERT INTO accounts (login, display_name, phone, disabled) VALUES (:l, :n, :p, :d) RETURNING id"),
                {"l": login, "n": name, "p": phone, "d": disabled}).scalar()
            conn.execute(text("INSERT INTO role_bindings (account_id, role) VALUES (:a, :r)"),
                         {"a": account_id, "r": role})
    return engine


@pytest.fixture
def sso(start_service, identity_db, platform):
    """start(**overrides): the identity service with single sign-on at the test platform."""
    def start(**overrides):
        config = {"OIDC_ISSUER": platform["issuer"], "OIDC_CLIENT_ID": platform["client_id"],
                  "OIDC_CLIENT_SECRET": platform["client_secret"], "OIDC_REDIRECT_URI": REDIRECT_URI,
                  "OIDC_SCOPES": "openid profile phone", "IDENTITY_DATA_KEY": DATA_KEY, **overrides}
        return start_service(IdentityService, **config)
    return start


def account_id(engine, login: str) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT id FROM accounts WHERE login = :l"), {"l": login}).scalar()


def audit_records(engine) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT envelope FROM outbox WHERE type = 'audit.recorded' ORDER BY id")).scalars()
        return [r["payload"] for r in rows]


def access_claims(engine, token: str) -> dict:
    kid = jwt.get_unverified_header(token)["kid"]
    with engine.connect() as conn:
        jwk = conn.execute(text("SELECT public_jwk FROM signing_keys WHERE kid = :k"), {"k": kid}).scalar()
    return jwt.decode(token, jwt.PyJWK(jwk).key, algorithms=["RS256"], audience="lianxin-api")


def test_a_person_signs_in_at_the_platform_and_gets_a_session(rpc, sso, identity_db, platform):
    sso()
    start = rpc.identity.oidc_start("/suggestions?status=assigned")
    url = urlsplit(start["authorization_url"])
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert f"{url.scheme}://{url.netloc}{url.path}" == platform["issuer"] + "/auth"
    assert query["response_type"] == "code" and query["client_id"] == platform["client_id"]
    assert query["redirect_uri"] == REDIRECT_URI and query["scope"] == "openid profile phone"
    assert query["code_challenge_method"] == "S256" and query["state"] and query["nonce"]
    # the challenge is S256 of the verifier kept server-side with the hashed state (one row, not the state)
    with identity_db.connect() as conn:
        row = conn.execute(text("SELECT state_hash, code_verifier, nonce FROM oidc_requests")).one()
    assert row.state_hash == oidc_domain.state_key(query["state"]) and row.nonce == query["nonce"]
    assert query["code_challenge"] == oidc_domain.code_challenge(row.code_verifier)

    back = sign_in_at_platform(start["authorization_url"], "zhangsan", REDIRECT_URI)
    assert back["state"] == query["state"] and back["code"] and back["iss"] == platform["issuer"]
    answer = rpc.identity.oidc_callback(back, CLIENT)

    person = account_id(identity_db, "zhangsan")
    assert answer["status"] == "signed_in" and answer["token_type"] == "Bearer"
    assert answer["account"]["sub"] == f"person-{person}" and answer["account"]["role"] == "office"
    assert answer["return_to"] == "/suggestions?status=assigned"
    fragment = parse_qs(answer["redirect_to"].partition("#")[2])
    assert answer["redirect_to"].startswith("/suggestions?status=assigned#")
    assert fragment["access_token"] == [answer["access_token"]] and fragment["refresh_token"] == [answer["refresh_token"]]
    claims = access_claims(identity_db, answer["access_token"])
    assert (claims["sub"], claims["role"], claims["amr"], claims["name"]) == (f"person-{person}", "office", ["oidc"], "张三")
    [record] = audit_records(identity_db)
    assert (record["action"], record["outcome"], record["sub"], record["role"]) == ("sign_in_oidc", "ok",
                                                                                    f"person-{person}", "office")
    assert record["client"] == "10.1.2.3" and "zhangsan" in record["detail"]

    # the same answer again (a replay, or the browser's back button): the state was used up
    with pytest.raises(InvalidState) as err:
        rpc.identity.oidc_callback(back, CLIENT)
    assert err.value.details[0]["field"] == "state" and "already used" in err.value.message
    assert audit_records(identity_db)[-1]["outcome"] == "failed"


def test_a_platform_identity_linked_to_no_account_is_refused_and_recorded(rpc, sso, identity_db):
    sso()
    start = rpc.identity.oidc_start(None)
    back = sign_in_at_platform(start["authorization_url"], "wanger", REDIRECT_URI)
    with pytest.raises(Forbidden) as err:
        rpc.identity.oidc_callback(back, CLIENT)
    assert err.value.message == "no account is linked to this platform identity"
    [record] = audit_records(identity_db)
    assert (record["action"], record["outcome"], record["status"], record["sub"]) == ("sign_in_oidc", "failed", 403, None)
    assert record["login"] == "wanger" and "'wanger'" in record["detail"]


def test_a_disabled_account_is_refused(rpc, sso):
    sso()
    start = rpc.identity.oidc_start("/")
    back = sign_in_at_platform(start["authorization_url"], "zhaoliu", REDIRECT_URI)
    with pytest.raises(Forbidden) as err:
        rpc.identity.oidc_callback(back, CLIENT)
    assert "disabled" in err.value.message


def test_the_phone_claim_from_userinfo_maps_to_the_account_with_that_phone(rpc, sso, identity_db):
    """phone_number is granted by the phone scope: the provider puts it in UserInfo, not the id_token."""
    sso(OIDC_SUBJECT_CLAIM="phone_number", OIDC_ACCOUNT_FIELD="phone")
    start = rpc.identity.oidc_start("/")
    back = sign_in_at_platform(start["authorization_url"], "lisi", REDIRECT_URI)  # +8613800000002
    answer = rpc.identity.oidc_callback(back, CLIENT)
    assert answer["account"]["login"] == "lisi" and answer["account"]["role"] == "leader"
    # zhangsan's phone is stored "138 0000 0001" and sent "+86 138-0000-0001"
    start = rpc.identity.oidc_start("/")
    answer = rpc.identity.oidc_callback(sign_in_at_platform(start["authorization_url"], "zhangsan", REDIRECT_URI),
                                        CLIENT)
    assert answer["account"]["login"] == "zhangsan"


def test_pkce_is_required_by_the_platform_and_used_by_the_exchange(rpc, sso, identity_db, platform):
    sso()
    start = rpc.identity.oidc_start("/")
    # the platform refuses an authorization request without a code_challenge
    bare = start["authorization_url"].split("&code_challenge=")[0]
    refused = requests.get(bare, allow_redirects=False, timeout=10)
    location = parse_qs(urlsplit(refused.headers.get("Location", "")).query)
    assert location.get("error") == ["invalid_request"], (refused.status_code, refused.headers, refused.text[:300])
    assert "PKCE" in location["error_description"][0]  # "Authorization Server policy requires PKCE ..."
    # a code exchanged with another verifier than the one its challenge was made from is refused
    back = sign_in_at_platform(start["authorization_url"], "zhangsan", REDIRECT_URI)
    with identity_db.begin() as conn:
        conn.execute(text("UPDATE oidc_requests SET code_verifier = :v"), {"v": oidc_domain.new_verifier()})
    with pytest.raises(SsoFailed) as err:
        rpc.identity.oidc_callback(back, CLIENT)
    assert "invalid_grant" in err.value.message


def test_a_state_that_is_unknown_or_expired_is_refused(rpc, sso, identity_db):
    sso(OIDC_REQUEST_TTL=1)
    with pytest.raises(InvalidState) as err:
        rpc.identity.oidc_callback({"code": "x", "state": "not-one-we-issued"}, CLIENT)
    assert err.value.details == [{"field": "state", "message": "unknown; start the sign-in again"}]
    start = rpc.identity.oidc_start("/")
    state = parse_qs(urlsplit(start["authorization_url"]).query)["state"][0]
    with identity_db.begin() as conn:
        conn.execute(text("UPDATE oidc_requests SET expires_at = now() - interval '1 second'"))
    with pytest.raises(InvalidState) as err:
        rpc.identity.oidc_callback({"code": "x", "state": state}, CLIENT)
    assert "expired" in err.value.message


def test_the_platform_refusing_the_sign_in_is_a_401(rpc, sso):
    sso()
    start = rpc.identity.oidc_start("/")
    state = parse_qs(urlsplit(start["authorization_url"]).query)["state"][0]
    with pytest.raises(SsoFailed) as err:
        rpc.identity.oidc_callback({"error": "access_denied", "error_description": "End-User aborted interaction",
                                    "state": state}, CLIENT)
    assert "access_denied" in err.value.message


def test_return_to_must_be_a_path_on_this_site(rpc, sso):
    sso()
    for bad in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"):
        with pytest.raises(ValidationFailed) as err:
            rpc.identity.oidc_start(bad)
        assert err.value.details[0]["field"] == "return_to"


def test_without_an_issuer_single_sign_on_is_off(rpc, start_service, identity_db):
    start_service(IdentityService, IDENTITY_DATA_KEY=DATA_KEY)
    with pytest.raises(NotFound) as err:
        rpc.identity.oidc_start("/")
    assert err.value.message == "single sign-on is not configured"
    with pytest.raises(NotFound):
        rpc.identity.oidc_callback({"code": "x", "state": "y"}, CLIENT)


def test_a_platform_that_does_not_answer_is_a_503(rpc, sso):
    sso(OIDC_ISSUER=f"http://127.0.0.1:{PORT + 1}", OIDC_HTTP_TIMEOUT=2)  # nothing listens there
    with pytest.raises(Unavailable) as err:
        rpc.identity.oidc_start("/")
    assert err.value.message == "the unified identity platform did not answer"
