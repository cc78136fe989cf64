"""People's accounts over the gateway: create, list, change, disable, reset; role bindings under
三员分立; the password policy; the workbook import; a deputy's account in one step; the directory;
the first run that `make up` did."""
import io
import subprocess
import sys
import uuid

import pytest
from openpyxl import Workbook

from tests.conftest import ROOT
from tests.e2e.client import token
from tests.polling import wait_for

ADMIN = token("admin", sub="admin-e2e")
SEC = token("security_admin", sub="secadmin-e2e")
OFFICE = token("office", sub="office-e2e")
LEADER = token("leader", sub="leader-e2e")


def login(prefix: str = "u") -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


def create(api, roles=None, name="张三", **extra) -> dict:
    body = {"login": login(), "display_name": name, "roles": roles or [{"role": "office"}], **extra}
    return api.post("/accounts", ADMIN, body, expect=201).json()


def test_an_administrator_creates_lists_changes_and_disables_accounts(api):
    account = create(api, [{"role": "unit", "unit_id": 9}], phone="13900000000")
    assert account["sub"] == f"person-{account['id']}" and len(account["initial_password"]) >= 12
    got = api.get(f"/accounts/{account['id']}", SEC, expect=200).json()
    assert "initial_password" not in got and got["roles"][0]["unit_id"] == 9 and got["must_change_password"]

    listed = api.get(f"/accounts?q={account['login']}", ADMIN, expect=200).json()
    assert [a["id"] for a in listed["items"]] == [account["id"]] and listed["total"] == 1
    assert account["id"] in [a["id"] for a in api.get("/accounts?role=unit&unit_id=9&limit=200", SEC,
                                                     expect=200).json()["items"]]
    api.get("/accounts?role=wizard", ADMIN, expect=422)
    api.get("/accounts?colour=red", ADMIN, expect=400)

    changed = api.call("PATCH", f"/api/v1/accounts/{account['id']}", ADMIN, {"display_name": "张三丰"},
                       expect=200).json()
    assert changed["display_name"] == "张三丰"
    disabled = api.post(f"/accounts/{account['id']}/disable", ADMIN, {"reason": "调离本单位"}, expect=200).json()
    assert disabled["disabled"] is True
    assert account["id"] in [a["id"] for a in api.get("/accounts?disabled=true&limit=200", ADMIN,
                                                     expect=200).json()["items"]]
    assert api.post(f"/accounts/{account['id']}/enable", ADMIN, expect=200).json()["disabled"] is False
    reset = api.post(f"/accounts/{account['id']}/reset-password", ADMIN, expect=200).json()
    assert reset["initial_password"] not in (None, account["initial_password"])


def test_bad_input_is_named_and_roles_are_enforced(api):
    bad = api.post("/accounts", ADMIN, {"login": "有 空格", "display_name": "x"}, expect=422).json()
    assert [d["field"] for d in bad["error"]["details"]] == ["login"]
    api.post("/accounts", OFFICE, {"login": login(), "display_name": "x"}, expect=403)
    api.post("/accounts", None, {"login": login(), "display_name": "x"}, expect=401)
    api.get("/accounts", OFFICE, expect=403)
    api.get("/accounts/999999", ADMIN, expect=404)
    taken = create(api)
    api.post("/accounts", ADMIN, {"login": taken["login"].upper(), "display_name": "重名"}, expect=409)
    api.post(f"/accounts/{taken['id']}/disable", ADMIN, {}, expect=422)


def test_separation_of_duties_over_http(api):
    person = create(api)
    path = f"/accounts/{person['id']}/roles"
    api.post(path, ADMIN, {"role": "auditor"}, expect=403)          # admin binds no administrative role
    auditor = api.post(path, SEC, {"role": "auditor"}, expect=201).json()
    conflict = api.post(path, SEC, {"role": "admin"}, expect=409).json()
    assert "auditor" in conflict["error"]["message"]
    me = token("security_admin", sub=person["sub"])                  # never to oneself
    api.post(path, me, {"role": "security_admin"}, expect=403)
    unit = api.post(path, ADMIN, {"role": "unit", "unit_id": 5}, expect=201).json()
    api.post(path, ADMIN, {"role": "unit"}, expect=422)
    api.call("DELETE", f"/api/v1{path}/{unit['id']}", ADMIN, expect=200)
    api.call("DELETE", f"/api/v1{path}/{auditor['id']}", ADMIN, expect=403)
    api.call("DELETE", f"/api/v1{path}/{auditor['id']}", SEC, expect=200)
    api.call("DELETE", f"/api/v1{path}/{auditor['id']}", SEC, expect=404)
    # an administrative account is looked after by a security administrator
    api.post(path, SEC, {"role": "admin"}, expect=201)
    api.post(f"/accounts/{person['id']}/reset-password", ADMIN, expect=403)
    api.post(f"/accounts/{person['id']}/reset-password", SEC, expect=200)


def test_the_password_policy(api):
    before = api.get("/security/policy", SEC, expect=200).json()
    assert before["min_length"] >= 8 and "admin" in before["mfa_roles"]
    api.get("/security/policy", ADMIN, expect=403)
    try:
        changed = api.call("PUT", "/api/v1/security/policy", SEC, {"min_length": 14, "lockout_minutes": 30},
                           expect=200).json()
        assert (changed["min_length"], changed["lockout_minutes"], changed["classes"]) == (14, 30, before["classes"])
        assert api.get("/security/policy", SEC, expect=200).json() == changed
        bad = api.call("PUT", "/api/v1/security/policy", SEC, {"min_length": 6}, expect=422).json()
        assert bad["error"]["details"][0]["field"] == "min_length"
        api.call("PUT", "/api/v1/security/policy", ADMIN, {"min_length": 20}, expect=403)
    finally:
        api.call("PUT", "/api/v1/security/policy", SEC, before, expect=200)


