"""What the units of an assignment need beyond handling it (issue 15), on real PostgreSQL and
RabbitMQ: the lead deputy's contact details for 面商 (the roster's projection), and the files
of a reply (the signed 答复函)."""
import pytest

from services.assignment.service import AssignmentService
from services.common.errors import NotFound
from tests.event_samples import sample
from tests.service.assignment_world import OFFICE, World, fresh_db, unit_actor
from tests.service.helpers import envelope, publish, wait_for

LEAD_DEPUTY = 77  # World.accept's suggestions are led by deputy 77


@pytest.fixture
def assignment_db(db, amqp):
    return fresh_db(db)


@pytest.fixture
def world(start_service, rpc, amqp, assignment_db):
    start_service(AssignmentService)
    return World(rpc, amqp, assignment_db)


def roster_event(amqp, type_: str, **changes) -> None:
    publish(amqp, envelope(f"station.{type_}", sample(f"station.{type_}", deputy_id=LEAD_DEPUTY, **changes)))


def test_the_units_on_an_assignment_and_the_office_see_the_lead_deputys_contact(world, amqp):
    a = world.assign()
    # the roster has not told the service yet, and the station service is not running: only the id
    lead = world.get(a["id"])["lead_deputy"]
    assert (lead["id"], lead["known"], lead["phone"]) == (LEAD_DEPUTY, False, None)

    roster_event(amqp, "deputy_registered", name="王建国", phone="13900000077", email="wang@example.cn")
    wait_for(lambda: world.get(a["id"])["lead_deputy"]["known"], what="the roster projected")
    for actor in (OFFICE, unit_actor(world.lead), unit_actor(world.co)):
        lead = world.get(a["id"], actor)["lead_deputy"]
        assert (lead["name"], lead["phone"], lead["email"]) == ("王建国", "13900000077", "wang@example.cn")
    with pytest.raises(NotFound):  # another unit sees neither the assignment nor the deputy
        world.get(a["id"], unit_actor(world.other))

    roster_event(amqp, "deputy_updated", name="王建国", phone="13900000088", email=None)
    wait_for(lambda: world.get(a["id"], unit_actor(world.lead))["lead_deputy"]["phone"] == "13900000088",
             what="the new phone number")

    # only while the unit is on it: a reroute that drops the co-unit takes the contact away from it
    world.rpc.assignment.reroute(OFFICE, a["id"], {"lead_unit_id": world.lead, "co_unit_ids": [world.other]})
    with pytest.raises(NotFound):
        world.get(a["id"], unit_actor(world.co))
    assert world.get(a["id"], unit_actor(world.other))["lead_deputy"]["phone"] == "13900000088"
