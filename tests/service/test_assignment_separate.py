"""分办 in the assignment service on real PostgreSQL and RabbitMQ (issue 15): a separate assignment's
units each sign, reply with their own class and date, are rated, reopened and reminded on their
own; the real dates of assign, sign and reply; the office recording a unit's steps on its behalf."""
from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text

from services.assignment.service import AssignmentService
from services.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tests.service.assignment_world import OFFICE, REPLY, World, clock_mover, fresh_db, local_due, now, unit_actor
from tests.service.conftest import database_url
from tests.service.helpers import EventListener, envelope, publish, scalar, wait_for


@pytest.fixture
def assignment_db(db, amqp):
    return fresh_db(db)


@pytest.fixture
def move_clock(monkeypatch):
    return clock_mover(monkeypatch)


@pytest.fixture
def world(start_service, rpc, amqp, assignment_db):
    start_service(AssignmentService, DEADLINE_INTERVAL=0)  # the test runs the scheduler itself
    return World(rpc, amqp, assignment_db)


def separate(world, units, **extra) -> dict:
    sid = world.accept()
    return world.rpc.assignment.assign(OFFICE, sid, {"mode": "separate", "unit_ids": units, **extra})


def evaluated(a: dict, unit_id: int | None, round_: int, satisfaction: str, final: bool = False) -> dict:
    """evaluation.evaluated as the contract has it: ``unit_id`` is the handling unit whose reply was rated."""
    return envelope("evaluation.evaluated", {
        "assignment_id": a["id"], "suggestion_id": a["suggestion_id"], "round": round_,
        "satisfaction": satisfaction, "final": final, "deputy_id": 77, "lead_deputy_id": 77,
        "lead_unit_id": unit_id,  # an int whatever evaluation's model makes of it for a separate assignment
        "unit_id": unit_id, "number": None, "title": None, "actor": "deputy:77", "note": "评价"})


def places(world, a: dict) -> dict[int, dict]:
    return {u["unit_id"]: u for u in world.get(a["id"])["units"]}


def test_separate_assignment_validates_its_units_naming_the_field(world):
    sid = world.accept()
    cases = [({"mode": "separate", "unit_ids": [world.lead]}, "unit_ids"),
             ({"mode": "separate", "unit_ids": [world.lead, world.lead]}, "unit_ids"),
             ({"mode": "separate", "unit_ids": [world.lead, 999999]}, "unit_ids"),
             ({"mode": "separate", "unit_ids": [world.lead, world.co], "lead_unit_id": world.lead}, "lead_unit_id"),
             ({"mode": "separate", "unit_ids": [world.lead, world.co], "co_unit_ids": [world.other]}, "co_unit_ids"),
             ({"lead_unit_id": world.lead, "unit_ids": [world.co, world.other]}, "unit_ids"),
             ({"co_unit_ids": [world.co]}, "lead_unit_id"),
             ({"mode": "separate", "unit_ids": [world.lead, world.co],
               "assigned_at": (now() + timedelta(days=1)).isoformat()}, "assigned_at")]
    for body, field in cases:
        with pytest.raises(ValidationFailed) as err:
            world.rpc.assignment.assign(OFFICE, sid, body)
        assert err.value.details[0]["field"] == field, body
    with pytest.raises(Forbidden) as err:  # a real date is the office's to record
        world.rpc.assignment.assign({"role": "leader", "sub": "l1"}, sid, {
            "lead_unit_id": world.lead, "assigned_at": now().isoformat()})
    assert err.value.details[0]["field"] == "assigned_at"


