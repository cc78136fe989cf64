"""Routing recommendation benchmark: top-1 / top-3 accuracy and timing (no system needed).

    make bench-routing                      # or: PYTHONPATH=. .venv/bin/python -m bench.routing
    make bench-routing ARGS="--errors dev"  # also list the misses of one half (dev|held|all)

Units come from bench/routing/units.yml, labelled titles from bench/routing/titles.csv.
Every title is in one fixed half, dev or held-out (crc32 of the title, even/odd): any
tuning is done looking at dev misses only, and both halves are reported.

(a) cold: the units' duties, keywords and categories only;
(b) learning: the titles replayed in a fixed shuffled order, each ranked before its true
    unit is added as a precedent (the office confirming it); overall and second half;
(c) each with the category unknown and known.
Timing: build for ~200 units and 10,000 precedents, rank (median, p95) on that model.
Writes bench/results/routing.json.
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import statistics
import time
import zlib
from pathlib import Path

import yaml

from services.assignment.routing import Precedent, RoutingModel, UnitProfile

HERE = Path(__file__).parent
SEED = 20261123


def load_units(path: Path = HERE / "routing" / "units.yml") -> tuple[list[UnitProfile], dict[str, int]]:
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))["units"]
    units = [UnitProfile(i, r["name"], r["duties"], tuple(str(k) for k in r["keywords"]), tuple(r["categories"]))
             for i, r in enumerate(rows, start=1)]
    return units, {r["code"]: i for i, r in enumerate(rows, start=1)}


def load_titles(path: Path = HERE / "routing" / "titles.csv") -> list[dict]:
    """Rows title, unit (code), category, plus half: dev or held (fixed by the title)."""
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        r["half"] = "dev" if zlib.crc32(r["title"].encode()) % 2 == 0 else "held"
    return rows


def _hit(ranked, unit_id):
    ids = [c.unit_id for c in ranked]
    return (ids[:1] == [unit_id], unit_id in ids[:3])


def _acc(hits):
    n = len(hits)
    return {"n": n, "top1": round(sum(h[0] for h in hits) / n, 4) if n else None,
            "top3": round(sum(h[1] for h in hits) / n, 4) if n else None}


def cold(units, codes, titles, with_category):
    model = RoutingModel.build(units, [])
    out = []
    for r in titles:
        ranked = model.rank(r["title"], category=r["category"] if with_category else None, limit=3)
        out.append((r, _hit(ranked, codes[r["unit"]]), ranked))
    return out


def learning(units, codes, titles, with_category):
    order = list(titles)
    random.Random(SEED).shuffle(order)
    precedents, out = [], []
    for r in order:
        model = RoutingModel.build(units, precedents)
        ranked = model.rank(r["title"], category=r["category"] if with_category else None, limit=3)
        out.append((r, _hit(ranked, codes[r["unit"]]), ranked))
        precedents.append(Precedent(r["title"], r["category"], codes[r["unit"]]))
    return out


def next_session(units, codes, titles, later, with_category):
    """A later session's titles on recurring subjects, ranked with every titles.csv row
    already confirmed as a precedent (a year of the office's history)."""
    model = RoutingModel.build(units, [Precedent(r["title"], r["category"], codes[r["unit"]]) for r in titles])
    out = []
    for r in later:
        ranked = model.rank(r["title"], category=r["category"] if with_category else None, limit=3)
        out.append((r, _hit(ranked, codes[r["unit"]]), ranked))
    return out


def summarise(results):
    hits = [h for _, h, _ in results]
    return {"all": _acc(hits),
            "dev": _acc([h for r, h, _ in results if r["half"] == "dev"]),
            "held": _acc([h for r, h, _ in results if r["half"] == "held"])}


def timing(units, titles):
    """~200 units (the bench units five times over) and 10,000 precedents (bench titles with
    place names in front), then rank every bench title against that model."""
    rng = random.Random(SEED)
    big_units = [UnitProfile(copy * 1000 + u.unit_id, f"{u.name}{copy}", u.duties, u.keywords, u.categories)
                 for copy in range(5) for u in units]
    places = ["南湖区", "北山区", "滨江区", "高新区", "东城区", "西城区", "石门镇", "白沙镇"]
    precedents = [Precedent(f"关于{rng.choice(places)}{r['title'][2:]}", r["category"], rng.choice(big_units).unit_id)
                  for r in (rng.choice(titles) for _ in range(10_000))]
    builds = []
    for _ in range(3):   # best of three, wall clock and this process's CPU time (the machine may be shared)
        t0, c0 = time.perf_counter(), time.process_time()
        model = RoutingModel.build(big_units, precedents)
        builds.append((time.perf_counter() - t0, time.process_time() - c0))
    build_s, build_cpu_s = min(b[0] for b in builds), min(b[1] for b in builds)
    cold_model = RoutingModel.build(units, [])
    lat, cpu, lat_cold = [], [], []
    for r in titles:
        t, c = time.perf_counter(), time.process_time()
        model.rank(r["title"], category=r["category"])
        lat.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
        t = time.perf_counter()
        cold_model.rank(r["title"])
        lat_cold.append((time.perf_counter() - t) * 1000)
    q = lambda xs, p: round(sorted(xs)[int(p * (len(xs) - 1))], 3)  # noqa: E731
    return {"units": len(big_units), "precedents": len(precedents), "build_s": round(build_s, 3), "build_cpu_s": round(build_cpu_s, 3),
            "rank_ms_median": round(statistics.median(lat), 3), "rank_ms_p95": q(lat, 0.95),
            "rank_ms_max": round(max(lat), 3),
            "rank_cpu_ms_median": round(statistics.median(cpu), 3), "rank_cpu_ms_p95": q(cpu, 0.95),
            "cold_units": len(units), "cold_rank_ms_median": round(statistics.median(lat_cold), 3),
            "cold_rank_ms_p95": q(lat_cold, 0.95)}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--errors", choices=["dev", "held", "all"], help="list the misses of this half")
    ap.add_argument("--out", default=str(HERE / "results" / "routing.json"))
    args = ap.parse_args(argv)
    units, codes = load_units()
    titles = load_titles()
    names = {i: c for c, i in codes.items()}
    report = {"units": len(units), "titles": len(titles),
              "dev": sum(r["half"] == "dev" for r in titles), "held": sum(r["half"] == "held" for r in titles),
              "runs": {}}
    print(f"{len(units)} units, {len(titles)} titles ({report['dev']} dev / {report['held']} held-out)\n")
    print(f"{'run':<34}{'top-1':>8}{'top-3':>8}   {'dev 1/3':>13}   {'held-out 1/3':>13}")
    misses = {}
    for mode, fn in (("cold", cold), ("learning", learning)):
        for with_cat in (False, True):
            res = fn(units, codes, titles, with_cat)
            name = f"{mode}, category {'known' if with_cat else 'unknown'}"
            s = summarise(res)
            if mode == "learning":
                s["second_half"] = summarise(res[len(res) // 2:])["all"]
            report["runs"][name] = s
            misses[name] = [(r, rk) for r, h, rk in res if not h[0]]
            rows = [(name, s)] + ([("  second half of the replay", {"all": s["second_half"]})] if mode == "learning" else [])
            for label, t in rows:
                a = t["all"]
                extra = (f"   {t['dev']['top1']:>6.1%}/{t['dev']['top3']:<6.1%}   {t['held']['top1']:>6.1%}/{t['held']['top3']:<6.1%}"
                         if "dev" in t else "")
                print(f"{label:<34}{a['top1']:>8.1%}{a['top3']:>8.1%}{extra}")
    later = load_titles(HERE / "routing" / "titles_next.csv")
    print(f"\nnext session: {len(later)} titles on recurring subjects (titles_next.csv)")
    for with_cat in (False, True):
        for label, res in (("cold", cold(units, codes, later, with_cat)),
                           ("with titles.csv as history", next_session(units, codes, titles, later, with_cat))):
            name = f"next session {label}, category {'known' if with_cat else 'unknown'}"
            s = summarise(res)
            report["runs"][name] = s
            misses[name] = [(r, rk) for r, h, rk in res if not h[0]]
            a = s["all"]
            print(f"{name:<62}{a['top1']:>8.1%}{a['top3']:>8.1%}   dev {s['dev']['top1']:.1%}/{s['dev']['top3']:.1%}"
                  f"   held-out {s['held']['top1']:.1%}/{s['held']['top3']:.1%}")
    report["timing"] = timing(units, titles)
    t = report["timing"]
    print(f"\nbuild: {t['units']} units + {t['precedents']} precedents in {t['build_s']:.3f} s (CPU {t['build_cpu_s']:.3f} s); "
          f"rank: median {t['rank_ms_median']} ms, p95 {t['rank_ms_p95']} ms, max {t['rank_ms_max']} ms "
          f"(CPU median {t['rank_cpu_ms_median']} ms, p95 {t['rank_cpu_ms_p95']} ms) "
          f"(cold, {t['cold_units']} units: median {t['cold_rank_ms_median']} ms)")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written {args.out}")
    if args.errors:
        for name in ("cold, category unknown", "cold, category known",
                     "next session with titles.csv as history, category unknown"):
            print(f"\nmisses ({name}, {args.errors}):")
            for r, rk in misses[name]:
                if args.errors in ("all", r["half"]):
                    got = ", ".join(f"{names[c.unit_id]} {c.score:.2f}" for c in rk)
                    print(f"  {r['title']}  want {r['unit']}  got {got}")


if __name__ == "__main__":
    main()
