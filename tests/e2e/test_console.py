"""The web console in headless Debian Chromium (console/e2e/*.mjs, playwright-core): a new person's
first sign-in (office clerk, administrator, auditor) and their first page, through the real API on
the e2e system (the account made with an administrator's development token). Screenshots in
.run/screenshots/."""
import os
import pathlib
import shutil
import subprocess
import uuid

import pytest

from gateway.console import DEFAULT_DIST
from tests.e2e.client import token
from tests.identity_people import PASSWORD, fresh_code

ROOT = pathlib.Path(__file__).resolve().parents[2]
CONSOLE = ROOT / "console"
SHOTS = ROOT / ".run" / "screenshots"
ADMIN = token("admin", sub="admin-console-e2e")
SEC = token("security_admin", sub="secadmin-console-e2e")

pytestmark = pytest.mark.skipif(
    not (DEFAULT_DIST / "index.html").is_file() or not (CONSOLE / "node_modules" / "playwright-core").is_dir()
    or not shutil.which("chromium"),
    reason="the console is not built or Chromium is missing (make test-tools)")


def journey(script: str, env: dict, answer) -> list[str]:
    """Run a journey script; each line it prints starting with a question is answered by answer(line)."""
    process = subprocess.Popen(["node", f"e2e/{script}"], cwd=CONSOLE, env={**os.environ, **env, "SHOTS": str(SHOTS)},
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = []
    try:
        for line in process.stdout:
            out.append(line.rstrip("\n"))
            reply = answer(line.strip())
            if reply is not None:
                process.stdin.write(reply + "\n")
                process.stdin.flush()
        process.wait(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0 and out and out[-1] == "DONE", "\n".join(out[-40:])
    return out


@pytest.mark.parametrize("role", ["office", "admin", "auditor"])
def test_a_new_person_signs_in_changes_the_password_enrols_totp_and_works(system, api, role):
    """office: lands on its home; admin: creates an account (a field error first, then the one-time
    password), disables it, signs out everywhere; auditor: searches the audit trail."""
    login = f"{role}{uuid.uuid4().hex[:8]}"
    # an administrator makes the account; only a security administrator binds administrative roles
    office = role == "office"
    account = api.post("/accounts", ADMIN, {"login": login, "display_name": "王办事员", "roles": [{"role": role}] if office else []},
                       expect=201, headers={"Idempotency-Key": uuid.uuid4().hex}).json()
    if not office:
        api.post(f"/accounts/{account['id']}/roles", SEC, {"role": role}, expect=201,
                 headers={"Idempotency-Key": uuid.uuid4().hex})
    used: set = set()
    secrets = []

    def answer(line: str):
        if line.startswith("SECRET "):
            secrets.append(line.split(" ", 1)[1])
            return fresh_code(secrets[-1], used)
        return None

    journey("journey.mjs", {"BASE_URL": system.url, "LOGIN": login, "PASSWORD": account["initial_password"],
                            "NEW_PASSWORD": PASSWORD, "ROLE": role}, answer)
    assert secrets, "the page showed no TOTP secret"
    prefix = "console-" if role == "office" else f"console-{role}-"
    steps = ["01-sign-in", "03-change-password", "04-totp-enrolment", "05-recovery-codes", f"06-{role}-home"]
    steps += {"admin": ["08-create-field-error", "09-created", "10-disabled"], "auditor": ["08-audit"]}.get(role, [])
    for step in steps:
        assert (SHOTS / f"{prefix}{step}.png").stat().st_size > 5000, step
    # the API agrees: the password was changed, and signing in with it now asks for the TOTP code
    assert api.get(f"/accounts/{account['id']}", ADMIN, expect=200).json()["must_change_password"] is False
    again = api.post("/auth/sign-in", None, {"login": login, "password": PASSWORD}, expect=200).json()
    assert again["status"] == "mfa_required"