def test_each_unit_signs_replies_and_is_rated_on_its_own(world, amqp):
    listener = EventListener(amqp, "assignment.*")
    assigned_at = now() - timedelta(days=40)
    a = separate(world, [world.lead, world.co, world.other], assigned_at=assigned_at.isoformat())
    due = local_due(assigned_at, 90)
    assert a["mode"] == "separate" and a["lead_unit_id"] is None and a["co_unit_ids"] == []
    assert a["state"] == "assigned" and a["due_at"] == due.isoformat()
    assert [(u["unit_id"], u["role"], u["state"], u["round"], u["due_at"]) for u in a["units"]] == [
        (u, "separate", "assigned", 1, due.isoformat()) for u in sorted([world.lead, world.co, world.other])]
    assert a["assigned_at"] == assigned_at.isoformat()

    # each unit signs for itself, or the office records it (paper work) with the real date
    world.rpc.assignment.sign(unit_actor(world.lead), a["id"])
    with pytest.raises(ValidationFailed) as err:  # the office must name the unit
        world.rpc.assignment.sign(OFFICE, a["id"], {})
    assert err.value.details[0]["field"] == "unit_id"
    with pytest.raises(ValidationFailed) as err:  # not before the assignment itself
        world.rpc.assignment.sign(OFFICE, a["id"], {"unit_id": world.co,
                                                     "signed_at": (assigned_at - timedelta(days=1)).isoformat()})
    assert err.value.details[0]["field"] == "signed_at"
    with pytest.raises(Forbidden):  # a unit acts only for itself, and records no real date
        world.rpc.assignment.sign(unit_actor(world.co), a["id"], {"unit_id": world.other})
    with pytest.raises(Forbidden):
        world.rpc.assignment.sign(unit_actor(world.co), a["id"], {"signed_at": now().isoformat()})
    signed_at = assigned_at + timedelta(days=3)
    after = world.rpc.assignment.sign(OFFICE, a["id"], {"unit_id": world.co, "signed_at": signed_at.isoformat()})
    assert after["state"] == "assigned"  # one unit has not signed yet
    world.rpc.assignment.sign(unit_actor(world.other), a["id"])
    assert world.get(a["id"])["state"] == "signed"

    # every unit replies with its own class; the office records one with its real date
    world.rpc.assignment.reply(unit_actor(world.lead), a["id"], REPLY)
    with pytest.raises(ValidationFailed) as err:  # not before that unit signed
        world.rpc.assignment.reply(OFFICE, a["id"], {**REPLY, "unit_id": world.co,
                                                     "replied_at": (signed_at - timedelta(days=1)).isoformat()})
    assert err.value.details[0]["field"] == "replied_at"
    replied_at = signed_at + timedelta(days=10)
    co_reply = world.rpc.assignment.reply(OFFICE, a["id"], {**REPLY, "result_class": "B", "unit_id": world.co,
                                                            "replied_at": replied_at.isoformat()})
    assert co_reply["unit_id"] == world.co and co_reply["at"] == replied_at.isoformat() and co_reply["on_time"]
    assert world.get(a["id"])["state"] == "signed"  # a unit still owes its reply
    world.rpc.assignment.reply(unit_actor(world.other), a["id"], {**REPLY, "result_class": "C"})
    with pytest.raises(Conflict):  # one reply per unit and round
        world.rpc.assignment.reply(unit_actor(world.other), a["id"], REPLY)
    detail = world.get(a["id"])
    assert detail["state"] == "replied"
    assert {r["unit_id"]: r["result_class"] for r in detail["replies"]} == {world.lead: "A", world.co: "B",
                                                                           world.other: "C"}
    assert places(world, a)[world.co]["replied_at"] == replied_at.isoformat()

    replies = {e["payload"]["unit_id"]: e for e in listener.wait("assignment.replied", 3)}
    p = replies[world.co]["payload"]
    assert p["mode"] == "separate" and p["lead_unit_id"] is None and p["on_behalf"] is True
    assert sorted(p["handling_unit_ids"]) == sorted([world.lead, world.co, world.other])
    assert p["round"] == 1 and p["due_at"] == due.isoformat() and p["replied_at"] == replied_at.isoformat()
    assert p["unit_name"] == "市规划和自然资源委员会" and p["result_class"] == "B"
    signs = {e["payload"]["unit_id"]: e["payload"] for e in listener.wait("assignment.signed", 3)}
    assert signs[world.co]["signed_at"] == signed_at.isoformat()

    # a dissatisfied rating of one unit's reply reopens that unit only
    publish(amqp, evaluated(a, world.co, 1, "dissatisfied"))
    wait_for(lambda: places(world, a)[world.co]["state"] == "rehandling", what="the co reply reopened")
    units = places(world, a)
    assert units[world.co]["round"] == 2 and units[world.lead]["state"] == "replied"
    assert units[world.other]["state"] == "replied" and units[world.other]["round"] == 1
    assert world.get(a["id"])["state"] == "rehandling"
    [opened] = listener.wait("assignment.rehandling_opened")
    assert opened["payload"]["unit_id"] == world.co and opened["payload"]["round"] == 2
    assert opened["payload"]["assignment_state"] == "rehandling"

    publish(amqp, evaluated(a, world.lead, 1, "satisfied"))
    publish(amqp, evaluated(a, world.other, 1, "basic"))
    publish(amqp, evaluated(a, world.other, 1, "basic"))  # a repeated rating changes nothing
    wait_for(lambda: places(world, a)[world.other]["state"] == "closed", what="two units closed")
    wait_for(lambda: places(world, a)[world.lead]["state"] == "closed", what="the lead unit closed")
    assert world.get(a["id"])["state"] == "rehandling"  # not closed while one unit handles again

    world.rpc.assignment.reply(unit_actor(world.co), a["id"], {**REPLY, "content": "已重新办理。"})
    publish(amqp, evaluated(a, world.co, 2, "satisfied"))
    wait_for(lambda: world.get(a["id"])["state"] == "closed", what="every unit closed")
    closed = listener.wait("assignment.closed", 3)
    assert sorted(e["payload"]["unit_id"] for e in closed) == sorted([world.lead, world.co, world.other])
    assert [e["payload"]["assignment_state"] for e in closed][-1] == "closed"


