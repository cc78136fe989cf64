"""The identity service's accounts on real PostgreSQL and RabbitMQ: accounts, role bindings under
三员分立, the password policy, the workbook import, a deputy's account, the directory, the first run."""
import base64
import io

import pytest
from openpyxl import Workbook
from sqlalchemy import text

from services.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from services.identity import bootstrap
from services.identity.service import IdentityService
from tests.service.conftest import database_url, truncate
from tests.service.helpers import EventListener, scalar

TABLES = ("accounts", "role_bindings", "credentials", "password_history", "deputies", "password_policy",
          "outbox", "processed_events", "dead_letters", "idempotency_keys")
ADMIN = {"role": "admin", "sub": "admin-dev"}
SEC = {"role": "security_admin", "sub": "secadmin-dev"}
CLIENT = {"address": "10.1.2.3", "user_agent": "pytest"}


@pytest.fixture
def identity(start_service, db):
    engine = db("identity")
    truncate(engine, *TABLES)
    start_service(IdentityService)
    return engine


def add_deputy(engine, deputy_id: int, name: str = "王建国", phone: str | None = "13800000001") -> None:
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO deputies (deputy_id, name, phone, email, active) "
                          "VALUES (:i, :n, :p, 'd@example.cn', true)"), {"i": deputy_id, "n": name, "p": phone})


def audit_actions(engine) -> list[str]:
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(text(
            "SELECT envelope->'payload'->>'action' FROM outbox WHERE type = 'audit.recorded' ORDER BY id"))]


def new(rpc, login="zhangsan", roles=None, actor=ADMIN) -> dict:
    return rpc.identity.create_account(actor, {"login": login, "display_name": "张三", "phone": "13900000000",
                                               "roles": roles or [{"role": "office"}]}, CLIENT)


def test_create_answers_a_one_time_password_once_and_publishes(rpc, amqp, identity):
    listener = EventListener(amqp, "identity.#")
    account = new(rpc, "ZhangSan", [{"role": "unit", "unit_id": 4}])
    assert account["login"] == "zhangsan" and account["sub"] == f"person-{account['id']}"
    assert [(r["role"], r["unit_id"]) for r in account["roles"]] == [("unit", 4)]
    password = account["initial_password"]
    assert len(password) >= 12
    stored = rpc.identity.get_account(ADMIN, account["id"])
    assert "initial_password" not in stored and stored["must_change_password"] is True
    hashed = scalar(identity, "SELECT password_hash FROM credentials WHERE account_id = :i", {"i": account["id"]})
    assert hashed.startswith("$argon2id$") and password not in hashed
    [event] = listener.wait("identity.account_created")
    assert event["payload"]["sub"] == account["sub"] and event["payload"]["roles"] == [{"role": "unit", "unit_id": 4}]
    assert audit_actions(identity) == ["account_created"]
    audit = scalar(identity, "SELECT envelope->'payload' FROM outbox WHERE type = 'audit.recorded'")
    assert (audit["sub"], audit["client"]) == ("admin-dev", "10.1.2.3")
    assert audit["targets"] == {"account_id": [account["id"]]}


def test_create_refuses_a_taken_login_bad_fields_and_admin_roles(rpc, identity):
    new(rpc, "lisi")
    with pytest.raises(Conflict):
        new(rpc, "LiSi")
    with pytest.raises(ValidationFailed) as err:
        rpc.identity.create_account(ADMIN, {"login": "a b", "display_name": ""}, CLIENT)
    assert {d["field"] for d in err.value.details} == {"login", "display_name"}
    with pytest.raises(ValidationFailed) as err:
        new(rpc, "wangwu", [{"role": "unit"}])
    assert "unit_id is required" in err.value.details[0]["message"]
    with pytest.raises(Forbidden):
        new(rpc, "wangwu", [{"role": "auditor"}])  # an administrator binds no administrative role
    with pytest.raises(ValidationFailed) as err:
        new(rpc, "wangwu", [{"role": "deputy", "deputy_id": 77}])  # not on the roster
    assert scalar(identity, "SELECT count(*) FROM accounts") == 1


