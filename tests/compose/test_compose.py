"""docker-compose.yml as deployed: the images built from the Debian base, the stack up, the README's
lifecycle through the gateway with people signed in for real, backup and restore, and how every
container runs. In file order: the backup test restores what the lifecycle made."""
import re
import subprocess
import uuid

import yaml

from scripts.isolation import ROOT
from tests.e2e.client import Api
from tests.identity_people import first_sign_in
from tests.polling import wait_for

NEW_PASSWORD = "Compose-Test-2026-ok"
made: dict = {}  # what the lifecycle test made, for the backup test


def signed_in(api: Api, login: str, password: str) -> str:
    """The first sign-in's steps as the API asks them (new password, TOTP enrolment), then the token."""
    return first_sign_in(api, login, password, NEW_PASSWORD)["access_token"]


def person(api: Api, admin: str, role: dict) -> str:
    login = f"ct{uuid.uuid4().hex[:8]}"
    account = api.post("/accounts", admin, {"login": login, "display_name": "测试人员", "roles": [role]},
                       expect=201).json()
    return signed_in(api, login, account["initial_password"])


def test_the_readme_lifecycle_with_people_signed_in(stack):
    api = Api(stack.url)
    # the first run's administrator, made inside the identity container as deploy/README.md says
    first = stack.compose("exec", "-T", "identity", "python", "-m", "services.identity.bootstrap").stdout
    found = re.search(r"login admin, one-time password (\S+)", first)
    assert found, first
    admin = signed_in(api, "admin", found.group(1))
    office = person(api, admin, {"role": "office"})

    deputy_id = api.post("/deputies", office, {"name": "王建国", "level": "city", "delegation": "东城代表团"},
                         expect=201).json()["id"]
    unit_id = api.post("/units", office, {"name": "市交通运输局", "code": f"JT-{uuid.uuid4().hex[:6]}",
                                          "duties": "公共交通", "keywords": ["公交"], "categories": ["transport"]},
                       expect=201).json()["id"]
    deputy = person(api, admin, {"role": "deputy", "deputy_id": deputy_id})
    unit = person(api, admin, {"role": "unit", "unit_id": unit_id})

    s = api.post("/suggestions", deputy, {"title": "关于解决某小区居民公交出行问题的建议", "body": "建议增设公交站点。",
                                          "category": "transport", "kind": "session", "session": "十六届三次",
                                          "source": "research"}, expect=201).json()["id"]
    api.post(f"/suggestions/{s}/screening", office, {"decision": "accept"}, expect=200)
    a = api.post(f"/suggestions/{s}/assignment", office, {"lead_unit_id": unit_id}, expect=201).json()["id"]
    api.post(f"/assignments/{a}/sign", unit, expect=200)
    api.post(f"/assignments/{a}/reply", unit, {"result_class": "A", "content": "已增设站点。", "signed_by": "张局长"},
             expect=201)
    api.post(f"/assignments/{a}/evaluation", deputy, {"satisfaction": "satisfied"}, expect=201)

    def closed():
        got = api.get(f"/suggestions/{s}", deputy, expect=200).json()
        return got if got["status"] == "closed" else None
    final = wait_for(closed, timeout=60, interval=0.5, what="the suggestion closed through events")
    assert final["number"].startswith("第") and final["number"].endswith("号"), final["number"]
    notes = wait_for(lambda: api.get("/notifications", unit, expect=200).json()["items"], timeout=30,
                     what="the unit's 交办 notification")
    assert any("交办" in n["title"] for n in notes), notes
    made.update(suggestion=s, seq=final["seq"], deputy_id=deputy_id)


