"""Submission benchmark: how fast can deputies submit, and how soon does the
office hear of it?

    python -m bench.submit [--count 2000] [--concurrency 20] [--url URL] [--timeout 120]

Registers one deputy, waits until the suggestion service knows it, reads the
office's notification total as a baseline, then fires ``count`` POST
/api/v1/suggestions from ``concurrency`` threads (one requests.Session each),
timing every POST. Afterwards it polls the office inbox every 50 ms until the
total reaches baseline + the number of accepted (201) POSTs: that wait is the
event pipeline's lag (suggestion → RabbitMQ → notify → inbox).

Writes bench/results/<YYYY-MM-DD>-submit.json and prints a table.
The pure pieces (percentile, summarise, format_table, result_path) are unit-tested.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import sys
import threading
import time
import warnings
from collections import Counter
from pathlib import Path

DEFAULT_URL = "http://127.0.0.1:8000"
RESULTS_DIR = Path(__file__).resolve().parent / "results"
SESSION_NAME = "十六届三次"


# --------------------------------------------------------------------------- pure

def percentile(values, p: float) -> float | None:
    """p-th percentile (0–100) with linear interpolation between closest ranks
    (the same as numpy's default). None for an empty list."""
    if not 0 <= p <= 100:
        raise ValueError("p must be within 0..100")
    data = sorted(values)
    if not data:
        return None
    if len(data) == 1:
        return float(data[0])
    rank = (len(data) - 1) * p / 100.0
    lo = math.floor(rank)
    hi = math.ceil(rank)
    if lo == hi:
        return float(data[lo])
    return data[lo] + (data[hi] - data[lo]) * (rank - lo)


def summarise(latencies_s, statuses, wall_s: float) -> dict:
    """Figures of one run. latencies_s: seconds per POST (all of them);
    statuses: the HTTP status (int) or an exception name (str) per POST."""
    counts = Counter(statuses)
    ok = counts.get(201, 0)
    errors = {str(k): v for k, v in sorted(counts.items(), key=lambda kv: str(kv[0])) if k != 201}
    ms = [x * 1000.0 for x in latencies_s]

    def r(v):
        return None if v is None else round(v, 2)

    return {
        "count": len(statuses),
        "ok": ok,
        "errors": sum(errors.values()),
        "errors_by_status": errors,
        "wall_s": round(wall_s, 3),
        "throughput_rps": round(len(statuses) / wall_s, 1) if wall_s > 0 else None,
        "ok_throughput_rps": round(ok / wall_s, 1) if wall_s > 0 else None,
        "latency_ms": {
            "p50": r(percentile(ms, 50)),
            "p95": r(percentile(ms, 95)),
            "p99": r(percentile(ms, 99)),
            "max": r(max(ms)) if ms else None,
            "mean": r(sum(ms) / len(ms)) if ms else None,
        },
    }


def _fmt(value, unit: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        text = f"{value:,.1f}" if abs(value) >= 100 else f"{value:,.2f}"
    else:
        text = f"{value:,}" if isinstance(value, int) else str(value)
    return f"{text} {unit}".rstrip()


def format_table(report: dict) -> str:
    """A readable two-column table of a report (as written to the JSON file)."""
    lat = report.get("latency_ms", {})
    lag = report.get("notification_lag", {})
    errors = report.get("errors_by_status") or {}
    err_text = ", ".join(f"{k}×{v}" for k, v in errors.items()) or "none"
    if lag.get("timed_out"):
        lag_text = f"timed out after {_fmt(lag.get('timeout_s'), 's')} (saw {lag.get('seen')} of {lag.get('expected')})"
    elif lag.get("lag_ms") is None:
        lag_text = "-"
    else:
        lag_text = _fmt(lag.get("lag_ms"), "ms")
    rows = [
        ("POSTs", _fmt(report.get("count"))),
        ("concurrency", _fmt(report.get("concurrency"))),
        ("created (201)", _fmt(report.get("ok"))),
        ("errors", f"{_fmt(report.get('errors'))} ({err_text})"),
        ("wall time", _fmt(report.get("wall_s"), "s")),
        ("throughput", _fmt(report.get("throughput_rps"), "req/s")),
        ("latency p50", _fmt(lat.get("p50"), "ms")),
        ("latency p95", _fmt(lat.get("p95"), "ms")),
        ("latency p99", _fmt(lat.get("p99"), "ms")),
        ("latency max", _fmt(lat.get("max"), "ms")),
        ("notification lag", lag_text),
    ]
    machine = report.get("machine") or {}
    if machine:
        rows.append(("machine", f"{machine.get('nproc')} cpu, python {machine.get('python')}"))
    width = max(len(k) for k, _ in rows)
    line = "-" * (width + 2 + max(len(v) for _, v in rows))
    out = [line] + [f"{k.ljust(width)}  {v}" for k, v in rows] + [line]
    return "\n".join(out)


def result_path(directory: Path, now: dt.datetime, name: str = "submit") -> Path:
    """bench/results/<YYYY-MM-DD>-submit.json, or with -HHMMSS if that exists."""
    directory = Path(directory)
    path = directory / f"{now:%Y-%m-%d}-{name}.json"
    if path.exists():
        path = directory / f"{now:%Y-%m-%d}-{name}-{now:%H%M%S}.json"
        n = 1
        while path.exists():
            path = directory / f"{now:%Y-%m-%d}-{name}-{now:%H%M%S}-{n}.json"
            n += 1
    return path


def machine_info() -> dict:
    try:
        usable = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        usable = os.cpu_count()
    return {
        "nproc": usable,
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
    }


def suggestion_body(i: int) -> dict:
    return {
        "title": f"压力测试建议第{i}号：关于优化社区公交线路的建议",
        "body": "基准测试生成的建议正文。建议优化社区公交线路，加密高峰时段班次，方便居民出行。",
        "category": "transport",
        "kind": "session",
        "session": SESSION_NAME,
        "co_signer_ids": [],
        "source": "research",
    }


# --------------------------------------------------------------------------- HTTP

class Api:
    """Thin requests wrapper: one Session per thread."""

    def __init__(self, base_url: str, timeout: float = 30.0):
        self.base = base_url.rstrip("/") + "/api/v1"
        self.timeout = timeout
        self._local = threading.local()

    @property
    def session(self):
        s = getattr(self._local, "session", None)
        if s is None:
            import requests
            s = requests.Session()
            self._local.session = s
        return s

    def post(self, path, token, body=None):
        return self.session.post(self.base + path, json=body or {}, timeout=self.timeout,
                                 headers={"Authorization": f"Bearer {token}"})

    def get(self, path, token, params=None):
        return self.session.get(self.base + path, params=params, timeout=self.timeout,
                                headers={"Authorization": f"Bearer {token}"})


def office_total(api: Api, office: str) -> int:
    resp = api.get("/notifications", office, {"limit": 1})
    resp.raise_for_status()
    return int(resp.json()["total"])


def register_deputy(api: Api, office: str) -> int:
    resp = api.post("/deputies", office, {
        "name": f"压测代表{int(time.time()) % 100000}", "level": "city",
        "delegation": "基准测试代表团", "phone": "13800000000"})
    if resp.status_code != 201:
        raise SystemExit(f"registering the deputy failed: {resp.status_code} {resp.text[:300]}")
    return int(resp.json()["id"])


def wait_until_submittable(api: Api, token: str, timeout: float = 30.0) -> dict:
    """Submit one warm-up suggestion, retrying while the service does not yet
    know the deputy (422). Returns the created suggestion."""
    deadline = time.monotonic() + timeout
    while True:
        resp = api.post("/suggestions", token, suggestion_body(0))
        if resp.status_code == 201:
            return resp.json()
        if resp.status_code not in (422, 503, 404) or time.monotonic() > deadline:
            raise SystemExit(f"the deputy cannot submit: {resp.status_code} {resp.text[:300]}")
        time.sleep(0.2)


def wait_for_total(api: Api, office: str, target: int, timeout: float, interval: float = 0.05):
    """Poll the office inbox until total >= target. Returns (reached_at, last_seen)
    with reached_at a perf_counter() value, or None on timeout."""
    deadline = time.perf_counter() + timeout
    seen = None
    while True:
        try:
            seen = office_total(api, office)
        except Exception:  # a transient error while polling is not the answer
            pass
        now = time.perf_counter()
        if seen is not None and seen >= target:
            return now, seen
        if now >= deadline:
            return None, seen
        time.sleep(interval)


def run_load(api: Api, token: str, count: int, concurrency: int):
    """count POSTs from concurrency threads. Returns (latencies, statuses, t0, t_end, last_done)."""
    calls, t0, t_end = run_indexed(
        lambda _, i: api.post("/suggestions", token, suggestion_body(i + 1)).status_code, count, concurrency)
    latencies = [seconds for seconds, _, _ in calls]
    statuses = [status for _, _, status in calls]
    last_done = max((end for _, end, status in calls if status == 201), default=0.0)
    return latencies, statuses, t0, t_end, last_done or t_end


def run_indexed(call, count: int, concurrency: int, thread_state=lambda: None, rate: float | None = None):
    """``call(state, i)`` once for each i in range(count), from ``concurrency`` threads, each with its
    own ``thread_state()`` (e.g. a keep-alive requests.Session). Returns ([(seconds, end, result)] by
    i, t0, t_end); a call that raised has the exception's name as its result (a transport failure
    counts as an error).

    With ``rate`` the load is offered at that many calls a second (open loop): call i is due at
    t0 + i / rate, and its seconds count from when it was due, not from when a thread got to it, so a
    system that falls behind shows it in the latency instead of slowing the load down (no coordinated
    omission). ``concurrency`` then only caps the calls in flight."""
    calls: list = [None] * count
    next_index = iter(range(count))
    lock = threading.Lock()
    base = time.perf_counter() + 0.05   # the open loop's t0: after every thread has started

    def worker():
        state = thread_state()
        while True:
            with lock:
                i = next(next_index, None)
            if i is None:
                return
            if rate:
                due = base + i / rate
                delay = due - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                start = due
            else:
                start = time.perf_counter()
            try:
                result = call(state, i)
            except Exception as exc:  # noqa: BLE001 - counted, not raised
                result = type(exc).__name__
            end = time.perf_counter()
            calls[i] = (end - start, end, result)

    t0, t_end = run_threads(worker, concurrency)
    return calls, (base if rate else t0), t_end


def run_threads(worker, concurrency: int) -> tuple[float, float]:
    """Run ``worker`` in ``concurrency`` threads until every one returns; the start and end times."""
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return t0, time.perf_counter()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--url", default=os.environ.get("LIANXIN_URL", DEFAULT_URL))
    parser.add_argument("--timeout", type=float, default=120.0,
                        help="seconds to wait for the office notifications (default 120)")
    parser.add_argument("--out-dir", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    if args.count < 1 or args.concurrency < 1:
        parser.error("--count and --concurrency must be positive")

    from gateway.tokens import make_token

    warnings.filterwarnings("ignore", message="The HMAC key")  # the short dev secret
    api = Api(args.url)
    office = make_token("office", sub="bench-office")
    print(f"bench.submit → {args.url}: {args.count} POSTs, {args.concurrency} threads")
    try:
        api.session.get(args.url.rstrip("/") + "/healthz", timeout=5).raise_for_status()
    except Exception as exc:
        print(f"the gateway at {args.url} does not answer /healthz: {exc}", file=sys.stderr)
        return 1

    deputy_id = register_deputy(api, office)
    deputy = make_token("deputy", sub=f"bench-deputy-{deputy_id}", deputy_id=deputy_id)
    before_warmup = office_total(api, office)
    wait_until_submittable(api, deputy)
    # let the warm-up's own notification land before taking the baseline
    wait_for_total(api, office, before_warmup + 1, timeout=min(args.timeout, 30.0))
    baseline = office_total(api, office)
    print(f"deputy {deputy_id} ready; office notifications baseline {baseline}")

    started_at = dt.datetime.now().astimezone()
    latencies, statuses, t0, t_end, last_done = run_load(api, deputy, args.count, args.concurrency)
    report = summarise(latencies, statuses, t_end - t0)

    expected = baseline + report["ok"]
    reached, seen = wait_for_total(api, office, expected, args.timeout)
    lag = {
        "baseline": baseline,
        "expected": expected,
        "seen": seen,
        "timeout_s": args.timeout,
        "timed_out": reached is None,
        "lag_ms": None if reached is None else round(max(0.0, reached - last_done) * 1000.0, 1),
        "poll_interval_ms": 50,
    }
    report = {
        "benchmark": "submit",
        "started_at": started_at.isoformat(timespec="seconds"),
        "url": args.url,
        "concurrency": args.concurrency,
        **report,
        "notification_lag": lag,
        "machine": machine_info(),
    }

    args.out_dir.mkdir(parents=True, exist_ok=True)
    path = result_path(args.out_dir, started_at)
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(format_table(report))
    print(f"written to {path}")
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
