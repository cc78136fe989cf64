"""Statistics benchmark: how fast are the rates over 100,000 replied assignments?

    python -m bench.stats [--rows 100000] [--requests 200] [--mode both|http|sql] [--keep]

1. creates (or reuses) the bench database ``lianxin_bench_evaluation`` (``--db-prefix``),
   runs the evaluation migrations, and loads ``--rows`` replied assignments straight into
   the projection (assignment_facts) with one INSERT ... SELECT generate_series, plus 100
   units (each handling 3 of the 10 categories) and 400 deputies of 5 levels, then ANALYZE —
   unless already there. The counters (rate_cells) are then computed from the facts in one
   GROUP BY, as services.evaluation.rebuild does, with the trigger that keeps them live off
   during the load (``session_replication_role = replica``): through the trigger, 2,000,000
   rows in one transaction had not loaded after 18 minutes. ``--via-trigger`` loads through it;
2. ``sql``: times the service's own view functions (services.evaluation.stats.rates / units)
   on a SQLAlchemy session against that database, ``--requests`` calls per query;
3. ``http``: starts the evaluation service and the gateway on their own ports
   (16000 + 300 * LIANXIN_TEST_ID + ...) and RabbitMQ vhost ``lianxin_bench``, times
   ``--requests`` sequential GETs per route over HTTP → RPC → SQL, then stops them.

Writes bench/results/stats.json and prints a table (p50 / p95 / max in milliseconds).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "stats.json"
SESSION = "十六届三次"
TEST_ID = int(os.environ.get("LIANXIN_TEST_ID", "0") or 0)

LOAD = """
INSERT INTO units (unit_id, name, code)
SELECT u, '单位' || u, 'U' || u FROM generate_series(1, 100) u ON CONFLICT DO NOTHING;
INSERT INTO deputies (deputy_id, name, level, delegation, updated_at)
SELECT d, '代表' || d, (ARRAY['national','provincial','city','county','township'])[1 + d % 5], '代表团' || (d % 12),
       now() FROM generate_series(1, 400) d ON CONFLICT DO NOTHING;
INSERT INTO assignment_facts (assignment_id, suggestion_id, lead_deputy_id, level, lead_unit_id, unit_id, session,
    category, number, title, state, round, due_at, result_class, on_time, reply_round, replied_at, satisfaction,
    rating_round, rating_final, updated_at)
SELECT g, g, 1 + (g * 7) % 400, (ARRAY['national','provincial','city','county','township'])[1 + (1 + (g * 7) % 400) % 5],
       1 + (g * 13) % 100, 1 + (g * 13) % 100,
       CASE WHEN g % 3 = 0 THEN '十六届二次' ELSE '十六届三次' END,
       (ARRAY['edu','transport','agri','industry','urban','finance','law','civil','eco','other'])
           [1 + ((g * 13) % 100 + (g / 3) % 3) % 10],
       '第' || g || '号', '关于第' || g || '号事项的建议',
       (ARRAY['closed','closed','closed','closed','closed','closed','evaluated','evaluated','replied',
              'rehandling'])[1 + g % 10],
       CASE WHEN g % 10 = 9 THEN 2 ELSE 1 END,
       now() + ((g % 40) - 10) * interval '1 day',
       (ARRAY['A','A','A','A','A','A','A','B','B','C'])[1 + (g / 11) % 10], (g % 17) <> 0, 1,
       now() - (g % 90) * interval '1 day',
       CASE WHEN g % 10 <> 8 THEN (ARRAY['satisfied','satisfied','satisfied','satisfied','satisfied','satisfied',
                                         'satisfied','satisfied','basic','dissatisfied'])[1 + (g / 7) % 10] END,
       CASE WHEN g % 10 <> 8 THEN 1 END, CASE WHEN g % 10 <> 8 THEN false END, now()
