"""Read benchmark: list and keyword search over 100,000 suggestions.

    python -m bench.read [--rows 100000] [--requests 2000] [--concurrency 8] [--limit 20]
                         [--keep] [--explain] [--port-base 17000] [--seed 16]

Starts an isolated copy of the whole system (own databases, vhost, run dir and ports,
as the end-to-end tests do; LIANXIN_TEST_ID shifts them), loads --rows realistic
suggestions straight into its suggestion database with COPY (bench/read_data.py),
then times GET /api/v1/suggestions and /api/v1/public/suggestions through the gateway
in scenarios (office lists, filters, keyword searches, a deputy's scoped list, the
public list), each from --concurrency threads. --keep leaves the system running and
its data loaded; a later --keep run with the same --rows reuses the data (and starts
the system again if it was stopped since: `bash scripts/down.sh` with the same env). --explain also runs EXPLAIN
ANALYZE on every statement views.py runs for each scenario.

Writes bench/results/<YYYY-MM-DD>-read.json (and bench/results/read.json, the latest)
and prints a table.
"""
from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import subprocess
import sys
import threading
import time
import warnings
from collections import Counter
from pathlib import Path

from bench.submit import machine_info, percentile, result_path, run_threads
from scripts.isolation import drop_databases, reset, test_env

ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = ROOT / "bench" / "results"
N_DEPUTIES = 400
CHUNK = 2000

KEYWORDS = {
    "q_2char": ["公交", "教育", "养老"],
    "q_3_4char": ["幼儿园", "停车难", "垃圾分类"],
    "q_multi": ["老旧小区 加装电梯"],
    "q_latin": ["5G"],
    "q_single": ["水"],
}


# --------------------------------------------------------------------------- pure

def scenarios(limit: int, sessions: list[str], categories: list[str], statuses: list[str],
              n_units: int, n_deputies: int) -> list[dict]:
    """name, path, role and the (cycled) query parameters of each scenario."""
    page = {"limit": limit}
    return [
        {"name": "office_newest", "path": "/suggestions", "role": "office", "params": [page]},
        {"name": "office_deep_offset", "path": "/suggestions", "role": "office",
         "params": [{**page, "offset": 5000}]},
        {"name": "filter_session_status", "path": "/suggestions", "role": "office",
         "params": [{**page, "session": s, "status": st} for s in sessions for st in statuses]},
        {"name": "filter_category", "path": "/suggestions", "role": "office",
         "params": [{**page, "category": c} for c in categories]},
        {"name": "filter_unit", "path": "/suggestions", "role": "office",
         "params": [{**page, "unit_id": u} for u in range(1, n_units + 1)]},
        *({"name": name, "path": "/suggestions", "role": "office", "params": [{**page, "q": q} for q in words]}
          for name, words in KEYWORDS.items()),
        {"name": "deputy_scoped", "path": "/suggestions", "role": "deputy",
         "params": [{**page, "_deputy": d} for d in range(1, n_deputies + 1, 7)]},
        {"name": "public_list", "path": "/public/suggestions", "role": None, "params": [page]},
        {"name": "public_q", "path": "/public/suggestions", "role": None,
         "params": [{**page, "q": q} for words in KEYWORDS.values() for q in words]},
    ]


def stats(latencies_ms: list[float], statuses: list, wall_s: float) -> dict:
    counts = Counter(statuses)
    errors = {str(k): v for k, v in counts.items() if k != 200}

    def r(v):
        return None if v is None else round(v, 1)

    return {"count": len(statuses), "errors": sum(errors.values()), "errors_by_status": errors,
            "wall_s": round(wall_s, 2), "rps": round(len(statuses) / wall_s, 1) if wall_s > 0 else None,
            "p50": r(percentile(latencies_ms, 50)), "p95": r(percentile(latencies_ms, 95)),
            "p99": r(percentile(latencies_ms, 99)), "max": r(max(latencies_ms)) if latencies_ms else None,
            "mean": r(sum(latencies_ms) / len(latencies_ms)) if latencies_ms else None}


