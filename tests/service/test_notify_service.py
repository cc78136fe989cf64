"""The notify service on real PostgreSQL and RabbitMQ: events in, one inbox notification per person."""
from datetime import datetime, timezone

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import text

from services.common.errors import NotFound
from services.notify.service import NotifyService
from tests.service.conftest import truncate
from tests.service.helpers import envelope, publish, wait_for
from tests.service.notify_support import NOTIFY_TABLES

# ids far from those other service tests use, as events outlive a test in shared queues
LEAD_UNIT, CO_UNITS, LEAD_DEPUTY = 8101, [8102, 8103], 8201
NUMBER, TITLE = "第8001号", "关于增开夜间公交线路的建议"
ASSIGNED = {"assignment_id": 8301, "suggestion_id": 8001, "state": "assigned", "round": 1,
            "lead_unit_id": LEAD_UNIT, "lead_unit_name": "市交通运输局", "co_unit_ids": CO_UNITS,
            "due_at": "2024-06-08T09:30:00+00:00", "number": NUMBER, "title": TITLE,
            "lead_deputy_id": LEAD_DEPUTY, "co_signer_ids": []}


def unit(unit_id: int) -> dict:
    return {"role": "unit", "unit_id": unit_id, "sub": f"unit{unit_id}"}


LEAD_DEPUTY_ACTOR = {"role": "deputy", "deputy_id": LEAD_DEPUTY, "sub": "deputy"}
EVERYONE_TOLD = [unit(LEAD_UNIT), *(unit(u) for u in CO_UNITS), LEAD_DEPUTY_ACTOR]


@pytest.fixture
def notify_db(start_service, db, amqp):
    engine = db("notify")
    truncate(engine, *NOTIFY_TABLES)
    start_service(NotifyService, DIGEST_INTERVAL=0)
    return engine


def count(engine, sql: str = "select count(*) from notifications", **params) -> int:
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar()


def duplicates() -> float:
    """The in-process counter of assigned events the notify consumer skipped as already handled."""
    labels = {"consumer": "notify", "type": "assignment.assigned", "outcome": "duplicate"}
    return REGISTRY.get_sample_value("lianxin_events_handled_total", labels) or 0.0


def assign(amqp, engine) -> dict:
    event = envelope("assignment.assigned", ASSIGNED)
    publish(amqp, event)
    wait_for(lambda: count(engine) == 4, what="four notifications")
    return event


def test_assigned_tells_lead_unit_co_units_and_lead_deputy(rpc, amqp, notify_db):
    assign(amqp, notify_db)

    for actor in EVERYONE_TOLD:
        inbox = rpc.notify.inbox(actor, {})
        assert inbox["total"] == 1, actor
        [n] = inbox["items"]
        assert n["type"] == "assignment.assigned" and n["suggestion_id"] == 8001 and n["read"] is False
        assert NUMBER in n["title"] and NUMBER in n["body"] and TITLE in n["body"]
        assert "交办" in n["title"] and "市交通运输局" in n["body"] and "2024-06-08" in n["body"]
    assert rpc.notify.inbox(unit(8199), {})["total"] == 0
    assert rpc.notify.inbox({"role": "office"}, {})["total"] == 0


def test_repeated_event_notifies_once(rpc, amqp, notify_db):
    event = assign(amqp, notify_db)
    skipped = duplicates()
    publish(amqp, event)
    publish(amqp, event)

    wait_for(lambda: duplicates() == skipped + 2, what="both copies skipped")
    assert count(notify_db) == 4
    assert count(notify_db, "select count(*) from processed_events where event_id=:e", e=event["event_id"]) == 1
    for actor in EVERYONE_TOLD:
        assert rpc.notify.inbox(actor, {})["total"] == 1


def test_a_second_event_is_a_second_notification(rpc, amqp, notify_db):
    assign(amqp, notify_db)
    publish(amqp, envelope("assignment.urged", {**ASSIGNED, "note": "请于本周内答复"}))

    wait_for(lambda: count(notify_db) == 5, what="urging notification")
    items = rpc.notify.inbox(unit(LEAD_UNIT), {})["items"]
    assert [n["type"] for n in items] == ["assignment.urged", "assignment.assigned"]  # newest first
    assert "请于本周内答复" in items[0]["body"]
    assert rpc.notify.inbox(unit(CO_UNITS[0]), {})["total"] == 1  # urging goes to the lead unit


def test_mark_read_by_owner_only_and_unread_filter(rpc, amqp, notify_db):
    assign(amqp, notify_db)
    [mine] = rpc.notify.inbox(unit(LEAD_UNIT), {})["items"]

    with pytest.raises(NotFound):  # someone else's notification does not exist for them
        rpc.notify.mark_read(unit(CO_UNITS[0]), mine["id"])
    with pytest.raises(NotFound):
        rpc.notify.mark_read(LEAD_DEPUTY_ACTOR, mine["id"])
    assert rpc.notify.inbox(unit(LEAD_UNIT), {"unread": True})["total"] == 1

    read = rpc.notify.mark_read(unit(LEAD_UNIT), mine["id"])

    assert read["read"] is True and read["read_at"]
    assert rpc.notify.mark_read(unit(LEAD_UNIT), mine["id"])["read_at"] == read["read_at"]
    assert rpc.notify.inbox(unit(LEAD_UNIT), {"unread": True})["total"] == 0
    assert rpc.notify.inbox(unit(LEAD_UNIT), {})["items"][0]["read"] is True
    # the others' copies are still unread
    assert rpc.notify.inbox(unit(CO_UNITS[0]), {"unread": True})["total"] == 1
    with pytest.raises(NotFound):
        rpc.notify.mark_read(unit(LEAD_UNIT), 999999)


@pytest.mark.parametrize("converted_to, status, words", [("letter", "converted_letter", "转为代表来信办理"),
                                                         ("reference", "converted_reference", "转作参考材料")])
def test_a_conversion_tells_the_lead_deputy_its_own_text_and_reason(rpc, amqp, notify_db, converted_to, status,
                                                                    words):
    payload = {"suggestion_id": 8002, "number": 2, "number_label": "第8002号", "session": "十六届三次",
               "title": TITLE, "category": "transport", "kind": "session", "lead_deputy_id": LEAD_DEPUTY,
               "co_signer_ids": [8202], "status": status, "reason": "反映个人具体诉求",
               "converted_to": converted_to, "at": datetime.now(timezone.utc).isoformat()}  # news, not history
    publish(amqp, envelope("suggestion.converted", payload))
    wait_for(lambda: count(notify_db) == 1, what="the lead deputy's notice")
    [notice] = rpc.notify.inbox(LEAD_DEPUTY_ACTOR, {})["items"]
    assert notice["type"] == "suggestion.converted" and notice["suggestion_id"] == 8002
    assert words in notice["title"] + notice["body"] and "反映个人具体诉求" in notice["body"]
    assert "未予立案" not in notice["body"] and TITLE in notice["body"]
