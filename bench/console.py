"""Console benchmark: the production build's bundle and the office console's first screen.

    python -m bench.console [--runs 9] [--baseline-ref REF] [--suggestions 30] [--no-build]
                            [--port-base 17100] [--out-dir bench/results]

1. **Bundle**: builds the console (`npm run build:fast` in console/, unless --no-build) and measures
   every file of console/dist/assets, raw and gzip (level 9, as a server would send it), and what
   index.html loads before any route (entry, modulepreloads, stylesheets);
2. **First screen**: starts an isolated copy of the whole system (own databases, vhost, run dir and
   ports, as the end-to-end tests do; LIANXIN_TEST_ID shifts them), submits --suggestions suggestions
   for the office's queue, makes an office clerk (a real account: first password changed, TOTP enrolled)
   and, in Debian's headless Chromium, opens /office/queue signed in, --runs times with the browser's
   cache cleared and disabled (a first visit), then --runs times warm (the cache on, as a clerk's second
   visit of the day). One time is navigation start → the queue's table showing its first row of data
   (a requestAnimationFrame watch injected before the page's own scripts). Side by side, in the same run
   and alternated run by run: the same build served by the gateway (`/`, as `make up` serves it) and by
   a plain static server beside it (tests/e2e/console_server.py), the build of --baseline-ref (the
   console as it was at that commit, built into a temporary directory; default: the commit before the
   on-demand Element Plus change), and the floor: the bare `GET /healthz` page;
3. prints a table and writes bench/results/<YYYY-MM-DD>-console.json (…-<HHMMSS>.json when that
   exists) and bench/results/console.json (the latest). Target: the office's first screen under 1.5 s.
"""
from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import pathlib
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
CONSOLE = ROOT / "console"
RESULTS_DIR = ROOT / "bench" / "results"
TARGET_MS = 1500
# the console before Element Plus came on demand (the whole library and its CSS on every screen)
DEFAULT_BASELINE = "b20d670"
QUEUE_ROWS = '[data-test="queue"] .el-table__row'
# injected before any of the page's scripts: the first frame in which the queue shows a row of data
WATCH = """
(() => {
  const check = () => {
    if (document.querySelector(%s)) { window.__firstScreen = performance.now(); return }
    requestAnimationFrame(check)
  }
  requestAnimationFrame(check)
})()
""" % json.dumps(QUEUE_ROWS)