def format_table(report: dict, target_ms: float = 100.0) -> str:
    """One line per scenario: latency under load, alone (solo), matches, CPU per request."""
    head = (f"{'scenario':<22} {'n':>5} {'err':>3} {'req/s':>6} {'p50':>7} {'p95':>7} {'p99':>7} {'solo50':>7} "
            f"{'matches':>7} {'cpu gw/svc/pg ms':>17}  ")
    lines = [head, "-" * len(head)]
    for name, s in [*report["scenarios"].items(), ("overall", report["overall"])]:
        flag = "" if s["p95"] is None or s["p95"] < target_ms else f"p95 ≥ {target_ms:.0f}"
        total = s.get("total")
        solo = (s.get("solo") or {}).get("p50")
        cpu = s.get("cpu_ms_per_request")
        cpu_text = "/".join("?" if cpu.get(k) is None else f"{cpu[k]:.0f}"
                            for k in ("gateway", "suggestion", "postgres")) if cpu else ""
        lines.append(f"{name:<22} {s['count']:>5} {s['errors']:>3} {s['rps'] or 0:>6.1f} {s['p50'] or 0:>7.1f} "
                     f"{s['p95'] or 0:>7.1f} {s['p99'] or 0:>7.1f} {'' if solo is None else f'{solo:.1f}':>7} "
                     f"{'' if total is None else total:>7} {cpu_text:>17}  {flag}")
    lines.append("latency in ms (solo50: p50 one request at a time); matches: mean total per answer")
    return "\n".join(lines)


# --------------------------------------------------------------------------- system

