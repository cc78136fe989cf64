"""The assignment service on real PostgreSQL and RabbitMQ: units, 交办, 签收, 答复, rehandling."""
import time
from datetime import datetime, timezone

import pytest
from kombu import Queue
from nameko.rpc import get_rpc_exchange
from prometheus_client import REGISTRY
from sqlalchemy import text

from services.assignment.service import AssignmentService
from services.common.errors import Conflict, NotFound, Unavailable, ValidationFailed
from services.common.service_base import rpc as service_rpc
from tests.service.assignment_world import local_due
from tests.service.conftest import truncate
from tests.service.helpers import EventListener, envelope, publish, wait_for

OFFICE = {"role": "office", "sub": "office1"}
# suggestion ids far from those other service tests create, as events outlive a test in shared queues
SID = 5001
TITLE = "关于解决某小区居民公交出行问题的建议"


def accepted_payload(suggestion_id: int = SID, **extra) -> dict:
    payload = {"suggestion_id": suggestion_id, "number_label": f"第{suggestion_id:04d}号",
               "session": "十六届三次", "title": TITLE, "category": "transport", "lead_deputy_id": 77,
               "co_signer_ids": [78, 79], "status": "accepted", "kind": "session", "number": suggestion_id,
               "at": "2024-03-10T09:30:00+00:00"}
    payload.update(extra)
    return payload


def unit_actor(unit_id: int) -> dict:
    return {"role": "unit", "unit_id": unit_id, "sub": f"unit{unit_id}"}


@pytest.fixture
def assignment_db(db, amqp):
    engine = db("assignment")
    truncate(engine, "units", "suggestion_facts", "assignments", "assignment_units", "replies", "outbox",
             "processed_events", "dead_letters")
    return engine


@pytest.fixture
def units(start_service, rpc, assignment_db):
    """The service running with three units: 交通 (lead), 规划 and 财政 (co-units)."""
    start_service(AssignmentService)
    return [rpc.assignment.register_unit(OFFICE, {"name": name, "code": code, "duties": duties})["id"]
            for name, code, duties in (("市交通运输局", "JT", "公交线路"), ("市规划局", "GH", "城市规划"),
                                       ("市财政局", "CZ", "财政资金"))]


def accept(amqp, engine, suggestion_id: int = SID, **extra) -> None:
    publish(amqp, envelope("suggestion.accepted", accepted_payload(suggestion_id, **extra)))

    def projected():
        with engine.connect() as conn:
            return conn.execute(text("select 1 from suggestion_facts where suggestion_id=:s"),
                                {"s": suggestion_id}).first()
    wait_for(projected, what=f"suggestion {suggestion_id} projected")


def state(engine, assignment_id: int) -> tuple:
    with engine.connect() as conn:
        return tuple(conn.execute(text("select state, round from assignments where id=:i"),
                                  {"i": assignment_id}).one())


def assigned(rpc, amqp, engine, units) -> dict:
    lead, co1, co2 = units
    accept(amqp, engine)
    return rpc.assignment.assign(OFFICE, SID, {"lead_unit_id": lead, "co_unit_ids": [co1, co2]})


REPLY = {"result_class": "A", "content": "已增开公交线路一条。", "signed_by": "王局长"}


def test_register_unit_rejects_a_duplicate_code_and_a_bad_email(start_service, rpc, assignment_db):
    start_service(AssignmentService)
    unit = rpc.assignment.register_unit(OFFICE, {"name": "市交通运输局", "code": "JT", "duties": "交通",
                                                 "email": "jt@example.gov.cn"})
    assert unit["id"] and unit["code"] == "JT" and unit["email"] == "jt@example.gov.cn"

    with pytest.raises(Conflict):
        rpc.assignment.register_unit(OFFICE, {"name": "另一个交通局", "code": "JT"})
    with pytest.raises(ValidationFailed) as err:
        rpc.assignment.register_unit(OFFICE, {"name": "市规划局", "code": "GH", "email": "not-an-email"})
    assert [d["field"] for d in err.value.details] == ["email"]
    assert rpc.assignment.list_units(OFFICE)["total"] == 1


