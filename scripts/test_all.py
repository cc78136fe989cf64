"""`make test`: the suite's layers run side by side, each in its own pytest process.

Each layer is isolated already (its own databases, vhost, ports, run dir: scripts/isolation.py),
so they can run at once. Lanes run in parallel; the layers inside a lane run one after another.
The default pairs the light layers with the heavy ones, which fits two cores:

    LANES="unit,console,e2e,compose service,faults" python -m scripts.test_all [pytest options]

The `console` layer is the web console's own: its type check (vue-tsc) and its Vitest component tests
(junit report like the others'); the pytest options do not apply to it. The `compose` layer is
`make compose-test` (scripts/compose_test.sh: Docker, the images from the Debian base, the compose stack
on its own ports); it follows the e2e layer in the first lane.

Every layer's output goes to .run/test-reports/<layer>.log (shown when it fails, its summary
otherwise); the last line sums the layers up as `total: N passed, N failed`.
"""
import os
import pathlib
import shutil
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET

ROOT = pathlib.Path(__file__).resolve().parents[1]
DEFAULT_LANES = "unit,console,e2e,compose service,faults"


def command(layer: str, junit: pathlib.Path, args: list[str]) -> list[str] | None:
    """The layer's command: pytest over tests/<layer>, or the console's type check and Vitest."""
    if layer == "console":
        return ["bash", "-c", "cd console && npm run --silent typecheck && npx vitest run --reporter=default "
                f"--reporter=junit --outputFile.junit={junit}"]
    if layer == "compose":
        return ["bash", "scripts/compose_test.sh", f"--junitxml={junit}", *args]
    path = ROOT / "tests" / layer
    return [sys.executable, "-m", "pytest", str(path), f"--junitxml={junit}", *args] if path.is_dir() else None


def run_layer(layer: str, args: list[str], reports: pathlib.Path, results: dict) -> None:
    log, junit = reports / f"{layer}.log", reports / f"{layer}.xml"
    argv = command(layer, junit, args)
    if argv is None:
        return
    junit.unlink(missing_ok=True)  # a layer that stops before writing its report must not count an old one
    started = time.monotonic()
    with open(log, "w") as out:
        code = subprocess.call(argv, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    results[layer] = (code, time.monotonic() - started, counts(junit))
    print(f"[test] {layer}: exit {code} in {results[layer][1]:.0f}s {results[layer][2]}", flush=True)


def counts(junit: pathlib.Path) -> dict:
    total = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    if not junit.exists():
        return total
    for suite in ET.parse(junit).getroot().iter("testsuite"):
        for key in total:
            total[key] += int(suite.get(key, 0))
    return total


def run_lane(layers: list[str], args, reports, results) -> None:
    for layer in layers:
        run_layer(layer, args, reports, results)


def main(args: list[str]) -> int:
    reports = ROOT / os.environ.get("RUN_DIR", ".run") / "test-reports"
    reports.mkdir(parents=True, exist_ok=True)
    lanes = [lane.split(",") for lane in os.environ.get("LANES", DEFAULT_LANES).split()]
    if shutil.which("npm"):  # the OIDC tests' provider, once before the lanes (service and e2e both start it)
        from tests.oidc_platform import ensure_installed
        ensure_installed()
        # the console's packages and build, once: the e2e gateway serves console/dist (tests/e2e/test_console*.py)
        subprocess.run(["bash", str(ROOT / "scripts" / "console.sh")], check=True)
    results: dict = {}
    threads = [threading.Thread(target=run_lane, args=(lane, args, reports, results)) for lane in lanes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    passed = failed = skipped = 0
    for layer, (code, seconds, n) in results.items():
        text = (reports / f"{layer}.log").read_text(errors="replace").splitlines()
        bad = n["failures"] + n["errors"]
        # pytest's exit 5 (no tests collected) is a failure of the layer too
        show = text if code != 0 else text[-3:]
        print(f"===== {layer} ({seconds:.0f}s) =====")
        print("\n".join(show))
        passed += n["tests"] - bad - n["skipped"]
        failed += bad + (1 if code != 0 and bad == 0 else 0)
        skipped += n["skipped"]
    print(f"total: {passed} passed, {failed} failed, {skipped} skipped")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
