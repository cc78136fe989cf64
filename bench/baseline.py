"""Baseline benchmark (issue 19): our submission path against the bare nameko stack, in one run.

    python -m bench.baseline [--requests 2000] [--concurrency 20] [--warmup 100] [--lifecycles 200]
                             [--lifecycle-concurrency 5] [--lag-timeout 120] [--keep]
                             [--port-base 17200] [--bare-port-base 17250]

Back to back, with the same load generator (--concurrency threads, one keep-alive
requests.Session each, --requests POSTs in all after --warmup unmeasured ones):

1. bare: three nameko processes of bench/bare/services.py started here (own database
   lianxin_bare[N]_pipeline, own vhost) — HTTP → RPC → INSERT + commit → event → consumer INSERT;
2. real: POST /api/v1/suggestions through the gateway of an isolated copy of the whole system
   (lianxin_benchbase[N]_* databases, own vhost, run dir and ports; scripts/isolation.py), one
   registered deputy submitting, as bench/submit.py does; then --lifecycles whole lifecycles
   (submit → accept → assign → sign → reply → rate) on the same copy.

For each: requests/second, latency percentiles, and CPU milliseconds per request per process —
utime+stime deltas from /proc/<pid>/stat over the measured load and the fan-out it set off, divided
by its requests (steadier than wall time on a shared machine). PostgreSQL and RabbitMQ are the whole servers' totals (the
postmaster with its reaped children, every backend; beam.smp): other users of this machine's
server and broker are counted too. Then the fan-out lag: bare, from the submission's INSERT to the
sink's; real, from each POST's 201 to the last consumer's processed-event row of every event its
request wrote (each consumer service that subscribes to that type).

Writes bench/results/<YYYY-MM-DD>-baseline.json and bench/results/baseline.json, prints a table.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

from bench.read import gateway_url, run
from bench.submit import (Api, machine_info, percentile, register_deputy, result_path, run_indexed,
                          suggestion_body, summarise, wait_until_submittable)
from scripts.isolation import ROOT, SERVICES, drop_databases, reset, test_env

RESULTS_DIR = ROOT / "bench" / "results"
PG_SERVER = "postgresql://root@127.0.0.1:5432"
BARE_PROCESSES = {"bare_front": "BareFront", "bare_store": "BareStore", "bare_sink": "BareSink"}
SHARED = ("postgres", "rabbitmq")  # whole servers, not this run's alone


# --------------------------------------------------------------------------- pure

def stat_cpu_seconds(stat: str, tick: int, children: bool = False) -> float:
    """utime + stime (and cutime + cstime of reaped children if ``children``) of one /proc/<pid>/stat
    line, in seconds. The command name in parentheses may hold spaces and ')': split after the last."""
    fields = stat.rsplit(")", 1)[1].split()
    # fields[0] is the state (field 3 of proc(5)): utime is field 14, stime 15, cutime 16, cstime 17
    ticks = int(fields[11]) + int(fields[12])
    if children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / tick


def stat_ppid(stat: str) -> int:
    return int(stat.rsplit(")", 1)[1].split()[1])  # field 4 of proc(5)


def cpu_ms_per_request(before: dict, after: dict, requests: int) -> dict:
    """Per process: CPU ms per request between two snapshots (seconds); None where a process was
    not seen in both or went backwards (restarted: its CPU is another process's)."""
    out = {}
    for name in after:
        b, a = before.get(name), after.get(name)
        out[name] = None if a is None or b is None or a < b or requests <= 0 else round((a - b) * 1000 / requests, 2)
    return out


def backends_delta(before: dict, after: dict) -> float:
    """CPU seconds between two {pid: seconds} maps of PostgreSQL backends: a backend new since the
    first counts whole, one gone by the second is lost (our services' pooled ones stay)."""
    return sum(max(0.0, seconds - before.get(pid, 0.0)) for pid, seconds in after.items())


def total_cpu(per_process: dict) -> float | None:
    """Sum of the known figures (None when none is known)."""
    known = [v for v in per_process.values() if v is not None]
    return round(sum(known), 2) if known else None


def lag_stats(lags_ms: list[float], expected: int) -> dict:
    def r(v):
        return None if v is None else round(v, 1)

    return {"count": len(lags_ms), "expected": expected, "missing": expected - len(lags_ms),
            "p50": r(percentile(lags_ms, 50)), "p99": r(percentile(lags_ms, 99)),
            "max": r(max(lags_ms)) if lags_ms else None}


def request_lags(posted: dict, events: list[dict], done: dict) -> tuple[list[float], int]:
    """Fan-out lag of each request (ms): from its 201 (``posted``: request id → epoch seconds) to
    the last consumer's processing of any event its request wrote. ``events``: dicts with
    event_id, request_id and ``expected`` (the consumer services that must process it); ``done``:
    (event_id, service) → epoch seconds processed. Returns the lags of the requests whose every
    event reached every expected consumer, and how many requests did not get there."""
    last: dict[str, float] = {}
    incomplete: set[str] = set()
    for e in events:
        rid = e["request_id"]
        if rid not in posted:
            continue
        for service in e["expected"]:
            at = done.get((e["event_id"], service))
            if at is None:
                incomplete.add(rid)
            else:
                last[rid] = max(last.get(rid, 0.0), at)
    lags = [(last[rid] - posted[rid]) * 1000.0 for rid in posted if rid in last and rid not in incomplete]
    return lags, len(posted) - len(lags)


def ratio(numerator, denominator) -> float | None:
    return None if numerator is None or not denominator else round(numerator / denominator, 3)


def compare(real: dict, bare: dict) -> dict:
    """real/bare of throughput and of total CPU per request."""
    return {"throughput": ratio(real["throughput_rps"], bare["throughput_rps"]),
            "cpu_ms_per_request": ratio(real["cpu_total_ms"], bare["cpu_total_ms"])}


def _num(v, digits: int = 1) -> str:
    return "-" if v is None else f"{v:,.{digits}f}"


def format_table(report: dict) -> str:
    """bare and real side by side: throughput, latency, lag, CPU ms per request per process, ratio."""
    bare, real = report["bare"], report["real"]
    rows = [
        ("requests (errors)", f"{bare['count']} ({bare['errors']})", f"{real['count']} ({real['errors']})"),
        ("throughput req/s", _num(bare["throughput_rps"]), _num(real["throughput_rps"])),
        ("latency p50 ms", _num(bare["latency_ms"]["p50"]), _num(real["latency_ms"]["p50"])),
        ("latency p99 ms", _num(bare["latency_ms"]["p99"]), _num(real["latency_ms"]["p99"])),
    ]
    for key in ("p50", "p99"):
        rows.append((f"fan-out lag {key} ms", _num((bare.get("lag") or {}).get(key)),
                     _num((real.get("lag") or {}).get(key))))
    rows.append(("CPU ms per request", "", ""))
    names = [n for n in bare["cpu_ms_per_request"] if n not in SHARED] + \
            [n for n in real["cpu_ms_per_request"] if n not in SHARED] + list(SHARED)
    for name in names:
        label = f"  {name}" + (" (server total)" if name == "postgres" else " (broker total)" if name == "rabbitmq" else "")
        cells = [_num(side["cpu_ms_per_request"].get(name), 2) if name in side["cpu_ms_per_request"] else ""
                 for side in (bare, real)]
        rows.append((label, *cells))
    rows.append(("  total", _num(bare["cpu_total_ms"], 2), _num(real["cpu_total_ms"], 2)))
    rows.append(("  postgres, own databases only", _num(bare.get("postgres_own_ms_per_request"), 2),
                 _num(real.get("postgres_own_ms_per_request"), 2)))
    rows.append(("  load generator", _num(bare["client_cpu_ms_per_request"], 2),
                 _num(real["client_cpu_ms_per_request"], 2)))
    width = max(len(r[0]) for r in rows)
    lines = [f"{'':<{width}}  {'bare':>10}  {'real':>10}", "-" * (width + 24)]
    lines += [f"{label:<{width}}  {b:>10}  {r:>10}" for label, b, r in rows]
    ratios = report["ratio_real_to_bare"]
    lines += ["-" * (width + 24),
              f"real/bare: throughput {_num(ratios['throughput'], 3)}, "
              f"CPU per request {_num(ratios['cpu_ms_per_request'], 2)}"]
    if real.get("offered") and bare.get("offered"):
        lines += ["", f"offered {_num(real['offered']['offered_rps'], 0)} POSTs/s (open loop), bare | real:"]
        for key, label in (("p50", "latency p50 ms"), ("p99", "latency p99 ms")):
            lines.append(f"  {label}: {_num(bare['offered']['latency_ms'][key])} | "
                         f"{_num(real['offered']['latency_ms'][key])}")
        lines.append(f"  answered req/s: {_num(bare['offered']['throughput_rps'])} | "
                     f"{_num(real['offered']['throughput_rps'])}; errors {bare['offered']['errors']} | "
                     f"{real['offered']['errors']}")
        lines.append(f"  fan-out lag p99 ms: {_num((bare['offered'].get('lag') or {}).get('p99'))} | "
                     f"{_num((real['offered'].get('lag') or {}).get('p99'))}")
        lines.append(f"  CPU ms per request: {_num(bare['offered']['cpu_total_ms'], 2)} | "
                     f"{_num(real['offered']['cpu_total_ms'], 2)}")
    lc = real.get("lifecycle")
    if lc:
        cpu = lc["cpu_ms_per_request"]
        lines += ["", f"lifecycle ({' → '.join(lc['steps'])}), our path, {lc.get('concurrency')} side by side: "
                      f"{lc['count']} ({lc['errors']} failed), "
                      f"{_num(lc['throughput_rps'])}/s, p50 {_num(lc['latency_ms']['p50'])} ms, "
                      f"p99 {_num(lc['latency_ms']['p99'])} ms, fan-out lag p99 {_num((lc.get('lag') or {}).get('p99'))} ms",
                  "CPU ms per lifecycle: " + ", ".join(f"{k} {_num(v, 1)}" for k, v in cpu.items())
                  + f"; total {_num(lc['cpu_total_ms'], 1)}"]
    return "\n".join(lines)


# --------------------------------------------------------------------------- processes

TICK = os.sysconf("SC_CLK_TCK")


def pid_cpu(pid: int, children: bool = False) -> float | None:
    try:
        return stat_cpu_seconds(Path(f"/proc/{pid}/stat").read_text(), TICK, children)
    except (OSError, IndexError, ValueError):
        return None


def postmaster_pid() -> int:
    import psycopg
    with psycopg.connect(PG_SERVER + "/postgres") as conn:
        directory = conn.execute("SHOW data_directory").fetchone()[0]
    return int(Path(directory, "postmaster.pid").read_text().split()[0])


def rabbit_pid() -> int:
    done = subprocess.run(["rabbitmqctl", "eval", "os:getpid()."], capture_output=True, text=True, check=True)
    return int(done.stdout.strip().strip('"'))


def server_cpu(postmaster: int) -> float | None:
    """The PostgreSQL server's CPU so far: the postmaster with what its ended children used, and
    every child alive now (a backend that ends between two snapshots moves from the second term to
    the first, so a delta stays whole)."""
    total = pid_cpu(postmaster, children=True)
    if total is None:
        return None
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                if stat_ppid(stat) == postmaster:
                    total += stat_cpu_seconds(stat, TICK)
            except (OSError, IndexError, ValueError):
                continue
    return total


def own_backends(databases: str) -> dict[int, float]:
    """{pid: CPU seconds} of the PostgreSQL backends connected to the databases LIKE ``databases``."""
    import psycopg
    with psycopg.connect(PG_SERVER + "/postgres", autocommit=True) as conn:
        pids = [p for (p,) in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname LIKE %s "
                                           "AND pid <> pg_backend_pid()", (databases,))]
    return {pid: cpu for pid in pids if (cpu := pid_cpu(pid)) is not None}