def test_list_filters_and_pages(rpc, identity):
    new(rpc, "clerk1", [{"role": "unit", "unit_id": 3}])
    new(rpc, "clerk2", [{"role": "unit", "unit_id": 5}])
    leader = new(rpc, "leader1", [{"role": "leader"}])
    rpc.identity.disable_account(ADMIN, leader["id"], {"reason": "调离"}, CLIENT)
    logins = lambda page: [a["login"] for a in page["items"]]  # noqa: E731
    assert logins(rpc.identity.list_accounts(SEC, {"role": "unit"})) == ["clerk1", "clerk2"]
    assert logins(rpc.identity.list_accounts(SEC, {"unit_id": 5})) == ["clerk2"]
    assert logins(rpc.identity.list_accounts(SEC, {"q": "LEADER"})) == ["leader1"]
    assert logins(rpc.identity.list_accounts(SEC, {"disabled": True})) == ["leader1"]
    page = rpc.identity.list_accounts(SEC, {}, 2, 1)
    assert (page["total"], page["limit"], page["offset"], logins(page)) == (3, 2, 1, ["clerk2", "leader1"])
    assert rpc.identity.list_accounts(SEC, {"q": "%"})["total"] == 0


def test_update_disable_enable(rpc, amqp, identity):
    account = new(rpc)
    listener = EventListener(amqp, "identity.account_updated")
    changed = rpc.identity.update_account(ADMIN, account["id"], {"display_name": "张三丰", "email": None}, CLIENT)
    assert changed["display_name"] == "张三丰"
    with pytest.raises(ValidationFailed):
        rpc.identity.update_account(ADMIN, account["id"], {"login": "other"}, CLIENT)
    with pytest.raises(ValidationFailed) as err:
        rpc.identity.disable_account(ADMIN, account["id"], {}, CLIENT)
    assert err.value.details[0]["field"] == "reason"
    disabled = rpc.identity.disable_account(ADMIN, account["id"], {"reason": "离职"}, CLIENT)
    assert disabled["disabled"] is True and disabled["disabled_reason"] == "离职"
    enabled = rpc.identity.enable_account(ADMIN, account["id"], CLIENT)
    assert enabled["disabled"] is False and enabled["disabled_reason"] is None
    events = listener.wait("identity.account_updated", count=3)
    assert [e["payload"]["disabled"] for e in events] == [False, True, False]
    assert audit_actions(identity) == ["account_created", "account_updated", "account_disabled", "account_enabled"]
    with pytest.raises(NotFound):
        rpc.identity.disable_account(ADMIN, 99999, {"reason": "x"}, CLIENT)


def test_reset_password_gives_a_new_one_time_password(rpc, identity):
    account = new(rpc)
    reset = rpc.identity.reset_password(ADMIN, account["id"], CLIENT)
    assert reset["initial_password"] != account["initial_password"] and reset["must_change_password"] is True
    assert scalar(identity, "SELECT count(*) FROM password_history WHERE account_id = :i", {"i": account["id"]}) == 1
    with pytest.raises(Forbidden):  # a security administrator looks after administrative accounts only
        rpc.identity.reset_password(SEC, account["id"], CLIENT)


def test_separation_of_the_three_administrative_duties(rpc, amqp, identity):
    listener = EventListener(amqp, "identity.role_bound", "identity.role_unbound")
    person = new(rpc, "zhaoliu")
    with pytest.raises(Forbidden):
        rpc.identity.bind_role(ADMIN, person["id"], {"role": "auditor"}, CLIENT)
    bound = rpc.identity.bind_role(SEC, person["id"], {"role": "auditor"}, CLIENT)
    assert (bound["role"], bound["sub"]) == ("auditor", person["sub"])
    with pytest.raises(Conflict) as err:
        rpc.identity.bind_role(SEC, person["id"], {"role": "admin"}, CLIENT)
    assert "auditor" in err.value.message
    with pytest.raises(Conflict):
        rpc.identity.bind_role(SEC, person["id"], {"role": "auditor"}, CLIENT)  # held already
    # never to oneself: the security administrator as the person they are
    me = {"role": "security_admin", "sub": person["sub"]}
    with pytest.raises(Forbidden):
        rpc.identity.bind_role(me, person["id"], {"role": "admin"}, CLIENT)
    # business roles: an administrator too
    unit = rpc.identity.bind_role(ADMIN, person["id"], {"role": "unit", "unit_id": 8}, CLIENT)
    rpc.identity.unbind_role(ADMIN, person["id"], unit["id"], CLIENT)
    with pytest.raises(Forbidden):
        rpc.identity.unbind_role(ADMIN, person["id"], bound["id"], CLIENT)
    rpc.identity.unbind_role(SEC, person["id"], bound["id"], CLIENT)
    with pytest.raises(NotFound):
        rpc.identity.unbind_role(SEC, person["id"], bound["id"], CLIENT)
    events = listener.wait("identity.role_bound", count=2) + listener.wait("identity.role_unbound", count=2)
    assert sorted((e["type"], e["payload"]["role"]) for e in events) == [
        ("identity.role_bound", "auditor"), ("identity.role_bound", "unit"),
        ("identity.role_unbound", "auditor"), ("identity.role_unbound", "unit")]
    assert audit_actions(identity).count("role_bound") == 2


