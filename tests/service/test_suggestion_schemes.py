"""Category schemes per congress (issue 15), on real PostgreSQL: the built-in taxonomy seeded as
the default scheme, a scheme of the office's own (Shiyan's five categories) for its sessions,
validation against the scheme in force, retired categories kept for old suggestions."""
import base64

import pytest
from sqlalchemy import text

from services.common.errors import Conflict, NotFound, ValidationFailed
from tests.sheets import xlsx

OFFICE = {"role": "office", "sub": "office-1"}
LEAD = {"role": "deputy", "deputy_id": 1, "sub": "deputy-1"}
SHIYAN = {"name": "十堰市五届人大代表建议分类", "congress": "十堰五届", "categories": [
    {"code": "politics", "name": "政治建设"}, {"code": "economy", "name": "经济建设"},
    {"code": "culture", "name": "文化建设"}, {"code": "society", "name": "社会建设"},
    {"code": "ecology", "name": "生态文明建设"}]}
FIVE = ["politics", "economy", "culture", "society", "ecology"]


def suggestion(session: str, category: str, title: str = "关于加快产业转型升级的建议") -> dict:
    return {"title": title, "body": "建议加大支持力度。", "category": category, "kind": "session",
            "session": session, "source": "research"}


def test_the_builtin_taxonomy_is_the_default_scheme(service, rpc):
    default = rpc.suggestion.categories()
    assert default["default"] and default["congress"] == "" and default["id"] is not None
    assert len(default["categories"]) == 10 and default["categories"][1] == {
        "code": "transport", "name": "交通邮电", "parent": None, "active": True}
    assert rpc.suggestion.categories("十六届三次") == default
    [listed] = rpc.suggestion.category_schemes(OFFICE)
    assert listed["id"] == default["id"]


def test_a_scheme_of_the_office_serves_its_sessions_and_validates_their_suggestions(service, rpc):
    created = rpc.suggestion.create_category_scheme(OFFICE, SHIYAN)
    assert created["congress"] == "十堰五届" and not created["default"]
    assert [c["code"] for c in created["categories"]] == FIVE
    in_force = rpc.suggestion.categories("十堰五届一次")
    assert in_force["id"] == created["id"] and [c["name"] for c in in_force["categories"]] == [
        "政治建设", "经济建设", "文化建设", "社会建设", "生态文明建设"]
    assert rpc.suggestion.category_scheme(OFFICE, created["id"]) == created

    s = rpc.suggestion.submit(LEAD, suggestion("十堰五届一次", "economy"))
    assert s["category"] == "economy" and s["category_name"] == "经济建设"
    with pytest.raises(ValidationFailed) as err:  # the default scheme's code is not Shiyan's
        rpc.suggestion.submit(LEAD, suggestion("十堰五届一次", "transport"))
    [detail] = err.value.details
    assert detail["field"] == "category" and detail["allowed"] == FIVE and "economy" in detail["message"]
    with pytest.raises(ValidationFailed) as err:  # nor is Shiyan's code another session's
        rpc.suggestion.submit(LEAD, suggestion("十六届三次", "economy"))
    assert err.value.details[0]["field"] == "category" and "transport" in err.value.details[0]["allowed"]
    assert rpc.suggestion.submit(LEAD, suggestion("十六届三次", "transport"))["category_name"] == "交通邮电"

    with pytest.raises(Conflict):  # one scheme per congress
        rpc.suggestion.create_category_scheme(OFFICE, {**SHIYAN, "name": "另一个"})


def test_an_unsound_scheme_is_refused_naming_the_fields(service, rpc):
    bad = {"name": "坏方案", "congress": "十七届", "categories": [
        {"code": "a", "name": "甲"}, {"code": "a", "name": "乙"}, {"code": "b", "name": "丙", "parent": "zz"}]}
    with pytest.raises(ValidationFailed) as err:
        rpc.suggestion.create_category_scheme(OFFICE, bad)
    assert {d["field"] for d in err.value.details} == {"categories.0.code", "categories.1.code",
                                                       "categories.2.parent"}
    with pytest.raises(ValidationFailed) as err:
        rpc.suggestion.create_category_scheme(OFFICE, {**bad, "categories": [{"code": "经济", "name": "经济"}]})
    assert err.value.details[0]["field"] == "categories.0.code"
    assert len(rpc.suggestion.category_schemes(OFFICE)) == 1
    with pytest.raises(NotFound):
        rpc.suggestion.update_category_scheme(OFFICE, 999, {"name": "无"})


