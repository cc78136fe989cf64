"""Issue 15, "filters never silently ignored": the assignments list by session, kind and key
supervision (supervised, leader, committee), each filter applied and echoed."""
import pytest

from services.assignment.service import AssignmentService
from tests.service.assignment_world import OFFICE, World, fresh_db, unit_actor

OTHER_SESSION = "十六届二次"


@pytest.fixture
def world(start_service, rpc, amqp, db):
    engine = fresh_db(db)
    start_service(AssignmentService)
    return World(rpc, amqp, engine)


def ids(answer: dict) -> list[int]:
    return sorted(item["id"] for item in answer["items"])


def supervise(world, a: dict, leader: str, committee: str | None = None) -> None:
    world.rpc.assignment.set_supervision(OFFICE, a["suggestion_id"],
                                         {"leader": leader, "committee": committee, "reason": "群众关注度高"})


def test_supervised_leader_and_committee_lists_are_scoped_by_session(world):
    mine = world.assign()
    committee_only = world.assign()
    other_session = world.assign(session=OTHER_SESSION)
    plain = world.assign()
    supervise(world, mine, "张副主任")
    supervise(world, committee_only, "李副主任", "城建环保委")
    supervise(world, other_session, "张副主任")
    listing = world.rpc.assignment.list

    # another session's supervised item does not leak into this session's list
    answer = listing(OFFICE, {"supervised": True, "session": "十六届三次"})
    assert ids(answer) == sorted([mine["id"], committee_only["id"]])
    assert answer["filters"] == {"supervised": True, "session": "十六届三次"}
    assert ids(listing(OFFICE, {"supervised": False, "session": "十六届三次"})) == [plain["id"]]
    # a leader's own items: two of four supervised, one of them in this session
    assert ids(listing(OFFICE, {"leader": "张副主任"})) == sorted([mine["id"], other_session["id"]])
    assert ids(listing(OFFICE, {"leader": "张副主任", "session": "十六届三次"})) == [mine["id"]]
    assert ids(listing(OFFICE, {"committee": "城建环保委"})) == [committee_only["id"]]
    assert listing(OFFICE, {"leader": "无此人"})["total"] == 0


def test_kind_filters_assignments_and_a_unit_gets_its_own_unit_echoed(world):
    session_item = world.assign(co=False)
    recess_item = world.assign(co=False, kind="recess")
    listing = world.rpc.assignment.list
    assert ids(listing(OFFICE, {"kind": "recess"})) == [recess_item["id"]]
    assert ids(listing(OFFICE, {"kind": "session"})) == [session_item["id"]]
    answer = listing(unit_actor(world.lead), {"kind": "recess"})
    assert ids(answer) == [recess_item["id"]]
    assert answer["filters"] == {"kind": "recess", "unit_id": world.lead}


def test_a_unit_lists_by_its_role_and_by_deadline(world):
    """The unit clerk's list: lead or co-unit items only, nearest deadline first (the console's 承办件)."""
    late = world.assign(due_at="2027-06-30T00:00:00+08:00")
    soon = world.assign(due_at="2027-01-31T00:00:00+08:00")
    led_by_co = world.assign(co=False, lead_unit_id=world.co, due_at="2027-03-31T00:00:00+08:00")
    listing = world.rpc.assignment.list
    co_unit = unit_actor(world.co)
    answer = listing(co_unit, {"role": "co"})
    assert ids(answer) == sorted([late["id"], soon["id"]])
    assert answer["filters"] == {"role": "co", "unit_id": world.co}
    assert ids(listing(co_unit, {"role": "lead"})) == [led_by_co["id"]]
    by_deadline = listing(co_unit, {"sort": "due_at"})
    assert [a["id"] for a in by_deadline["items"]] == [soon["id"], led_by_co["id"], late["id"]]
    latest_first = listing(co_unit, {"sort": "-due_at"})["items"]
    assert [a["id"] for a in latest_first] == [late["id"], led_by_co["id"], soon["id"]]
    # staff: a named unit's role
    assert ids(listing(OFFICE, {"unit_id": world.lead, "role": "lead"})) == sorted([late["id"], soon["id"]])