def snapshot(pids: dict[str, int], postmaster: int, rabbit: int, databases: str) -> dict:
    """CPU seconds so far of each named process, PostgreSQL and RabbitMQ, and this load generator;
    under "_own" the backends of this path's own databases (LIKE ``databases``)."""
    shot = {name: pid_cpu(pid) for name, pid in pids.items()}
    shot["_own"] = own_backends(databases)
    shot["postgres"] = server_cpu(postmaster)
    shot["rabbitmq"] = pid_cpu(rabbit)
    shot["_client"] = pid_cpu(os.getpid())
    return shot


# --------------------------------------------------------------------------- load

def drive(post, count: int, concurrency: int, rate: float | None = None):
    """count calls of ``post(session, i)`` → (status, the request ids it made) from concurrency threads,
    each with its own requests.Session (at ``rate`` calls a second, open loop, when given). Returns
    (latencies, statuses, wall, posted) with posted request id → epoch seconds of its answer, for the
    calls that answered 201."""
    import requests

    calls, t0, t_end = run_indexed(post, count, concurrency, requests.Session, rate=rate)
    latencies, statuses, posted = [], [], {}
    for seconds, _, result in calls:
        status, rids = result if isinstance(result, tuple) else (result, [])   # a name: it raised
        latencies.append(seconds)
        statuses.append(status)
        if status == 201:
            posted.update(rids)
    return latencies, statuses, t_end - t0, posted


