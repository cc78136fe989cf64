"""Single sign-on's pure rules (services/identity/oidc_domain.py) and its settings."""
from urllib.parse import parse_qs, urlsplit

import pytest

from services.identity import oidc_domain as rules
from services.identity.oidc_settings import oidc_settings_from


def test_s256_is_rfc_7636s_own_example():
    # RFC 7636 Appendix B
    assert rules.code_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == \
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_a_new_verifier_is_43_unreserved_characters_and_never_the_same():
    verifiers = {rules.new_verifier() for _ in range(50)}
    assert len(verifiers) == 50
    for v in verifiers:
        assert len(v) == 43 and rules.VERIFIER_ALPHABET.match(v)
        assert "=" not in rules.code_challenge(v) and len(rules.code_challenge(v)) == 43


@pytest.mark.parametrize("bad", ["short", "x" * 129, "a" * 42 + "!", "空" * 43])
def test_a_verifier_outside_the_rfc_is_refused(bad):
    with pytest.raises(ValueError):
        rules.code_challenge(bad)


def test_the_authorization_url_carries_the_code_flow_request():
    url = rules.authorization_url("https://idp.example.gov.cn/auth?tenant=zj", "lianxin", "https://lx/cb",
                                  "openid profile", "S", "N", "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert parts.netloc == "idp.example.gov.cn" and query["tenant"] == "zj"
    assert query == {"tenant": "zj", "response_type": "code", "client_id": "lianxin", "redirect_uri": "https://lx/cb",
                     "scope": "openid profile", "state": "S", "nonce": "N",
                     "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "code_challenge_method": "S256"}


def test_state_is_stored_as_its_digest():
    assert rules.state_key("abc") == rules.state_key("abc") != rules.state_key("abd")
    assert len(rules.state_key("abc")) == 64 and "abc" not in rules.state_key("abc")


@pytest.mark.parametrize("value, expected", [
    (None, "/"), ("", "/"), ("/", "/"), ("/suggestions?status=assigned", "/suggestions?status=assigned"),
    ("/#/inbox", "/#/inbox"),
    ("//evil.example/x", None), ("/\\evil.example", None), ("https://evil.example/", None),
    ("javascript:alert(1)", None), ("evil.example", None), ("/a\nLocation: x", None), ("/" + "a" * 500, None),
])
def test_return_to_is_a_path_on_this_site(value, expected):
    assert rules.safe_return_to(value) == expected


def test_scopes_always_start_with_openid():
    assert rules.scopes_of("profile phone") == "openid profile phone"
    assert rules.scopes_of("phone,openid  profile phone") == "openid phone profile"
    assert rules.scopes_of("") == "openid"


def test_the_token_endpoint_is_authenticated_with_basic_unless_only_post_is_offered():
    assert rules.token_auth_method(None) == "client_secret_basic"
    assert rules.token_auth_method(["client_secret_post", "client_secret_basic"]) == "client_secret_basic"
    assert rules.token_auth_method(["client_secret_post", "private_key_jwt"]) == "client_secret_post"


def test_only_asymmetric_id_token_algorithms_are_accepted():
    assert rules.allowed_algorithms(None) == ["RS256"]
    assert rules.allowed_algorithms(["none", "HS256", "RS256", "ES256", "SM2"]) == ["RS256", "ES256"]


def test_the_id_token_must_be_of_this_request_and_this_client():
    ok = {"sub": "u1", "nonce": "N", "aud": "lianxin"}
    assert rules.id_token_problem(ok, "N", "lianxin") is None
    assert "nonce" in rules.id_token_problem({**ok, "nonce": "other"}, "N", "lianxin")
    assert "nonce" in rules.id_token_problem({"sub": "u1", "aud": "lianxin"}, "N", "lianxin")
    assert "sub" in rules.id_token_problem({**ok, "sub": ""}, "N", "lianxin")
    several = {**ok, "aud": ["lianxin", "other-app"]}
    assert "audiences" in rules.id_token_problem(several, "N", "lianxin")
    assert rules.id_token_problem({**several, "azp": "lianxin"}, "N", "lianxin") is None


@pytest.mark.parametrize("sent, stored", [
    ("+8613800000001", "13800000001"), ("+86 138-0000-0001", "13800000001"), ("008613800000001", "13800000001"),
    ("8613800000001", "13800000001"), ("13800000001", "13800000001"), ("(010) 6512-3456", "01065123456"),
    ("tel:138", None), ("", None), (None, None),
])
def test_phone_numbers_are_compared_as_digits_without_the_country_code(sent, stored):
    assert rules.normalize_phone(sent) == stored


def test_the_configured_claim_is_read_for_the_configured_field():
    claims = {"sub": "x", "preferred_username": " ZhangSan ", "phone_number": "+8613800000001", "employee_no": 1001,
              "email_verified": True, "groups": ["a"]}
    assert rules.lookup_value(claims, "preferred_username", "login") == "zhangsan"
    assert rules.lookup_value(claims, "phone_number", "phone") == "13800000001"
    assert rules.lookup_value(claims, "employee_no", "login") == "1001"
    assert rules.lookup_value(claims, "missing", "login") is None
    assert rules.lookup_value(claims, "email_verified", "login") is None  # not a name
    assert rules.lookup_value(claims, "groups", "login") is None
    with pytest.raises(ValueError):
        rules.lookup_value(claims, "sub", "employee_table")


def test_the_fragment_carries_the_tokens_only():
    answer = {"status": "signed_in", "access_token": "a.b.c", "refresh_token": "rt_x+y", "token_type": "Bearer",
              "expires_in": 600, "account": {"id": 1}}
    assert parse_qs(rules.fragment(answer)) == {"access_token": ["a.b.c"], "refresh_token": ["rt_x+y"],
                                               "token_type": ["Bearer"], "expires_in": ["600"]}


def test_settings_sso_off_without_an_issuer_and_complete_with_one():
    assert not oidc_settings_from({}).enabled
    with pytest.raises(ValueError, match="OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI"):
        oidc_settings_from({"OIDC_ISSUER": "https://idp"})
    with pytest.raises(ValueError, match="OIDC_ACCOUNT_FIELD"):
        oidc_settings_from({"OIDC_ACCOUNT_FIELD": "id_card"})
    s = oidc_settings_from({"OIDC_ISSUER": "https://idp", "OIDC_CLIENT_ID": "c", "OIDC_CLIENT_SECRET": "s" * 20,
                            "OIDC_REDIRECT_URI": "https://lx/cb", "OIDC_ACCOUNT_FIELD": "Phone",
                            "OIDC_SUBJECT_CLAIM": "phone_number"})
    assert s.enabled and s.account_field == "phone" and s.subject_claim == "phone_number" and s.request_ttl == 600


def test_the_client_secret_is_optional_but_never_weak_outside_development_mode():
    from services.common.secret_check import problems_of
    from services.identity.service import IdentityService

    assert "OIDC_CLIENT_SECRET" in IdentityService.secret_check.names
    config = {"AMQP_URI": "pyamqp://lianxin:a-long-broker-password-0123@rabbitmq:5672//"}
    production = {"LIANXIN_ENV": "production"}
    assert problems_of(config, ["OIDC_CLIENT_SECRET"], production) == []  # no single sign-on
    assert problems_of({**config, "OIDC_CLIENT_SECRET": "changeme"}, ["OIDC_CLIENT_SECRET"], production) == \
        ["OIDC_CLIENT_SECRET is a published default value"]
    assert problems_of({**config, "OIDC_CLIENT_SECRET": "short"}, ["OIDC_CLIENT_SECRET"], production) == \
        ["OIDC_CLIENT_SECRET is shorter than 16 bytes"]
