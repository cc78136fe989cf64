"""The id_token's verification (services/identity/oidc_platform.py) with tokens the real provider
would never send: forged, expired, of another client or request, unsigned, HMAC-signed. The
platform's keys are put in its cache, so nothing is fetched."""
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from services.identity import oidc_platform as platform
from services.identity.errors import SsoFailed
from services.identity.oidc_settings import OidcSettings

SETTINGS = OidcSettings(issuer="https://idp.example.gov.cn", client_id="lianxin", client_secret="s" * 32,
                        redirect_uri="https://lx.example/api/v1/auth/oidc/callback")
META = {"issuer": SETTINGS.issuer, "jwks_uri": "https://idp.example.gov.cn/jwks",
        "id_token_signing_alg_values_supported": ["RS256"]}
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(autouse=True)
def published_keys():
    jwk = jwt.PyJWK(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key(), as_dict=True) | {"kid": "k1", "alg": "RS256"})
    platform._keys[META["jwks_uri"]] = (time.monotonic(), {"k1": jwk})
    yield
    platform._keys.clear()


def id_token(key=KEY, kid="k1", alg="RS256", **changes) -> str:
    at = int(time.time())
    claims = {"iss": SETTINGS.issuer, "aud": "lianxin", "sub": "zhangsan", "nonce": "N", "iat": at, "exp": at + 300,
              **changes}
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid})


def test_a_token_of_this_platform_client_and_request_is_accepted():
    claims = platform.verify_id_token(SETTINGS, META, id_token(), "N")
    assert claims["sub"] == "zhangsan"


@pytest.mark.parametrize("token, why", [
    (lambda: id_token(key=OTHER), "did not verify"),                                  # forged with another key
    (lambda: id_token(kid="k2"), "key the platform does not publish"),
    (lambda: id_token(iss="https://evil.example"), "did not verify"),
    (lambda: id_token(aud="another-app"), "did not verify"),
    (lambda: id_token(exp=int(time.time()) - 3600), "did not verify"),               # expired (beyond the leeway)
    (lambda: id_token(iat=None), "did not verify"),
    (lambda: id_token(nonce="another request's"), "nonce"),
    (lambda: id_token(aud=["lianxin", "another-app"]), "audiences"),
    (lambda: id_token(key="s" * 32, alg="HS256"), "algorithm 'HS256' is not accepted"),  # keyed with the client secret
    (lambda: jwt.encode({"iss": SETTINGS.issuer, "aud": "lianxin", "sub": "x", "nonce": "N"}, None, algorithm="none"),
     "algorithm 'none' is not accepted"),
    (lambda: "not-a-jwt", "not a JWT"),
])
def test_what_is_refused(token, why):
    with pytest.raises(SsoFailed) as err:
        platform.verify_id_token(SETTINGS, META, token(), "N")
    assert why in err.value.message


def test_several_audiences_are_accepted_when_authorized_for_this_client():
    claims = platform.verify_id_token(SETTINGS, META, id_token(aud=["lianxin", "another-app"], azp="lianxin"), "N")
    assert claims["azp"] == "lianxin"


def test_a_new_kid_refetches_the_platforms_keys_at_most_every_10_seconds(monkeypatch):
    """The platform rotated its keys: a token with a kid not yet seen makes one refetch, unless the
    keys were fetched less than 10 s ago (a flood of made-up kids does not hammer the platform)."""
    rotated = jwt.PyJWK(jwt.algorithms.RSAAlgorithm.to_jwk(OTHER.public_key(), as_dict=True) | {"kid": "k2", "alg": "RS256"})
    fetched = []

    def fetch(settings, uri):
        fetched.append(uri)
        platform._keys[uri] = (time.monotonic(), {"k2": rotated})
        return {"k2": rotated}
    monkeypatch.setattr(platform, "_fetch_keys", fetch)
    with pytest.raises(SsoFailed):  # the keys are 0 s old: no refetch
        platform.verify_id_token(SETTINGS, META, id_token(key=OTHER, kid="k2"), "N")
    assert fetched == []
    at, keys = platform._keys[META["jwks_uri"]]
    platform._keys[META["jwks_uri"]] = (at - 11, keys)
    assert platform.verify_id_token(SETTINGS, META, id_token(key=OTHER, kid="k2"), "N")["sub"] == "zhangsan"
    assert fetched == [META["jwks_uri"]]
