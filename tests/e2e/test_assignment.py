"""Assignment over HTTP (issue 4): routing, 交办 and 改办, 办 (sign, contacts, opinions, reply,
follow-up, extension), 督 (urging letter, key supervision, deadlines), rehandling, scoping."""
import uuid
from datetime import datetime, timedelta, timezone

from nameko.standalone.rpc import ClusterRpcProxy

from services.common import localtime
from tests.e2e.client import OFFICE, World, token
from tests.polling import wait_for

LEADER = token("leader", sub="leader-1")


def accepted(world: World, title: str = "关于解决某小区居民公交出行问题的建议") -> dict:
    s = world.submit(title)
    world.api.post(f"/suggestions/{s['id']}/screening", OFFICE, {"decision": "accept"}, expect=200)
    return s


def assigned(world: World, **extra) -> tuple[dict, dict]:
    s = accepted(world)
    a = world.api.post(f"/suggestions/{s['id']}/assignment", OFFICE,
                       {"lead_unit_id": world.unit["id"], "co_unit_ids": [world.co_unit["id"]], **extra},
                       expect=201).json()
    return s, a


def steps(api, world: World, suggestion_id: int) -> list[str]:
    return [t["type"] for t in api.get(f"/suggestions/{suggestion_id}", world.deputy_token,
                                       expect=200).json()["timeline"]]


def test_routing_is_for_the_office_and_ranks_best_first(api):
    world = World(api)
    ferry = api.post("/units", OFFICE, {"name": "市港航管理局", "code": f"GA-{uuid.uuid4().hex[:6]}",
                                        "duties": "轮渡码头的规划建设与运营管理", "keywords": ["轮渡", "码头"],
                                        "categories": ["transport"]}, expect=201).json()
    s = accepted(world, "关于新建轮渡码头方便两岸居民通行的建议")
    answer = api.get(f"/suggestions/{s['id']}/routing", OFFICE, expect=200).json()
    candidates = answer["candidates"]
    assert candidates and {"unit_id", "unit_name", "score", "reasons"} <= set(candidates[0])
    scores = [c["score"] for c in candidates]
    assert scores == sorted(scores, reverse=True)
    # the only unit whose category, keywords and duties all match comes first
    assert candidates[0]["unit_id"] == ferry["id"] and candidates[0]["unit_name"] == "市港航管理局"
    assert candidates[0]["reasons"]
    api.get(f"/suggestions/{s['id']}/routing", world.unit_token, expect=403)
    api.get(f"/suggestions/{s['id']}/routing", world.deputy_token, expect=403)
    api.get("/suggestions/987654321/routing", OFFICE, expect=404)


