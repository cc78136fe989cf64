"""The answers of suggestions, reference data, notifications and health hold to the OpenAPI document.

Schemathesis rarely reaches the rich answers (a timeline with replies, a merge, the screening hint,
an import report, a delivery log), so this walks a lifecycle that produces them.
"""
import uuid

import pytest

from tests.e2e.client import OFFICE, World, token
from tests.e2e.contract import Contract
from tests.polling import wait_for
from tests.sheets import xlsx


@pytest.fixture
def conforms(system):
    return Contract(system.url)


def test_suggestion_answers_match_their_models(api, conforms):
    world = World(api)
    session = f"answers-{uuid.uuid4().hex[:6]}"
    form = {"title": "关于解决某小区居民公交出行问题的建议", "body": "建议增设公交站点。", "category": "transport",
            "kind": "session", "session": session, "source": "research", "co_signer_ids": [world.cosigner["id"]]}
    one = "/api/v1/suggestions/{suggestion_id}"

    s = conforms(api.post("/suggestions", world.deputy_token, form), "POST", "/api/v1/suggestions", 201)
    twin = conforms(api.post("/suggestions", world.deputy_token, {**form, "title": form["title"] + "（二）"}),
                    "POST", "/api/v1/suggestions", 201)
    draft = conforms(api.post("/suggestions", world.deputy_token, {**form, "draft": True}),
                     "POST", "/api/v1/suggestions", 201)
    assert draft["number"] is None and draft["seq"] is None and s["number"]

    # the screening hint (similar titles) is only shown to staff while submitted
    detail = conforms(api.get(f"/suggestions/{twin['id']}", OFFICE), "GET", one)
    assert [h["id"] for h in detail["similar"]] == [s["id"]]
    merged = conforms(api.post(f"/suggestions/{twin['id']}/screening", OFFICE,
                               {"decision": "merge", "merge_into_id": s["id"]}), "POST", one + "/screening")
    assert merged["status"] == "merged" and merged["merged_into_id"] == s["id"]
    submitted = conforms(api.post(f"/suggestions/{draft['id']}/submit", world.deputy_token, {}),
                         "POST", one + "/submit")
    withdrawn = conforms(api.post(f"/suggestions/{submitted['id']}/withdraw", world.deputy_token,
                                  {"reason": "另行提出"}), "POST", one + "/withdraw")
    assert withdrawn["withdraw_reason"] == "另行提出"

    # handled to the end, then made public: assignment summary, timeline, replies
    api.post(f"/suggestions/{s['id']}/screening", OFFICE, {"decision": "accept"}, expect=200)
    a = api.post(f"/suggestions/{s['id']}/assignment", OFFICE, {"lead_unit_id": world.unit["id"]}, expect=201).json()
    api.post(f"/assignments/{a['id']}/sign", world.unit_token, expect=200)
    api.post(f"/assignments/{a['id']}/reply", world.unit_token,
             {"result_class": "A", "content": "已增设站点。联系人手机13812345678，反映人身份证110105194912310021。",
              "signed_by": "张局长"}, expect=201)
    wait_for(lambda: api.get(f"/suggestions/{s['id']}", OFFICE).json()["replies"], what="the reply projected")
    preview = conforms(api.get(f"/suggestions/{s['id']}/publication", OFFICE), "GET", one + "/publication")
    masked = "已增设站点。联系人手机138****5678，反映人身份证11010519491231****。"
    assert preview["replies"][0]["text"] == masked and preview["replies"][0]["published"] is None
    assert [r["kind"] for r in preview["replies"][0]["redactions"]] == ["mobile", "id_card"]
    published = conforms(api.post(f"/suggestions/{s['id']}/publish", OFFICE, {}), "POST", one + "/publish")
    assert published["public"] is True and published["published_at"]
    detail = conforms(api.get(f"/suggestions/{s['id']}", world.cosigner_token), "GET", one)
    assert detail["assignment"]["lead_unit_id"] == world.unit["id"] and detail["merged_from_ids"] == [twin["id"]]
    assert {"submitted", "accepted", "assigned", "replied", "published"} <= {t["type"] for t in detail["timeline"]}

    listed = conforms(api.get(f"/suggestions?session={session}&limit=200", OFFICE), "GET", "/api/v1/suggestions")
    assert listed["total"] == 3 and listed["total_exact"] is True
    searched = conforms(api.get(f"/suggestions?session={session}&q=公交出行", OFFICE), "GET", "/api/v1/suggestions")
    assert s["id"] in [i["id"] for i in searched["items"]]
    public = conforms(api.get(f"/public/suggestions?session={session}"), "GET", "/api/v1/public/suggestions")
    assert [i["id"] for i in public["items"]] == [s["id"]] and public["items"][0]["replies"][0]["content"] == masked
    conforms(api.get(f"/public/suggestions/{s['id']}"), "GET", "/api/v1/public/suggestions/{suggestion_id}")

    sheet = xlsx(["标题", "内容", "类别", "类型", "届次", "领衔代表"],
                 ["关于导入一条建议的标题", "内容", "交通邮电", "大会", session, str(world.lead["id"])],
                 ["短", "内容", "交通邮电", "大会", session, "无此人"])
    report = conforms(api.post("/suggestions/import", OFFICE, files={"file": ("batch.xlsx", sheet)}),
                      "POST", "/api/v1/suggestions/import")
    assert report["imported"] == 1 and [r["row"] for r in report["rejected"]] == [3]
    public_one = "/api/v1/public/suggestions/{suggestion_id}"
    assert conforms.checked == {("POST", "/api/v1/suggestions"), ("GET", "/api/v1/suggestions"), ("GET", one),
                                *(("POST", one + step) for step in ("/submit", "/screening", "/withdraw", "/publish")),
                                ("GET", "/api/v1/public/suggestions"), ("GET", public_one), ("GET", one + "/publication"),
                                ("POST", "/api/v1/suggestions/import")}


