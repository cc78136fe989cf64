"""Development JWTs (HS256 with GATEWAY_JWT_SECRET), in development mode only (LIANXIN_ENV).

    python -m gateway.tokens --role office
    python -m gateway.tokens --role unit --unit-id 3
"""
import argparse
import sys
import time

import jwt

from services.common.schemas import ROLES
from services.common.secret_check import MODE_VARIABLE, development_mode, setting

ID_CLAIMS = ("deputy_id", "unit_id", "station_id")
DEFAULT_TTL = 8 * 3600


def secret() -> str:
    """GATEWAY_JWT_SECRET of this shell (the CLI's key; the gateway's own is in its settings);
    in development mode its development value when unset."""
    value = setting(None, "GATEWAY_JWT_SECRET")
    if not value:  # the gateway refuses to start so; a CLI must not sign with an empty key either
        raise RuntimeError("GATEWAY_JWT_SECRET is not set")
    return value


def make_token(role: str, sub: str | None = None, deputy_id: int | None = None,
               unit_id: int | None = None, station_id: int | None = None,
               ttl: int = DEFAULT_TTL, key: str | None = None) -> str:
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}")
    now = int(time.time())
    claims = {"role": role, "iat": now, "exp": now + ttl}
    for name, value in zip(ID_CLAIMS, (deputy_id, unit_id, station_id)):
        if value is not None:
            claims[name] = int(value)
    claims["sub"] = sub or default_sub(role, claims)
    return jwt.encode(claims, key or secret(), algorithm="HS256")


def default_sub(role: str, claims: dict) -> str:
    """deputy-483 for DEPUTY_ID=483 (each deputy a person of its own), office-dev without an id."""
    for name in ID_CLAIMS:
        if name in claims:
            return f"{name.removesuffix('_id')}-{claims[name]}"
    return f"{role}-dev"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="print a development JWT")
    parser.add_argument("--role", required=True, choices=ROLES)
    parser.add_argument("--sub")
    parser.add_argument("--deputy-id", type=int)
    parser.add_argument("--unit-id", type=int)
    parser.add_argument("--station-id", type=int)
    parser.add_argument("--ttl", type=int, default=DEFAULT_TTL)
    args = parser.parse_args(argv)
    if not development_mode():
        sys.exit(f"development tokens are made in development mode only ({MODE_VARIABLE}=development)")
    print(make_token(args.role, args.sub, args.deputy_id, args.unit_id, args.station_id, args.ttl))


if __name__ == "__main__":
    main()
