"""Rebuild the statistics projection from the event log, and compare it with the live one.

    python -m services.evaluation.rebuild            # rebuild into schema "rebuild", print differences
    python -m services.evaluation.rebuild --swap     # ... and, if they differ, replace the live tables' rows

The live projection is the log applied in ``seq`` order as events arrived; a replay
in the same order must give the same rows (projection.apply never reads the clock).
"""
import sys

from sqlalchemy import text

from services.common.db import make_engine
from services.evaluation import projection, stats
from services.evaluation.projection_models import PROJECTIONS, RateCell, UnrepliedCell

BATCH = 5000
TABLES = [m.__tablename__ for m in (*PROJECTIONS, RateCell, UnrepliedCell)]
# plain SQL: not subject to the schema_translate_map that sends the replay to the rebuilt tables
LOG_BATCH = text("SELECT seq, type, payload, occurred_at FROM public.event_log WHERE seq > :last "
                 "ORDER BY seq LIMIT :batch")


def rebuild(engine, schema: str = "rebuild") -> int:
    """Replay ``event_log`` into fresh copies of the projection tables in ``schema``; returns events replayed."""
    replayed = 0
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        for name in TABLES:
            conn.execute(text(f'CREATE TABLE "{schema}".{name} (LIKE public.{name} INCLUDING ALL)'))
        # (in place: a Connection's execution options apply to everything it runs from now on)
        target = conn.execution_options(schema_translate_map={None: schema})
        last = 0
        while True:
            rows = target.execute(LOG_BATCH, {"last": last, "batch": BATCH}).all()
            if not rows:
                break
            for row in rows:
                projection.apply(target, row.type, row.payload, row.occurred_at)
            last = rows[-1].seq
            replayed += len(rows)
        # the counters the live trigger keeps, computed here from the rebuilt facts
        for statement in stats.cells_from_facts(schema):
            conn.execute(text(statement))
    return replayed


def compare(engine, schema: str = "rebuild") -> dict[str, int]:
    """Rows that differ between the live and the rebuilt tables, per table (0 everywhere = equal)."""
    differences = {}
    with engine.connect() as conn:
        for name in TABLES:
            differences[name] = conn.execute(text(
                f'SELECT (SELECT count(*) FROM (SELECT * FROM public.{name} EXCEPT ALL '
                f'SELECT * FROM "{schema}".{name}) a) + (SELECT count(*) FROM (SELECT * FROM "{schema}".{name} '
                f'EXCEPT ALL SELECT * FROM public.{name}) b)')).scalar()
    return differences


def swap(engine, schema: str = "rebuild") -> None:
    """Replace the live projection's rows by the rebuilt ones, in one transaction (the trigger
    moves the live counters along)."""
    with engine.begin() as conn:
        for model in PROJECTIONS:
            name = model.__tablename__
            conn.execute(text(f"LOCK TABLE public.{name} IN EXCLUSIVE MODE"))
            conn.execute(text(f"DELETE FROM public.{name}"))
            conn.execute(text(f'INSERT INTO public.{name} SELECT * FROM "{schema}".{name}'))


def main(argv: list[str]) -> int:
    from services.common.settings import db_url

    engine = make_engine(db_url("evaluation"), pool_size=1, application_name="lianxin-rebuild")
    count = rebuild(engine)
    differences = compare(engine)
    print(f"replayed {count} events; rows differing per table: {differences}")
    if "--swap" in argv and any(differences.values()):
        swap(engine)
        print("live projection replaced by the rebuilt one")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