def measure(post, count: int, warmup: int, concurrency: int, pids: dict, postmaster: int, rabbit: int,
            databases: str, settle, rate: float | None = None) -> dict:
    """Warm-up, then the measured load (offered at ``rate`` a second when given, else as fast as
    ``concurrency`` threads go); the second CPU snapshot is taken once ``settle(posted)`` has waited
    for the fan-out (its answer is the lag), so the consumers' work is in the figures."""
    drive(post, warmup, concurrency)
    before = snapshot(pids, postmaster, rabbit, databases)
    latencies, statuses, wall, posted = drive(post, count, concurrency, rate)
    lag = settle(posted)
    after = snapshot(pids, postmaster, rabbit, databases)
    figures = summarise(latencies, statuses, wall)
    figures["postgres_own_ms_per_request"] = round(
        backends_delta(before.pop("_own"), after.pop("_own")) * 1000 / len(statuses), 2)
    cpu = cpu_ms_per_request(before, after, len(statuses))
    figures["client_cpu_ms_per_request"] = cpu.pop("_client")
    figures["cpu_ms_per_request"] = cpu
    figures["cpu_total_ms"] = total_cpu(cpu)
    figures["lag"] = lag
    figures["pids"] = pids
    if rate:
        figures["offered_rps"] = rate
    return figures