def test_the_last_security_admin_stays(rpc, identity):
    first, second = new(rpc, "sec1"), new(rpc, "sec2")
    b1 = rpc.identity.bind_role(SEC, first["id"], {"role": "security_admin"}, CLIENT)
    b2 = rpc.identity.bind_role(SEC, second["id"], {"role": "security_admin"}, CLIENT)
    rpc.identity.unbind_role(SEC, first["id"], b1["id"], CLIENT)
    with pytest.raises(Conflict) as err:
        rpc.identity.unbind_role(SEC, second["id"], b2["id"], CLIENT)
    assert "last security administrator" in err.value.message
    with pytest.raises(Conflict):
        rpc.identity.disable_account(SEC, second["id"], {"reason": "x"}, CLIENT)


def test_policy_read_change_and_password_rules(rpc, identity):
    from services.identity import credentials, policy
    from sqlalchemy.orm import Session
    from services.common.db import Transaction
    from services.identity.models import Account

    assert rpc.identity.get_policy(SEC)["min_length"] == 12  # seeded from config.yml at start
    changed = rpc.identity.put_policy(SEC, {"min_length": 10, "history": 2, "mfa_roles": ["admin"]}, CLIENT)
    assert (changed["min_length"], changed["classes"], changed["history"]) == (10, 3, 2)
    assert changed["mfa_roles"] == ["admin"]
    with pytest.raises(ValidationFailed) as err:
        rpc.identity.put_policy(SEC, {"min_length": 6}, CLIENT)
    assert err.value.details[0]["field"] == "min_length"
    assert "policy_changed" in audit_actions(identity)

    account = new(rpc, "qianqi")
    with Session(identity) as session, session.begin():
        tx = Transaction(session, "identity")
        current = policy.current(session)
        assert current.min_length == 10 and current.mfa_roles == ("admin",)
        person = session.get(Account, account["id"])
        with pytest.raises(ValidationFailed) as err:
            credentials.set_password(tx, person, "qianqi-Aa1234", current)
        assert err.value.details == [{"field": "new_password", "message": "must not contain the login name"}]
        with pytest.raises(ValidationFailed) as err:  # the one it has now
            credentials.set_password(tx, person, account["initial_password"], current)
        assert "last 2 passwords" in err.value.details[0]["message"]
        credentials.set_password(tx, person, "Spring-Tea-0301", current)
        credentials.set_password(tx, person, "Autumn-Rain-0917", current)
        with pytest.raises(ValidationFailed):  # one of the last two
            credentials.set_password(tx, person, "Spring-Tea-0301", current)
        credentials.set_password(tx, person, "Winter-Snow-1225", current, must_change=False)
        credentials.set_password(tx, person, "Spring-Tea-0301", current)  # three back: allowed again
    assert scalar(identity, "SELECT must_change FROM credentials WHERE account_id = :i", {"i": account["id"]}) is False
    assert scalar(identity, "SELECT count(*) FROM password_history WHERE account_id = :i", {"i": account["id"]}) == 2


def workbook(rows: list[list], headers=("登录名", "姓名", "手机", "邮箱", "角色", "单位编号", "代表编号")) -> str:
    book = Workbook()
    sheet = book.active
    sheet.title = "账号"
    sheet.append(list(headers))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return base64.b64encode(out.getvalue()).decode()