def test_handling_through_the_gateway(api):
    world = World(api)
    tag = uuid.uuid4().hex[:6]
    planning = api.post("/units", OFFICE, {"name": "市规划和自然资源委员会", "code": f"GH-{tag}", "duties": "规划",
                                           "keywords": ["规划"], "categories": ["urban"]}, expect=201).json()
    planning_token = token("unit", sub=f"unit-{planning['id']}", unit_id=planning["id"])
    s = accepted(world)
    bad = api.post(f"/suggestions/{s['id']}/assignment", OFFICE,
                   {"lead_unit_id": world.unit["id"], "co_unit_ids": [world.unit["id"]]}, expect=422)
    assert bad.json()["error"]["details"][0]["field"] == "co_unit_ids"
    api.post(f"/suggestions/{s['id']}/assignment", OFFICE, {"lead_unit_id": 987654321}, expect=422)
    a = api.post(f"/suggestions/{s['id']}/assignment", OFFICE, {"lead_unit_id": planning["id"],
                 "co_unit_ids": [world.co_unit["id"]]}, expect=201).json()
    path = f"/assignments/{a['id']}"

    # the planning unit says it is not its duty; the office reroutes to 交通
    api.post(path + "/dispute", planning_token, {"reason": "不属于我委职责"}, expect=200)
    api.post(path + "/reroute", world.unit_token, {"lead_unit_id": world.unit["id"]}, expect=403)
    moved = api.post(path + "/reroute", OFFICE, {"lead_unit_id": world.unit["id"],
                                                 "co_unit_ids": [world.co_unit["id"]]}, expect=200).json()
    assert moved["lead_unit_id"] == world.unit["id"]
    api.get(path, planning_token, expect=404)  # no longer its assignment

    api.post(path + "/reply", world.unit_token, {"result_class": "B", "content": "x", "signed_by": "张"},
             expect=409)  # not signed
    api.post(path + "/sign", world.unit_token, expect=200)
    api.post(path + "/contacts", world.unit_token, {"stage": "before", "method": "visit", "note": "上门走访"},
             expect=201)
    api.post(path + "/opinions", world.co_unit_token, {"content": "同意增设站点。"}, expect=201)
    api.post(path + "/opinions", world.unit_token, {"content": "x"}, expect=409)  # the lead replies instead
    api.post(path + "/reply", world.co_unit_token, {"result_class": "B", "content": "x", "signed_by": "李"},
             expect=409)
    api.post(path + "/reply", world.unit_token, {"result_class": "Z", "content": "x", "signed_by": "张"},
             expect=422)
    api.post(path + "/reply", world.unit_token,
             {"result_class": "B", "content": "已列入明年计划。", "signed_by": "张局长"}, expect=201)
    api.post(path + "/opinions", world.co_unit_token, {"content": "晚了"}, expect=409)
    api.post(path + "/follow-up", world.unit_token, {"content": "站点已建成。", "signed_by": "张局长"}, expect=201)
    api.post(path + "/follow-up", world.unit_token, {"content": "again", "signed_by": "张局长"}, expect=409)

    detail = api.get(path, world.unit_token, expect=200).json()
    assert detail["state"] == "replied" and detail["no_contact_before"] is False
    assert [r["result_class"] for r in detail["replies"]] == ["B", "A"]
    assert detail["reroutes"][0]["previous_lead_unit_id"] == planning["id"]
    assert detail["disputes"][0]["resolved_at"] and detail["opinions"][0]["unit_id"] == world.co_unit["id"]
    assert {u["unit_id"]: u["signed"] for u in detail["units"]} == {world.unit["id"]: True,
                                                                     world.co_unit["id"]: False}
    wait_for(lambda: {"disputed", "rerouted", "contact_added", "co_opinion_added", "replied"}
             <= set(steps(api, world, s["id"])), what="handling steps in the suggestion's timeline")
    wait_for(lambda: any(n["type"] == "assignment.disputed" and n["suggestion_id"] == s["id"]
                         for n in world.inbox(OFFICE)), what="the office told of the dispute")


