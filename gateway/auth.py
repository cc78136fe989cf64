"""JWT bearer auth and the six roles of API.md (no token: the public role)."""
import jwt

from gateway.errors import ApiError
from gateway.tokens import ROLES, secret

STAFF = ("office", "leader", "admin")
SIGNED_IN = ("admin", "office", "leader", "deputy", "unit", "station")
EVERYONE = ("public", *SIGNED_IN)  # no token needed; a token, if sent, must be valid


def actor_from(request) -> dict:
    """The caller as services see it: {sub, role, deputy_id?, unit_id?, station_id?}."""
    header = request.headers.get("Authorization", "")
    if not header:
        return {"role": "public", "sub": None}
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise ApiError(401, "unauthorized", "Authorization must be 'Bearer <token>'")
    try:
        claims = jwt.decode(token, secret(), algorithms=["HS256"], options={"require": ["exp", "sub"]})
    except jwt.PyJWTError as exc:
        raise ApiError(401, "unauthorized", f"invalid token: {exc}") from None
    if claims.get("role") not in ROLES:
        raise ApiError(401, "unauthorized", "token has no valid role")
    actor = {"sub": str(claims["sub"]), "role": claims["role"]}
    for key in ("deputy_id", "unit_id", "station_id"):
        if claims.get(key) is not None:
            actor[key] = int(claims[key])
    needs = {"deputy": "deputy_id", "unit": "unit_id", "station": "station_id"}.get(actor["role"])
    if needs and needs not in actor:
        raise ApiError(401, "unauthorized", f"a {actor['role']} token needs the {needs} claim")
    return actor


def require(actor: dict, *roles: str) -> dict:
    if actor["role"] == "public" and "public" not in roles:
        raise ApiError(401, "unauthorized", "sign in first")
    if actor["role"] not in roles:
        raise ApiError(403, "forbidden", f"role {actor['role']} may not do this")
    return actor
