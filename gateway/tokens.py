"""Development JWTs (HS256 with GATEWAY_JWT_SECRET).

    python -m gateway.tokens --role office
    python -m gateway.tokens --role unit --unit-id 3
"""
import argparse
import os
import time

import jwt

ROLES = ("admin", "office", "leader", "deputy", "unit", "station")
DEFAULT_SECRET = "dev-secret-change-me-0123456789abcdef"


def secret() -> str:
    return os.environ.get("GATEWAY_JWT_SECRET", DEFAULT_SECRET)


def make_token(role: str, sub: str | None = None, deputy_id: int | None = None,
               unit_id: int | None = None, station_id: int | None = None,
               ttl: int = 8 * 3600, key: str | None = None) -> str:
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}")
    claims = {"sub": sub or f"{role}-dev", "role": role, "exp": int(time.time()) + ttl}
    for name, value in (("deputy_id", deputy_id), ("unit_id", unit_id), ("station_id", station_id)):
        if value is not None:
            claims[name] = int(value)
    return jwt.encode(claims, key or secret(), algorithm="HS256")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="print a development JWT")
    parser.add_argument("--role", required=True, choices=ROLES)
    parser.add_argument("--sub")
    parser.add_argument("--deputy-id", type=int)
    parser.add_argument("--unit-id", type=int)
    parser.add_argument("--station-id", type=int)
    parser.add_argument("--ttl", type=int, default=8 * 3600)
    args = parser.parse_args(argv)
    print(make_token(args.role, args.sub, args.deputy_id, args.unit_id, args.station_id, args.ttl))


if __name__ == "__main__":
    main()