def test_extension_urging_letter_and_key_supervision(api):
    world = World(api)
    s, a = assigned(world)
    path = f"/assignments/{a['id']}"
    api.post(path + "/sign", world.unit_token, expect=200)
    # bad input is a 422 naming the field (or a 404 for an id no row can have), never a 500
    for route, tok, payload, field in (
            ("/extension", world.unit_token, {"days": 0, "reason": "x"}, "days"),
            ("/extension", OFFICE, {"approve": "perhaps"}, "approve"),
            ("/urge", OFFICE, {"method": "fax"}, "method"),
            ("/contacts", world.unit_token, {"stage": "before", "method": "pigeon"}, "method"),
            ("/reroute", OFFICE, {"lead_unit_id": world.unit["id"], "due_at": "9999-12-31T00:00:00+00:00"},
             "due_at")):
        bad = api.post(path + route, tok, payload, expect=422).json()["error"]["details"]
        assert [d["field"] for d in bad] == [field], (route, bad)
    api.post(f"/suggestions/{s['id']}/supervision", OFFICE, {"reason": "x"}, expect=422)
    api.post("/assignments/99999999999999999999/urge", OFFICE, {"method": "phone"}, expect=404)
    api.post(path + "/extension", world.co_unit_token, {"days": 30, "reason": "x"}, expect=409)
    api.post(path + "/extension", world.unit_token, {"days": 30, "reason": "需协调资金"}, expect=201)
    api.post(path + "/extension", LEADER, {"approve": True}, expect=403)
    decided = api.post(path + "/extension", OFFICE, {"approve": True}, expect=200).json()
    assert decided["status"] == "approved"
    due = datetime.fromisoformat(api.get(path, OFFICE, expect=200).json()["due_at"])
    assert due == datetime.fromisoformat(a["due_at"]) + timedelta(days=30)

    api.post(path + "/urge", world.deputy_token, {"method": "phone"}, expect=403)
    api.post(path + "/urge", LEADER, {"method": "phone", "note": "请加快"}, expect=201)
    letter = api.post(path + "/urge", OFFICE, {"method": "letter"}, expect=201).json()
    assert s["number"] in letter["letter"] and world.unit["name"] in letter["letter"]
    assert "督办函" in letter["letter"] and "距答复期限还有" in letter["letter"]
    assert api.get(path + "/letter", OFFICE, expect=200).json()["letter"] == letter["letter"]

    api.post(f"/suggestions/{s['id']}/supervision", world.unit_token, {"leader": "张", "reason": "x"}, expect=403)
    api.post(f"/suggestions/{s['id']}/supervision", OFFICE,
             {"leader": "张副主任", "committee": "城建环保委", "reason": "群众关注"}, expect=201)
    api.post(f"/suggestions/{s['id']}/supervision", OFFICE, {"leader": "李", "reason": "x"}, expect=409)
    supervised = api.get("/assignments?supervised=true&limit=200", OFFICE, expect=200).json()["items"]
    assert a["id"] in [x["id"] for x in supervised] and all(x["supervised"] for x in supervised)
    wait_for(lambda: [n for n in world.inbox(world.unit_token)
                      if n["type"] == "assignment.urged" and n["suggestion_id"] == s["id"]],
             what="the lead unit told of the urging")


def chinese_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def test_urging_a_co_unit_sends_the_letter_to_it(api):
    world = World(api)
    s, a = assigned(world)
    path = f"/assignments/{a['id']}"
    api.post(path + "/sign", world.unit_token, expect=200)
    stranger = api.post("/units", OFFICE, {"name": "市园林局", "code": f"YL-{uuid.uuid4().hex[:6]}", "duties": "园林"},
                        expect=201).json()
    bad = api.post(path + "/urge", OFFICE, {"method": "phone", "unit_id": stranger["id"]}, expect=422).json()
    assert [d["field"] for d in bad["error"]["details"]] == ["unit_id"]

    sent = api.post(path + "/urge", OFFICE, {"method": "letter", "unit_id": world.co_unit["id"]}, expect=201).json()
    assert (sent["unit_id"], sent["unit_name"], sent["others"]) == (world.co_unit["id"], world.co_unit["name"], [])
    lines = sent["letter"].splitlines()
    assert lines[2] == f"{world.co_unit['name']}：" and world.unit["name"] not in sent["letter"]
    zone = localtime.zone()
    co_due = localtime.due_after(datetime.fromisoformat(a["created_at"]), 30, zone)
    assert f"交由你单位会办，会办意见期限为{chinese_date(localtime.local_date(co_due, zone))}。" in sent["letter"]
    assert chinese_date(localtime.local_date(datetime.now(timezone.utc), zone)) in lines[-1]
    preview = api.get(path + f"/letter?unit_id={world.co_unit['id']}", OFFICE, expect=200).json()
    assert preview["unit_id"] == world.co_unit["id"] and preview["letter"] == sent["letter"]
    assert api.get(path + "/letter", OFFICE, expect=200).json()["unit_id"] == world.unit["id"]
    detail = api.get(path, OFFICE, expect=200).json()
    assert [(u["unit_id"], u["method"]) for u in detail["urgings"]] == [(world.co_unit["id"], "letter")]
    told = wait_for(lambda: [n for n in world.inbox(world.co_unit_token)
                             if n["type"] == "assignment.urged" and n["suggestion_id"] == s["id"]],
                    what="the co-unit told of its urging")
    assert world.co_unit["name"] in told[0]["body"]
    assert not [n for n in world.inbox(world.unit_token)
                if n["type"] == "assignment.urged" and n["suggestion_id"] == s["id"]]