def measure_offered(args, post, pids: dict, postmaster: int, rabbit: int, databases: str, settle) -> dict | None:
    """With --rate: --rate-seconds of load offered at --rate a second (after the closed-loop load), up to
    --rate-concurrency in flight; latency from when each request was due."""
    if not args.rate:
        return None
    return measure(post, max(1, round(args.rate * args.rate_seconds)), 0, args.rate_concurrency, pids,
                   postmaster, rabbit, databases, settle, rate=args.rate)


# --------------------------------------------------------------------------- bare

def wait_http(url: str, timeout: float, procs: list | None = None) -> None:
    import requests
    deadline = time.monotonic() + timeout
    while True:
        try:
            if requests.get(url, timeout=3).status_code == 200:
                return
        except requests.RequestException:
            pass
        for p in procs or []:
            if p.poll() is not None:
                raise SystemExit(f"a bare process exited with {p.returncode}: see {p.args[-1]} in its log")
        if time.monotonic() > deadline:
            raise SystemExit(f"{url} not healthy after {timeout:.0f} s")
        time.sleep(0.3)


def bare_lag(dsn: str, ids: list[int], timeout: float) -> dict:
    """Lag from the submission's INSERT to the sink's, once the sink has them all (or timeout)."""
    import psycopg
    deadline = time.monotonic() + timeout
    with psycopg.connect(dsn, autocommit=True) as conn:
        while True:
            rows = conn.execute(
                "SELECT extract(epoch FROM r.received_at - s.created_at) * 1000 FROM submissions s "
                "JOIN received r ON r.submission_id = s.id WHERE s.id = ANY(%s)", (ids,)).fetchall()
            if len(rows) >= len(ids) or time.monotonic() > deadline:
                return {**lag_stats([float(r[0]) for r in rows], len(ids)), "from": "INSERT committed",
                        "to": "sink's INSERT"}
            time.sleep(0.2)