def test_the_gateway_is_ready_serves_the_console_and_names_a_bad_field(stack):
    api = Api(stack.url)
    ready = api.call("GET", "/readyz", expect=200).json()
    assert ready, ready
    page = api.call("GET", "/", expect=200)
    assert page.headers["Content-Type"].startswith("text/html") and page.headers["Cache-Control"] == "no-cache"
    assert page.text == (ROOT / "console/dist/index.html").read_text(), "the image must carry console/dist"
    asset = re.search(r'src="(/assets/[^"]+\.js)"', page.text).group(1)
    assert "immutable" in api.call("GET", asset, expect=200).headers["Cache-Control"]
    bad = api.post("/auth/sign-in", json={"login": "admin"}, expect=422).json()
    assert [d["field"] for d in bad["error"]["details"]] == ["password"], bad
    # development tokens (the published HS256 key) are refused: compose is not development mode
    from tests.e2e.client import token
    refused = api.get("/suggestions", token("office"), expect=401).json()
    assert "development" in refused["error"]["message"], refused


def test_backup_and_restore_into_new_databases(stack, tmp_path):
    assert made, "the lifecycle test made nothing to back up"
    user = stack.secrets["POSTGRES_USER"]
    pg = ["docker", "exec", "-i", stack.container("postgres")]
    env = {"PATH": stack.env["PATH"], "PG_EXEC": " ".join(pg), "PGUSER": user}
    subprocess.run(["bash", "scripts/backup.sh", str(tmp_path)], cwd=ROOT, env=env, check=True, timeout=300)
    manifest = (tmp_path / "MANIFEST").read_text().splitlines()[1:]
    assert [line.split()[0] for line in manifest] == ["suggestion", "assignment", "station", "evaluation",
                                                      "notify", "identity"]
    subprocess.run(["bash", "scripts/restore.sh", str(tmp_path), "restored"], cwd=ROOT, env=env, check=True,
                   timeout=300)

    def sql(db: str, query: str) -> str:
        return subprocess.run([*pg, "psql", "-U", user, "-d", db, "-Atc", query], capture_output=True, text=True,
                              check=True).stdout.strip()
    row = f"SELECT number, status FROM suggestions WHERE id = {made['suggestion']}"
    assert sql("restored_suggestion", row) == sql("lianxin_suggestion", row) == f"{made['seq']}|closed"
    count = "SELECT count(*) FROM accounts"
    assert sql("restored_identity", count) == sql("lianxin_identity", count) != "0"
    assert sql("restored_assignment", "SELECT count(*) FROM assignments") != "0"
    # a second restore under the same names is refused, the restored data untouched
    again = subprocess.run(["bash", "scripts/restore.sh", str(tmp_path), "restored"], cwd=ROOT, env=env,
                           capture_output=True, text=True)
    assert again.returncode != 0 and "refusing" in again.stderr, again.stderr
    assert sql("restored_suggestion", row) == f"{made['seq']}|closed"


def test_every_container_runs_as_non_root_on_a_read_only_root_filesystem(stack):
    services = set(yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"])
    containers = stack.containers()
    assert {c["Config"]["Labels"]["com.docker.compose.service"] for c in containers} == services
    for c in containers:
        name = c["Config"]["Labels"]["com.docker.compose.service"]
        assert c["HostConfig"]["ReadonlyRootfs"] is True, f"{name}: root filesystem is writable"
        assert c["Config"]["User"] not in ("", "root", "0", "0:0"), f"{name}: runs as {c['Config']['User']!r}"
        assert c["Config"]["Image"].split(":")[0] in ("lianxin", "lianxin-postgres", "lianxin-rabbitmq",
                                                       "lianxin-pgbouncer"), c["Config"]["Image"]
        if c["State"]["Running"]:
            uid = subprocess.run(["docker", "exec", c["Id"], "id", "-u"], capture_output=True, text=True,
                                 check=True).stdout.strip()
            assert uid != "0", f"{name} runs as root"
            touched = subprocess.run(["docker", "exec", c["Id"], "touch", "/usr/lianxin-probe"],
                                     capture_output=True, text=True)
            assert touched.returncode != 0 and "Read-only file system" in touched.stderr, (name, touched.stderr)
        else:
            assert c["State"]["ExitCode"] == 0, f"one-shot {name} exited {c['State']['ExitCode']}"
    # no test tools in the runtime image
    app = stack.container("gateway")
    probe = subprocess.run(["docker", "exec", app, "python", "-c", "import pytest"], capture_output=True, text=True)
    assert probe.returncode != 0 and "No module named 'pytest'" in probe.stderr
