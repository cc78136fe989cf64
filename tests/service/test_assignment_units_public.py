"""What the units of an assignment need beyond handling it (issue 15), on real PostgreSQL and
RabbitMQ: the lead deputy's contact details for 面商 (the roster's projection), and the files
of a reply (the signed 答复函)."""
import base64
import hashlib

import pytest

from services.assignment.service import AssignmentService
from services.common.errors import Forbidden, NotFound, UnsupportedFile
from tests.event_samples import sample
from tests.service.assignment_world import OFFICE, REPLY, World, fresh_db, unit_actor
from tests.service.helpers import envelope, publish, scalar, wait_for

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


LETTER = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<</Type/Catalog>>\nendobj\n" + bytes(range(256)) * 20 + b"%%EOF\n"


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


def test_the_replying_unit_attaches_the_signed_letter_and_the_suggestions_deputies_download_it(world, assignment_db):
    a = world.signed()
    reply = world.rpc.assignment.reply(unit_actor(world.lead), a["id"], REPLY)
    attach = world.rpc.assignment.attach_to_reply

    f = attach(unit_actor(world.lead), a["id"], reply["id"], "答复函（盖章）.pdf", b64(LETTER))
    assert (f["reply_id"], f["unit_id"], f["media_type"], f["size"]) == (reply["id"], world.lead, "application/pdf",
                                                                         len(LETTER))
    assert f["sha256"] == hashlib.sha256(LETTER).hexdigest() and f["filename"] == "答复函（盖章）.pdf"
    stored = scalar(assignment_db, "select content from reply_attachments where id = :i", {"i": f["id"]})
    assert bytes(stored) == LETTER

    with pytest.raises(UnsupportedFile):  # a program called .pdf
        attach(unit_actor(world.lead), a["id"], reply["id"], "答复函.pdf", b64(b"MZ\x90\x00" + b"\x00" * 64))
    with pytest.raises(Forbidden):  # the co-unit did not give the reply
        attach(unit_actor(world.co), a["id"], reply["id"], "x.pdf", b64(LETTER))
    with pytest.raises(NotFound):  # another unit: no such assignment for it
        attach(unit_actor(world.other), a["id"], reply["id"], "x.pdf", b64(LETTER))
    with pytest.raises(NotFound):  # no such reply on this assignment
        attach(OFFICE, a["id"], reply["id"] + 999, "x.pdf", b64(LETTER))
    scanned = attach(OFFICE, a["id"], reply["id"], "纸质答复函扫描.pdf", b64(LETTER))  # the paper letter brought in
    assert scanned["uploaded_by"] == OFFICE["sub"]

    detail = world.get(a["id"])
    assert [x["id"] for x in detail["replies"][0]["attachments"]] == [f["id"], scanned["id"]]
    lead_deputy = {"role": "deputy", "deputy_id": LEAD_DEPUTY, "sub": "deputy-77"}
    co_signer = {"role": "deputy", "deputy_id": 78, "sub": "deputy-78"}  # World.accept's co-signer
    for actor in (OFFICE, unit_actor(world.co), lead_deputy, co_signer):
        assert [x["id"] for x in world.rpc.assignment.reply_files(actor, a["id"])["items"]] == [f["id"], scanned["id"]]
        got = world.rpc.assignment.reply_file(actor, a["id"], f["id"])
        assert base64.b64decode(got["content"]) == LETTER and got["filename"] == "答复函（盖章）.pdf"
    for actor in (unit_actor(world.other), {"role": "deputy", "deputy_id": 79, "sub": "deputy-79"},
                  {"role": "station", "station_id": 1, "sub": "station-1"}):
        with pytest.raises(NotFound):
            world.rpc.assignment.reply_file(actor, a["id"], f["id"])
        with pytest.raises(NotFound):
            world.rpc.assignment.reply_files(actor, a["id"])