def run(args: list[str], env: dict, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
    if check and done.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return done


def gateway_url(env: dict) -> str:
    return f"http://{env['GATEWAY_ADDRESS']}"


def ready(env: dict) -> bool:
    import requests
    try:
        return requests.get(gateway_url(env) + "/readyz", timeout=3).status_code == 200
    except requests.RequestException:
        return False


def pg_dsn(env: dict) -> str:
    return f"postgresql://root@127.0.0.1:5432/{env['DB_PREFIX']}_suggestion"


def loaded_rows(env: dict) -> int:
    import psycopg
    try:
        with psycopg.connect(pg_dsn(env), connect_timeout=3) as conn:
            return conn.execute("SELECT count(*) FROM suggestions").fetchone()[0]
    except psycopg.Error:
        return 0


def cpu_seconds(env: dict) -> dict[str, float]:
    """CPU time (user + system) used so far by the gateway, the suggestion service and the
    PostgreSQL backends connected to the suggestion database (RabbitMQ is shared: left out)."""
    tick = os.sysconf("SC_CLK_TCK")

    def of(pid) -> float:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            return 0.0

    result = {}
    for name in ("gateway", "suggestion"):
        try:
            result[name] = of(int((Path(env["RUN_DIR"]) / f"{name}.pid").read_text()))
        except (OSError, ValueError):
            result[name] = 0.0
    db = f"{env['DB_PREFIX']}_suggestion"
    pids = run(["psql", "-h", "127.0.0.1", "-U", "root", "-d", "postgres", "-Atc",
                f"select pid from pg_stat_activity where datname = '{db}' and pid <> pg_backend_pid()"],
               env, check=False).stdout.split()
    result["postgres"] = sum(of(p) for p in pids)
    return result


# --------------------------------------------------------------------------- load

COLUMNS = ["id", "number", "session", "title", "body", "category", "kind", "source", "lead_deputy_id",
           "status", "status_at", "public", "return_reason", "merged_into_id", "withdraw_reason",
           "published_at", "assignment", "lead_unit_id", "co_unit_ids", "due_at", "search_terms",
           "created_by", "created_at", "submitted_at"]
TYPES = ["int8", "int4", "varchar", "varchar", "text", "varchar", "varchar", "varchar", "int8",
         "varchar", "timestamptz", "bool", "text", "int8", "text", "timestamptz", "jsonb", "int8",
         "int8[]", "timestamptz", "text", "varchar", "timestamptz", "timestamptz"]  # search_terms: a literal
REPLY_COLUMNS = ["suggestion_id", "assignment_id", "round", "unit_name", "result_class", "content", "at", "event_id"]


def texts(rows: int, seed: int, processes: int, distinct: int | None = None):
    """(category, title, body, search_terms literal) per row, made by a process pool in chunks.
    Only the first ``distinct`` rows' texts are made (about 1 ms of CPU a row); later rows
    take them again in turn (kept in memory: ~5 KB a row)."""
    import multiprocessing

    from bench.read_data import text_chunk
    distinct = min(rows, distinct or rows)
    jobs = [(seed, start, min(CHUNK, distinct - start)) for start in range(0, distinct, CHUNK)]
    kept = [] if distinct < rows else None
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        for chunk in pool.imap(text_chunk, jobs):
            if kept is not None:
                kept.append(chunk)
            yield from chunk
    left = rows - distinct
    for chunk in itertools.cycle(kept or [[]]):
        if left <= 0:
            return
        yield from chunk[:left]
        left -= len(chunk)


def load(env: dict, rows: int, seed: int, processes: int, distinct: int | None = None) -> dict:
    """Bulk-load rows suggestions (+ deputies, co-signers, replies) with COPY; rebuild the indexes."""
    import random

    import psycopg
    from psycopg.types.json import Jsonb

    from bench.read_data import SESSIONS, deputies, suggestion_rows

    timing = {}
    t0 = time.perf_counter()
    with psycopg.connect(pg_dsn(env), autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '1GB'")  # the GIN build sorts in memory
        conn.execute("SET max_parallel_maintenance_workers = 2")  # B-tree builds
        # CASCADE: every table that refers to suggestions (attachments, …) is emptied too
        conn.execute("TRUNCATE replies, timeline, co_signers, suggestions, deputies, number_sequences CASCADE")
        indexes = conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'suggestions' "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)").fetchall()
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        with conn.cursor() as cur:
            with cur.copy("COPY deputies (id, name, level, delegation, active) FROM STDIN") as copy:
                for row in deputies(N_DEPUTIES, random.Random(seed)):
                    copy.write_row(row)
        co_rows, reply_rows = [], []
        numbers: dict[str, int] = {}
        with conn.transaction(), conn.cursor() as cur:
            with cur.copy(f"COPY suggestions ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                copy.set_types(TYPES)
                for s, co, reply in suggestion_rows(rows, N_DEPUTIES, texts(rows, seed, processes, distinct), seed):
                    if s["assignment"] is not None:
                        s["assignment"] = Jsonb(s["assignment"])
                    copy.write_row([s[c] for c in COLUMNS])
                    co_rows.extend((s["id"], d) for d in co)
                    if reply:
                        reply_rows.append([reply[c] for c in REPLY_COLUMNS])
                    if s["number"]:
                        numbers[s["session"]] = max(numbers.get(s["session"], 0), s["number"])
        timing["generate_and_copy_s"] = round(time.perf_counter() - t0, 1)
        t1 = time.perf_counter()
        with conn.transaction(), conn.cursor() as cur:
            with cur.copy("COPY co_signers (suggestion_id, deputy_id) FROM STDIN") as copy:
                for row in co_rows:
                    copy.write_row(row)
            with cur.copy(f"COPY replies ({', '.join(REPLY_COLUMNS)}) FROM STDIN") as copy:
                for row in reply_rows:
                    copy.write_row(row)
            for session, _ in SESSIONS:
                cur.execute("INSERT INTO number_sequences (session, last) VALUES (%s, %s)",
                            (session, numbers.get(session, 0)))
            for table in ("suggestions", "replies"):
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"(SELECT coalesce(max(id), 1) FROM {table}))")
        timing["co_signers_replies_s"] = round(time.perf_counter() - t1, 1)
        t2 = time.perf_counter()
        per_index = {}
        for name, definition in indexes:
            ti = time.perf_counter()
            conn.execute(definition)
            per_index[name] = round(time.perf_counter() - ti, 1)
        timing["indexes_s"] = round(time.perf_counter() - t2, 1)
        timing["per_index_s"] = per_index
        t3 = time.perf_counter()
        conn.execute("VACUUM ANALYZE")
        timing["vacuum_analyze_s"] = round(time.perf_counter() - t3, 1)
        timing["total_s"] = round(time.perf_counter() - t0, 1)
        size = conn.execute("SELECT pg_size_pretty(pg_total_relation_size('suggestions')), "
                            "pg_size_pretty(pg_relation_size('ix_suggestions_search')), "
                            "pg_size_pretty(pg_database_size(current_database()))").fetchone()
        timing["sizes"] = {"suggestions_total": size[0], "search_gin_index": size[1], "database": size[2]}
        timing["co_signers"] = len(co_rows)
        timing["replies"] = len(reply_rows)
    return timing


# --------------------------------------------------------------------------- measure

class Client:
    """One requests.Session per thread; tokens per role and deputy."""

    def __init__(self, url: str):
        from gateway.tokens import make_token
        self.base = url.rstrip("/") + "/api/v1"
        self.local = threading.local()
        self.office = make_token("office", sub="bench-read-office")
        self.deputies: dict[int, str] = {}
        self.make_token = make_token

    def session(self):
        s = getattr(self.local, "session", None)
        if s is None:
            import requests
            s = self.local.session = requests.Session()
        return s

    def get(self, scenario: dict, params: dict):
        params = dict(params)
        headers = {}
        if scenario["role"] == "office":
            headers["Authorization"] = f"Bearer {self.office}"
        elif scenario["role"] == "deputy":
            d = params.pop("_deputy")
            token = self.deputies.get(d) or self.deputies.setdefault(
                d, self.make_token("deputy", sub=f"bench-deputy-{d}", deputy_id=d))
            headers["Authorization"] = f"Bearer {token}"
        return self.session().get(self.base + scenario["path"], params=params, headers=headers, timeout=60)


def measure(client: Client, scenario: dict, count: int, concurrency: int,
            max_seconds: float = 1e9) -> tuple[dict, list[float]]:
    """count GETs of one scenario from concurrency threads (cycling its parameters);
    no new GET starts after max_seconds."""
    params = itertools.cycle(scenario["params"])
    deadline = time.perf_counter() + max_seconds
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: list = []
    totals: list[int] = []
    left = [count]

    def worker():
        while True:
            with lock:
                if left[0] <= 0 or time.perf_counter() > deadline:
                    return
                left[0] -= 1
                p = next(params)
            start = time.perf_counter()
            try:
                resp = client.get(scenario, p)
                status = resp.status_code
                total = resp.json().get("total") if status == 200 else None
            except Exception as exc:  # transport failures count as errors
                status, total = type(exc).__name__, None
            ms = (time.perf_counter() - start) * 1000.0
            with lock:
                latencies.append(ms)
                statuses.append(status)
                if total is not None:
                    totals.append(total)

    t0, t_end = run_threads(worker, concurrency)
    result = stats(latencies, statuses, t_end - t0)
    result["total"] = round(sum(totals) / len(totals)) if totals else None  # mean matches per answer
    return result, latencies


# --------------------------------------------------------------------------- explain

def explain(env: dict, scenario_list: list[dict], limit: int) -> dict[str, list[dict]]:
    """EXPLAIN (ANALYZE, BUFFERS) of every statement views.list_ / public_list run for each
    scenario: they are run once on a SQLAlchemy session (as the service does) and each SELECT they
    sent is explained again in the same order in one transaction, after the same SET LOCALs."""
    import psycopg
    from sqlalchemy import create_engine, event
    from sqlalchemy.orm import Session

    from services.suggestion import views
    from services.suggestion.schemes import Catalog

    engine = create_engine(pg_dsn(env).replace("postgresql://", "postgresql+psycopg://"))
    sent: list[tuple[str, object]] = []

    @event.listens_for(engine, "before_cursor_execute")
    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    plans: dict[str, list[dict]] = {}
    with psycopg.connect(pg_dsn(env)) as conn:
        for scenario in scenario_list:
            seen = []
            for params in scenario["params"][:3]:
                p = dict(params)
                offset = int(p.pop("offset", 0))
                p.pop("limit", None)
                deputy = p.pop("_deputy", None)
                sent.clear()
                with Session(engine) as session:
                    if scenario["role"] is None:
                        views.public_list(session, p, limit, offset, lambda _token: Catalog())
                    else:
                        actor = {"role": scenario["role"], "sub": "bench"}
                        if deputy:
                            actor["deputy_id"] = deputy
                        views.list_(session, actor, p, limit, offset, lambda _token: Catalog())
                    session.rollback()
                with conn.transaction(force_rollback=True):
                    for statement, bind in sent:
                        if not statement.lstrip().upper().startswith("SELECT"):
                            conn.execute(statement, bind)  # SET LOCAL …, the estimate's EXPLAIN
                            seen.append({"params": params, "query": statement.split("(")[0].strip()[:40],
                                         "execution_ms": None, "sql": statement, "bind": {}, "plan": ""})
                            continue
                        try:
                            rows = conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, bind).fetchall()
                            plan = "\n".join(r[0] for r in rows)
                        except psycopg.Error as exc:
                            plan = f"EXPLAIN failed: {exc}"
                            break
                        ms = next((float(line.split(":")[1].split()[0]) for line in reversed(plan.splitlines())
                                   if line.strip().startswith("Execution Time")), None)
                        kind = ("count" if "count(" in statement[:40] else "max_id" if "max(" in statement[:40]
                                else "select")
                        seen.append({"params": params, "query": kind, "execution_ms": ms, "sql": statement,
                                     "bind": {k: str(v) for k, v in (bind or {}).items()}, "plan": plan})
            plans[scenario["name"]] = seen
    engine.dispose()
    return plans