def percentile(values: list[float], p: float) -> float:
    """Linear interpolation between closest ranks (as bench/submit.py)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary(times: list[float]) -> dict:
    return {"n": len(times), "median_ms": round(percentile(times, 50), 1), "p95_ms": round(percentile(times, 95), 1),
            "min_ms": round(min(times), 1), "max_ms": round(max(times), 1), "runs_ms": [round(t, 1) for t in times]}


# --- the bundle -------------------------------------------------------------------------------------

def build(console_dir: pathlib.Path) -> float:
    started = time.perf_counter()
    subprocess.run(["npm", "run", "build:fast", "--silent"], cwd=console_dir, check=True, capture_output=True,
                   timeout=600)
    return round(time.perf_counter() - started, 1)


def file_sizes(path: pathlib.Path) -> dict:
    data = path.read_bytes()
    return {"raw": len(data), "gzip": len(gzip.compress(data, compresslevel=9))}


def bundle(dist: pathlib.Path) -> dict:
    """Every asset's raw and gzip size, and what index.html itself loads (before any route's chunks)."""
    assets = {p.name: file_sizes(p) for p in sorted((dist / "assets").iterdir()) if p.suffix in (".js", ".css")}
    index = (dist / "index.html").read_text()
    initial = re.findall(r'(?:src|href)="/assets/([^"]+\.(?:js|css))"', index)

    def total(names, suffix):
        chosen = [n for n in names if n.endswith(suffix)]
        return {"files": len(chosen), "raw": sum(assets[n]["raw"] for n in chosen),
                "gzip": sum(assets[n]["gzip"] for n in chosen)}

    return {"assets": assets, "initial": initial,
            "initial_js": total(initial, ".js"), "initial_css": total(initial, ".css"),
            "all_js": total(list(assets), ".js"), "all_css": total(list(assets), ".css"),
            "largest_js": sorted(((n, s["raw"], s["gzip"]) for n, s in assets.items() if n.endswith(".js")),
                                 key=lambda x: -x[1])[:6]}


def baseline_build(ref: str, workdir: pathlib.Path) -> pathlib.Path:
    """console/ as it was at ref, built in workdir with the current node_modules (a superset)."""
    archive = subprocess.run(["git", "archive", ref, "console"], cwd=ROOT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(workdir)], input=archive, check=True)
    console_dir = workdir / "console"
    (console_dir / "node_modules").symlink_to(CONSOLE / "node_modules")
    build(console_dir)
    return console_dir / "dist"


# --- the first screen -------------------------------------------------------------------------------

def first_screen(page, origin: str, session: dict, cold: bool, mbps: float = 0) -> dict:
    """One load of /office/queue, signed in: navigation start → the queue's first row of data (mbps: the
    link's download speed, with 20 ms of latency; 0: the loopback as it is)."""
    send = page.send
    send("Network.emulateNetworkConditions", page.session, offline=False, latency=20 if mbps else 0,
         downloadThroughput=mbps * 125_000 if mbps else -1, uploadThroughput=mbps * 125_000 if mbps else -1)
    if cold:
        send("Network.clearBrowserCache", page.session)
    send("Network.setCacheDisabled", page.session, cacheDisabled=cold)
    # on the origin, so sessionStorage is its own: the console reads its session from there
    send("Page.navigate", page.session, url=origin + "/healthz")
    wait(page, "document.readyState === 'complete' && location.pathname === '/healthz'", 20)
    stored = json.dumps({"accessToken": session["access_token"], "refreshToken": session["refresh_token"],
                         "login": session["account"]["login"]})
    page.evaluate(f"sessionStorage.setItem('lianxin.session', {json.dumps(stored)}); true")
    send("Page.navigate", page.session, url=origin + "/office/queue")
    wait(page, "typeof window.__firstScreen === 'number'", 30)
    figures = page.evaluate("""(() => {
      const nav = performance.getEntriesByType('navigation')[0]
      const paint = performance.getEntriesByName('first-contentful-paint')[0]
      const res = performance.getEntriesByType('resource')
      const own = res.filter(r => r.name.includes('/assets/'))
      return {first_screen_ms: window.__firstScreen, fcp_ms: paint ? paint.startTime : null,
              dom_content_loaded_ms: nav.domContentLoadedEventEnd, load_ms: nav.loadEventEnd,
              assets: own.map(r => r.name.split('/assets/')[1]),
              asset_bytes: own.reduce((a, r) => a + (r.encodedBodySize || 0), 0),
              api_requests: res.filter(r => r.name.includes('/api/v1/')).length}
    })()""")
    return figures


def floor_load(page, origin: str) -> float:
    """The bare /healthz page: navigation start → its load event (the browser's own overhead)."""
    page.send("Network.setCacheDisabled", page.session, cacheDisabled=True)
    page.send("Page.navigate", page.session, url=origin + "/healthz?" + str(time.monotonic_ns()))
    wait(page, "document.readyState === 'complete' && location.pathname === '/healthz' && "
               "performance.getEntriesByType('navigation')[0].loadEventEnd > 0", 20)
    return page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")


