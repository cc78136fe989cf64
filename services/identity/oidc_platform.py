"""The unified identity platform (统一身份认证) over HTTP: discovery, its keys, the token endpoint,
userinfo, and the id_token's verification. ``requests`` is green under nameko's monkey patching,
so a call waits without blocking other workers; every call has OIDC_HTTP_TIMEOUT."""
import base64
import logging
import time
from urllib.parse import quote

import jwt
import requests

from services.common.errors import Unavailable
from services.identity import oidc_domain as rules
from services.identity.errors import SsoFailed

log = logging.getLogger(__name__)

DISCOVERY_TTL = 3600   # seconds the platform's metadata is kept
JWKS_TTL = 3600        # seconds its keys are kept; an unknown kid refetches them (at most every 10 s)
JWKS_REFETCH = 10
LEEWAY = 60            # seconds of clock difference accepted on exp/iat
_metadata: dict = {}   # issuer -> (fetched at, metadata)
_keys: dict = {}       # jwks_uri -> (fetched at, {kid: PyJWK})


def _http(method: str, url: str, settings, **kwargs) -> requests.Response:
    try:
        return requests.request(method, url, timeout=settings.http_timeout, allow_redirects=False, **kwargs)
    except requests.RequestException as exc:
        log.warning("identity platform unreachable: %s %s: %r", method, url, exc)
        raise Unavailable("the unified identity platform did not answer") from None


def _json(response: requests.Response, what: str) -> dict:
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise Unavailable(f"the unified identity platform's {what} is not JSON (HTTP {response.status_code})")
    return body


def metadata(settings) -> dict:
    """``<issuer>/.well-known/openid-configuration``, cached; its issuer must be the configured one."""
    hit = _metadata.get(settings.issuer)
    if hit and time.monotonic() - hit[0] < DISCOVERY_TTL:
        return hit[1]
    url = settings.issuer.rstrip("/") + "/.well-known/openid-configuration"
    response = _http("GET", url, settings, headers={"Accept": "application/json"})
    if response.status_code != 200:
        raise Unavailable(f"the unified identity platform's discovery answered HTTP {response.status_code}")
    doc = _json(response, "discovery document")
    if doc.get("issuer") != settings.issuer:  # OpenID Connect Discovery §4.3
        raise Unavailable(f"the platform names itself {doc.get('issuer')!r}, not OIDC_ISSUER {settings.issuer!r}")
    missing = [k for k in ("authorization_endpoint", "token_endpoint", "jwks_uri") if not doc.get(k)]
    if missing:
        raise Unavailable(f"the platform's discovery document lacks {', '.join(missing)}")
    _metadata[settings.issuer] = (time.monotonic(), doc)
    return doc


def _fetch_keys(settings, jwks_uri: str) -> dict:
    response = _http("GET", jwks_uri, settings, headers={"Accept": "application/json"})
    if response.status_code != 200:
        raise Unavailable(f"the platform's keys answered HTTP {response.status_code}")
    found = {}
    for jwk in _json(response, "key set").get("keys") or []:
        if not isinstance(jwk, dict) or jwk.get("use", "sig") != "sig":
            continue
        try:
            found[jwk.get("kid")] = jwt.PyJWK(jwk)
        except jwt.PyJWTError:  # a key type or algorithm PyJWT cannot use: not one of ours to verify with
            continue
    _keys[jwks_uri] = (time.monotonic(), found)
    return found


def signing_key(settings, jwks_uri: str, kid: str | None):
    hit = _keys.get(jwks_uri)
    age = time.monotonic() - hit[0] if hit else None
    fresh = age is None or age >= JWKS_TTL
    found = _fetch_keys(settings, jwks_uri) if fresh else hit[1]
    if kid not in found and (kid is not None or len(found) != 1) and not fresh and age >= JWKS_REFETCH:
        found = _fetch_keys(settings, jwks_uri)  # the platform may have rotated its keys
    if kid in found:
        return found[kid]
    if kid is None and len(found) == 1:
        return next(iter(found.values()))
    raise SsoFailed("the id_token is signed with a key the platform does not publish")


def exchange(settings, meta: dict, code: str, verifier: str) -> dict:
    """The authorization code (with its PKCE verifier) for tokens at the token endpoint."""
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": settings.redirect_uri,
            "code_verifier": verifier}
    headers = {"Accept": "application/json"}
    if rules.token_auth_method(meta.get("token_endpoint_auth_methods_supported")) == "client_secret_basic":
        pair = f"{quote(settings.client_id, safe='')}:{quote(settings.client_secret, safe='')}"  # RFC 6749 §2.3.1
        headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
    else:
        data.update(client_id=settings.client_id, client_secret=settings.client_secret)
    response = _http("POST", meta["token_endpoint"], settings, data=data, headers=headers)
    body = _json(response, "token answer")
    if response.status_code != 200:
        raise SsoFailed(f"the platform refused the authorization code: {body.get('error', response.status_code)}"
                        + (f" ({body['error_description']})" if body.get("error_description") else ""))
    if not isinstance(body.get("id_token"), str):
        raise SsoFailed("the platform's token answer has no id_token (is the openid scope granted?)")
    return body


def verify_id_token(settings, meta: dict, id_token: str, nonce: str) -> dict:
    """The id_token's claims once its signature (the platform's published keys), iss, aud, exp, iat
    and nonce hold (OpenID Connect Core §3.1.3.7)."""
    algorithms = rules.allowed_algorithms(meta.get("id_token_signing_alg_values_supported"))
    try:
        header = jwt.get_unverified_header(id_token)
    except jwt.PyJWTError as exc:
        raise SsoFailed(f"the id_token is not a JWT: {exc}") from None
    if header.get("alg") not in algorithms:
        raise SsoFailed(f"the id_token's algorithm {header.get('alg')!r} is not accepted")
    key = signing_key(settings, meta["jwks_uri"], header.get("kid"))
    try:
        claims = jwt.decode(id_token, key.key, algorithms=[header["alg"]], audience=settings.client_id,
                            issuer=settings.issuer, leeway=LEEWAY,
                            options={"require": ["iss", "aud", "exp", "iat", "sub"]})
    except jwt.PyJWTError as exc:
        raise SsoFailed(f"the id_token did not verify: {exc}") from None
    problem = rules.id_token_problem(claims, nonce, settings.client_id)
    if problem:
        raise SsoFailed(problem)
    return claims


def userinfo(settings, meta: dict, access_token: str, sub: str) -> dict:
    """The UserInfo claims (where platforms put what the scopes grant); its sub must be the id_token's."""
    endpoint = meta.get("userinfo_endpoint")
    if not endpoint or not access_token:
        return {}
    response = _http("GET", endpoint, settings, headers={"Authorization": f"Bearer {access_token}",
                                                         "Accept": "application/json"})
    if response.status_code != 200:
        raise SsoFailed(f"the platform's userinfo answered HTTP {response.status_code}")
    info = _json(response, "userinfo")
    if info.get("sub") != sub:  # Core §5.3.4: else the answer is not this person's
        raise SsoFailed("the platform's userinfo is of another subject")
    return info