def test_units_are_found_by_a_part_of_their_name_or_code(start_service, rpc, assignment_db):
    start_service(AssignmentService)
    for name, code in (("市交通运输局", "JT-1"), ("市水务局", "sw_2"), ("市规划局", "GH%3")):
        rpc.assignment.register_unit(OFFICE, {"name": name, "code": code})
    found = lambda q: [u["code"] for u in rpc.assignment.list_units(OFFICE, 50, 0, q)["items"]]  # noqa: E731
    assert found("交通") == ["JT-1"] and found("SW") == ["sw_2"]
    assert found("_") == ["sw_2"] and found("%") == ["GH%3"]  # the wildcards are taken as typed
    assert found(None) == ["JT-1", "sw_2", "GH%3"]
    assert rpc.assignment.list_units(OFFICE, 1, 0, "局")["total"] == 3


def test_the_same_code_registered_at_once_is_one_unit_and_conflicts(start_service, rpc, assignment_db):
    start_service(AssignmentService)
    replies = [rpc.assignment.register_unit.call_async(OFFICE, {"name": f"市水务局{i}", "code": "SW"})
               for i in range(6)]
    outcomes = []
    for reply in replies:
        try:
            outcomes.append(reply.result()["code"])
        except Conflict:
            outcomes.append("conflict")
    assert sorted(outcomes) == ["SW"] + ["conflict"] * 5
    assert rpc.assignment.list_units(OFFICE)["total"] == 1


def test_assign_with_no_suggestion_service_ever_started_is_unavailable(rpc, amqp, assignment_db, units):
    amqp.default_channel.queue_delete("rpc-suggestion")  # as on a system where it never ran
    with pytest.raises(Unavailable):
        rpc.assignment.assign(OFFICE, SID + 4, {"lead_unit_id": units[0]})


def test_assign_after_accepted_event_publishes_assigned(rpc, amqp, assignment_db, units):
    listener = EventListener(amqp, "assignment.assigned")
    lead, co1, co2 = units

    a = assigned(rpc, amqp, assignment_db, units)

    assert a["state"] == "assigned" and a["lead_unit_id"] == lead and a["co_unit_ids"] == [co1, co2]
    [event] = listener.wait("assignment.assigned")
    p = event["payload"]
    assert p["assignment_id"] == a["id"] and p["suggestion_id"] == SID
    assert p["number"] == f"第{SID:04d}号" and p["title"] == TITLE and p["lead_deputy_id"] == 77
    assert p["lead_unit_name"] == "市交通运输局" and p["co_unit_ids"] == [co1, co2]


def test_assign_rejects_bad_units_and_a_second_assignment(rpc, amqp, assignment_db, units):
    lead, co1, _ = units
    accept(amqp, assignment_db)

    with pytest.raises(ValidationFailed) as err:
        rpc.assignment.assign(OFFICE, SID, {"lead_unit_id": lead, "co_unit_ids": [co1, lead]})
    assert err.value.details[0]["field"] == "co_unit_ids"
    with pytest.raises(ValidationFailed) as err:
        rpc.assignment.assign(OFFICE, SID, {"lead_unit_id": 999999, "co_unit_ids": []})
    assert err.value.details[0]["field"] == "lead_unit_id"
    with pytest.raises(ValidationFailed) as err:
        rpc.assignment.assign(OFFICE, SID, {"lead_unit_id": lead, "co_unit_ids": [999999]})
    assert err.value.details[0]["field"] == "co_unit_ids"

    rpc.assignment.assign(OFFICE, SID, {"lead_unit_id": lead, "co_unit_ids": [co1]})
    with pytest.raises(Conflict):
        rpc.assignment.assign(OFFICE, SID, {"lead_unit_id": co1, "co_unit_ids": []})
    with assignment_db.connect() as conn:
        assert conn.execute(text("select count(*) from assignments")).scalar() == 1


