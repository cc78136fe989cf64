"""JWT bearer auth and the six roles of API.md (no token: the public role)."""
import jwt

from gateway.errors import ApiError
from gateway.tokens import ID_CLAIMS
from services.common.schemas import MAX_ID, ROLES

STAFF = ("office", "leader", "admin")
# a third-party assessor (第三方评估) calls the assessment routes only (and the public ones)
ASSESSOR = "assessor"
SIGNED_IN = tuple(r for r in ROLES if r != ASSESSOR)
EVERYONE = ("public", *ROLES)  # no token needed; a token, if sent, must be valid


def actor_from(request, secret: str, max_ttl: int) -> dict:
    """The caller as services see it: {sub, role, deputy_id?, unit_id?, station_id?}.

    ``secret`` is the HS256 key (GATEWAY_JWT_SECRET), ``max_ttl`` the longest exp - iat accepted."""
    header = request.headers.get("Authorization", "")
    if not header:
        return {"role": "public", "sub": None}
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise ApiError(401, "unauthorized", "Authorization must be 'Bearer <token>'")
    if not secret:  # refused at start outside development mode; never verify with an empty key
        raise RuntimeError("GATEWAY_JWT_SECRET is not set")
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], options={"require": ["exp", "iat", "sub"]})
    except jwt.PyJWTError as exc:
        raise ApiError(401, "unauthorized", f"invalid token: {exc}") from None
    return actor_of(claims, max_ttl)


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