def test_committee_only_supervision_and_a_leaders_own_list(api):
    world = World(api)
    tag = uuid.uuid4().hex[:6]
    me, other = f"leader-wang-{tag}", f"leader-zhao-{tag}"
    s1, a1 = assigned(world)
    s2, a2 = assigned(world)
    committee = f"教科文卫委员会-{tag}"
    by_committee = api.post(f"/suggestions/{s1['id']}/supervision", OFFICE,
                            {"committee": committee, "reason": "专门委员会重点督办"}, expect=201).json()
    assert (by_committee["leaders"], by_committee["leader"], by_committee["committee"]) == ([], None, committee)
    by_two = api.post(f"/suggestions/{s2['id']}/supervision", OFFICE,
                      {"leaders": [{"sub": me, "name": "王副主任"}, other], "reason": "群众关注"}, expect=201).json()
    assert [x["sub"] for x in by_two["leaders"]] == [me, other] and by_two["leaders"][0]["name"] == "王副主任"
    both = api.post(f"/suggestions/{accepted(world)['id']}/supervision", OFFICE,
                    {"leader": me, "leaders": [other], "reason": "x"}, expect=422).json()
    assert [d["field"] for d in both["error"]["details"]] == ["leader"]

    listed = api.get(f"/assignments?committee={committee}", OFFICE, expect=200).json()
    assert [x["id"] for x in listed["items"]] == [a1["id"]]
    mine = api.get("/assignments?leader=me", token("leader", sub=me), expect=200).json()
    assert [x["id"] for x in mine["items"]] == [a2["id"]] and mine["filters"]["leader"] == me
    assert [x["id"] for x in api.get("/assignments?leader=me", token("leader", sub=other), expect=200)
            .json()["items"]] == [a2["id"]]
    assert api.get("/assignments?leader=me", LEADER, expect=200).json()["total"] == 0
    rates = wait_for(lambda: (r := api.get("/stats/rates?leader=me", token("leader", sub=me), expect=200).json())
                     ["assigned"] == 1 and r, what="the leader's rates")
    assert rates["filters"]["leader"] == me
    assert wait_for(lambda: api.get(f"/stats/rates?committee={committee}", OFFICE, expect=200).json()["assigned"]
                    == 1, what="the committee's rates")


def test_overdue_flag_filter_and_one_reminder_per_due_date(api, system):
    world = World(api)
    past = (datetime.now(timezone.utc) - timedelta(days=3)).isoformat()
    s, a = assigned(world, due_at=past)
    detail = api.get(f"/assignments/{a['id']}", world.unit_token, expect=200).json()
    assert detail["overdue"] is True and detail["days_late"] == 3
    mine = api.get("/assignments?overdue=true", world.unit_token, expect=200).json()["items"]
    assert [x["id"] for x in mine] == [a["id"]]  # the unit sees its own only
    assert api.get("/assignments?overdue=false", world.unit_token, expect=200).json()["total"] == 0

    with ClusterRpcProxy({"AMQP_URI": system.env["AMQP_URI"], "serializer": "json"}, timeout=10) as rpc:
        for _ in range(3):
            rpc.assignment.run_deadlines()

    def overdue_notes():
        return [n for n in world.inbox(world.unit_token)
                if n["type"] == "assignment.overdue" and n["suggestion_id"] == s["id"]]
    wait_for(overdue_notes, what="the lead unit told it is overdue")
    wait_for(lambda: "overdue" in steps(api, world, s["id"]), what="overdue in the timeline")
    assert len(overdue_notes()) == 1