FROM generate_series(1, :rows) g;
"""
QUERIES = [  # (name, HTTP path, filters for the view function, view)
    ("rates (all)", "/api/v1/stats/rates", {}, "rates"),
    ("rates session", f"/api/v1/stats/rates?session={SESSION}", {"session": SESSION}, "rates"),
    ("rates unit", "/api/v1/stats/rates?unit_id=17", {"unit_id": 17}, "rates"),
    ("rates level+category", "/api/v1/stats/rates?level=city&category=edu", {"level": "city", "category": "edu"},
     "rates"),
    ("units ranked session", f"/api/v1/stats/units?session={SESSION}", {"session": SESSION}, "units"),
]


def bench_env(prefix: str) -> dict:
    base = 16000 + 300 * TEST_ID
    env = dict(os.environ)
    env.update({"DB_PREFIX": prefix, "AMQP_VHOST": prefix, "AMQP_URI": f"pyamqp://guest:guest@127.0.0.1:5672/{prefix}",
                "RUN_DIR": str(ROOT / ".run" / prefix), "GATEWAY_ADDRESS": f"127.0.0.1:{base}",
                "EVALUATION_METRICS_ADDRESS": f"127.0.0.1:{base + 4}",
                "GATEWAY_METRICS_ADDRESS": f"127.0.0.1:{base + 6}", "PYTHONPATH": str(ROOT),
                "PSYCOPG_WAIT_FUNC": "wait_select", "LOG_LEVEL": "WARNING"})
    return env


def load(env: dict, rows: int, via_trigger: bool = False) -> int:
    from sqlalchemy import create_engine, text

    from services.evaluation import stats

    py = str(ROOT / ".venv" / "bin" / "python")
    subprocess.run([py, "-m", "services.common.migrate", "evaluation"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    url = f"{env.get('PG_URL', 'postgresql+psycopg://root@127.0.0.1:5432')}/{env['DB_PREFIX']}_evaluation"
    engine = create_engine(url)
    with engine.begin() as conn:
        have = conn.execute(text("SELECT count(*) FROM assignment_facts")).scalar()
        if have != rows:
            conn.execute(text("TRUNCATE assignment_facts, rate_cells, unreplied_cells"))
            if not via_trigger:  # superuser: what a restore or a bulk import would do
                conn.execute(text("SET LOCAL session_replication_role = replica"))
            for statement in filter(str.strip, LOAD.split(";")):
                conn.execute(text(statement), {"rows": rows})
            if not via_trigger:
                conn.execute(text("SET LOCAL session_replication_role = origin"))
                for statement in stats.cells_from_facts():
                    conn.execute(text(statement))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE assignment_facts"))  # as autovacuum would, soon after a load
        # the load updated each counter row ~50 times in one transaction; live, each event's
        # transaction updates one or two and autovacuum (threshold 2000) keeps the table small
        conn.execute(text("VACUUM FULL ANALYZE rate_cells"))
        cells = conn.execute(text("SELECT count(*) FROM rate_cells")).scalar()
    engine.dispose()
    return url, cells


def summarise(latencies: list[float]) -> dict:
    from bench.submit import percentile

    ms = [x * 1000 for x in latencies]
    return {"n": len(ms), "p50_ms": round(percentile(ms, 50), 2), "p95_ms": round(percentile(ms, 95), 2),
            "max_ms": round(max(ms), 2)}


def run_sql(url: str, requests_: int) -> dict:
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from services.common.clock import now
    from services.evaluation import stats

    engine = create_engine(url)
    office = {"role": "office", "sub": "bench"}
    results = {}
    for name, _, filters, view in QUERIES:
        fn = stats.rates if view == "rates" else stats.units
        timings = []
        for i in range(requests_ + 5):
            with Session(engine) as session:
                start = time.perf_counter()
                fn(session, office, filters, now())
                if i >= 5:  # warm-up
                    timings.append(time.perf_counter() - start)
        results[name] = summarise(timings)
    engine.dispose()
    return results


def cpu_seconds(pid: str) -> float:
    """User + system CPU time of a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_http(env: dict, requests_: int, concurrency: int = 1) -> dict:
    import threading

    import requests

    from gateway.tokens import make_token

    subprocess.run(["rabbitmqctl", "-q", "add_vhost", env["AMQP_VHOST"]], capture_output=True)
    subprocess.run(["rabbitmqctl", "-q", "set_permissions", "-p", env["AMQP_VHOST"], "guest", ".*", ".*", ".*"],
                   check=True, capture_output=True)
    for name in ("evaluation", "gateway"):
        subprocess.run(["bash", "scripts/svc.sh", "start", name], cwd=ROOT, env=env, check=True, capture_output=True)
    url = f"http://{env['GATEWAY_ADDRESS']}"
    headers = {"Authorization": f"Bearer {make_token('office', sub='bench')}"}
    http = requests.Session()
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if http.get(url + QUERIES[0][1], headers=headers, timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the bench gateway/evaluation did not answer within 60 s")
            time.sleep(0.5)
        results = {}
        pids = {n: (Path(env["RUN_DIR"]) / f"{n}.pid").read_text().strip() for n in ("evaluation", "gateway")}
        for name, path, _, _ in QUERIES:
            for _ in range(5):  # warm-up
                http.get(url + path, headers=headers, timeout=10).raise_for_status()
            cpu_before = {n: cpu_seconds(pid) for n, pid in pids.items()}
            timings: list[float] = []
            failures: list[str] = []
            share = [requests_ // concurrency + (1 if i < requests_ % concurrency else 0) for i in range(concurrency)]

            def reader(n: int) -> None:
                own = requests.Session()
                for _ in range(n):
                    start = time.perf_counter()
                    response = own.get(url + path, headers=headers, timeout=30)
                    elapsed = time.perf_counter() - start
                    if response.status_code == 200:
                        timings.append(elapsed)
                    else:
                        failures.append(str(response.status_code))

            threads = [threading.Thread(target=reader, args=(n,)) for n in share]
            wall = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - wall
            results[name] = summarise(timings)
            results[name].update({"concurrency": concurrency, "errors": len(failures),
                                  "per_second": round(len(timings) / wall, 1)})
            for n, pid in pids.items():  # CPU per request: what the latency would be on an idle machine
                results[name][f"{n}_cpu_ms_per_request"] = round(
                    (cpu_seconds(pid) - cpu_before[n]) * 1000 / requests_, 2)
        start = time.perf_counter()
        status = http.get(url + "/api/v1/reports/rates.xlsx", headers=headers, timeout=30).status_code
        results["rates.xlsx (once)"] = {"n": 1, "ms": round((time.perf_counter() - start) * 1000, 1), "status": status}
        return results
    finally:
        for name in ("gateway", "evaluation"):
            subprocess.run(["bash", "scripts/svc.sh", "stop", name], cwd=ROOT, env=env, capture_output=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--mode", choices=("both", "http", "sql"), default="both")
    parser.add_argument("--concurrency", type=int, default=1, help="HTTP readers at once (issue 19: 8)")
    parser.add_argument("--via-trigger", action="store_true",
                        help="load through the live counters' trigger instead of computing them after")
    parser.add_argument("--db-prefix", default="lianxin_bench")
    parser.add_argument("--out", default=str(RESULTS))
    args = parser.parse_args(argv)
    env = bench_env(args.db_prefix)
    load_before = [round(x, 1) for x in os.getloadavg()]
    started = time.perf_counter()
    url, cells = load(env, args.rows, args.via_trigger)
    loaded_s = round(time.perf_counter() - started, 1)
    result = {"date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "rows": args.rows,
              "rate_cells": cells,
              "requests_per_query": args.requests, "load_s": loaded_s,
              "machine": {"cpus": os.cpu_count(), "python": platform.python_version()}, "target_p95_ms": 100,
              "load_average_before": load_before}
    if args.mode in ("both", "sql"):
        result["sql_view_functions"] = run_sql(url, args.requests)
    if args.mode in ("both", "http"):
        result["http_gateway"] = run_http(env, args.requests, max(1, args.concurrency))
    result["load_average_1_5_15"] = [round(x, 1) for x in os.getloadavg()]  # other work on the machine
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    for section in ("sql_view_functions", "http_gateway"):
        for name, figures in result.get(section, {}).items():
            print(f"{section:20} {name:24} " + "  ".join(f"{k}={v}" for k, v in figures.items()))
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
