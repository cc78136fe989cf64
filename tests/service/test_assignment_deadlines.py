"""The deadline scheduler and routing recommendation on real PostgreSQL and RabbitMQ (issue 4).

Two replicas of the assignment service run their timers and take scheduler calls
at once: every due_soon/overdue reminder is still published exactly once.
"""
from collections import Counter
from datetime import timedelta

import pytest
from prometheus_client import REGISTRY

from services.assignment.service import AssignmentService
from services.common.clock import now
from services.common.errors import NotFound
from services.common.service_base import rpc as service_rpc
from tests.service.helpers import EventListener
from tests.service.assignment_world import OFFICE, REPLY, World, clock_mover, fresh_db, unit_actor


@pytest.fixture
def assignment_db(db, amqp):
    return fresh_db(db)


@pytest.fixture
def move_clock(monkeypatch):
    return clock_mover(monkeypatch)


def reminders(listener: EventListener) -> Counter:
    return Counter((e["payload"]["assignment_id"], e["type"].split(".")[1], e["payload"].get("threshold", 0))
                   for e in listener.received if e["type"] in ("assignment.due_soon", "assignment.overdue"))


def test_two_replicas_publish_each_reminder_exactly_once(start_service, rpc, amqp, assignment_db, move_clock):
    setup = start_service(AssignmentService, DEADLINE_INTERVAL=0)  # no timer while the data goes in
    listener = EventListener(amqp, "assignment.due_soon", "assignment.overdue")
    world = World(rpc, amqp, assignment_db)
    at = now()
    due = {days: world.assign(co=False, due_at=(at + timedelta(days=days, hours=1)).isoformat())["id"]
           for days in (20, 10, 2)}
    late = world.assign(co=False, due_at=(at - timedelta(days=4)).isoformat())["id"]
    replied = world.assign(co=False, due_at=(at + timedelta(days=1)).isoformat())["id"]
    world.rpc.assignment.sign(unit_actor(world.lead), replied)
    world.rpc.assignment.reply(unit_actor(world.lead), replied, REPLY)
    setup.stop()
    for _ in range(2):  # two replicas, each with its timer, and scheduler calls spread over both
        start_service(AssignmentService, DEADLINE_INTERVAL=0.05)

    calls = [rpc.assignment.run_deadlines.call_async() for _ in range(8)]  # spread over both replicas
    [call.result() for call in calls]
    expected = {(due[10], "due_soon", 14): 1, (due[2], "due_soon", 3): 1, (late, "overdue", 0): 1}
    for type_, count in (("assignment.due_soon", 2), ("assignment.overdue", 1)):
        listener.wait(type_, count)
    listener.settle(1.5)  # the timers keep running: a duplicate would show up here
    assert reminders(listener) == expected
    payloads = {e["payload"]["assignment_id"]: e["payload"] for e in listener.received}
    assert payloads[due[2]]["days_left"] == 3 and payloads[due[10]]["days_left"] == 11
    assert payloads[late]["days_late"] == 4 and payloads[late]["number"] and payloads[late]["lead_unit_name"]

    move_clock(9)  # 20 → 11 days left, 10 → 1 left, 2 → a week late
    [call.result() for call in [rpc.assignment.run_deadlines.call_async() for _ in range(8)]]
    listener.wait("assignment.due_soon", 4)
    listener.wait("assignment.overdue", 2)
    listener.settle(1.5)
    assert reminders(listener) == {**expected, (due[20], "due_soon", 14): 1, (due[10], "due_soon", 3): 1,
                                   (due[2], "overdue", 0): 1}


def test_a_new_due_date_gets_its_own_reminders(start_service, rpc, amqp, assignment_db, move_clock):
    start_service(AssignmentService, DEADLINE_INTERVAL=0)
    listener = EventListener(amqp, "assignment.due_soon", "assignment.overdue")
    world = World(rpc, amqp, assignment_db)
    a = world.signed(due_at=(now() + timedelta(days=2)).isoformat())
    assert rpc.assignment.run_deadlines()["due_soon"] == 1
    assert rpc.assignment.run_deadlines() == {"due_soon": 0, "overdue": 0, "checked": 0}
    rpc.assignment.request_extension(unit_actor(world.lead), a["id"], {"days": 30, "reason": "需要更多时间"})
    rpc.assignment.decide_extension(OFFICE, a["id"], {"approve": True})
    move_clock(20)  # the new due date is 12 days away
    assert rpc.assignment.run_deadlines(at=None)["due_soon"] == 1
    assert rpc.assignment.run_deadlines(at=(now() + timedelta(days=30)).isoformat())["overdue"] == 1
    listener.wait("assignment.overdue")
    assert [(e["type"], e["payload"].get("threshold")) for e in listener.settle(0.5)] == [
        ("assignment.due_soon", 3), ("assignment.due_soon", 14), ("assignment.overdue", None)]


# -- routing recommendation -----------------------------------------------------------------

class NoSuggestions:
    """Stands in for the suggestion service: it knows no suggestion."""
    name = "suggestion"

    @service_rpc
    def get_for_assignment(self, suggestion_id):
        return None


def builds() -> float:
    return REGISTRY.get_sample_value("lianxin_routing_model_builds_total", {"service": "assignment"}) or 0.0


@pytest.fixture
def routed(start_service, rpc, amqp, assignment_db):
    start_service(AssignmentService)
    start_service(NoSuggestions)
    return World(rpc, amqp, assignment_db)


def test_routing_ranks_the_matching_unit_first_best_first(routed, rpc):
    sid = routed.accept("关于增开夜间公交线路的建议", "transport")
    answer = rpc.assignment.routing(OFFICE, sid)
    candidates = answer["candidates"]
    assert candidates and candidates[0]["unit_id"] == routed.lead
    assert candidates[0]["unit_name"] == "市交通运输局" and candidates[0]["reasons"]
    assert all(isinstance(r, str) for c in candidates for r in c["reasons"])
    scores = [c["score"] for c in candidates]
    assert scores == sorted(scores, reverse=True) and len(candidates) <= 5
    with pytest.raises(NotFound):
        rpc.assignment.routing(OFFICE, 987654)


def test_routing_model_is_cached_and_rebuilt_when_units_or_precedents_change(routed, rpc):
    title = "关于在滨河公园增设健身步道的建议"
    sid = routed.accept(title, "other")
    rpc.assignment.routing(OFFICE, sid)
    built = builds()
    rpc.assignment.routing(OFFICE, sid)
    assert builds() == built  # nothing changed: the same model

    new_unit = rpc.assignment.register_unit(OFFICE, {"name": "市园林绿化局", "code": "YL", "duties": "公园绿地",
                                                     "keywords": ["公园", "步道"], "categories": ["urban"]})["id"]
    after_unit = {c["unit_id"]: c["score"] for c in rpc.assignment.routing(OFFICE, sid)["candidates"]}
    assert builds() == built + 1 and new_unit in after_unit

    # the office sends a similar suggestion to 财政局 (the other unit): routing learns from it
    before = {c["unit_id"]: c["score"] for c in rpc.assignment.routing(OFFICE, sid)["candidates"]}
    earlier = routed.accept(title, "other")
    rpc.assignment.assign(OFFICE, earlier, {"lead_unit_id": routed.other})
    after = {c["unit_id"]: c["score"] for c in rpc.assignment.routing(OFFICE, sid)["candidates"]}
    assert builds() == built + 2
    assert after.get(routed.other, 0) > before.get(routed.other, 0)
