"""List and replay deliveries that still failed after their retries (notify's dead letters).

    python -m services.notify.deliveries list [--all]
    python -m services.notify.deliveries replay [ID ...]   (dead-letter ids; every pending one if none)

Replay puts the delivery back to pending with a fresh set of retries; the running
notify service sends it within DISPATCH_INTERVAL. (Events whose handler failed are
another matter: `make deadletters SERVICE=notify`.)
"""
import argparse
import json
import sys

from sqlalchemy import text

from services.common.db import make_engine
from services.common.clock import now
from services.common.settings import db_url


def list_letters(engine, only_pending: bool = True) -> list[dict]:
    sql = ("SELECT l.id, l.delivery_id, l.channel, d.address, d.notification_id, n.recipient, n.type, "
           "l.error, l.attempts, l.created_at, l.replayed_at FROM delivery_dead_letters l "
           "JOIN deliveries d ON d.id = l.delivery_id JOIN notifications n ON n.id = d.notification_id")
    if only_pending:
        sql += " WHERE l.replayed_at IS NULL"
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(text(sql + " ORDER BY l.id"))]


def replay(engine, ids: list[int] | None = None) -> int:
    """Back to pending (attempts 0, due now); the dead letters are marked replayed. Returns how many."""
    at = now()
    with engine.begin() as conn:
        sql = "SELECT id, delivery_id FROM delivery_dead_letters WHERE replayed_at IS NULL"
        params: dict = {"at": at}
        if ids:
            sql += " AND id = ANY(:ids)"
            params["ids"] = ids
        rows = conn.execute(text(sql + " ORDER BY id FOR UPDATE"), params).all()
        if not rows:
            return 0
        conn.execute(text("UPDATE deliveries SET state = 'pending', attempts = 0, next_attempt_at = :at "
                          "WHERE id = ANY(:d) AND state = 'dead'"), {"at": at, "d": [r.delivery_id for r in rows]})
        conn.execute(text("UPDATE delivery_dead_letters SET replayed_at = :at WHERE id = ANY(:ids)"),
                     {"at": at, "ids": [r.id for r in rows]})
    return len(rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="deliveries", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["list", "replay"])
    parser.add_argument("ids", nargs="*", type=int)
    parser.add_argument("--all", action="store_true", help="list replayed ones too")
    args = parser.parse_args(argv)
    engine = make_engine(db_url("notify"), pool_size=1, application_name="lianxin-deliveries")
    try:
        if args.command == "list":
            for letter in list_letters(engine, only_pending=not args.all):
                print(json.dumps(letter, default=str, ensure_ascii=False))
        else:
            print(f"replayed {replay(engine, args.ids or None)}")
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