def test_dissatisfied_rating_reopens_with_a_month_then_closes(api):
    world = World(api)
    s, a = assigned(world)
    path = f"/assignments/{a['id']}"
    reply = {"result_class": "C", "content": "暂不具备条件。", "signed_by": "张局长"}
    api.post(path + "/sign", world.unit_token, expect=200)
    api.post(path + "/reply", world.unit_token, reply, expect=201)
    api.post(path + "/evaluation", world.deputy_token, {"satisfaction": "dissatisfied"}, expect=201)
    reopened = wait_for(lambda: (d := api.get(path, OFFICE, expect=200).json())["state"] == "rehandling" and d,
                        what="rehandling")
    due = datetime.fromisoformat(reopened["due_at"])
    # 30 local days on, at the end of that day in Beijing (issue 15: deadlines end with the local day)
    assert due == localtime.due_after(datetime.now(timezone.utc), 30, localtime.zone())
    api.post(path + "/reply", world.unit_token, {**reply, "result_class": "A"}, expect=201)
    wait_for(lambda: api.post(path + "/evaluation", world.deputy_token,
                              {"satisfaction": "basic"}).status_code == 201, what="second rating accepted")
    wait_for(lambda: api.get(path, OFFICE, expect=200).json()["state"] == "closed", what="closed")


def test_separate_assignment_from_assign_to_both_replies(api):
    """分办 (issue 15): two units each sign and reply on their own part; the office records one unit's
    paper signing and reply with their real dates; the deputy's timeline shows both replies."""
    world = World(api)
    s = accepted(world)
    units = [world.unit["id"], world.co_unit["id"]]
    bad = api.post(f"/suggestions/{s['id']}/assignment", OFFICE, {"mode": "separate", "unit_ids": units[:1]},
                   expect=422)
    assert bad.json()["error"]["details"][0]["field"] == "unit_ids"
    bad = api.post(f"/suggestions/{s['id']}/assignment", OFFICE,
                   {"mode": "separate", "unit_ids": units, "lead_unit_id": units[0]}, expect=422)
    assert bad.json()["error"]["details"][0]["field"] == "lead_unit_id"
    assigned_at = datetime.now(timezone.utc) - timedelta(days=20)
    a = api.post(f"/suggestions/{s['id']}/assignment", OFFICE,
                 {"mode": "separate", "unit_ids": units, "assigned_at": assigned_at.isoformat()}, expect=201).json()
    due = localtime.due_after(assigned_at, 90, localtime.zone())
    assert a["mode"] == "separate" and a["lead_unit_id"] is None and a["state"] == "assigned"
    assert [(u["unit_id"], u["role"], u["state"]) for u in a["units"]] == [(u, "separate", "assigned")
                                                                            for u in sorted(units)]
    assert {datetime.fromisoformat(u["due_at"]) for u in a["units"]} == {due}
    path = f"/assignments/{a['id']}"

    # each unit sees it in its own list
    for unit_token in (world.unit_token, world.co_unit_token):
        listed = api.get("/assignments", unit_token, expect=200).json()
        assert a["id"] in [i["id"] for i in listed["items"]]

    # the first unit signs and replies itself
    api.post(path + "/sign", world.unit_token, expect=200)
    api.post(path + "/sign", world.unit_token, {"signed_at": assigned_at.isoformat()}, expect=403)
    api.post(path + "/reply", world.unit_token, {"result_class": "A", "content": "已增开线路。", "signed_by": "王局长"},
             expect=201)
    # the office records the second unit's paper signing and reply with their real dates
    forbidden = api.post(path + "/reply", world.unit_token, {"result_class": "B", "content": "x", "signed_by": "王",
                                                             "unit_id": units[1]}, expect=403)
    assert forbidden.json()["error"]["details"][0]["field"] == "unit_id"
    missing = api.post(path + "/sign", OFFICE, {}, expect=422)
    assert missing.json()["error"]["details"][0]["field"] == "unit_id"
    signed_at, replied_at = assigned_at + timedelta(days=2), assigned_at + timedelta(days=15)
    api.post(path + "/sign", OFFICE, {"unit_id": units[1], "signed_at": signed_at.isoformat()}, expect=200)
    reply = api.post(path + "/reply", OFFICE, {"result_class": "B", "content": "已列入明年计划。", "signed_by": "李支队长",
                                               "unit_id": units[1], "replied_at": replied_at.isoformat()},
                     expect=201).json()
    assert reply["unit_id"] == units[1] and reply["on_time"] is True
    assert datetime.fromisoformat(reply["at"]) == replied_at

    detail = api.get(path, OFFICE, expect=200).json()
    assert detail["state"] == "replied"
    assert {r["unit_id"]: r["result_class"] for r in detail["replies"]} == {units[0]: "A", units[1]: "B"}
    assert all(u["state"] == "replied" for u in detail["units"])

    # what the deputy's suggestion shows: the assignment, both replies with their units, the timeline
    def shown():
        return api.get(f"/suggestions/{s['id']}", world.deputy_token, expect=200).json()
    wait_for(lambda: shown()["status"] == "replied", what="the suggestion replied")
    suggestion = shown()
    assert suggestion["assignment"]["mode"] == "separate"
    assert sorted(suggestion["assignment"]["handling_unit_ids"]) == sorted(units)
    timeline = suggestion["timeline"]
    replied = {t["note"].split(" ")[0]: t for t in timeline if t["type"] == "replied"}
    assert set(replied) == {"市交通运输局", "市公安局交通管理局"}
    paper = replied["市公安局交通管理局"]  # at its real date, so before the other unit's reply
    assert "B类" in paper["note"] and "代为录入" in paper["note"]
    assert datetime.fromisoformat(paper["at"]) == replied_at
    assert [t["note"].split(" ")[0] for t in timeline if t["type"] == "replied"] == ["市公安局交通管理局",
                                                                                      "市交通运输局"]
    signed = [t for t in timeline if t["type"] == "signed"]
    assert any(datetime.fromisoformat(t["at"]) == signed_at for t in signed)
    assigned_step = next(t for t in timeline if t["type"] == "assigned")
    assert datetime.fromisoformat(assigned_step["at"]) == assigned_at