def wait(page, condition: str, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if page.evaluate(f"(() => {{ try {{ return !!({condition}) }} catch (e) {{ return false }} }})()"):
                return
        except AssertionError:
            pass  # navigating
        time.sleep(0.01)
    raise RuntimeError(f"waited {timeout}s for {condition}")


def measure(system_url: str, dists: dict[str, pathlib.Path], runs: int, suggestions: int, mbps: float) -> dict:
    from tests.e2e import browser
    from tests.e2e.client import OFFICE, Api, World
    from tests.e2e.console_driver import person
    from tests.e2e.console_server import serve

    api = Api(system_url)
    world = World(api)
    for i in range(suggestions):
        world.submit(f"关于第{i + 1}个小区增设公交站点的建议")
    assert api.get("/suggestions?status=submitted&limit=1", OFFICE, expect=200).json()["total"] >= suggestions
    office = person(api, {"role": "office"}, "交办办公室刘敏")

    page_ok = api.http.get(system_url + "/", timeout=10)
    origins = {}
    if page_ok.status_code == 200 and 'id="app"' in page_ok.text:
        origins["current (gateway)"] = system_url
    servers = []
    for name, dist in dists.items():
        server = serve(dist, system_url)
        servers.append(server)
        origins[f"{name} (static server)"] = f"http://127.0.0.1:{server.server_port}"

    profile = pathlib.Path(tempfile.mkdtemp(prefix="bench-console-"))
    page = browser.Page(profile, system_url + "/healthz", timeout=60)
    modes = ["cold", "warm"] + ([f"cold_{mbps:g}mbps"] if mbps else [])
    results: dict = {name: {**{m: [] for m in modes}, "samples": []} for name in origins}
    results["floor: /healthz"] = {"cold": []}
    try:
        page.send("Page.enable", page.session)
        page.send("Network.enable", page.session)
        page.send("Page.addScriptToEvaluateOnNewDocument", page.session, source=WATCH)
        for name, origin in origins.items():  # one warm-up each (Chromium's own start, the gateway's first GETs)
            first_screen(page, origin, office, cold=True)
        for mode in modes:
            if mode == "warm":  # fill the cache once: a clerk's second visit
                for origin in origins.values():
                    first_screen(page, origin, office, cold=False)
            for _ in range(runs):
                for name, origin in origins.items():
                    got = first_screen(page, origin, office, cold=(mode != "warm"),
                                       mbps=mbps if mode.endswith("mbps") else 0)
                    results[name][mode].append(got["first_screen_ms"])
                    if len(results[name]["samples"]) < 2:
                        results[name]["samples"].append({"mode": mode, **got})
                if mode == "cold":
                    results["floor: /healthz"]["cold"].append(floor_load(page, system_url))
    finally:
        page.close()
        for server in servers:
            server.shutdown()
        shutil.rmtree(profile, ignore_errors=True)
    out = {}
    for name, r in results.items():
        out[name] = {mode: summary(times) for mode, times in r.items() if mode != "samples" and times}
        if r.get("samples"):
            out[name]["sample_loads"] = r["samples"]
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--suggestions", type=int, default=30)
    parser.add_argument("--baseline-ref", default=DEFAULT_BASELINE,
                        help=f"a commit whose console is measured beside this one ('' skips; default {DEFAULT_BASELINE})")
    parser.add_argument("--throttle-mbps", type=float, default=10,
                        help="also time first visits over a link this fast (20 ms latency; 0 skips; default 10)")
    parser.add_argument("--no-build", action="store_true", help="measure console/dist as it is")
    parser.add_argument("--port-base", type=int, default=17100)
    parser.add_argument("--keep-up", action="store_true", help="leave the isolated system running")
    parser.add_argument("--out-dir", type=pathlib.Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    from scripts.isolation import reset, test_env

    started_at = dt.datetime.now().astimezone()
    result: dict = {"date": started_at.isoformat(timespec="seconds"), "target_first_screen_ms": TARGET_MS,
                    "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                "node": subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip(),
                                "chromium": subprocess.run(["chromium", "--version"], capture_output=True,
                                                           text=True).stdout.strip()},
                    "load_average_before": [round(x, 1) for x in os.getloadavg()], "runs": args.runs}
    if not args.no_build:
        result["build_s"] = build(CONSOLE)
    result["bundle"] = bundle(CONSOLE / "dist")
    dists = {"current": CONSOLE / "dist"}
    workdir = pathlib.Path(tempfile.mkdtemp(prefix="bench-console-baseline-"))
    try:
        if args.baseline_ref:
            base_dist = baseline_build(args.baseline_ref, workdir)
            result["baseline_ref"] = args.baseline_ref
            result["baseline_bundle"] = bundle(base_dist)
            dists[f"baseline {args.baseline_ref}"] = base_dist

        env = test_env("benchconsole", args.port_base)
        env["CONSOLE_BUILD"] = "0"  # built above; the copy's gateway serves console/dist
        url = f"http://{env['GATEWAY_ADDRESS']}"
        print(f"bench.console: starting an isolated system ({env['DB_PREFIX']}_*, {url})")
        subprocess.run(["bash", "scripts/down.sh"], cwd=ROOT, env=env, capture_output=True)
        reset(env)
        up = subprocess.run(["bash", "scripts/up.sh"], cwd=ROOT, env=env, capture_output=True, text=True)
        if up.returncode:
            print(up.stdout[-3000:], up.stderr[-3000:], file=sys.stderr)
            return 1
        try:
            result["first_screen"] = measure(url, dists, args.runs, args.suggestions, args.throttle_mbps)
        finally:
            if not args.keep_up:
                subprocess.run(["bash", "scripts/down.sh"], cwd=ROOT, env=env, capture_output=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    result["load_average_after"] = [round(x, 1) for x in os.getloadavg()]
    for name, figures in result.get("first_screen", {}).items():  # what the first screen really fetched
        sizes = result["baseline_bundle" if name.startswith("baseline") else "bundle"]["assets"]
        if figures.get("sample_loads"):
            fetched = [n for n in figures["sample_loads"][0]["assets"] if n in sizes]
            figures["first_screen_bundle"] = {
                kind: {"files": len(names), "raw": sum(sizes[n]["raw"] for n in names),
                       "gzip": sum(sizes[n]["gzip"] for n in names)}
                for kind, names in (("js", [n for n in fetched if n.endswith(".js")]),
                                    ("css", [n for n in fetched if n.endswith(".css")]))}

    args.out_dir.mkdir(parents=True, exist_ok=True)
    out = args.out_dir / f"{started_at:%Y-%m-%d}-console.json"
    if out.exists():
        out = args.out_dir / f"{started_at:%Y-%m-%d}-console-{started_at:%H%M%S}.json"
    text = json.dumps(result, ensure_ascii=False, indent=2) + "\n"
    out.write_text(text)
    (args.out_dir / "console.json").write_text(text)
    report(result)
    print(f"written to {out} and {args.out_dir / 'console.json'}")
    return 0


def report(result: dict) -> None:
    kb = lambda n: f"{n / 1024:.1f} kB"  # noqa: E731
    for label, key in (("this build", "bundle"), (f"baseline {result.get('baseline_ref')}", "baseline_bundle")):
        b = result.get(key)
        if not b:
            continue
        print(f"{label:22} index.html loads JS {kb(b['initial_js']['raw'])} ({kb(b['initial_js']['gzip'])} gzip, "
              f"{b['initial_js']['files']} files), CSS {kb(b['initial_css']['raw'])} ({kb(b['initial_css']['gzip'])} "
              f"gzip); all JS {kb(b['all_js']['raw'])} ({kb(b['all_js']['gzip'])} gzip)")
    for name, modes in result.get("first_screen", {}).items():
        for mode, s in modes.items():
            if isinstance(s, dict) and "median_ms" in s:
                extra = ""
                if modes.get("first_screen_bundle"):
                    js, css = modes["first_screen_bundle"]["js"], modes["first_screen_bundle"]["css"]
                    extra = (f"  JS {js['files']} files {kb(js['raw'])} ({kb(js['gzip'])} gzip), "
                             f"CSS {css['files']} files {kb(css['raw'])} ({kb(css['gzip'])} gzip)")
                print(f"{name:32} {mode:11} median {s['median_ms']:7.1f} ms  p95 {s['p95_ms']:7.1f} ms  "
                      f"(n={s['n']}){extra if mode == 'cold' else ''}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
