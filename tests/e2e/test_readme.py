"""The README's lifecycle example, run as written (bash, curl, make token) against the test system."""
import subprocess
from collections import Counter

from gateway.tokens import make_token
from tests.conftest import ROOT
from tests.polling import wait_for

HEADING = "## Try it: one suggestion's whole life"


def readme_block(heading: str = HEADING) -> str:
    """The first ```bash block after ``heading`` in README.md, as written."""
    lines = (ROOT / "README.md").read_text().splitlines()
    start = lines.index(heading)
    opening = next(i for i in range(start + 1, len(lines)) if lines[i].strip() == "```bash")
    closing = next(i for i in range(opening + 1, len(lines)) if lines[i].strip() == "```")
    return "\n".join(lines[opening + 1:closing]) + "\n"


def test_the_readme_block_sends_json_with_its_content_type():
    block = readme_block()
    posts_with_a_body = [line for line in block.splitlines() if "-XPOST" in line and "/sign" not in line]
    assert posts_with_a_body and all('-H "$JSON"' in line for line in posts_with_a_body), posts_with_a_body


def test_the_readme_lifecycle_runs_as_written(system, api):
    env = {k: v for k, v in system.env.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    env["API"] = system.url + "/api/v1"  # the block's own default is make up's gateway
    # stricter than a reader's shell: any failing step (an answer without an id) stops it
    script = "set -euo pipefail\n" + readme_block() + 'printf "\\nREADME-IDS %s %s %s %s\\n" "$S" "$A" "$D" "$U"\n'
    run = subprocess.run(["bash", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, f"status {run.returncode}\n{run.stdout}\n{run.stderr}"
    assert '"error"' not in run.stdout, run.stdout
    s, a, d, u = (int(x) for x in run.stdout.split("README-IDS ")[1].split())

    deputy = make_token("deputy", sub=f"deputy-{d}", deputy_id=d)
    unit = make_token("unit", sub=f"unit-{u}", unit_id=u)
    final = wait_for(lambda: (got := api.get(f"/suggestions/{s}", deputy, expect=200).json())["status"] == "closed"
                     and got, what="the README's suggestion closed")
    steps = [step["type"] for step in final["timeline"]]
    for step in ("submitted", "accepted", "assigned", "signed", "replied", "evaluated", "closed"):
        assert step in steps, steps
    assert api.get(f"/assignments/{a}", unit, expect=200).json()["state"] == "closed"

    def inbox(tok):
        items = api.get("/notifications?limit=200", tok, expect=200).json()["items"]
        return Counter(n["type"] for n in items if n["suggestion_id"] == s)

    wait_for(lambda: inbox(unit) == Counter({"assignment.assigned": 1}), what="the unit's 交办通知")
    wait_for(lambda: inbox(deputy) == Counter({"suggestion.accepted": 1, "assignment.assigned": 1,
                                               "assignment.replied": 1}),
             what="the deputy's 立案, 交办, 答复")
