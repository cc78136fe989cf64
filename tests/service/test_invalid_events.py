"""Every consumer parks a payload its type's published model refuses, and writes nothing else.

Issue 13: an assignment.replied with {"suggestion_id": "abc", "lead_deputy_id": "d",
"co_signer_ids": "nope"} made notify notify deputy:d, deputy:n, deputy:o ... and
evaluation log it; partial payloads were half-applied by the others.
"""
import pytest

from services.assignment.service import AssignmentService
from services.evaluation.service import EvaluationService
from services.notify.service import NotifyService
from services.station.service import StationService
from services.suggestion.service import SuggestionService
from tests.service.conftest import truncate
from tests.service.helpers import envelope, publish, scalar, wait_for

THE_BAD_REPLY = {"suggestion_id": "abc", "lead_deputy_id": "d", "co_signer_ids": "nope"}

# service -> (its class, what it consumes with a payload its model refuses (each part of it
# usable on its own, so code that does not validate writes something), the rows that must stay 0)
CASES = {
    "notify": (NotifyService, [("assignment.replied", THE_BAD_REPLY)],
               "select count(*) from notifications"),
    "evaluation": (EvaluationService, [("assignment.replied", THE_BAD_REPLY)],
                   "select count(*) from event_log"),
    "suggestion": (SuggestionService, [
        ("assignment.replied", THE_BAD_REPLY),
        ("station.deputy_registered", {"deputy_id": 8801, "name": "张三", "level": "city", "station_ids": "nope"}),
    ], "select (select count(*) from deputies where id = 8801) + (select count(*) from timeline)"),
    "assignment": (AssignmentService, [
        ("suggestion.accepted", {"suggestion_id": 8802, "session": "十六届三次", "title": "关于某事的建议",
                                 "category": "transport", "lead_deputy_id": 21, "co_signer_ids": "nope"}),
    ], "select count(*) from suggestion_facts where suggestion_id = 8802"),
    "station": (StationService, [
        ("suggestion.submitted", {"suggestion_id": 8803, "lead_deputy_id": 21, "co_signer_ids": "nope"}),
    ], "select count(*) from points where source_id = '8803'"),
}


@pytest.mark.parametrize("service", sorted(CASES))
def test_an_invalid_payload_is_parked_and_nothing_is_written(service, start_service, amqp, db):
    cls, bad, written = CASES[service]
    engine = db(service)
    truncate(engine, "dead_letters", "processed_events")
    if service in ("notify", "evaluation"):
        truncate(engine, "notifications" if service == "notify" else "event_log")
    before = scalar(engine, written)
    start_service(cls)
    sent = [envelope(type_, payload, fill=False) for type_, payload in bad]
    for body in sent:
        publish(amqp, body)
    wait_for(lambda: scalar(engine, "select count(*) from dead_letters") == len(sent), timeout=30,
             what=f"{service} parks {len(sent)} invalid events")
    with engine.connect() as conn:
        from sqlalchemy import text
        letters = conn.execute(text("select event_id, type, error, attempts from dead_letters order by id")).all()
    assert sorted(str(r.event_id) for r in letters) == sorted(b["event_id"] for b in sent)
    for letter in letters:
        assert letter.attempts == 1 and letter.error.startswith(f"invalid {letter.type} payload")
        assert "co_signer_ids:" in letter.error or "station_ids:" in letter.error
    # parked, never handled: not recorded as processed (a replay after a fix is handled), nothing written
    assert scalar(engine, "select count(*) from processed_events") == 0
    assert scalar(engine, written) == before
