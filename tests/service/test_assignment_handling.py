"""The assignment service on real PostgreSQL and RabbitMQ: disputes, reroutes, contacts, opinions,
follow-up, extensions, urging, key supervision, scoping and the detail view (issue 4)."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text

from services.assignment.service import AssignmentService
from services.common import localtime
from services.common.errors import Conflict, NotFound, ValidationFailed
from tests.service.assignment_world import (LEADER, OFFICE, REPLY, World, clock_mover, fresh_db, local_due, now,
                                           unit_actor)
from tests.service.helpers import EventListener, envelope, publish, wait_for


@pytest.fixture
def assignment_db(db, amqp):
    return fresh_db(db)


@pytest.fixture
def move_clock(monkeypatch):
    return clock_mover(monkeypatch)


@pytest.fixture
def world(start_service, rpc, amqp, assignment_db):
    start_service(AssignmentService)
    return World(rpc, amqp, assignment_db)


def test_dispute_within_the_window_then_409_after_it(world, amqp, move_clock):
    listener = EventListener(amqp, "assignment.disputed")
    a = world.assign()
    d = world.rpc.assignment.dispute(unit_actor(world.lead), a["id"], {"reason": "不属于我局职责"})
    assert d["unit_id"] == world.lead and d["resolved_at"] is None
    with pytest.raises(Conflict):  # one open dispute per unit
        world.rpc.assignment.dispute(unit_actor(world.lead), a["id"], {"reason": "再次申请"})
    with pytest.raises(NotFound):  # not its assignment
        world.rpc.assignment.dispute(unit_actor(world.other), a["id"], {"reason": "x"})
    with pytest.raises(ValidationFailed):
        world.rpc.assignment.dispute(unit_actor(world.co), a["id"], {"reason": ""})

    move_clock(11)  # the 10-day window ends with the 10th local day
    with pytest.raises(Conflict) as err:
        world.rpc.assignment.dispute(unit_actor(world.co), a["id"], {"reason": "太晚了"})
    assert "window" in err.value.message

    [event] = listener.wait("assignment.disputed")
    p = event["payload"]
    assert p["assignment_id"] == a["id"] and p["unit_id"] == world.lead and p["reason"] == "不属于我局职责"
    assert p["number"] == f"第{a['suggestion_id']:04d}号" and p["actor"] == "市交通运输局" and p["note"]
    detail = world.get(a["id"])
    assert [u["disputed"] for u in detail["units"]] == [True, False]


def test_reroute_keeps_the_history_and_moves_the_assignment(world, amqp, assignment_db):
    listener = EventListener(amqp, "assignment.rerouted")
    a = world.assign()
    world.rpc.assignment.sign(unit_actor(world.lead), a["id"])
    world.rpc.assignment.sign(unit_actor(world.co), a["id"])
    world.rpc.assignment.dispute(unit_actor(world.lead), a["id"], {"reason": "应由规划部门主办"})

    with pytest.raises(ValidationFailed) as err:
        world.rpc.assignment.reroute(OFFICE, a["id"], {"lead_unit_id": world.co, "co_unit_ids": [world.co]})
    assert err.value.details[0]["field"] == "co_unit_ids"
    with pytest.raises(ValidationFailed):
        world.rpc.assignment.reroute(OFFICE, a["id"], {"lead_unit_id": 999999})

    moved = world.rpc.assignment.reroute(OFFICE, a["id"], {"lead_unit_id": world.co, "co_unit_ids": [world.other],
                                                           "reason": "职责调整"})

    # the co-unit that becomes lead had signed: the assignment stays signed; the old lead is off it
    assert moved["lead_unit_id"] == world.co and moved["co_unit_ids"] == [world.other] and moved["state"] == "signed"
    with pytest.raises(NotFound):
        world.get(a["id"], unit_actor(world.lead))
    detail = world.get(a["id"], unit_actor(world.co))
    assert detail["reroutes"][0]["previous_lead_unit_id"] == world.lead
    assert detail["reroutes"][0]["lead_unit_id"] == world.co and detail["reroutes"][0]["reason"] == "职责调整"
    assert detail["disputes"][0]["resolved_at"] is not None
    assert {(u["unit_id"], u["is_lead"], u["signed"]) for u in detail["units"]} == {
        (world.co, True, True), (world.other, False, False)}
    [event] = listener.wait("assignment.rerouted")
    p = event["payload"]
    assert p["previous_lead_unit_id"] == world.lead and p["lead_unit_id"] == world.co
    assert p["lead_unit_name"] == "市规划和自然资源委员会" and p["co_unit_ids"] == [world.other]
    # the office's corrected choice is what routing learns; the first one is retired
    with assignment_db.connect() as conn:
        rows = conn.execute(text("select unit_id, source, superseded from precedents where assignment_id=:a "
                                 "order by id"), {"a": a["id"]}).all()
    assert [tuple(r) for r in rows] == [(world.lead, "assigned", True), (world.co, "rerouted", False)]

    world.rpc.assignment.reply(unit_actor(world.co), a["id"], REPLY)
    with pytest.raises(Conflict):  # replied: too late to reroute
        world.rpc.assignment.reroute(OFFICE, a["id"], {"lead_unit_id": world.lead})


def test_reroute_to_a_unit_that_has_not_signed_needs_its_signature(world):
    a = world.signed()
    moved = world.rpc.assignment.reroute(OFFICE, a["id"], {"lead_unit_id": world.other})
    assert moved["state"] == "assigned" and moved["co_unit_ids"] == []
    with pytest.raises(Conflict):
        world.rpc.assignment.reply(unit_actor(world.other), a["id"], REPLY)
    world.rpc.assignment.sign(unit_actor(world.other), a["id"])
    assert world.rpc.assignment.reply(unit_actor(world.other), a["id"], REPLY)["round"] == 1


def test_a_reply_without_a_before_contact_is_flagged(world, amqp):
    listener = EventListener(amqp, "assignment.replied", "assignment.contact_added")
    bare, met = world.signed(), world.signed()
    with pytest.raises(ValidationFailed) as err:
        world.rpc.assignment.add_contact(unit_actor(world.lead), met["id"], {"stage": "soon", "method": "visit"})
    assert err.value.details[0]["field"] == "stage"
    c = world.rpc.assignment.add_contact(unit_actor(world.lead), met["id"],
                                         {"stage": "before", "method": "visit", "note": "走访代表了解诉求"})
    assert c["stage"] == "before" and c["method"] == "visit"

    world.rpc.assignment.reply(unit_actor(world.lead), bare["id"], REPLY)
    world.rpc.assignment.reply(unit_actor(world.lead), met["id"], REPLY)
    world.rpc.assignment.add_contact(unit_actor(world.lead), met["id"], {"stage": "after", "method": "phone"})

    assert world.get(bare["id"])["no_contact_before"] is True
    detail = world.get(met["id"])
    assert detail["no_contact_before"] is False
    assert [c["stage"] for c in detail["contacts"]] == ["before", "after"]
    replied = {e["payload"]["assignment_id"]: e["payload"] for e in listener.wait("assignment.replied", count=2)}
    assert replied[bare["id"]]["contact_before"] is False and replied[met["id"]]["contact_before"] is True
    assert replied[met["id"]]["follow_up"] is False and replied[met["id"]]["on_time"] is True
    [added] = [e for e in listener.wait("assignment.contact_added", count=2) if e["payload"]["stage"] == "before"]
    assert added["payload"]["method"] == "visit" and added["payload"]["assignment_id"] == met["id"]


def test_co_unit_opinions_go_in_before_the_lead_replies(world, amqp):
    listener = EventListener(amqp, "assignment.co_opinion_added")
    a = world.signed()
    o = world.rpc.assignment.add_opinion(unit_actor(world.co), a["id"], {"content": "规划上同意增设站点。"})
    assert o["on_time"] is True and o["round"] == 1
    with pytest.raises(Conflict):  # the lead replies, it gives no co-unit opinion
        world.rpc.assignment.add_opinion(unit_actor(world.lead), a["id"], {"content": "x"})
    with pytest.raises(NotFound):
        world.rpc.assignment.add_opinion(unit_actor(world.other), a["id"], {"content": "x"})
    world.rpc.assignment.reply(unit_actor(world.lead), a["id"], REPLY)
    with pytest.raises(Conflict):
        world.rpc.assignment.add_opinion(unit_actor(world.co), a["id"], {"content": "晚了"})
    assert [o["content"] for o in world.get(a["id"])["opinions"]] == ["规划上同意增设站点。"]
    [event] = listener.wait("assignment.co_opinion_added")
    assert event["payload"]["unit_id"] == world.co and event["payload"]["on_time"] is True


def test_reply_classes_follow_the_configured_scheme(start_service, rpc, amqp, assignment_db):
    start_service(AssignmentService, RESULT_CLASSES={"甲": "已解决", "乙": "计划解决", "丙": "暂不能解决"},
                  FOLLOW_UP_CLASSES=["乙"], DEADLINES={"reply": 30})
    world = World(rpc, amqp, assignment_db)
    a = world.signed()
    assert datetime.fromisoformat(a["due_at"]) == local_due(a["created_at"], 30)
    with pytest.raises(ValidationFailed) as err:
        rpc.assignment.reply(unit_actor(world.lead), a["id"], REPLY)  # "A" is not in this scheme
    assert err.value.details[0]["field"] == "result_class"
    r = rpc.assignment.reply(unit_actor(world.lead), a["id"], {**REPLY, "result_class": "乙"})
    assert r["result_class"] == "乙"
    f = rpc.assignment.follow_up(unit_actor(world.lead), a["id"], {"content": "已建成。", "signed_by": "王局长"})
    assert f["result_class"] == "甲" and f["follow_up_of"] == r["id"]


def test_follow_up_only_on_b_class_and_once(world, amqp):
    listener = EventListener(amqp, "assignment.followed_up", "assignment.replied")
    b, a_class = world.signed(), world.signed()
    with pytest.raises(Conflict):  # nothing replied yet
        world.rpc.assignment.follow_up(unit_actor(world.lead), b["id"], {"content": "x", "signed_by": "王"})
    world.rpc.assignment.reply(unit_actor(world.lead), b["id"], {**REPLY, "result_class": "B"})
    world.rpc.assignment.reply(unit_actor(world.lead), a_class["id"], REPLY)
    with pytest.raises(Conflict):
        world.rpc.assignment.follow_up(unit_actor(world.lead), a_class["id"], {"content": "x", "signed_by": "王"})
    with pytest.raises(Conflict):  # the co-unit does not reply
        world.rpc.assignment.follow_up(unit_actor(world.co), b["id"], {"content": "x", "signed_by": "王"})

    f = world.rpc.assignment.follow_up(unit_actor(world.lead), b["id"],
                                       {"content": "站点已建成投用。", "signed_by": "王局长"})

    assert f["result_class"] == "A" and f["follow_up_of"] is not None
    with pytest.raises(Conflict):
        world.rpc.assignment.follow_up(unit_actor(world.lead), b["id"], {"content": "x", "signed_by": "王"})
    detail = world.get(b["id"])
    assert detail["state"] == "replied" and [r["result_class"] for r in detail["replies"]] == ["B", "A"]
    [event] = listener.wait("assignment.followed_up")
    assert event["payload"]["reply_id"] == f["id"] and event["payload"]["follows_reply_id"] == f["follow_up_of"]
    replied = {e["payload"]["assignment_id"]: e["payload"] for e in listener.wait("assignment.replied", count=2)}
    assert replied[b["id"]]["follow_up"] is True and replied[a_class["id"]]["follow_up"] is False


def test_extension_asked_by_the_lead_and_decided_by_the_office(world, amqp):
    listener = EventListener(amqp, "assignment.extension_requested", "assignment.extension_decided")
    a = world.signed()
    due = datetime.fromisoformat(a["due_at"])
    with pytest.raises(Conflict):
        world.rpc.assignment.request_extension(unit_actor(world.co), a["id"], {"days": 30, "reason": "x"})
    with pytest.raises(ValidationFailed) as err:
        world.rpc.assignment.request_extension(unit_actor(world.lead), a["id"], {"days": 181, "reason": "x"})
    assert err.value.details[0]["field"] == "days"
    with pytest.raises(Conflict):  # nothing asked yet
        world.rpc.assignment.decide_extension(OFFICE, a["id"], {"approve": True})

    e = world.rpc.assignment.request_extension(unit_actor(world.lead), a["id"],
                                               {"days": 60, "reason": "需协调用地"})
    assert e["status"] == "pending"
    with pytest.raises(Conflict):  # one request at a time
        world.rpc.assignment.request_extension(unit_actor(world.lead), a["id"], {"days": 10, "reason": "x"})
    decided = world.rpc.assignment.decide_extension(OFFICE, a["id"], {"approve": True})
    assert decided["status"] == "approved"
    assert datetime.fromisoformat(world.get(a["id"])["due_at"]) == due + timedelta(days=60)

    world.rpc.assignment.request_extension(unit_actor(world.lead), a["id"], {"days": 100, "reason": "再延"})
    refused = world.rpc.assignment.decide_extension(OFFICE, a["id"], {"approve": False})
    assert refused["status"] == "refused"
    detail = world.get(a["id"])
    assert datetime.fromisoformat(detail["due_at"]) == due + timedelta(days=60)
    assert [x["status"] for x in detail["extensions"]] == ["approved", "refused"]
    with pytest.raises(ValidationFailed):  # 60 granted: at most 120 more
        world.rpc.assignment.request_extension(unit_actor(world.lead), a["id"], {"days": 121, "reason": "x"})

    [asked, _] = listener.wait("assignment.extension_requested", count=2)
    assert asked["payload"]["days"] == 60 and asked["payload"]["reason"] == "需协调用地"
    decisions = [e["payload"] for e in listener.wait("assignment.extension_decided", count=2)]
    assert [d["approved"] for d in decisions] == [True, False]
    assert datetime.fromisoformat(decisions[0]["due_at"]) == due + timedelta(days=60)


def test_urging_by_phone_and_by_letter_naming_how_late(world, amqp, move_clock):
    listener = EventListener(amqp, "assignment.urged")
    a = world.signed()
    phone = world.rpc.assignment.urge(LEADER, a["id"], {"method": "phone", "note": "请加快办理"})
    assert phone["days_late"] == 0 and phone["letter"] is None

    move_clock(96)  # due at the end of the 90th local day: 6 local calendar days later
    sent = world.rpc.assignment.urge(OFFICE, a["id"], {"method": "letter"})

    assert sent["days_late"] == 6 and sent["unit_id"] == world.lead and sent["others"] == []
    number = f"第{a['suggestion_id']:04d}号"
    assert "督办函" in sent["letter"] and number in sent["letter"] and "《关于增设公交站点的建议》" in sent["letter"]
    assert "市交通运输局：" in sent["letter"] and "已逾期6天" in sent["letter"] and "交由你单位主办" in sent["letter"]
    assert world.rpc.assignment.letter(OFFICE, a["id"])["letter"] == sent["letter"]
    assert [(u["method"], u["unit_id"]) for u in world.get(a["id"])["urgings"]] == [("phone", world.lead),
                                                                                    ("letter", world.lead)]
    events = [e["payload"] for e in listener.wait("assignment.urged", count=2)]
    assert [(p["method"], p["days_late"], p["unit_id"]) for p in events] == [("phone", 0, world.lead),
                                                                             ("letter", 6, world.lead)]
    world.rpc.assignment.reply(unit_actor(world.lead), a["id"], REPLY)
    with pytest.raises(Conflict):
        world.rpc.assignment.urge(OFFICE, a["id"], {"method": "phone"})


def test_urging_a_co_unit_sends_it_a_letter_of_its_own(world, amqp, move_clock):
    listener = EventListener(amqp, "assignment.urged")
    a = world.signed()
    move_clock(33)  # the co-unit's opinion was due at the end of the 30th local day
    sent = world.rpc.assignment.urge(OFFICE, a["id"], {"method": "letter", "unit_id": world.co, "note": "请尽快会签"})
    assert sent["unit_id"] == world.co and sent["unit_name"] == "市规划和自然资源委员会" and sent["days_late"] == 3
    lines = sent["letter"].splitlines()
    assert lines[2] == "市规划和自然资源委员会：" and "市交通运输局" not in sent["letter"]
    day = localtime.local_date(local_due(a["created_at"], 30), localtime.zone())
    assert f"交由你单位会办，会办意见期限为{day.year}年{day.month}月{day.day}日。" in sent["letter"]
    assert "已逾期3天，尚未提交会办意见" in sent["letter"] and "请尽快会签" in sent["letter"]
    preview = world.rpc.assignment.letter(OFFICE, a["id"], world.co)
    assert preview["unit_id"] == world.co and "市规划和自然资源委员会：" in preview["letter"]
    [event] = listener.wait("assignment.urged")
    p = event["payload"]
    assert (p["unit_id"], p["unit_name"], p["unit_role"], p["days_late"]) == (world.co, "市规划和自然资源委员会", "co", 3)
    assert p["lead_unit_id"] == world.lead and "市规划和自然资源委员会" in p["note"]
    [urging] = world.get(a["id"])["urgings"]
    assert urging["unit_id"] == world.co and urging["letter"] == sent["letter"]

    with pytest.raises(ValidationFailed) as err:  # a unit not on the assignment
        world.rpc.assignment.urge(OFFICE, a["id"], {"method": "phone", "unit_id": world.other})
    assert err.value.details[0]["field"] == "unit_id"
    world.rpc.assignment.add_opinion(unit_actor(world.co), a["id"], {"content": "同意主办单位意见"})
    phone = world.rpc.assignment.urge(OFFICE, a["id"], {"method": "phone", "unit_id": world.co})
    assert phone["days_late"] == 0  # its opinion is in: nothing of its own is late any more


def test_key_supervision_by_several_leaders_or_a_committee(world, amqp):
    listener = EventListener(amqp, "assignment.supervision_set")
    a, b, c = world.assign(), world.assign(), world.assign()
    two = world.rpc.assignment.set_supervision(OFFICE, a["suggestion_id"], {
        "leaders": [{"sub": "leader-zhang", "name": "张副主任"}, "leader-li"], "reason": "群众关注度高"})
    assert two["leaders"] == [{"sub": "leader-zhang", "name": "张副主任"}, {"sub": "leader-li", "name": None}]
    assert two["leader"] == "leader-zhang" and two["committee"] is None
    committee = world.rpc.assignment.set_supervision(OFFICE, b["suggestion_id"],
                                                     {"committee": "教科文卫委员会", "reason": "专门委员会重点督办"})
    assert committee["leaders"] == [] and committee["leader"] is None and committee["committee"] == "教科文卫委员会"
    with pytest.raises(ValidationFailed) as err:
        world.rpc.assignment.set_supervision(OFFICE, c["suggestion_id"], {"reason": "无人督办"})
    assert err.value.details[0]["field"] == "leaders"

    def listed(**filters):
        return [x["id"] for x in world.rpc.assignment.list(OFFICE, filters)["items"]]
    assert listed(leader="leader-li") == [a["id"]] and listed(leader="leader-zhang") == [a["id"]]
    assert listed(committee="教科文卫委员会") == [b["id"]] and listed(supervised=False) == [c["id"]]
    events = {e["payload"]["assignment_id"]: e["payload"] for e in listener.wait("assignment.supervision_set", 2)}
    assert [x["sub"] for x in events[a["id"]]["leaders"]] == ["leader-zhang", "leader-li"]
    assert events[b["id"]]["leaders"] == [] and events[b["id"]]["committee"] == "教科文卫委员会"
    assert "张副主任、leader-li领衔督办" in events[a["id"]]["note"]


def test_key_supervision_and_the_supervised_filter(world, amqp):
    listener = EventListener(amqp, "assignment.supervision_set")
    a, b = world.assign(), world.assign()
    s = world.rpc.assignment.set_supervision(OFFICE, a["suggestion_id"],
                                             {"leader": "张副主任", "committee": "城建环保委", "reason": "群众关注度高"})
    assert s["leader"] == "张副主任" and s["assignment_id"] == a["id"]
    with pytest.raises(Conflict):
        world.rpc.assignment.set_supervision(OFFICE, a["suggestion_id"], {"leader": "李", "reason": "x"})
    unassigned = world.accept()
    with pytest.raises(Conflict):
        world.rpc.assignment.set_supervision(OFFICE, unassigned, {"leader": "李", "reason": "x"})
    with pytest.raises(NotFound):
        world.rpc.assignment.set_supervision(OFFICE, 987654, {"leader": "李", "reason": "x"})

    assert [x["id"] for x in world.rpc.assignment.list(OFFICE, {"supervised": True})["items"]] == [a["id"]]
    assert [x["id"] for x in world.rpc.assignment.list(OFFICE, {"supervised": False})["items"]] == [b["id"]]
    assert world.get(a["id"])["supervision"]["committee"] == "城建环保委"
    [event] = listener.wait("assignment.supervision_set")
    assert event["payload"]["leader"] == "张副主任" and event["payload"]["suggestion_id"] == a["suggestion_id"]
    assert event["payload"]["leaders"] == [{"sub": "张副主任", "name": None}]  # the shorthand: one leader's sub


def test_a_unit_sees_only_its_own_assignments_and_filters_work(world, move_clock):
    mine = world.assign(co=False)
    theirs = world.rpc.assignment.assign(OFFICE, world.accept(), {"lead_unit_id": world.other})
    late = world.assign(co=False, due_at=(now() + timedelta(days=1)).isoformat())

    listed = world.rpc.assignment.list(unit_actor(world.lead), {})
    assert {x["id"] for x in listed["items"]} == {mine["id"], late["id"]}
    assert world.rpc.assignment.list(unit_actor(world.lead), {"unit_id": world.other})["total"] == 0
    assert [x["id"] for x in world.rpc.assignment.list(OFFICE, {"unit_id": world.other})["items"]] == [theirs["id"]]
    with pytest.raises(NotFound):
        world.get(theirs["id"], unit_actor(world.lead))
    with pytest.raises(NotFound):
        world.get(theirs["id"], {"role": "deputy", "deputy_id": 77, "sub": "d77"})

    move_clock(2)
    overdue = world.rpc.assignment.list(OFFICE, {"overdue": True})
    assert [x["id"] for x in overdue["items"]] == [late["id"]] and overdue["items"][0]["overdue"] is True
    detail = world.get(late["id"], unit_actor(world.lead))
    assert detail["overdue"] is True and detail["days_late"] == 1 and detail["lead_unit_name"] == "市交通运输局"
    for key in ("units", "contacts", "opinions", "replies", "urgings", "extensions", "reroutes", "disputes",
                "supervision", "no_contact_before", "dispute_until", "co_opinion_due_at"):
        assert key in detail
    assert world.rpc.assignment.list(OFFICE, {"state": "assigned", "overdue": False})["total"] == 2


def test_rehandling_is_due_one_month_after_a_dissatisfied_rating(world, amqp, assignment_db):
    a = world.signed()
    world.rpc.assignment.reply(unit_actor(world.lead), a["id"], REPLY)
    publish(amqp, envelope("evaluation.evaluated", {
        "assignment_id": a["id"], "suggestion_id": a["suggestion_id"], "round": 1, "satisfaction": "dissatisfied",
        "final": False, "deputy_id": 77, "lead_unit_id": world.lead}))
    detail = wait_for(lambda: (d := world.get(a["id"]))["state"] == "rehandling" and d, what="rehandling")
    assert detail["round"] == 2
    assert datetime.fromisoformat(detail["due_at"]) == local_due(now(), 30)
    second = world.rpc.assignment.reply(unit_actor(world.lead), a["id"], REPLY)
    assert second["round"] == 2