def test_the_office_records_contacts_and_follow_up_on_behalf_of_a_unit(world):
    a = separate(world, [world.lead, world.co])
    contact = {"stage": "before", "method": "visit", "note": "走访代表"}
    with pytest.raises(ValidationFailed) as err:
        world.rpc.assignment.add_contact(OFFICE, a["id"], contact)
    assert err.value.details[0]["field"] == "unit_id"
    with pytest.raises(ValidationFailed) as err:  # not a unit of this assignment
        world.rpc.assignment.add_contact(OFFICE, a["id"], {**contact, "unit_id": world.other})
    assert err.value.details[0]["field"] == "unit_id"
    with pytest.raises(NotFound):  # a unit not on it does not see it
        world.rpc.assignment.add_contact(unit_actor(world.other), a["id"], contact)
    c = world.rpc.assignment.add_contact(OFFICE, a["id"], {**contact, "unit_id": world.co})
    assert c["unit_id"] == world.co

    world.rpc.assignment.sign(OFFICE, a["id"], {"unit_id": world.co})
    r = world.rpc.assignment.reply(OFFICE, a["id"], {**REPLY, "result_class": "B", "unit_id": world.co})
    assert r["contact_before"] is True  # the contact the office recorded for it counts
    with pytest.raises(Conflict):  # the other unit has no reply to follow up
        world.rpc.assignment.follow_up(OFFICE, a["id"], {"content": "已完成", "signed_by": "李", "unit_id": world.lead})
    f = world.rpc.assignment.follow_up(OFFICE, a["id"], {"content": "已建成", "signed_by": "李", "unit_id": world.co})
    assert f["follow_up_of"] == r["id"] and f["unit_id"] == world.co