# --------------------------------------------------------------------------- main

def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=2000, help="in all, shared by the scenarios")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--limit", type=int, default=20, help="page size asked for")
    parser.add_argument("--keep", action="store_true",
                        help="leave the system running with its data; reuse one left by an earlier --keep")
    parser.add_argument("--reload", action="store_true", help="load the data again even if present")
    parser.add_argument("--explain", action="store_true", help="also EXPLAIN ANALYZE each scenario's SQL")
    parser.add_argument("--solo", type=int, default=20,
                        help="also time this many GETs per scenario one at a time (0: skip)")
    parser.add_argument("--only", help="comma-separated scenario names (default: all)")
    parser.add_argument("--max-seconds", type=float, default=60.0,
                        help="per scenario: no new GET after this long (default 60; the warm-up gets a quarter)")
    parser.add_argument("--port-base", type=int, default=17000)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--distinct-texts", type=int, default=250_000,
                        help="make this many different titles/bodies; more rows reuse them in turn")
    parser.add_argument("--out-dir", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    if args.rows < 1000 or args.requests < 1 or args.concurrency < 1:
        parser.error("--rows must be ≥ 1000, --requests and --concurrency positive")
    warnings.filterwarnings("ignore", message="The HMAC key")

    env = test_env("benchread", args.port_base)
    # every reader comes from 127.0.0.1: the public routes' per-address limit (120 a minute) would
    # answer most public requests 429 and time the limiter, not the query
    env["GATEWAY_PUBLIC_RATE"] = "0"
    url = gateway_url(env)
    started_at = dt.datetime.now().astimezone()
    reuse = args.keep and loaded_rows(env) == args.rows
    load_timing = None
    if reuse:
        print(f"bench.read: reusing the data of an earlier --keep run ({args.rows} rows) at {url}")
        if not ready(env):  # stopped since: start it again on the same databases
            run(["bash", "scripts/up.sh"], env)
    else:
        print(f"bench.read: starting an isolated system ({env['DB_PREFIX']}_*, {url})")
        t = time.perf_counter()
        run(["bash", "scripts/down.sh"], env, check=False)
        reset(env)
        run(["bash", "scripts/up.sh"], env)
        print(f"  up in {time.perf_counter() - t:.1f} s; loading {args.rows} suggestions")
    try:
        if not reuse or args.reload:
            load_timing = load(env, args.rows, args.seed, args.processes, args.distinct_texts)
            print(f"  loaded in {load_timing['total_s']} s: {json.dumps(load_timing, ensure_ascii=False)}")

        from bench.read_data import SESSIONS, UNITS_BY_CATEGORY
        units = max(u for us in UNITS_BY_CATEGORY.values() for u in us)
        scenario_list = scenarios(args.limit, [s for s, _ in SESSIONS], list(UNITS_BY_CATEGORY),
                                  ["submitted", "assigned", "replied", "evaluated"], units, N_DEPUTIES)
        if args.only:
            wanted = set(args.only.split(","))
            unknown = wanted - {sc["name"] for sc in scenario_list}
            if unknown:
                parser.error(f"unknown scenarios: {sorted(unknown)}")
            scenario_list = [sc for sc in scenario_list if sc["name"] in wanted]
        per = max(20, args.requests // len(scenario_list))
        client = Client(url)
        results, everything = {}, []
        t_all = time.perf_counter()
        for scenario in scenario_list:
            cap = args.max_seconds
            measure(client, scenario, min(per, 2 * args.concurrency), args.concurrency, cap / 4)  # warm-up
            if args.solo:
                solo, _ = measure(client, scenario, args.solo, 1, cap / 2)
            before = cpu_seconds(env)
            result, latencies = measure(client, scenario, per, args.concurrency, cap)
            after = cpu_seconds(env)
            done = max(result["count"], 1)
            # a PostgreSQL backend that ends during the run takes its CPU time with it: None then
            result["cpu_ms_per_request"] = {k: round((after[k] - before[k]) * 1000 / done, 1)
                                            if after[k] >= before[k] else None for k in after}
            if args.solo:
                result["solo"] = {k: solo[k] for k in ("count", "p50", "p95", "max", "mean")}
            results[scenario["name"]] = result
            everything.extend(latencies)
            print(f"  {scenario['name']:<22} p50 {result['p50']:>7} ms  p95 {result['p95']:>7} ms  "
                  f"{result['rps']:>6} req/s  matches {result['total']}  solo p50 "
                  f"{result.get('solo', {}).get('p50')} ms  cpu ms/req {result['cpu_ms_per_request']}")
        wall = time.perf_counter() - t_all
        overall = stats(everything, [200] * len(everything), wall)
        overall["count"] = sum(r["count"] for r in results.values())
        overall["errors"] = sum(r["errors"] for r in results.values())
        overall["errors_by_status"] = dict(sum((Counter(r["errors_by_status"]) for r in results.values()),
                                               Counter()))
        overall["rps"] = round(overall["count"] / sum(r["wall_s"] for r in results.values()), 1)
        overall["total"] = None
        report = {
            "benchmark": "read", "started_at": started_at.isoformat(timespec="seconds"), "url": url,
            "rows": args.rows, "concurrency": args.concurrency, "requests_per_scenario": per,
            "max_seconds_per_scenario": args.max_seconds,
            "page_limit": args.limit, "reused_data": reuse and not args.reload, "load": load_timing,
            "distinct_texts": min(args.rows, args.distinct_texts),
            "scenarios": results, "overall": overall,
            "keywords": KEYWORDS, "machine": {**machine_info(), "loadavg": os.getloadavg()},
        }
        args.out_dir.mkdir(parents=True, exist_ok=True)
        path = result_path(args.out_dir, started_at, "read")
        text = json.dumps(report, ensure_ascii=False, indent=2) + "\n"
        path.write_text(text, encoding="utf-8")
        (args.out_dir / "read.json").write_text(text, encoding="utf-8")
        if args.explain:
            plans = explain(env, scenario_list, args.limit)
            report["explain_ms"] = {name: [{"params": p["params"], "query": p["query"], "ms": p["execution_ms"]}
                                           for p in ps] for name, ps in plans.items()}
            args.out_dir.mkdir(parents=True, exist_ok=True)
            plan_path = args.out_dir / "read-explain.txt"
            with plan_path.open("w", encoding="utf-8") as f:
                for name, ps in plans.items():
                    for p in ps:
                        f.write(f"=== {name} {p['query']} {json.dumps(p['params'], ensure_ascii=False)} "
                                f"{p['execution_ms']} ms\n{p['sql']}\n{p['bind']}\n{p['plan']}\n\n")
            print(f"plans written to {plan_path}")
            text = json.dumps(report, ensure_ascii=False, indent=2) + "\n"
            path.write_text(text, encoding="utf-8")
            (args.out_dir / "read.json").write_text(text, encoding="utf-8")
        print(format_table(report))
        print(f"written to {path} (and {args.out_dir / 'read.json'})")
        return 0 if overall["errors"] == 0 else 1
    finally:
        if not args.keep:  # stop it and drop its (large) databases
            run(["bash", "scripts/down.sh"], env, check=False)
            drop_databases(env)


if __name__ == "__main__":
    sys.exit(main())
