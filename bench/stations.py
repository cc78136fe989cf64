"""Station benchmark: the public QR intake under load (and its rate limit holding), and region lists.

    python -m bench.stations [--stations 40] [--per-station 5] [--concurrency 10] [--lists 200] [--url URL]

Registers ``stations`` stations in one fresh district (office token), then sends
``per-station + 1`` public opinions (no login, the station's qr_token) to each of them from
``concurrency`` threads, all from this one client: with the default limit (5 per link and client
in 10 minutes) every station must answer exactly ``per-station`` 201s and one 429 — the limit is
checked under concurrency, not only timed. Then times ``lists`` GET /stations?region=<district>.
The gateway's own limit on public routes (GATEWAY_PUBLIC_RATE per address) would refuse most of
these first: start the system with ``GATEWAY_PUBLIC_RATE=0 make up`` for this benchmark.

Writes bench/results/<YYYY-MM-DD>-stations.json and prints the figures.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import uuid
import warnings
from collections import Counter
from pathlib import Path

from bench.submit import DEFAULT_URL, RESULTS_DIR, Api, machine_info, percentile, result_path, run_indexed


def run_parallel(jobs: list, concurrency: int):
    """Run the callables from ``concurrency`` threads; returns ([(seconds, status)], wall seconds)."""
    calls, t0, t_end = run_indexed(lambda _, i: jobs[i]().status_code, len(jobs), concurrency)
    return [(seconds, status) for seconds, _, status in calls], t_end - t0


def figures(results: list, wall: float) -> dict:
    ms = [r[0] * 1000 for r in results]
    return {"requests": len(results), "wall_s": round(wall, 3),
            "throughput_rps": round(len(results) / wall, 1) if wall else None,
            "statuses": {str(k): v for k, v in Counter(r[1] for r in results).items()},
            "latency_ms": {f"p{p}": round(percentile(ms, p), 1) for p in (50, 95, 99)} | {"max": round(max(ms), 1)}}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stations", type=int, default=40)
    parser.add_argument("--per-station", type=int, default=5, help="the intake limit per link and client")
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--lists", type=int, default=200)
    parser.add_argument("--url", default=os.environ.get("LIANXIN_URL", DEFAULT_URL))
    parser.add_argument("--out-dir", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)

    from gateway.tokens import make_token

    warnings.filterwarnings("ignore", message="The HMAC key")
    api = Api(args.url)
    office = make_token("office", sub="bench-office")
    district = f"压测区{uuid.uuid4().hex[:6]}"
    created, wall = run_parallel([
        (lambda i=i: api.post("/stations", office, {
            "name": f"压测联络站{i}", "type": "station", "region": f"{district}/街道{i % 7}/社区{i}",
            "address": f"压测路{i}号"})) for i in range(args.stations)], args.concurrency)
    stations = api.get("/stations", office, {"region": district, "limit": 200}).json()["items"]
    if len(stations) != args.stations:
        print(f"only {len(stations)} of {args.stations} stations were created: {created[:3]}", file=sys.stderr)
        return 1
    print(f"{len(stations)} stations in {district} ({wall:.1f}s)")

    jobs = [(lambda s=s, k=k: api.session.post(
        f"{api.base}/stations/{s['id']}/opinions", json={"content": f"压测意见{k}：小区路灯不亮。",
                                                         "qr_token": s["qr_token"]}, timeout=api.timeout))
            for k in range(args.per_station + 1) for s in stations]
    intake, wall = run_parallel(jobs, args.concurrency)
    report = {"benchmark": "stations", "started_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
              "url": args.url, "stations": args.stations, "per_station": args.per_station,
              "concurrency": args.concurrency, "machine": machine_info(), "intake": figures(intake, wall)}
    statuses = Counter(r[1] for r in intake)
    report["intake"]["limit_held"] = None if args.per_station < 1 else (
        statuses.get(201, 0) == args.stations * args.per_station and statuses.get(429, 0) == args.stations)

    if args.lists:
        lists, wall = run_parallel([(lambda: api.get("/stations", office, {"region": district, "limit": 50}))
                                    for _ in range(args.lists)], args.concurrency)
        report["region_list"] = figures(lists, wall)

    path = result_path(args.out_dir, dt.datetime.now(), "stations")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(json.dumps({k: report.get(k) for k in ("intake", "region_list")}, ensure_ascii=False, indent=2))
    print(f"written to {path}")
    return 2 if report["intake"]["limit_held"] is False else 0


if __name__ == "__main__":
    sys.exit(main())