def test_a_category_left_out_is_retired_and_kept_for_old_suggestions(service, rpc):
    scheme = rpc.suggestion.create_category_scheme(OFFICE, SHIYAN)
    old = rpc.suggestion.submit(LEAD, suggestion("十堰五届一次", "culture", "关于保护传统村落的建议"))
    changed = rpc.suggestion.update_category_scheme(OFFICE, scheme["id"], {
        "name": "十堰市五届人大代表建议分类（修订）", "categories": [
            *[c for c in SHIYAN["categories"] if c["code"] != "culture"],
            {"code": "industry", "name": "工业发展", "parent": "economy"}]})
    assert changed["name"].endswith("（修订）")
    assert [(c["code"], c["active"]) for c in changed["categories"]] == [
        ("politics", True), ("economy", True), ("society", True), ("ecology", True), ("industry", True),
        ("culture", False)]
    assert [c["code"] for c in rpc.suggestion.categories("十堰五届二次")["categories"]] == [
        "politics", "economy", "society", "ecology", "industry"]
    assert rpc.suggestion.categories("十堰五届二次", True)["categories"][-1]["code"] == "culture"
    # the old suggestion keeps its category and name; a new one may not take it
    assert rpc.suggestion.get(OFFICE, old["id"])["category_name"] == "文化建设"
    listed = lambda: {i["id"]: i for i in rpc.suggestion.list(OFFICE, {"session": "十堰五届一次"})["items"]}  # noqa: E731
    assert listed()[old["id"]]["category_name"] == "文化建设"
    with pytest.raises(ValidationFailed) as err:
        rpc.suggestion.submit(LEAD, suggestion("十堰五届二次", "culture"))
    assert "retired" in err.value.details[0]["message"]
    assert rpc.suggestion.submit(LEAD, suggestion("十堰五届二次", "industry"))["category_name"] == "工业发展"
    # and it comes back when listed active again
    back = rpc.suggestion.update_category_scheme(OFFICE, scheme["id"], {"categories": SHIYAN["categories"]})
    assert {c["code"] for c in back["categories"] if c["active"]} == set(FIVE)
    # a renamed category shows in the next page at once (the token its statement reads is new)
    rpc.suggestion.update_category_scheme(OFFICE, scheme["id"], {"categories": [
        {**c, "name": "文化旅游"} if c["code"] == "culture" else c for c in SHIYAN["categories"]]})
    assert listed()[old["id"]]["category_name"] == "文化旅游"


def test_the_default_scheme_is_managed_too_but_serves_every_other_session(service, rpc):
    default = rpc.suggestion.categories()
    with pytest.raises(Conflict):
        rpc.suggestion.update_category_scheme(OFFICE, default["id"], {"congress": "十六届"})
    rpc.suggestion.update_category_scheme(OFFICE, default["id"], {"categories": [
        *default["categories"], {"code": "health", "name": "医疗卫生"}]})
    assert rpc.suggestion.submit(LEAD, suggestion("十六届三次", "health"))["category_name"] == "医疗卫生"


def test_an_import_reads_category_names_in_the_scheme_of_each_rows_session(service, rpc):
    rpc.suggestion.create_category_scheme(OFFICE, SHIYAN)
    content = xlsx(["标题", "内容", "类别", "类型", "届次", "领衔代表", "联名代表", "来源"],
                   ["关于加快产业转型升级的建议", "建议加大支持力度。", "经济建设", "大会", "十堰五届一次", "1", "", "调研"],
                   ["关于增设公交站点的建议", "小区距公交站两公里。", "交通邮电", "大会", "十堰五届一次", "1", "", "调研"])
    report = rpc.suggestion.import_batch(OFFICE, "batch.xlsx", base64.b64encode(content).decode())
    assert report["imported"] == 1 and report["rejected"][0]["row"] == 3
    assert report["rejected"][0]["errors"][0]["field"] == "category"
    assert rpc.suggestion.get(OFFICE, report["items"][0]["id"])["category"] == "economy"


def test_the_schemes_are_read_from_memory_until_a_change_commits(suggestion_db):
    """catalog.load on real PostgreSQL: one token read while nothing changed; a committed change is
    seen at once; a change rolled back after its own transaction read it leaves nothing behind."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from services.suggestion import catalog, taxonomy
    builtin = taxonomy.load(taxonomy.DEFAULT_FILE)
    statements = []
    event.listen(suggestion_db, "before_cursor_execute", lambda *a: statements.append(a[2]))
    with Session(suggestion_db) as session:
        first = catalog.load(session, builtin)
        statements.clear()
        assert catalog.load(session, builtin) is first
        assert len(statements) == 1 and "catalog_version" in statements[0]
    # a change read by its own transaction, then rolled back
    with Session(suggestion_db) as session:
        session.execute(text("UPDATE scheme_categories SET name = '改后名称' WHERE code = 'transport'"))
        catalog.changed(session)
        assert catalog.load(session, builtin).fallback is not None
        session.rollback()
    with Session(suggestion_db) as session:
        names = {c.code: c.name for c in catalog.load(session, builtin).in_force(None).categories}
        assert names["transport"] == "交通邮电"
    # a committed change: seen by the next read
    with Session(suggestion_db) as session:
        session.execute(text("UPDATE scheme_categories SET name = '交通运输' WHERE code = 'transport'"))
        catalog.changed(session)
        session.commit()
    with Session(suggestion_db) as session:
        names = {c.code: c.name for c in catalog.load(session, builtin).in_force(None).categories}
        assert names["transport"] == "交通运输"