def run_bare(args, postmaster: int, rabbit: int) -> dict:
    import psycopg

    env = test_env("bare", args.bare_port_base)
    reset(env)
    db = f"{env['DB_PREFIX']}_pipeline"
    dsn = f"{PG_SERVER}/{db}"
    with psycopg.connect(PG_SERVER + "/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{db}"')
    with psycopg.connect(dsn, autocommit=True) as conn:
        from bench.bare.services import SCHEMA
        for statement in SCHEMA:
            conn.execute(statement)
    run_dir = Path(env["RUN_DIR"])
    run_dir.mkdir(parents=True, exist_ok=True)
    url = gateway_url(env)
    procs = []
    try:
        for name, cls in BARE_PROCESSES.items():
            penv = {**env, "BARE_AMQP_URI": env["AMQP_URI"], "BARE_ADDRESS": env["GATEWAY_ADDRESS"],
                    "BARE_DB_URL": f"postgresql+psycopg://root@127.0.0.1:5432/{db}",
                    # the front takes the gateway's max_workers, the others our services'
                    "BARE_MAX_WORKERS": "50" if name == "bare_front" else "10"}
            with (run_dir / f"{name}.log").open("ab") as log:
                procs.append(subprocess.Popen(
                    [str(ROOT / ".venv" / "bin" / "nameko"), "run", "--config", "bench/bare/config.yml",
                     f"bench.bare.services:{cls}"], cwd=ROOT, env=penv, stdout=log, stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL))
        wait_http(url + "/health", 60, procs)
        print(f"  bare stack up at {url} (pids {[p.pid for p in procs]})")

        def post(session, i):
            text = suggestion_body(i)
            resp = session.post(url + "/submit", json={"title": text["title"], "body": text["body"]}, timeout=30)
            return resp.status_code, [(resp.json()["id"], time.time())] if resp.status_code == 201 else []

        pids = {n: p.pid for n, p in zip(BARE_PROCESSES, procs)}
        settle = lambda posted: bare_lag(dsn, list(posted), args.lag_timeout)  # noqa: E731
        figures = measure(post, args.requests, args.warmup, args.concurrency, pids, postmaster, rabbit, db, settle)
        figures["offered"] = measure_offered(args, post, pids, postmaster, rabbit, db, settle)
        figures["url"] = url
        return figures
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        if not args.keep:
            drop_databases(env)
            subprocess.run(["rabbitmqctl", "-q", "delete_vhost", env["AMQP_VHOST"]], capture_output=True)


# --------------------------------------------------------------------------- real

def consumers_of(event_type: str) -> list[str]:
    """The services subscribed to ``event_type`` (services/common/topology.py)."""
    from services.common.topology import SUBSCRIPTIONS, matches
    return [s for s, patterns in SUBSCRIPTIONS.items() if any(matches(p, event_type) for p in patterns)]


def fanout(env: dict, posted: dict, timeout: float) -> dict:
    """Wait until every event written under the request ids in ``posted`` — by any service's outbox,
    the consumers' own events included (they carry the request id on) — has been processed by every
    service subscribed to its type; then the lag of each request from its 201 to the last of those
    processed_events rows (processed_at is the consumer transaction's start: its own work is not in
    the figure). A service's event read before its cascade is written: the wait ends only once a
    look finds nothing new."""
    import psycopg

    prefix = env["DB_PREFIX"]
    # an event is written before its request's answer: a minute's margin covers the slowest request
    since = dt.datetime.fromtimestamp(min(posted.values(), default=time.time()) - 60, dt.timezone.utc)
    conns = {s: psycopg.connect(f"{PG_SERVER}/{prefix}_{s}", autocommit=True) for s in SERVICES}
    deadline = time.monotonic() + timeout
    events: dict[str, dict] = {}
    done: dict = {}
    try:
        while True:
            known = len(events)
            for conn in conns.values():
                for event_id, type_, rid in conn.execute(
                        "SELECT event_id::text, type, envelope->>'request_id' FROM outbox WHERE created_at >= %s",
                        (since,)):
                    if rid in posted and event_id not in events:
                        events[event_id] = {"event_id": event_id, "type": type_, "request_id": rid,
                                            "expected": consumers_of(type_)}
            wanted = {(e["event_id"], s) for e in events.values() for s in e["expected"]}
            for service, conn in conns.items():
                ids = [e for e, s in wanted - done.keys() if s == service]
                if ids:
                    for event_id, at in conn.execute(
                            "SELECT event_id::text, extract(epoch FROM max(processed_at)) FROM processed_events "
                            "WHERE event_id = ANY(%s::uuid[]) GROUP BY event_id", (ids,)):
                        done[(event_id, service)] = float(at)
            if (len(events) == known and wanted <= done.keys()) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
    finally:
        for conn in conns.values():
            conn.close()
    lags, _ = request_lags(posted, list(events.values()), done)
    types: dict[str, int] = {}
    for e in events.values():
        types[e["type"]] = types.get(e["type"], 0) + 1
    return {**lag_stats(lags, len(posted)), "from": "POST answered 201",
            "to": "last subscribed service's processed event, cascades included",
            "events_by_type": types, "deliveries": {"expected": len(wanted), "seen": len(wanted & done.keys())}}


# submit → accept → assign → sign → reply → rate, each a POST: (step, who, path, body, the status it answers);
# the submission's body is suggestion_body(i), "{unit}" the unit registered for the run
LIFECYCLE = [
    ("submit", "deputy", "/suggestions", None, 201),
    ("accept", "office", "/suggestions/{s}/screening", {"decision": "accept"}, 200),
    ("assign", "office", "/suggestions/{s}/assignment", {"lead_unit_id": "{unit}", "co_unit_ids": []}, 201),
    ("sign", "unit", "/assignments/{a}/sign", {}, 200),
    ("reply", "unit", "/assignments/{a}/reply",
     {"result_class": "A", "content": "已增设公交站点，居民出行更方便。", "signed_by": "张局长"}, 201),
    ("rate", "deputy", "/assignments/{a}/evaluation", {"satisfaction": "satisfied"}, 201),
]


def lifecycle_steps(api: Api, office: str, deputy: str):
    """A ``post`` for drive(): one whole lifecycle of a new suggestion, led by one unit registered
    here; 201 when every step answered as it should, else "<step>:<status>"."""
    from gateway.tokens import make_token

    unit = api.post("/units", office, {"name": "基准测试交通运输局", "code": f"BENCH-{int(time.time())}",
                                       "duties": "公共交通", "keywords": ["公交"], "categories": ["transport"]})
    if unit.status_code != 201:
        raise SystemExit(f"registering the unit failed: {unit.status_code} {unit.text[:300]}")
    unit_id = int(unit.json()["id"])
    tokens = {"office": office, "deputy": deputy,
              "unit": make_token("unit", sub=f"bench-unit-{unit_id}", unit_id=unit_id)}

    def post(session, i):
        ids = {"unit": unit_id}
        rids = []
        for step, who, path, body, expected in LIFECYCLE:
            if body is None:
                body = suggestion_body(i)
            body = {k: ids["unit"] if v == "{unit}" else v for k, v in body.items()}
            resp = session.post(api.base + path.format(**ids), json=body, timeout=30,
                                headers={"Authorization": f"Bearer {tokens[who]}"})
            rids.append((resp.headers.get("X-Request-Id"), time.time()))
            if resp.status_code != expected:
                return f"{step}:{resp.status_code}", rids
            if step == "submit":
                ids["s"] = resp.json()["id"]
            elif step == "assign":
                ids["a"] = resp.json()["id"]
        return 201, rids

    return post


def run_real(args, postmaster: int, rabbit: int) -> dict:
    from gateway.tokens import make_token

    env = test_env("benchbase", args.port_base)
    url = gateway_url(env)
    run(["bash", "scripts/down.sh"], env, check=False)
    reset(env)
    t = time.perf_counter()
    run(["bash", "scripts/up.sh"], env)
    print(f"  our system up at {url} in {time.perf_counter() - t:.0f} s")
    try:
        api = Api(url)
        office = make_token("office", sub="bench-baseline-office")
        deputy_id = register_deputy(api, office)
        deputy = make_token("deputy", sub=f"bench-deputy-{deputy_id}", deputy_id=deputy_id)
        wait_until_submittable(api, deputy, timeout=60)
        headers = {"Authorization": f"Bearer {deputy}"}

        def post(session, i):
            resp = session.post(api.base + "/suggestions", json=suggestion_body(i), headers=headers, timeout=30)
            return resp.status_code, [(resp.headers.get("X-Request-Id"), time.time())]

        pids = {}
        for name in (*SERVICES, "gateway"):
            pids[name] = int((Path(env["RUN_DIR"]) / f"{name}.pid").read_text())
        settle = lambda posted: fanout(env, posted, args.lag_timeout)  # noqa: E731
        databases = env["DB_PREFIX"].replace("_", "\\_") + "\\_%"
        figures = measure(post, args.requests, args.warmup, args.concurrency, pids, postmaster, rabbit, databases,
                          settle)
        figures["offered"] = measure_offered(args, post, pids, postmaster, rabbit, databases, settle)
        figures["url"] = url
        if args.lifecycles:
            lifecycle = lifecycle_steps(api, office, deputy)
            figures["lifecycle"] = measure(lifecycle, args.lifecycles, min(args.warmup, args.lifecycles),
                                           args.lifecycle_concurrency, pids, postmaster, rabbit, databases, settle)
            figures["lifecycle"]["concurrency"] = args.lifecycle_concurrency
            figures["lifecycle"]["steps"] = [name for name, *_ in LIFECYCLE]
        return figures
    finally:
        if not args.keep:
            run(["bash", "scripts/down.sh"], env, check=False)
            drop_databases(env)
            subprocess.run(["rabbitmqctl", "-q", "delete_vhost", env["AMQP_VHOST"]], capture_output=True)


# --------------------------------------------------------------------------- main

def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="measured POSTs per path")
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=100, help="unmeasured POSTs first, per path")
    parser.add_argument("--lifecycles", type=int, default=200,
                        help="whole lifecycles (submit → accept → assign → sign → reply → rate) measured "
                             "after the submissions, on our path only (0: none)")
    parser.add_argument("--lifecycle-concurrency", type=int, default=5,
                        help="lifecycles run side by side (default 5: each holds six requests' worth of "
                             "work; 20 overload this shared machine into 503s, which measures the overload)")
    parser.add_argument("--lag-timeout", type=float, default=120.0,
                        help="seconds to wait for the fan-out to finish (default 120)")
    parser.add_argument("--rate", type=float, default=0,
                        help="then offer this many POSTs a second to each path (open loop) and report the "
                             "latency at that load (issue 19: p99 at 100/s); 0: not measured")
    parser.add_argument("--rate-seconds", type=float, default=20.0, help="how long the offered load lasts")
    parser.add_argument("--rate-concurrency", type=int, default=100,
                        help="requests in flight at most during the offered load")
    parser.add_argument("--keep", action="store_true", help="leave our copy running, and both sides' databases")
    parser.add_argument("--port-base", type=int, default=17200)
    parser.add_argument("--bare-port-base", type=int, default=17250)
    parser.add_argument("--out-dir", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    if args.requests < 1 or args.concurrency < 1 or args.lifecycle_concurrency < 1 or args.warmup < 0:
        parser.error("--requests and the concurrencies must be positive, --warmup not negative")
    if args.rate < 0 or args.rate_seconds <= 0 or args.rate_concurrency < 1:
        parser.error("--rate must not be negative, --rate-seconds and --rate-concurrency must be positive")
    warnings.filterwarnings("ignore", message="The HMAC key")

    started_at = dt.datetime.now().astimezone()
    postmaster, rabbit = postmaster_pid(), rabbit_pid()
    load_before = os.getloadavg()
    print(f"bench.baseline: {args.requests} POSTs per path after {args.warmup} warm-up, "
          f"{args.concurrency} connections; PostgreSQL pid {postmaster}, RabbitMQ pid {rabbit}")
    print("bare pipeline:")
    bare = run_bare(args, postmaster, rabbit)
    print(f"  {bare['throughput_rps']} req/s, p99 {bare['latency_ms']['p99']} ms, "
          f"{bare['cpu_total_ms']} ms CPU per request")
    print("real submission path:")
    real = run_real(args, postmaster, rabbit)
    print(f"  {real['throughput_rps']} req/s, p99 {real['latency_ms']['p99']} ms, "
          f"{real['cpu_total_ms']} ms CPU per request")
    report = {
        "benchmark": "baseline", "started_at": started_at.isoformat(timespec="seconds"),
        "requests": args.requests, "concurrency": args.concurrency, "warmup": args.warmup,
        "cpu_note": "utime+stime from /proc/<pid>/stat over the measured load / requests; postgres and "
                    "rabbitmq are the whole server's and broker's, other users included",
        "bare": bare, "real": real, "ratio_real_to_bare": compare(real, bare),
        "machine": {**machine_info(), "loadavg_before": load_before, "loadavg_after": os.getloadavg()},
    }
    args.out_dir.mkdir(parents=True, exist_ok=True)
    path = result_path(args.out_dir, started_at, "baseline")
    text = json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    path.write_text(text, encoding="utf-8")
    (args.out_dir / "baseline.json").write_text(text, encoding="utf-8")
    print(format_table(report))
    print(f"written to {path} (and {args.out_dir / 'baseline.json'})")
    failed = bare["errors"] + real["errors"] + (real.get("lifecycle") or {}).get("errors", 0) + \
        sum((side.get("offered") or {}).get("errors", 0) for side in (bare, real))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