def test_overdue_and_extensions_per_handling_unit(world, amqp, move_clock):
    listener = EventListener(amqp, "assignment.overdue", "assignment.due_soon")
    a = separate(world, [world.lead, world.co])
    world.rpc.assignment.sign(unit_actor(world.lead), a["id"])
    world.rpc.assignment.sign(unit_actor(world.co), a["id"])
    world.rpc.assignment.reply(unit_actor(world.lead), a["id"], REPLY)
    world.rpc.assignment.request_extension(unit_actor(world.co), a["id"], {"days": 10, "reason": "需协调资金"})
    decided = world.rpc.assignment.decide_extension(OFFICE, a["id"], {"approve": True})
    assert decided["unit_id"] == world.co
    due = local_due(now(), 90)
    units = places(world, a)
    assert units[world.co]["due_at"] == (due + timedelta(days=10)).isoformat()
    assert units[world.lead]["due_at"] == due.isoformat()  # the other unit's due date stays

    move_clock(101)
    assert world.rpc.assignment.run_deadlines()["overdue"] == 1
    assert world.rpc.assignment.run_deadlines()["overdue"] == 0  # each reminder once per unit
    [late] = listener.wait("assignment.overdue")
    assert late["payload"]["unit_id"] == world.co and late["payload"]["due_at"] == units[world.co]["due_at"]
    assert "市规划和自然资源委员会" in late["payload"]["note"]
    assert {e["payload"]["unit_id"] for e in listener.received} == {world.co}  # the unit that replied: nothing
    detail = world.get(a["id"])
    assert detail["overdue"] is True and places(world, a)[world.co]["overdue"] is True
    assert places(world, a)[world.lead]["overdue"] is False
    listed = world.rpc.assignment.list(unit_actor(world.co), {"overdue": True})
    assert [i["id"] for i in listed["items"]] == [a["id"]]
    # the office's list by unit: the assignments where it is a separately-handling unit too
    for unit_id in (world.lead, world.co):
        by_unit = world.rpc.assignment.list(OFFICE, {"unit_id": unit_id})
        assert [i["id"] for i in by_unit["items"]] == [a["id"]] and by_unit["items"][0]["mode"] == "separate"
    assert world.rpc.assignment.list(OFFICE, {"unit_id": world.other})["items"] == []


def test_real_dates_make_due_dates_and_on_time(world):
    assigned_at = now() - timedelta(days=120)
    a = world.assign(assigned_at=assigned_at.isoformat())  # lead mode, assigned at the real 交办 meeting
    assert a["due_at"] == local_due(assigned_at, 90).isoformat() and a["overdue"] is True
    world.rpc.assignment.sign(OFFICE, a["id"], {"unit_id": world.lead,
                                                "signed_at": (assigned_at + timedelta(days=2)).isoformat()})
    with pytest.raises(Conflict):  # a co-unit does not reply in lead mode, recorded by the office or not
        world.rpc.assignment.reply(OFFICE, a["id"], {**REPLY, "unit_id": world.co})
    late = world.rpc.assignment.reply(OFFICE, a["id"], {**REPLY, "unit_id": world.lead,
                                                        "replied_at": (assigned_at + timedelta(days=95)).isoformat()})
    assert late["on_time"] is False
    b = world.assign(assigned_at=assigned_at.isoformat())
    world.rpc.assignment.sign(unit_actor(world.lead), b["id"])
    with pytest.raises(ValidationFailed) as err:  # not in the future
        world.rpc.assignment.reply(OFFICE, b["id"], {**REPLY, "unit_id": world.lead,
                                                     "replied_at": (now() + timedelta(hours=1)).isoformat()})
    assert err.value.details[0]["field"] == "replied_at"
    with pytest.raises(ValidationFailed) as err:  # signed today: a reply cannot come before
        world.rpc.assignment.reply(OFFICE, b["id"], {**REPLY, "unit_id": world.lead,
                                                     "replied_at": (assigned_at + timedelta(days=30)).isoformat()})
    assert err.value.details[0]["field"] == "replied_at"
    assert scalar(world.engine, "select count(*) from replies where assignment_id=:a", {"a": b["id"]}) == 0