def test_assign_takes_a_due_date_with_offset_only(rpc, amqp, assignment_db, units):
    accept(amqp, assignment_db)
    with pytest.raises(ValidationFailed) as err:  # naive: which time zone?
        rpc.assignment.assign(OFFICE, SID, {"lead_unit_id": units[0], "due_at": "2030-01-01T00:00:00"})
    assert [d["field"] for d in err.value.details] == ["due_at"]

    a = rpc.assignment.assign(OFFICE, SID, {"lead_unit_id": units[0], "due_at": "2030-01-01T00:00:00+08:00"})

    assert datetime.fromisoformat(a["due_at"]) == datetime(2029, 12, 31, 16, tzinfo=timezone.utc)
    assert a["overdue"] is False


def test_default_due_date_is_three_months_on(rpc, amqp, assignment_db, units):
    a = assigned(rpc, amqp, assignment_db, units)
    # 90 local days on, at 23:59:59 Beijing time (issue 15)
    assert datetime.fromisoformat(a["due_at"]) == local_due(a["created_at"], 90)


def test_concurrent_assigns_give_one_assignment_and_conflicts(rpc, amqp, assignment_db, units):
    accept(amqp, assignment_db)
    calls = [rpc.assignment.assign.call_async(OFFICE, SID, {"lead_unit_id": units[i % 3]}) for i in range(6)]
    outcomes = []
    for call in calls:
        try:
            outcomes.append(call.result()["state"])
        except Conflict:  # not a RemoteError from a unique-key violation
            outcomes.append("conflict")
    assert sorted(outcomes) == ["assigned"] + ["conflict"] * 5


class FakeSuggestionService:
    """Stands in for the suggestion service: answers get_for_assignment only."""
    name = "suggestion"

    @service_rpc
    def get_for_assignment(self, suggestion_id):
        if suggestion_id != SID + 1:
            return None
        return accepted_payload(suggestion_id, title="关于尚未投影的建议的建议")


def test_assign_before_accepted_event_asks_suggestion_service(start_service, rpc, amqp, assignment_db, units):
    start_service(FakeSuggestionService)
    lead = units[0]

    a = rpc.assignment.assign(OFFICE, SID + 1, {"lead_unit_id": lead})

    assert a["suggestion_id"] == SID + 1 and a["state"] == "assigned"
    with assignment_db.connect() as conn:
        facts = conn.execute(text("select title, status from suggestion_facts where suggestion_id=:s"),
                             {"s": SID + 1}).one()
    assert tuple(facts) == ("关于尚未投影的建议的建议", "assigned")
    with pytest.raises(NotFound):  # the suggestion service does not know it
        rpc.assignment.assign(OFFICE, SID + 2, {"lead_unit_id": lead})


def test_assign_before_accepted_event_with_suggestion_down_is_unavailable(rpc, amqp, assignment_db, units):
    # the suggestion service is down but its durable RPC queue is there, as after a crash
    channel = amqp.channel()
    rpc_queue = Queue("rpc-suggestion", exchange=get_rpc_exchange({}), routing_key="suggestion.*",
                      durable=True)(channel)
    rpc_queue.declare()
    try:
        started = time.monotonic()
        with pytest.raises(Unavailable):
            rpc.assignment.assign(OFFICE, SID + 3, {"lead_unit_id": units[0]})
        assert time.monotonic() - started < 6  # the 3 s deadline, not the caller's 10 s
    finally:
        rpc_queue.delete()
        channel.close()
    with assignment_db.connect() as conn:
        assert conn.execute(text("select count(*) from assignments")).scalar() == 0


