"""Deadline scheduler and routing cache benchmark (issue 4), straight against PostgreSQL.

    PYTHONPATH=. .venv/bin/python -m bench.deadlines --assignments 20000 --units 100

Uses its own database (`<DB_PREFIX>_bench_assignment`, default prefix `lianxin`), dropped
and recreated each run; needs nothing else running (events stay in the outbox).
Measures: the first scheduler pass over N assignments (due dates spread from 30 days
late to 120 days ahead, so many reminders are due), a second pass (nothing left to
do: the cost of every timer tick), one building of the routing model from the units and
N precedents, and ranking one suggestion with it.
"""
import argparse
import json
import random
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert, text

from services.assignment import deadlines, recommend
from services.assignment.models import Assignment, AssignmentUnit, Precedent, SuggestionFacts, Unit
from services.assignment.rules import Rules
from services.common import migrate, settings
from services.common.clock import now
from services.common.db import Db

WORDS = ["公交", "学校", "医院", "公园", "道路", "停车", "养老", "河道", "菜市场", "电梯", "供暖", "垃圾分类"]
CATEGORIES = ["transport", "edu", "civil", "urban", "eco", "finance"]


def fresh_database(name: str) -> str:
    admin = create_engine(f"{settings.pg_url()}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
    return name


def load(engine, n_assignments: int, n_units: int, rng: random.Random) -> None:
    at = now()
    with engine.begin() as conn:
        conn.execute(insert(Unit), [{"id": i, "name": f"单位{i}", "code": f"U{i}", "duties": rng.choice(WORDS),
                                     "keywords": rng.sample(WORDS, 2), "categories": [rng.choice(CATEGORIES)]}
                                    for i in range(1, n_units + 1)])
        facts, rows, places, precedents = [], [], [], []
        for i in range(1, n_assignments + 1):
            title = f"关于改善{rng.choice(WORDS)}和{rng.choice(WORDS)}的建议"
            category, lead = rng.choice(CATEGORIES), rng.randint(1, n_units)
            facts.append({"suggestion_id": i, "number_label": f"第{i:04d}号", "session": "十六届三次",
                          "title": title, "category": category, "lead_deputy_id": 1, "co_signer_ids": [],
                          "status": "assigned"})
            state, due = rng.choice(["assigned", "signed", "signed", "replied"]), at + timedelta(days=rng.uniform(-30, 120))
            rows.append({"id": i, "suggestion_id": i, "lead_unit_id": lead, "co_unit_ids": [], "state": state,
                         "round": 1, "due_at": due, "created_at": at, "routed_at": at})
            # the scheduler reads the handling unit's own state and due date (分办, issue 15)
            places.append({"assignment_id": i, "unit_id": lead, "is_lead": True, "role": "lead", "state": state,
                           "round": 1, "due_at": due})
            precedents.append({"assignment_id": i, "suggestion_id": i, "title": title, "category": category,
                               "unit_id": lead, "source": "assigned", "at": at})
        for table, values in ((SuggestionFacts, facts), (Assignment, rows), (AssignmentUnit, places),
                              (Precedent, precedents)):
            for start in range(0, len(values), 5000):
                conn.execute(insert(table), values[start:start + 5000])


def timed(work):
    started = time.perf_counter()
    result = work()
    return result, round(time.perf_counter() - started, 3)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignments", type=int, default=20000)
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--out-dir", default="bench/results")
    args = parser.parse_args(argv)
    name = fresh_database(f"{settings.db_name('bench')}_assignment")
    import os

    os.environ["DB_PREFIX"] = name.removesuffix("_assignment")
    migrate.upgrade("assignment")
    engine = create_engine(settings.db_url("assignment"), pool_size=4)
    load(engine, args.assignments, args.units, random.Random(args.seed))
    db = Db(engine, "assignment")
    first, first_s = timed(lambda: deadlines.run(db, Rules()))
    second, second_s = timed(lambda: deadlines.run(db, Rules()))
    cache = recommend.ModelCache("bench")
    with db.read() as session:
        _, build_s = timed(lambda: cache.get(session))
        _, cached_s = timed(lambda: cache.get(session))
        ranked, rank_s = timed(lambda: cache.model.rank("关于改善公交和停车的建议", "", "transport"))
    result = {"assignments": args.assignments, "units": args.units, "first_pass": {**first, "seconds": first_s},
              "idle_pass": {**second, "seconds": second_s}, "routing_build_seconds": build_s,
              "routing_cached_lookup_seconds": cached_s, "routing_rank_seconds": rank_s,
              "ranker": recommend.RoutingModel.__module__, "candidates": len(ranked)}
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{time.strftime('%Y-%m-%d-%H%M%S')}-deadlines.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2, ensure_ascii=False))
    engine.dispose()
    return result


if __name__ == "__main__":
    main()