def test_import_dry_run_lists_bad_rows_and_a_real_run_creates_all(rpc, amqp, identity):
    add_deputy(identity, 41, "李红梅")
    new(rpc, "taken")
    bad = workbook([["clerk.a", "张办", "13900000001", "a@example.cn", "办理单位", 3, None],
                    ["taken", "重名", None, None, "领导", None, None],
                    ["clerk.b", "", None, None, "办理单位", None, None],
                    ["dep41", "李红梅", None, None, "代表", None, 41],
                    ["dep42", "无名", None, None, "代表", None, 42],
                    ["boss", "老板", None, None, "管理员", None, None],
                    ["CLERK.A", "重复", None, None, "交办办公室", None, None]])
    checked = rpc.identity.import_accounts(ADMIN, "accounts.xlsx", bad, True, CLIENT)
    assert checked["dry_run"] is True and checked["valid"] is False and checked["rows"] == 7
    found = {(e["row"], e["field"]) for e in checked["errors"]}
    assert found == {(3, "登录名"), (4, "单位编号"), (4, "姓名"), (6, "代表编号"), (7, "角色"), (8, "登录名")}
    assert all(e["sheet"] == "账号" and e["message"] for e in checked["errors"])
    assert scalar(identity, "SELECT count(*) FROM accounts") == 1
    with pytest.raises(ValidationFailed) as err:
        rpc.identity.import_accounts(ADMIN, "accounts.xlsx", bad, False, CLIENT)
    assert len(err.value.details) == 6 and scalar(identity, "SELECT count(*) FROM accounts") == 1

    listener = EventListener(amqp, "identity.account_created")
    good = workbook([["clerk.a", "张办", "13900000001", "a@example.cn", "办理单位", 3, None],
                     ["dep41", "李红梅", None, None, "代表", None, 41],
                     ["office.c", "王交办", None, None, "交办办公室、领导", None, None]])
    assert rpc.identity.import_accounts(ADMIN, "accounts.xlsx", good, True, CLIENT)["valid"] is True
    done = rpc.identity.import_accounts(ADMIN, "accounts.xlsx", good, False, CLIENT)
    assert done["created"] == 3 and all(len(a["initial_password"]) >= 12 for a in done["accounts"])
    by_login = {a["login"]: a for a in done["accounts"]}
    assert [r["role"] for r in by_login["office.c"]["roles"]] == ["office", "leader"]
    assert by_login["dep41"]["roles"][0]["deputy_id"] == 41
    assert len(listener.wait("identity.account_created", count=3)) == 3
    with pytest.raises(ValidationFailed) as err:  # not a workbook
        rpc.identity.import_accounts(ADMIN, "x.xlsx", base64.b64encode(b"nope").decode(), True, CLIENT)
    assert err.value.details[0]["field"] == "file"


def test_a_deputy_gets_an_account_in_one_step(rpc, identity):
    add_deputy(identity, 7, "王建国", "13800000007")
    add_deputy(identity, 8, "刘芳", None)
    office = {"role": "office", "sub": "office-1"}
    account = rpc.identity.account_for_deputy(office, 7, {}, CLIENT)
    assert (account["login"], account["display_name"], account["phone"]) == ("13800000007", "王建国", "13800000007")
    assert [(r["role"], r["deputy_id"]) for r in account["roles"]] == [("deputy", 7)]
    assert account["initial_password"]
    with pytest.raises(Conflict):
        rpc.identity.account_for_deputy(office, 7, {}, CLIENT)
    with pytest.raises(NotFound):
        rpc.identity.account_for_deputy(office, 9, {}, CLIENT)
    assert rpc.identity.account_for_deputy(office, 8, {"login": "liufang"}, CLIENT)["login"] == "liufang"
    with pytest.raises(Conflict):  # one account per deputy, however it is made
        new(rpc, "another", [{"role": "deputy", "deputy_id": 7}])


def test_the_directory_lists_enabled_people_by_role(rpc, identity):
    leader = new(rpc, "leader1", [{"role": "leader"}])
    new(rpc, "leader2", [{"role": "leader"}])
    new(rpc, "clerk", [{"role": "unit", "unit_id": 3}])
    new(rpc, "assessor", [{"role": "assessor"}])
    rpc.identity.disable_account(ADMIN, leader["id"], {"reason": "x"}, CLIENT)
    office = {"role": "office", "sub": "office-1"}
    leaders = rpc.identity.people(office, {"role": "leader"})
    assert leaders["total"] == 1 and leaders["items"][0]["role"] == "leader"
    assert rpc.identity.people(office, {"unit_id": 3})["items"][0]["unit_id"] == 3
    assert rpc.identity.people(office, {})["total"] == 3


def test_first_run_creates_admin_and_secadmin_once(identity, capsys):
    url = database_url("identity")
    bootstrap.main(url)
    first = capsys.readouterr().out
    assert "login admin, one-time password" in first and "login secadmin, one-time password" in first
    bootstrap.main(url)
    again = capsys.readouterr().out
    assert "exists (admin); nothing changed" in again and "exists (secadmin)" in again
    assert "password" not in again
    roles = scalar(identity, "SELECT string_agg(a.login || ':' || b.role, ',' ORDER BY a.id) FROM accounts a "
                             "JOIN role_bindings b ON b.account_id = a.id")
    assert roles == "admin:admin,secadmin:security_admin"
    assert scalar(identity, "SELECT bool_and(must_change) FROM credentials") is True