def test_units_kind_level_region_and_co_unit_recommendations_over_http(api):
    """Issue 18: a unit's kind is recognised from its name, the office corrects a unit (PATCH), and the
    recommendation names likely co-units (会办) learned from the office's choices."""
    world = World(api)
    tag = uuid.uuid4().hex[:6]
    known = api.get("/unit-kinds", OFFICE, expect=200).json()["items"]
    assert {"code": "housing", "name": "住房和城乡建设局"} in known or any(k["code"] == "housing" for k in known)
    assert api.get("/units/kind", OFFICE, params={"name": "沾益区住建局"}, expect=200).json()["kind"] == "housing"
    ferry = api.post("/units", OFFICE, {"name": "市港航管理局", "code": f"GA-{tag}", "duties": "轮渡码头",
                                        "keywords": ["轮渡"], "level": "city", "region": "云南省曲靖市"},
                     expect=201).json()
    assert (ferry["level"], ferry["region"]) == ("city", "云南省曲靖市")
    housing = api.post("/units", OFFICE, {"name": "市住建局", "code": f"ZJ-{tag}", "duties": "房屋建设"},
                       expect=201).json()
    assert housing["kind"] == "housing"
    changed = api.call("PATCH", f"/api/v1/units/{housing['id']}", OFFICE, {"region": "云南省曲靖市", "level": "city"},
                       expect=200).json()
    assert (changed["region"], changed["kind"], changed["code"]) == ("云南省曲靖市", "housing", housing["code"])
    api.call("PATCH", f"/api/v1/units/{housing['id']}", OFFICE, {"level": "galactic"}, expect=422)
    api.call("PATCH", f"/api/v1/units/{housing['id']}", world.unit_token, {"level": "city"}, expect=403)
    for i in range(2):
        s = accepted(world, f"关于新建轮渡码头的建议（{tag}{i}）")
        api.post(f"/suggestions/{s['id']}/assignment", OFFICE,
                 {"lead_unit_id": ferry["id"], "co_unit_ids": [housing["id"]]}, expect=201)
    s = accepted(world, "关于新建轮渡码头方便两岸居民通行的建议")
    answer = api.get(f"/suggestions/{s['id']}/routing", OFFICE, expect=200).json()
    assert answer["candidates"][0]["unit_id"] == ferry["id"]
    co = {c["unit_id"]: c for c in answer["co_candidates"]}
    assert housing["id"] in co and co[housing["id"]]["reasons"], answer