def test_a_separate_assignment_is_rerouted_to_a_new_unit_set(world):
    a = separate(world, [world.lead, world.co])
    world.rpc.assignment.sign(unit_actor(world.co), a["id"])
    with pytest.raises(ValidationFailed) as err:  # the mode stays
        world.rpc.assignment.reroute(OFFICE, a["id"], {"lead_unit_id": world.co})
    assert err.value.details[0]["field"] == "lead_unit_id"
    moved = world.rpc.assignment.reroute(OFFICE, a["id"], {"unit_ids": [world.co, world.other], "reason": "职责调整"})
    assert moved["mode"] == "separate" and {u["unit_id"]: u["state"] for u in moved["units"]} == {
        world.co: "signed", world.other: "assigned"}  # the unit that stays keeps its signature
    with pytest.raises(NotFound):
        world.get(a["id"], unit_actor(world.lead))
    detail = world.get(a["id"])
    assert detail["reroutes"][0]["previous_unit_ids"] == sorted([world.lead, world.co])
    assert detail["reroutes"][0]["unit_ids"] == [world.co, world.other]
    world.rpc.assignment.sign(unit_actor(world.other), a["id"])
    world.rpc.assignment.reply(unit_actor(world.other), a["id"], REPLY)
    with pytest.raises(Conflict):  # a unit has replied: no more reroutes
        world.rpc.assignment.reroute(OFFICE, a["id"], {"unit_ids": [world.co, world.lead]})


def test_get_for_evaluation_answers_for_one_handling_unit(world):
    a = separate(world, [world.lead, world.co], due_at=(now() + timedelta(days=50)).isoformat())
    world.rpc.assignment.sign(unit_actor(world.co), a["id"])
    world.rpc.assignment.reply(unit_actor(world.co), a["id"], REPLY)
    facts = world.rpc.assignment.get_for_evaluation(a["id"], world.co)
    assert facts["unit_id"] == world.co and facts["state"] == "replied" and facts["round"] == 1
    assert facts["mode"] == "separate" and facts["assignment_state"] == "assigned"
    assert world.rpc.assignment.get_for_evaluation(a["id"], world.lead)["state"] == "assigned"
    assert world.rpc.assignment.get_for_evaluation(a["id"], world.other) is None
    lead_mode = world.signed()
    assert world.rpc.assignment.get_for_evaluation(lead_mode["id"])["unit_id"] == world.lead


def test_the_migration_keeps_lead_mode_assignments_as_they_were(db):
    """7e3a51c9d2b4 back-fills each lead unit's own state, round, due date and reply from its assignment."""
    engine = fresh_db(db)
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).resolve().parents[2] / "services/assignment/migrations"))
    cfg.set_main_option("sqlalchemy.url", database_url("assignment"))
    at, due = now() - timedelta(days=30), now() + timedelta(days=60)
    command.downgrade(cfg, "d41f0a7c2e15")
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO units (id, name, code, duties, keywords, categories) VALUES "
                              "(1, '市交通运输局', 'JT', '', '[]', '[]'), (2, '市财政局', 'CZ', '', '[]', '[]')"))
            conn.execute(text("INSERT INTO assignments (id, suggestion_id, lead_unit_id, co_unit_ids, state, round, "
                              "due_at, created_at, routed_at, supervised, replied_at) VALUES "
                              "(1, 1, 1, '[2]', 'replied', 1, :due, :at, :at, false, :at)"), {"due": due, "at": at})
            conn.execute(text("INSERT INTO assignment_units (assignment_id, unit_id, is_lead, signed_at) VALUES "
                              "(1, 1, true, :at), (1, 2, false, NULL)"), {"at": at})
            conn.execute(text("INSERT INTO deadline_marks (assignment_id, due_at, kind, threshold, published, at) "
                              "VALUES (1, :due, 'due_soon', 14, true, :at)"), {"due": due, "at": at})
    finally:
        command.upgrade(cfg, "head")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT mode, assigned_at FROM assignments")).one() == ("lead", at)
        places = conn.execute(text("SELECT unit_id, role, state, round, due_at, replied_at FROM assignment_units "
                                   "ORDER BY unit_id")).all()
        assert [tuple(p) for p in places] == [(1, "lead", "replied", 1, due, at), (2, "co", None, None, None, None)]
        assert conn.execute(text("SELECT unit_id FROM deadline_marks")).scalar() == 1
    truncate_all = fresh_db(db)  # leave the database as the other tests expect it
    assert scalar(truncate_all, "SELECT count(*) FROM assignments") == 0
