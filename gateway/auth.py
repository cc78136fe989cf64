"""JWT bearer auth and the roles of API.md (no token: the public role).

Access tokens are RS256, signed by the identity service, verified against its JWKS (gateway/jwks.py)
with iss, aud, exp and iat checked. HS256 development tokens (`make token`) are accepted only in
development mode (LIANXIN_ENV=development)."""
import time
from collections import OrderedDict

import jwt

from gateway.errors import ApiError
from gateway.tokens import ID_CLAIMS
from services.common.schemas import MAX_ID, ROLES
from services.common.secret_check import development_mode

STAFF = ("office", "leader", "admin")
# a third-party assessor (第三方评估) calls the assessment routes only (and the public ones); the
# security administrator and the auditor (三员分立) only theirs: none of them is a business caller
ASSESSOR = "assessor"
SIGNED_IN = tuple(r for r in ROLES if r not in (ASSESSOR, "security_admin", "auditor"))
ANY_PERSON = tuple(ROLES)  # any signed-in caller, whatever the role (their own sessions, /auth/me)
EVERYONE = ("public", *ROLES)  # no token needed; a token, if sent, must be valid
AUDIENCE = "lianxin-api"
DEV_REFUSED = "development tokens are refused outside development mode"
# verified access tokens: a person sends the same token on every request until it expires, and
# an RS256 check is most of the gateway's work on a small request (issue 19)
VERIFIED_CACHE_SIZE = 10_000
_verified: OrderedDict = OrderedDict()     # token -> (claims, exp, key, issuer)


def actor_from(request, settings, keys=None) -> dict:
    """The caller as services see it: {sub, role, deputy_id?, unit_id?, station_id?, name?, sid?}.

    ``settings``: the gateway's (issuer, the longest exp - iat accepted, the development HS256 key);
    ``keys``: the identity service's public keys (a JwksCache)."""
    header = request.headers.get("Authorization", "")
    if not header:
        return {"role": "public", "sub": None}
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise ApiError(401, "unauthorized", "Authorization must be 'Bearer <token>'")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise ApiError(401, "unauthorized", f"invalid token: {exc}") from None
    algorithm = header.get("alg")
    if algorithm == "RS256":
        claims = verified_access_token(token, settings, keys, header.get("kid"))
    elif algorithm == "HS256":
        claims = verified_development_token(token, settings)
    else:
        raise ApiError(401, "unauthorized", "invalid token: only RS256 access tokens are accepted")
    return actor_of(claims, settings.token_max_ttl)


def verified_access_token(token: str, settings, keys, kid=None) -> dict:
    if not isinstance(kid, str) or not kid or keys is None:
        raise ApiError(401, "unauthorized", "invalid token: no known signing key (kid)")
    key = keys.key(kid)
    if key is None:
        raise ApiError(401, "unauthorized", "invalid token: signed by an unknown key")
    # the kid is the token's own header, so the token string fixes it
    return verified_once(token, key, settings.token_issuer, lambda: jwt.decode(
        token, key, algorithms=["RS256"], audience=AUDIENCE, issuer=settings.token_issuer,
        options={"require": ["exp", "iat", "sub", "iss", "aud"]}))


def verified_development_token(token: str, settings) -> dict:
    if not development_mode():
        raise ApiError(401, "unauthorized", DEV_REFUSED)
    if not settings.jwt_secret:  # never verify with an empty key
        raise RuntimeError("GATEWAY_JWT_SECRET is not set")
    return verified_once(token, settings.jwt_secret, "development", lambda: jwt.decode(
        token, settings.jwt_secret, algorithms=["HS256"], options={"require": ["exp", "iat", "sub"]}))


def verified_once(token: str, key, issuer: str, decode) -> dict:
    """``decode()``'s claims, from memory when this token was verified before with this very key
    (a retired or replaced key, or another development secret, makes it fail as on first sight)
    for this issuer and has not expired since."""
    hit = _verified.get(token)
    same_key = hit and (hit[2] is key or (isinstance(key, str) and hit[2] == key))
    if same_key and hit[3] == issuer and hit[1] > time.time():
        _verified.move_to_end(token)
        return hit[0]
    try:
        claims = decode()
    except jwt.PyJWTError as exc:
        _verified.pop(token, None)
        raise ApiError(401, "unauthorized", f"invalid token: {exc}") from None
    _verified[token] = (claims, int(claims["exp"]), key, issuer)
    if len(_verified) > VERIFIED_CACHE_SIZE:
        _verified.popitem(last=False)
    return claims


def actor_of(claims: dict, max_ttl: int) -> dict:
    """Validated claims as the actor; 401 naming the claim that is wrong (never a 500 further on)."""
    # PyJWT has checked that both convert to int (a string "2999..." does too)
    lifetime, longest = int(claims["exp"]) - int(claims["iat"]), max_ttl
    if lifetime > longest:
        raise ApiError(401, "unauthorized", f"token lives {lifetime} s (exp - iat); at most {longest} s is accepted")
    if claims.get("role") not in ROLES:
        raise ApiError(401, "unauthorized", "token has no valid role")
    sub = claims["sub"]
    if not isinstance(sub, str) or not sub.strip():
        raise ApiError(401, "unauthorized", "the sub claim must be a non-empty string")
    actor = {"sub": sub, "role": claims["role"]}
    for key in ("name", "sid"):  # a person's token: their display name and session
        if isinstance(claims.get(key), str) and claims[key]:
            actor[key] = claims[key][:200]
    for key in ID_CLAIMS:
        if key in claims:
            actor[key] = id_claim(key, claims[key])
    needs = {"deputy": "deputy_id", "unit": "unit_id", "station": "station_id"}.get(actor["role"])
    if needs and needs not in actor:
        raise ApiError(401, "unauthorized", f"a {actor['role']} token needs the {needs} claim")
    return actor


def id_claim(key: str, value) -> int:
    # bool is an int in Python; "5" and 5.0 are not ids either
    if type(value) is not int or not 0 < value <= MAX_ID:
        raise ApiError(401, "unauthorized", f"the {key} claim must be a positive integer (at most {MAX_ID})")
    return value


def require(actor: dict, *roles: str) -> dict:
    if actor["role"] == "public" and "public" not in roles:
        raise ApiError(401, "unauthorized", "sign in first")
    if actor["role"] not in roles:
        raise ApiError(403, "forbidden", f"role {actor['role']} may not do this")
    return actor
