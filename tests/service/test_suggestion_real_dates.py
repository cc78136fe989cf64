"""Real dates of suggestion steps entered later (paper intake, a past year): submitted_at and
accepted_at/decided_at, office only, on real PostgreSQL and RabbitMQ."""
import base64
import io
from datetime import datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook

from services.common.clock import now
from services.common.errors import Forbidden, ValidationFailed
from tests.service.helpers import EventListener, envelope, publish, scalar, wait_for

BASE = {"title": "关于冬季道路积雪清理的建议", "body": "主干道积雪清理不及时。", "category": "urban",
        "kind": "session", "session": "十五届五次", "source": "research"}
OFFICE = {"role": "office", "sub": "office-1"}
DEPUTY = {"role": "deputy", "deputy_id": 1, "sub": "deputy-1"}
SUBMITTED = datetime(2024, 1, 10, 4, 0, tzinfo=timezone.utc)  # 12:00 in Harbin's office
ACCEPTED = datetime(2024, 1, 25, 4, 0, tzinfo=timezone.utc)


def test_the_office_enters_a_paper_suggestion_with_its_real_dates(service, rpc, amqp, suggestion_db):
    listener = EventListener(amqp, "suggestion.#")
    s = rpc.suggestion.submit(OFFICE, {**BASE, "lead_deputy_id": 1, "submitted_at": SUBMITTED.isoformat()})
    assert datetime.fromisoformat(s["submitted_at"]) == SUBMITTED and s["number"] == "第0001号"
    done = rpc.suggestion.screen(OFFICE, s["id"], {"decision": "accept", "accepted_at": ACCEPTED.isoformat()})
    assert datetime.fromisoformat(done["accepted_at"]) == ACCEPTED
    [submitted] = listener.wait("suggestion.submitted")
    [accepted] = listener.wait("suggestion.accepted")
    assert datetime.fromisoformat(submitted["payload"]["at"]) == SUBMITTED  # the step's time is the real one
    assert datetime.fromisoformat(accepted["payload"]["at"]) == ACCEPTED
    steps = {t["type"]: datetime.fromisoformat(t["at"]) for t in rpc.suggestion.get(OFFICE, s["id"])["timeline"]}
    assert steps == {"submitted": SUBMITTED, "accepted": ACCEPTED}
    # the export's 提交时间 and 立案时间 are the office's local wall-clock times of those dates
    sheet = load_workbook(io.BytesIO(base64.b64decode(rpc.suggestion.export(OFFICE, {})))).active
    header = [c.value for c in sheet[1]]
    assert sheet.cell(2, header.index("提交时间") + 1).value == datetime(2024, 1, 10, 12, 0)
    assert sheet.cell(2, header.index("立案时间") + 1).value == datetime(2024, 1, 25, 12, 0)


def test_a_deputy_giving_a_real_date_is_refused_naming_the_field(service, rpc, suggestion_db):
    with pytest.raises(Forbidden) as err:
        rpc.suggestion.submit(DEPUTY, {**BASE, "submitted_at": SUBMITTED.isoformat()})
    assert err.value.details == [{"field": "submitted_at",
                                  "message": "only the office may record the real date of a step"}]
    draft = rpc.suggestion.submit(DEPUTY, {**BASE, "draft": True})
    with pytest.raises(Forbidden) as err:
        rpc.suggestion.submit_draft(DEPUTY, draft["id"], {"submitted_at": SUBMITTED.isoformat()})
    assert err.value.details[0]["field"] == "submitted_at"
    assert scalar(suggestion_db, "select count(*) from suggestions where status = 'submitted'") == 0