def test_reference_notification_and_health_answers_match_their_models(api, system, conforms):
    deputy = conforms(api.post("/deputies", OFFICE, {"name": "赵代表", "level": "county", "delegation": "南区代表团",
                                                     "phone": "13800000000"}), "POST", "/api/v1/deputies", 201)
    conforms(api.get("/deputies?limit=200", OFFICE), "GET", "/api/v1/deputies")
    # an unreachable webhook: the delivery log then has a pending (retried) entry
    unit = conforms(api.post("/units", OFFICE, {"name": "测试单位", "code": f"T-{uuid.uuid4().hex[:6]}",
                                                "keywords": ["测试"], "categories": ["transport"],
                                                "webhook_url": "http://127.0.0.1:9/hook"}),
                    "POST", "/api/v1/units", 201)
    deputy_token = token("deputy", sub=f"deputy-{deputy['id']}", deputy_id=deputy["id"])
    conforms(api.get("/units", deputy_token), "GET", "/api/v1/units")
    categories = conforms(api.get("/categories", deputy_token), "GET", "/api/v1/categories")
    assert {"code": "transport", "name": "交通邮电", "parent": None, "active": True} in categories["items"]
    assert categories["scheme"]["default"] is True

    s = api.post("/suggestions", deputy_token, {"title": "关于测试通知答复格式的建议", "body": "内容", "category": "transport",
                                                "kind": "recess", "session": "S"}, expect=201).json()
    api.post(f"/suggestions/{s['id']}/screening", OFFICE, {"decision": "accept"}, expect=200)
    api.post(f"/suggestions/{s['id']}/assignment", OFFICE, {"lead_unit_id": unit["id"]}, expect=201)
    unit_token = token("unit", sub=f"unit-{unit['id']}", unit_id=unit["id"])
    inbox = wait_for(lambda: conforms(api.get("/notifications", unit_token), "GET", "/api/v1/notifications")["items"],
                     what="the unit's notification")
    n = inbox[0]
    read = conforms(api.post(f"/notifications/{n['id']}/read", unit_token),
                    "POST", "/api/v1/notifications/{notification_id}/read")
    assert read["read"] is True and read["read_at"]
    log = wait_for(lambda: conforms(api.get(f"/notifications/{n['id']}/deliveries", unit_token),
                                    "GET", "/api/v1/notifications/{notification_id}/deliveries")["items"],
                   what="a delivery attempt")
    assert log[0]["channel"] == "webhook"
    prefs = "/api/v1/notifications/preferences"
    assert conforms(api.get("/notifications/preferences", unit_token), "GET", prefs)["recipient"] == f"unit:{unit['id']}"
    changed = conforms(api.call("PUT", prefs, unit_token, {"email": False, "webhook": True}), "PUT", prefs)
    assert changed["email"] is False

    assert conforms(api.call("GET", "/healthz"), "GET", "/healthz")["status"] == "ok"
    assert conforms(api.call("GET", "/readyz"), "GET", "/readyz")["status"] == "ready"
    notification = "/api/v1/notifications/{notification_id}"
    assert conforms.checked == {("POST", "/api/v1/deputies"), ("GET", "/api/v1/deputies"), ("POST", "/api/v1/units"),
                                ("GET", "/api/v1/units"), ("GET", "/api/v1/categories"),
                                ("GET", "/api/v1/notifications"), ("POST", notification + "/read"),
                                ("GET", notification + "/deliveries"), ("GET", prefs), ("PUT", prefs),
                                ("GET", "/healthz"), ("GET", "/readyz")}
    system.svc("stop", "notify")
    try:
        down = conforms(api.call("GET", "/readyz"), "GET", "/readyz", 503)
        assert down["down"] == ["notify"]
    finally:
        system.svc("start", "notify")
        wait_for(lambda: api.call("GET", "/readyz").status_code == 200, timeout=60, what="notify back")