def test_sign_and_reply_rules(rpc, amqp, assignment_db, units):
    listener = EventListener(amqp, "assignment.replied", "assignment.signed")
    lead, co1, _ = units
    a = assigned(rpc, amqp, assignment_db, units)
    stranger = rpc.assignment.register_unit(OFFICE, {"name": "市教育局", "code": "JY"})["id"]

    with pytest.raises(NotFound):
        rpc.assignment.sign(unit_actor(stranger), a["id"])
    with pytest.raises(Conflict):  # not signed yet
        rpc.assignment.reply(unit_actor(lead), a["id"], REPLY)

    assert rpc.assignment.sign(unit_actor(co1), a["id"])["state"] == "assigned"
    with pytest.raises(Conflict):  # a co-unit gives opinions, not the reply
        rpc.assignment.reply(unit_actor(co1), a["id"], REPLY)
    assert rpc.assignment.sign(unit_actor(lead), a["id"])["state"] == "signed"
    with pytest.raises(Conflict):
        rpc.assignment.sign(unit_actor(lead), a["id"])

    r = rpc.assignment.reply(unit_actor(lead), a["id"], REPLY)

    assert r["round"] == 1 and r["result_class"] == "A" and r["on_time"] is True
    [event] = listener.wait("assignment.replied")
    p = event["payload"]
    assert p["assignment_id"] == a["id"] and p["state"] == "replied" and p["round"] == 1
    assert p["result_class"] == "A" and p["on_time"] is True and p["lead_deputy_id"] == 77
    signed = listener.wait("assignment.signed", count=2)
    assert sorted(e["payload"]["is_lead"] for e in signed) == [False, True]
    with pytest.raises(Conflict):  # replied once; the next reply waits for a rating
        rpc.assignment.reply(unit_actor(lead), a["id"], REPLY)


def evaluated(assignment_id: int, round_: int, satisfaction: str, final: bool) -> dict:
    return envelope("evaluation.evaluated", {
        "assignment_id": assignment_id, "suggestion_id": SID, "round": round_, "satisfaction": satisfaction,
        "final": final, "deputy_id": 77, "lead_unit_id": 1, "number": f"第{SID:04d}号", "title": TITLE})


def test_dissatisfied_rating_opens_rehandling_then_final_rating_closes(rpc, amqp, assignment_db, units):
    listener = EventListener(amqp, "assignment.rehandling_opened", "assignment.closed")
    lead = units[0]
    a = assigned(rpc, amqp, assignment_db, units)
    rpc.assignment.sign(unit_actor(lead), a["id"])
    rpc.assignment.reply(unit_actor(lead), a["id"], REPLY)

    first = evaluated(a["id"], 1, "dissatisfied", final=False)
    publish(amqp, first)
    wait_for(lambda: state(assignment_db, a["id"]) == ("rehandling", 2), what="rehandling round 2")
    [opened] = listener.wait("assignment.rehandling_opened")
    assert opened["payload"]["round"] == 2 and opened["payload"]["state"] == "rehandling"

    second = rpc.assignment.reply(unit_actor(lead), a["id"], {**REPLY, "result_class": "B"})
    assert second["round"] == 2
    final = evaluated(a["id"], 2, "dissatisfied", final=True)
    publish(amqp, final)
    wait_for(lambda: state(assignment_db, a["id"]) == ("closed", 2), what="closed")
    [closed] = listener.wait("assignment.closed")
    assert closed["payload"]["assignment_id"] == a["id"]

    # at-least-once delivery: both ratings again, and one re-sent under a new event id
    duplicates, events = handled("duplicate"), processed(assignment_db)
    publish(amqp, first)
    publish(amqp, final)
    publish(amqp, evaluated(a["id"], 2, "satisfied", final=True))
    wait_for(lambda: handled("duplicate") == duplicates + 2, what="duplicates skipped")
    wait_for(lambda: processed(assignment_db) == events + 1, what="re-sent rating handled")
    time.sleep(0.3)
    assert state(assignment_db, a["id"]) == ("closed", 2)
    with assignment_db.connect() as conn:
        assert conn.execute(text("select count(*) from outbox where type in "
                                 "('assignment.rehandling_opened', 'assignment.closed')")).scalar() == 2
        assert conn.execute(text("select count(*) from dead_letters")).scalar() == 0


def handled(outcome: str) -> float:
    """The in-process counter of evaluated events the assignment consumer handled with ``outcome``."""
    labels = {"consumer": "assignment", "type": "evaluation.evaluated", "outcome": outcome}
    return REGISTRY.get_sample_value("lianxin_events_handled_total", labels) or 0.0


def processed(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("select count(*) from processed_events")).scalar()