def test_real_dates_are_aware_not_in_the_future_and_in_order(service, rpc, suggestion_db):
    cases = [("2024-01-10T12:00:00", "submitted_at"),  # no offset: which day would it be?
             ((now() + timedelta(hours=1)).isoformat(), "submitted_at"), ("yesterday", "submitted_at")]
    for value, field in cases:
        with pytest.raises(ValidationFailed) as err:
            rpc.suggestion.submit(OFFICE, {**BASE, "lead_deputy_id": 1, "submitted_at": value})
        assert field in {d["field"] for d in err.value.details}, (value, err.value.details)
    with pytest.raises(ValidationFailed) as err:  # a draft is not submitted yet
        rpc.suggestion.submit(OFFICE, {**BASE, "lead_deputy_id": 1, "draft": True,
                                       "submitted_at": SUBMITTED.isoformat()})
    assert err.value.details[0]["field"] == "submitted_at"
    s = rpc.suggestion.submit(OFFICE, {**BASE, "lead_deputy_id": 1, "submitted_at": SUBMITTED.isoformat()})
    for body, field in [({"decision": "accept", "accepted_at": (SUBMITTED - timedelta(days=1)).isoformat()},
                         "accepted_at"),
                        ({"decision": "accept", "accepted_at": (now() + timedelta(days=1)).isoformat()}, "accepted_at"),
                        ({"decision": "return", "reason": "不属于建议", "accepted_at": ACCEPTED.isoformat()},
                         "accepted_at"),
                        ({"decision": "return", "reason": "不属于建议",
                          "decided_at": (SUBMITTED - timedelta(seconds=1)).isoformat()}, "decided_at")]:
        with pytest.raises(ValidationFailed) as err:
            rpc.suggestion.screen(OFFICE, s["id"], body)
        assert err.value.details[0]["field"] == field, (body, err.value.details)
    assert scalar(suggestion_db, "select status from suggestions where id = :i", {"i": s["id"]}) == "submitted"
    returned = rpc.suggestion.screen(OFFICE, s["id"], {"decision": "return", "reason": "不属于建议",
                                                       "decided_at": ACCEPTED.isoformat()})
    assert returned["status"] == "returned" and returned["accepted_at"] is None
    [step] = [t for t in rpc.suggestion.get(OFFICE, s["id"])["timeline"] if t["type"] == "returned"]
    assert datetime.fromisoformat(step["at"]) == ACCEPTED


def test_without_real_dates_the_steps_happen_now(service, rpc):
    before = now()
    s = rpc.suggestion.submit(DEPUTY, BASE)
    done = rpc.suggestion.screen(OFFICE, s["id"], {"decision": "accept"})
    assert datetime.fromisoformat(done["submitted_at"]) >= before - timedelta(seconds=1)
    assert datetime.fromisoformat(done["accepted_at"]) >= datetime.fromisoformat(done["submitted_at"])


def test_the_timeline_shows_a_reply_at_its_real_date(service, rpc, amqp):
    s = rpc.suggestion.submit(OFFICE, {**BASE, "lead_deputy_id": 1, "submitted_at": SUBMITTED.isoformat()})
    rpc.suggestion.screen(OFFICE, s["id"], {"decision": "accept", "accepted_at": ACCEPTED.isoformat()})
    replied = datetime(2024, 5, 8, 4, 0, tzinfo=timezone.utc)
    publish(amqp, envelope("assignment.replied", {
        "suggestion_id": s["id"], "assignment_id": s["id"] + 100, "lead_unit_id": 9, "co_unit_ids": [],
        "lead_unit_name": "市城市管理局", "replied_at": replied.isoformat(), "content": "已增加除雪设备。"}))
    # both parts: views.get reads the timeline and the replies in two statements, which may straddle the commit
    detail = wait_for(lambda: (d := rpc.suggestion.get(OFFICE, s["id"]))["replies"] and len(d["timeline"]) == 3
                      and d, what="the reply")
    assert [(t["type"], datetime.fromisoformat(t["at"])) for t in detail["timeline"]] == [
        ("submitted", SUBMITTED), ("accepted", ACCEPTED), ("replied", replied)], detail["timeline"]
    assert datetime.fromisoformat(detail["replies"][0]["at"]) == replied
