"""Capacity table (issue 19): cores and replicas per process for given submission rates, from the
CPU milliseconds per submission that `bench.baseline` measured.

    python -m bench.capacity bench/results/2026-12-01-baseline-083243.json [more.json ...]
                             [--rates 100 1000 10000] [--core-share 0.7]

Averages the real path's per-process CPU ms per submission over the files given (each with the full
fan-out: `suggestion.submitted` to station, notify and evaluation, `audit.recorded` to identity),
then scales linearly: cores = ms × rate / 1000. A replica is one `nameko run` process — one eventlet
hub, so at most one core — planned at ``core_share`` of a core for headroom; PostgreSQL and RabbitMQ
are servers, given in cores only. Prints a Markdown table and the whole lifecycle's cost per process.
"""
from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

SERVERS = ("postgres", "rabbitmq")
ORDER = ("gateway", "suggestion", "station", "evaluation", "notify", "identity", "assignment",
         "postgres", "rabbitmq")
LABELS = {"postgres": "PostgreSQL (server)", "rabbitmq": "RabbitMQ (broker)"}


# --------------------------------------------------------------------------- pure

def mean_costs(runs: list[dict]) -> dict[str, float]:
    """Mean CPU ms per request per process over runs ({process: ms}); a process missing from a run
    (None: restarted or not seen) is averaged over the runs that have it."""
    seen: dict[str, list[float]] = {}
    for run in runs:
        for name, ms in run.items():
            if ms is not None:
                seen.setdefault(name, []).append(ms)
    return {name: sum(v) / len(v) for name, v in seen.items()}


def plan(ms: float, rate: float, core_share: float, server: bool) -> tuple[float, int | None]:
    """Cores for ``rate`` submissions a second at ``ms`` CPU ms each, and the replicas that carry
    them at ``core_share`` of a core each (at least one; None for a server)."""
    cores = ms * rate / 1000
    if server:
        return cores, None
    return cores, max(1, math.ceil(cores / core_share - 1e-9))


def table(costs: dict[str, float], rates: list[int], core_share: float) -> str:
    names = [n for n in ORDER if n in costs] + sorted(set(costs) - set(ORDER))
    head = "| process | CPU ms per submission | " + " | ".join(
        f"{r:,}/s: cores (replicas)" if i == 0 else f"{r:,}/s" for i, r in enumerate(rates)) + " |"
    lines = [head, "|" + "---|" * (2 + len(rates))]
    for name in names:
        cells = []
        for rate in rates:
            cores, replicas = plan(costs[name], rate, core_share, name in SERVERS)
            cells.append(f"{cores:.1f}" if replicas is None else f"{cores:.1f} ({replicas})")
        lines.append(f"| {LABELS.get(name, name)} | {costs[name]:.2f} | " + " | ".join(cells) + " |")
    total = sum(costs.values())
    lines.append(f"| **total** | **{total:.1f}** | " + " | ".join(
        f"**{total * r / 1000:.1f} cores**" for r in rates) + " |")
    return "\n".join(lines)


# --------------------------------------------------------------------------- entry

def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("results", nargs="+", type=Path)
    ap.add_argument("--rates", nargs="+", type=int, default=[100, 1000, 10000])
    ap.add_argument("--core-share", type=float, default=0.7)
    args = ap.parse_args(argv)
    docs = [json.loads(p.read_text()) for p in args.results]
    costs = mean_costs([d["real"]["cpu_ms_per_request"] for d in docs])
    print(table(costs, args.rates, args.core_share))
    lifecycles = [d["real"]["lifecycle"]["cpu_ms_per_request"] for d in docs if d["real"].get("lifecycle")]
    if lifecycles:
        life = mean_costs(lifecycles)
        print(f"\nwhole lifecycle: {sum(life.values()):.0f} ms of CPU — " + ", ".join(
            f"{n} {ms:.0f}" for n, ms in sorted(life.items(), key=lambda kv: -kv[1])))


if __name__ == "__main__":
    main()