def workbook(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "账号"
    sheet.append(["登录名", "姓名", "手机", "邮箱", "角色", "单位编号", "代表编号", "联络站编号"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(api, content: bytes, dry_run: bool, expect: int):
    query = "?dry_run=true" if dry_run else ""
    return api.post(f"/accounts/imports{query}", ADMIN, files={"file": ("账号.xlsx", content)}, expect=expect).json()


def test_import_from_a_workbook(api):
    a, b = login("clerk"), login("clerk")
    bad = workbook([[a, "张办", "13900000001", None, "办理单位", 3, None, None],
                    [b, "李办", None, None, "办理单位", None, None, None],
                    [login(), "站员", None, None, "联络站", None, None, "x"]])
    checked = upload(api, bad, True, 200)
    assert checked["valid"] is False
    assert [(e["row"], e["field"]) for e in checked["errors"]] == [(3, "单位编号"), (4, "联络站编号")]
    refused = upload(api, bad, False, 422)
    assert len(refused["error"]["details"]) == 2
    assert api.get(f"/accounts?q={a}", ADMIN, expect=200).json()["total"] == 0

    good = workbook([[a, "张办", "13900000001", None, "办理单位", 3, None, None],
                     [b, "李办", None, None, "办理单位、领导", 3, None, None],
                     [login(), "站员", None, None, "联络站", None, None, 2]])
    assert upload(api, good, True, 200)["valid"] is True
    done = upload(api, good, False, 201)
    assert done["created"] == 3 and all(x["initial_password"] for x in done["accounts"])
    assert upload(api, good, True, 200)["valid"] is False  # the logins are taken now
    api.post("/accounts/imports", OFFICE, files={"file": ("x.xlsx", good)}, expect=403)
    api.post("/accounts/imports?dry_run=true", ADMIN, files={"file": ("x.xlsx", b"not a workbook")}, expect=422)


def test_a_registered_deputy_gets_an_account_in_one_step(api):
    deputy = api.post("/deputies", OFFICE, {"name": "王建国", "level": "city", "delegation": "东城代表团"},
                      expect=201).json()

    def given():  # the roster reaches identity by event
        answer = api.post(f"/deputies/{deputy['id']}/account", OFFICE, {})
        return answer if answer.status_code == 201 else None
    account = wait_for(given, what="the deputy's account").json()
    assert account["display_name"] == "王建国" and account["login"] == f"deputy{deputy['id']}"
    assert [(r["role"], r["deputy_id"]) for r in account["roles"]] == [("deputy", deputy["id"])]
    api.post(f"/deputies/{deputy['id']}/account", OFFICE, {}, expect=409)
    api.post("/deputies/999999/account", ADMIN, {}, expect=404)
    api.post(f"/deputies/{deputy['id']}/account", LEADER, {}, expect=403)


def test_the_office_picks_leaders_from_the_directory(api):
    leader = create(api, [{"role": "leader"}], name="赵领导")
    people = api.get("/people?role=leader&limit=200", OFFICE, expect=200).json()
    entry = next(p for p in people["items"] if p["sub"] == leader["sub"])
    assert entry == {"sub": leader["sub"], "display_name": "赵领导", "role": "leader"}
    api.post(f"/accounts/{leader['id']}/disable", ADMIN, {"reason": "退休"}, expect=200)
    people = api.get("/people?role=leader&limit=200", LEADER, expect=200).json()
    assert leader["sub"] not in [p["sub"] for p in people["items"]]
    api.get("/people?role=deputy", OFFICE, expect=422)
    api.get("/people", token("unit", unit_id=3), expect=403)


def test_an_idempotency_key_replays_without_the_password(api):
    body = {"login": login(), "display_name": "重试", "roles": [{"role": "office"}]}
    key = {"Idempotency-Key": uuid.uuid4().hex}
    first = api.post("/accounts", ADMIN, body, expect=201, headers=key).json()
    again = api.post("/accounts", ADMIN, body, expect=201, headers=key).json()
    assert again["id"] == first["id"] and first["initial_password"] and again["initial_password"] is None


def test_make_up_created_the_first_administrators(system):
    """scripts/up.sh ran the first-run command; run again it changes nothing and prints no password."""
    env = {**system.env, "PG_URL": system.env.get("PG_DIRECT_URL", system.env.get("PG_URL", ""))}
    env = {k: v for k, v in env.items() if v}
    again = subprocess.run([sys.executable, "-m", "services.identity.bootstrap"], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stderr
    assert "exists (admin)" in again.stdout and "exists (secadmin)" in again.stdout
    assert "password" not in again.stdout
    admins = system.api.get("/accounts?role=admin", SEC, expect=200).json()["items"]
    assert "admin" in [a["login"] for a in admins]


@pytest.mark.parametrize("path", ["/accounts", "/accounts/1", "/security/policy", "/people"])
def test_the_public_is_refused(api, path):
    api.get(path, None, expect=401)
