"""Single sign-on over HTTP as a person's browser does it: the gateway sends them to the unified
identity platform (a real OpenID provider, panva's node-oidc-provider, tests/oidc), they sign in and
consent there, the platform sends them back to the gateway's callback, and the console gets tokens
that work on the API.

A copy of the system of its own (``oidc``) with OIDC_* set: the shared e2e copy runs with single
sign-on off (its routes answer 404 there, as tests/e2e/access_matrix.py says)."""
import secrets
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import create_engine, text

from scripts.isolation import ROOT, TEST_ID
from scripts.isolation import test_env as isolated_env  # (imported as test_*, pytest would collect it)
from tests.oidc_platform import running_platform, sign_in_at_platform
from tests.system import running_copy

ENV = isolated_env("oidc", 18050)  # gateway +0, metrics +1…+7, the platform +8
GATEWAY = f"http://{ENV['GATEWAY_ADDRESS']}"
PLATFORM_PORT = int(ENV["GATEWAY_ADDRESS"].rpartition(":")[2]) + 8
CALLBACK = GATEWAY + "/api/v1/auth/oidc/callback"
ENV.update({"DB_POOL_SIZE": "3", "GATEWAY_PUBLIC_RATE": "100000", "GATEWAY_PUBLIC_BURST": "10000",
            "OIDC_REDIRECT_URI": CALLBACK, "OIDC_SCOPES": "openid profile phone",
            "IDENTITY_DATA_KEY": secrets.token_urlsafe(32)})


@pytest.fixture(scope="module")
def sso():
    with running_platform(PLATFORM_PORT, CALLBACK, ROOT / ".run" / f"oidc-e2e{TEST_ID}.log") as platform:
        ENV.update({"OIDC_ISSUER": platform["issuer"], "OIDC_CLIENT_ID": platform["client_id"],
                    "OIDC_CLIENT_SECRET": platform["client_secret"]})
        with running_copy(ENV):
            engine = create_engine(f"{ENV['PG_URL']}/{ENV['DB_PREFIX']}_identity", pool_size=1)
            with engine.begin() as conn:  # the people of the office, as the accounts part creates them
                for login, name, role in (("zhangsan", "张三", "office"), ("lisi", "李四", "leader")):
                    account_id = conn.execute(text("INSERT INTO accounts (login, display_name) VALUES (:l, :n) "
                                                   "RETURNING id"), {"l": login, "n": name}).scalar()
                    conn.execute(text("INSERT INTO role_bindings (account_id, role) VALUES (:a, :r)"),
                                 {"a": account_id, "r": role})
            yield engine
            engine.dispose()


def start(return_to: str = "/") -> str:
    """GET /auth/oidc/start as a browser: the platform's authorization URL it is sent to."""
    response = requests.get(GATEWAY + "/api/v1/auth/oidc/start", params={"return_to": return_to},
                            allow_redirects=False, timeout=15)
    assert response.status_code == 302, response.text
    assert response.headers["Cache-Control"] == "no-store"
    return response.headers["Location"]


def back_at_gateway(query: dict, **headers) -> requests.Response:
    return requests.get(CALLBACK, params=query, headers=headers, allow_redirects=False, timeout=15)


def test_a_person_signs_in_through_the_platform_and_uses_the_api(sso):
    authorization_url = start("/suggestions?status=assigned")
    assert authorization_url.startswith(ENV["OIDC_ISSUER"] + "/auth?")
    request = parse_qs(urlsplit(authorization_url).query)
    assert request["code_challenge_method"] == ["S256"] and len(request["code_challenge"][0]) == 43
    assert request["redirect_uri"] == [CALLBACK] and request["response_type"] == ["code"]

    query = sign_in_at_platform(authorization_url, "zhangsan", CALLBACK)  # its pages: sign in, consent
    response = back_at_gateway(query)
    assert response.status_code == 302, response.text
    assert response.headers["Cache-Control"] == "no-store" and response.headers["Referrer-Policy"] == "no-referrer"
    location, _, fragment = response.headers["Location"].partition("#")
    assert location == "/suggestions?status=assigned"
    tokens = {k: v[0] for k, v in parse_qs(fragment).items()}
    assert set(tokens) == {"access_token", "refresh_token", "token_type", "expires_in"}

    me = requests.get(GATEWAY + "/api/v1/auth/me", headers={"Authorization": f"Bearer {tokens['access_token']}"},
                      timeout=15)
    assert me.status_code == 200, me.text
    person = me.json()
    assert (person["login"], person["role"], person["display_name"]) == ("zhangsan", "office", "张三")
    assert person["sub"].startswith("person-") and person["session"]["amr"] == ["oidc"], person
    inbox = requests.get(GATEWAY + "/api/v1/notifications",
                         headers={"Authorization": f"Bearer {tokens['access_token']}"}, timeout=15)
    assert inbox.status_code == 200, inbox.text

    # the platform's answer replayed (a back button, a leaked URL): the state was used up
    replay = back_at_gateway(query)
    assert replay.status_code == 400, replay.text
    assert replay.json()["error"]["details"][0]["field"] == "state"


def test_an_api_client_gets_the_answer_as_json(sso):
    query = sign_in_at_platform(start(), "lisi", CALLBACK)
    response = back_at_gateway(query, Accept="application/json")
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["status"] == "signed_in" and answer["account"]["role"] == "leader"
    assert answer["account"]["login"] == "lisi" and answer["return_to"] == "/" and "redirect_to" not in answer


def test_a_platform_identity_linked_to_no_account_is_refused_and_recorded(sso):
    query = sign_in_at_platform(start(), "wanger", CALLBACK)
    response = back_at_gateway(query)
    assert response.status_code == 403, response.text
    assert response.json()["error"]["message"] == "no account is linked to this platform identity"
    with sso.connect() as conn:
        record = conn.execute(text("SELECT envelope -> 'payload' FROM outbox WHERE type = 'audit.recorded' "
                                   "ORDER BY id DESC LIMIT 1")).scalar()
    assert (record["action"], record["outcome"], record["login"]) == ("sign_in_oidc", "failed", "wanger")
    assert record["client"] == "127.0.0.1" and record["request_id"] == response.headers["X-Request-Id"]


def test_what_the_gateway_refuses(sso):
    bad = requests.get(GATEWAY + "/api/v1/auth/oidc/start", params={"return_to": "https://evil.example/"},
                       allow_redirects=False, timeout=15)
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "return_to"
    unknown = back_at_gateway({"code": "x", "state": "never-issued"})
    assert unknown.status_code == 400 and unknown.json()["error"]["code"] == "invalid_state"
    # the person cancels at the platform (its own "abort" answer)
    authorization_url = start()
    state = parse_qs(urlsplit(authorization_url).query)["state"][0]
    refused = back_at_gateway({"error": "access_denied", "error_description": "End-User aborted interaction",
                               "state": state})
    assert refused.status_code == 401 and "access_denied" in refused.json()["error"]["message"]
