"""List and replay dead-lettered events of one service.

    python -m services.common.deadletters SERVICE list
    python -m services.common.deadletters SERVICE replay [ID ...]   (all not yet replayed if no id)

Replay publishes the stored envelope straight to that service's queue (not the
shared exchange), so only the consumer that failed sees it again. A message whose body
could not be decoded (type ``undecodable``: its bytes in base64 and as text) is listed
but never replayed: it would only be parked again.
"""
import argparse
import json
import sys

from kombu import Connection, Exchange
from sqlalchemy import text

from services.common.db import make_engine
from services.common.settings import amqp_uri, db_url
from services.common.topology import queue_name


def list_letters(engine, only_pending=True) -> list[dict]:
    sql = "SELECT id, consumer, event_id, type, error, attempts, created_at, replayed_at FROM dead_letters"
    if only_pending:
        sql += " WHERE replayed_at IS NULL"
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(text(sql + " ORDER BY id"))]


def replay(engine, uri: str, service: str, ids: list[int] | None = None) -> int:
    with engine.begin() as conn:
        sql = "SELECT id, envelope FROM dead_letters WHERE replayed_at IS NULL AND type <> 'undecodable'"
        params = {}
        if ids:
            sql += " AND id = ANY(:ids)"
            params["ids"] = ids
        rows = conn.execute(text(sql + " ORDER BY id FOR UPDATE"), params).all()
        with Connection(uri, transport_options={"confirm_publish": True}) as amqp:
            producer = amqp.Producer(exchange=Exchange(""), serializer="json")
            for row in rows:
                producer.publish(row.envelope, routing_key=queue_name(service), delivery_mode=2,
                                 mandatory=True, headers={"nameko.request_id": row.envelope.get("request_id") or ""})
        if rows:
            conn.execute(text("UPDATE dead_letters SET replayed_at = now() WHERE id = ANY(:ids)"),
                         {"ids": [r.id for r in rows]})
    return len(rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="deadletters", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("service")
    parser.add_argument("command", choices=["list", "replay"])
    parser.add_argument("ids", nargs="*", type=int)
    parser.add_argument("--all", action="store_true", help="list replayed ones too")
    args = parser.parse_args(argv)
    engine = make_engine(db_url(args.service), pool_size=1, application_name="lianxin-deadletters")
    if args.command == "list":
        for letter in list_letters(engine, only_pending=not args.all):
            print(json.dumps(letter, default=str, ensure_ascii=False))
        return 0
    count = replay(engine, amqp_uri(), args.service, args.ids or None)
    print(f"replayed {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
