"""Load realistic demo data through the gateway.

    python -m scripts.demo [--suggestions 300] [--units 30] [--stations 20] [--deputies 120]
                           [--url URL] [--concurrency 8] [--seed 16]

Creates handling units, liaison stations and deputies (office token), then a
session "十六届三次" of suggestions that go through the whole life: submitted by
deputies, screened by the office (most accepted, a few returned), assigned to a
unit matching the category, signed and replied to by units, rated by deputies.

Tolerant: every failure is counted and shown (status + body) in the summary;
the exit status is non-zero only if nothing at all could be created.

What is created comes from scripts/demo_data.py (pure, seeded); this module
only talks HTTP.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import threading
import time
import uuid
import warnings
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from scripts.demo_data import (CATEGORIES, DEFAULT_URL, REPLY_TEXT, SESSION_NAME, make_deputies, make_stations,
                               person_names, plan_suggestions, unit_table)


# --------------------------------------------------------------------------- HTTP

class Loader:
    """Calls the gateway, counts successes and keeps the failures."""

    def __init__(self, url: str, settle: float = 10.0, timeout: float = 30.0):
        self.base = url.rstrip("/") + "/api/v1"
        self.settle = settle
        self.timeout = timeout
        self._local = threading.local()
        self._lock = threading.Lock()
        self.ok = Counter()
        self.failed = Counter()
        self.samples: dict = {}
        self.hard_failures = Counter()  # per step: failures after retrying

    @property
    def http(self):
        s = getattr(self._local, "session", None)
        if s is None:
            import requests
            s = self._local.session = requests.Session()
        return s

    def request(self, step, method, path, token, body=None, retry_on=(), params=None, exists_on=()):
        """One logical call. Retries transport errors and 502/503/504 a few times,
        and statuses in retry_on (eventual consistency) for up to `settle` seconds,
        unless that step already failed for good three times. Returns the JSON (or
        {}) on 2xx, else None. A status in exists_on counts as "already there"
        and returns None without being a failure."""
        deadline = time.monotonic() + self.settle
        key = str(uuid.uuid4())
        delay = 0.1
        status, text = None, ""
        while True:
            headers = {"Authorization": f"Bearer {token}"}
            if method == "POST":
                headers["Idempotency-Key"] = key
            try:
                resp = self.http.request(method, self.base + path, json=body if method != "GET" else None,
                                         params=params, headers=headers, timeout=self.timeout)
                status, text = resp.status_code, resp.text
            except Exception as exc:  # transport error: same key, try again
                status, text = type(exc).__name__, str(exc)
                resp = None
            if resp is not None and 200 <= status < 300:
                with self._lock:
                    self.ok[step] += 1
                try:
                    return resp.json()
                except ValueError:
                    return {}
            if status in exists_on:
                with self._lock:
                    self.ok[f"{step} (already there)"] += 1
                return None
            transient = not isinstance(status, int) or status in (502, 503, 504)
            wanted = isinstance(status, int) and status in retry_on and self.hard_failures[step] < 3
            if (transient or wanted) and time.monotonic() < deadline:
                if isinstance(status, int) and not transient:
                    key = str(uuid.uuid4())  # a definite answer: a retry is a new request
                time.sleep(delay)
                delay = min(delay * 2, 1.0)
                continue
            with self._lock:
                self.failed[step] += 1
                self.hard_failures[step] += 1
                self.samples.setdefault((step, status), text[:300])
            return None

    def post(self, step, path, token, body=None, retry_on=(), exists_on=()):
        return self.request(step, "POST", path, token, body, retry_on, exists_on=exists_on)

    def list_all(self, path, token):
        items, offset = [], 0
        while True:
            page = self.request("list " + path, "GET", path, token, params={"limit": 200, "offset": offset})
            if not page:
                return items
            items += page.get("items", [])
            offset += page.get("limit", 200) or 200
            if offset >= page.get("total", 0) or not page.get("items"):
                return items

    def summary(self) -> str:
        steps = list(dict.fromkeys(list(self.ok) + list(self.failed)))
        width = max([len(s) for s in steps] + [4])
        lines = [f"{'step'.ljust(width)}  {'ok':>5}  {'failed':>6}"]
        lines += [f"{s.ljust(width)}  {self.ok[s]:>5}  {self.failed[s]:>6}" for s in steps]
        if self.samples:
            lines.append("")
            lines.append("failures (first body of each step/status):")
            for (step, status), text in self.samples.items():
                lines.append(f"  {step} → {status}: {text}")
        return "\n".join(lines)


def run(args) -> int:
    warnings.filterwarnings("ignore", message="The HMAC key")  # the short dev secret
    from gateway.tokens import make_token

    rng = random.Random(args.seed)
    api = Loader(args.url, settle=args.settle)
    try:
        api.http.get(args.url.rstrip("/") + "/healthz", timeout=5).raise_for_status()
    except Exception as exc:
        print(f"the gateway at {args.url} does not answer /healthz: {exc}", file=sys.stderr)
        return 1
    office = make_token("office", sub="demo-office")
    pool = ThreadPoolExecutor(max_workers=args.concurrency)
    t0 = time.perf_counter()

    # 1. handling units (a unit code already taken: reuse the existing unit)
    units = unit_table(args.units)
    created = list(pool.map(lambda u: api.post("units", "/units", office, u, exists_on=(409,)), units))
    unit_ids = [c["id"] if c else None for c in created]
    if any(i is None for i in unit_ids):
        existing = {u.get("code"): u.get("id") for u in api.list_all("/units", office)}
        unit_ids = [i if i is not None else existing.get(u["code"]) for i, u in zip(unit_ids, units)]
    live_units = [(u, i) for u, i in zip(units, unit_ids) if i is not None]
    units = [u for u, _ in live_units]
    unit_ids = [i for _, i in live_units]
    print(f"units: {len(unit_ids)} available")

    # 2. stations
    stations = make_stations(args.stations, rng)
    created = list(pool.map(lambda s: api.post("stations", "/stations", office, s), stations))
    station_ids = [c["id"] if c else None for c in created]
    print(f"stations: {sum(1 for i in station_ids if i)} created")

    # 3. deputies
    deputies = make_deputies(args.deputies, stations, rng)

    def register(d):
        body = {k: v for k, v in d.items() if k != "station"}
        if d["station"] is not None and station_ids[d["station"]]:
            body["station_id"] = station_ids[d["station"]]
        return api.post("deputies", "/deputies", office, body)

    created = list(pool.map(register, deputies))
    deputy_ids = [c["id"] if c else None for c in created]
    live = [i for i in deputy_ids if i]
    print(f"deputies: {len(live)} created")

    # 4. suggestions through their life
    plans = plan_suggestions(args.suggestions, len(live), units, rng) if live else []
    submitted = Counter()

    def life(plan):
        lead = live[plan["lead"]]
        deputy = make_token("deputy", sub=f"deputy-{lead}", deputy_id=lead)
        body = {"title": plan["title"], "body": plan["body"], "category": plan["category"],
                "kind": "session", "session": SESSION_NAME,
                "co_signer_ids": [live[i] for i in plan["co_signers"]], "source": plan["source"]}
        s = api.post("submit", "/suggestions", deputy, body, retry_on=(422, 404))
        if not s:
            return
        sid = s["id"]
        with api._lock:
            submitted[plan["category"]] += 1
        if plan["screening"] == "return":
            api.post("screen: return", f"/suggestions/{sid}/screening", office,
                     {"decision": "return", "reason": plan["return_reason"]}, retry_on=(409,))
            return
        if plan["screening"] != "accept":
            return
        if not api.post("screen: accept", f"/suggestions/{sid}/screening", office,
                        {"decision": "accept"}, retry_on=(409,)):
            return
        if plan["lead_unit"] is None:
            return
        lead_unit = unit_ids[plan["lead_unit"]]
        a = api.post("assign", f"/suggestions/{sid}/assignment", office,
                     {"lead_unit_id": lead_unit, "co_unit_ids": [unit_ids[i] for i in plan["co_units"]]},
                     retry_on=(404, 409, 422))
        if not a or not plan["sign"]:
            return
        aid = a["id"]
        unit = make_token("unit", sub=f"unit-{lead_unit}", unit_id=lead_unit)
        for co in plan["co_units"]:
            co_token = make_token("unit", sub=f"unit-{unit_ids[co]}", unit_id=unit_ids[co])
            api.post("sign (co-unit)", f"/assignments/{aid}/sign", co_token, retry_on=(404, 409))
        if not api.post("sign", f"/assignments/{aid}/sign", unit, retry_on=(404, 409)) or not plan["reply"]:
            return
        signer = person_names(1, random.Random(aid))[0]
        if not api.post("reply", f"/assignments/{aid}/reply", unit,
                        {"result_class": plan["reply"], "content": REPLY_TEXT[plan["reply"]],
                         "signed_by": f"{signer}（分管负责人）"}, retry_on=(404, 409)):
            return
        if plan["rating"]:
            api.post("evaluate", f"/assignments/{aid}/evaluation", deputy,
                     {"satisfaction": plan["rating"]}, retry_on=(404, 409, 422))

    list(pool.map(life, plans))
    pool.shutdown()
    elapsed = time.perf_counter() - t0

    print()
    print(f"demo data loaded into {args.url} in {elapsed:.1f} s (session {SESSION_NAME})")
    print("suggestions by category: " + ", ".join(f"{CATEGORIES[c]} {n}" for c, n in submitted.most_common()))
    print(api.summary())
    return 0 if sum(api.ok.values()) else 1


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="load demo data through the gateway")
    parser.add_argument("--suggestions", type=int, default=300)
    parser.add_argument("--units", type=int, default=30)
    parser.add_argument("--stations", type=int, default=20)
    parser.add_argument("--deputies", type=int, default=120)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--settle", type=float, default=10.0,
                        help="seconds to keep retrying a step that waits on an event (default 10)")
    parser.add_argument("--url", default=os.environ.get("LIANXIN_URL", DEFAULT_URL))
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
