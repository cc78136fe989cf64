"""The read benchmark's answers as bytes, to compare before and after a change.

    python -m bench.read_answers OUT.jsonl [--port-base 17000] [--per 4] [--name benchread]

GETs the first ``--per`` parameter sets of every bench.read scenario from a running copy
(started by ``bench.read --keep``; LIANXIN_TEST_ID picks it as there) and writes one line per
request: scenario, parameters, HTTP status and the answer's body exactly as sent (latin-1
round trip of the bytes). ``diff`` two such files taken before and after a change: every line
must be the same (a deadline passing between the two runs flips an ``overdue``; rerun then).
"""
from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path

from bench.read import N_DEPUTIES, Client, gateway_url, scenarios
from scripts.isolation import test_env


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--port-base", type=int, default=17000)
    parser.add_argument("--per", type=int, default=4, help="parameter sets per scenario")
    parser.add_argument("--name", default="benchread", help="the copy's name (bench.read's: benchread)")
    parser.add_argument("--limit", type=int, default=20)
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", message="The HMAC key")

    from bench.read_data import SESSIONS, UNITS_BY_CATEGORY
    env = test_env(args.name, args.port_base)
    units = max(u for us in UNITS_BY_CATEGORY.values() for u in us)
    client = Client(gateway_url(env))
    with args.out.open("w", encoding="utf-8") as out:
        for scenario in scenarios(args.limit, [s for s, _ in SESSIONS], list(UNITS_BY_CATEGORY),
                                  ["submitted", "assigned", "replied", "evaluated"], units, N_DEPUTIES):
            for params in scenario["params"][:args.per]:
                resp = client.get(scenario, params)
                out.write(json.dumps({"scenario": scenario["name"], "params": params, "status": resp.status_code,
                                      "body": resp.content.decode("latin-1")}, ensure_ascii=False) + "\n")
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
