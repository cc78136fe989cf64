"""The suggestion service on real PostgreSQL and RabbitMQ: outbox, relay, idempotent consumer."""
import pytest
from sqlalchemy import text

from services.common.errors import ValidationFailed
from services.suggestion.service import SuggestionService
from tests.service.helpers import EventListener, envelope, publish, scalar, statements_sent, wait_for

SUGGESTION = {"title": "关于解决某小区居民公交出行问题的建议", "body": "建议增开公交线路。",
              "category": "transport", "kind": "session", "session": "十六届三次", "source": "research"}


from tests.service.suggestion_support import register_deputy


def test_submit_writes_state_and_event_together(start_service, rpc, amqp, suggestion_db):
    start_service(SuggestionService)
    listener = EventListener(amqp, "suggestion.#")
    register_deputy(amqp, suggestion_db, 7)

    created = rpc.suggestion.submit({"role": "deputy", "deputy_id": 7, "sub": "d7"}, SUGGESTION)

    assert created["status"] == "submitted" and created["number"] == "第0001号"
    [event] = listener.wait("suggestion.submitted")
    assert event["payload"]["suggestion_id"] == created["id"]
    assert event["producer"] == "suggestion" and event["payload"]["lead_deputy_id"] == 7
    def unsent():
        with suggestion_db.connect() as conn:
            return conn.execute(text("select count(*) from outbox where sent_at is null")).scalar()
    wait_for(lambda: unsent() == 0, what="outbox row marked sent")


def test_a_submission_reads_the_schemes_once_and_answers_its_co_signers_without_reading_them_back(
        start_service, rpc, amqp, suggestion_db):
    """Issue 19: no read-back of what the transaction just wrote. The answer's co-signers are the
    ones it wrote (as get reads them later), and the schemes' token is read once for the check and
    the answer, in the roster check's statement."""
    start_service(SuggestionService)
    for deputy_id in (21, 22, 23):
        register_deputy(amqp, suggestion_db, deputy_id)
    actor = {"role": "deputy", "deputy_id": 21, "sub": "d21"}
    rpc.suggestion.submit(actor, {**SUGGESTION, "title": "关于预热的建议，先让服务读一遍分类方案"})
    with statements_sent(suggestion_db) as statements:
        created = rpc.suggestion.submit(actor, {**SUGGESTION, "co_signer_ids": [23, 22]})
    assert created["co_signer_ids"] == [22, 23]
    assert rpc.suggestion.get({"role": "office"}, created["id"])["co_signer_ids"] == [22, 23]
    assert sum("from catalog_version" in st for st in statements) == 1
    # read with the roster check, not in a round trip of its own
    assert [st for st in statements if "from catalog_version" in st][0].count("from deputies") == 1
    assert not [st for st in statements if st.startswith("select") and "from co_signers" in st]


def test_numbers_have_no_gaps_under_concurrency(start_service, rpc, amqp, suggestion_db):
    start_service(SuggestionService)
    register_deputy(amqp, suggestion_db, 8)
    actor = {"role": "deputy", "deputy_id": 8, "sub": "d8"}
    # all 20 requests are in flight at once; the service runs them on 10 workers
    replies = [rpc.suggestion.submit.call_async(actor, {**SUGGESTION, "title": f"关于第{i}号问题的建议"})
               for i in range(20)]
    results = [reply.result() for reply in replies]
    numbers = sorted(r["seq"] for r in results)
    assert numbers == list(range(1, 21))


def test_invalid_input_names_fields_and_writes_nothing(start_service, rpc, amqp, suggestion_db):
    start_service(SuggestionService)
    register_deputy(amqp, suggestion_db, 9)
    with pytest.raises(ValidationFailed) as err:
        rpc.suggestion.submit({"role": "deputy", "deputy_id": 9}, {**SUGGESTION, "title": "短", "category": "x"})
    assert {d["field"] for d in err.value.details} == {"title"}
    with pytest.raises(ValidationFailed) as err:
        rpc.suggestion.submit({"role": "deputy", "deputy_id": 9}, {**SUGGESTION, "category": "nope"})
    assert err.value.details[0]["field"] == "category"
    with suggestion_db.connect() as conn:
        assert conn.execute(text("select count(*) from suggestions")).scalar() == 0
        assert conn.execute(text("select count(*) from outbox")).scalar() == 0


def test_duplicate_event_is_processed_once(start_service, rpc, amqp, suggestion_db):
    start_service(SuggestionService)
    register_deputy(amqp, suggestion_db, 10)
    s = rpc.suggestion.submit({"role": "deputy", "deputy_id": 10}, SUGGESTION)
    signed = envelope("assignment.signed", {"suggestion_id": s["id"], "assignment_id": 1, "is_lead": True,
                                            "note": "市交通运输局 签收"})
    publish(amqp, signed)
    publish(amqp, signed)  # at-least-once delivery: the same event again

    def entries():
        with suggestion_db.connect() as conn:
            return conn.execute(text("select count(*) from processed_events where event_id=:e"),
                                {"e": signed["event_id"]}).scalar()
    wait_for(entries, what="signed event processed")
    wait_for(lambda: rpc.suggestion.get({"role": "office"}, s["id"])["status"] == "signed", what="status signed")
    import time
    time.sleep(0.5)
    timeline = rpc.suggestion.get({"role": "office"}, s["id"])["timeline"]
    assert [t["type"] for t in timeline].count("signed") == 1


def test_failing_handler_is_dead_lettered_and_replayable(start_service, rpc, amqp, suggestion_db, monkeypatch):
    from services.common import deadletters, inbox
    from services.suggestion import consumers

    monkeypatch.setattr(inbox, "RETRY_DELAYS", (0.01, 0.01))
    calls = []

    def broken(tx, event):
        calls.append(event.event_id)
        raise RuntimeError("boom")
    on_deputy = consumers.on_deputy
    monkeypatch.setattr(consumers, "on_deputy", broken)  # make_handlers looks it up per event
    start_service(SuggestionService)
    event = envelope("station.deputy_updated", {"deputy_id": 11, "name": "李四", "level": "city",
                                                 "delegation": "西城", "active": True})
    publish(amqp, event)
    letters = wait_for(lambda: deadletters.list_letters(suggestion_db), what="dead letter")
    assert str(letters[0]["event_id"]) == event["event_id"] and "boom" in letters[0]["error"]
    assert len(calls) == 3  # first try + two retries

    monkeypatch.setattr(consumers, "on_deputy", on_deputy)
    # the operator's command: `make deadletters SERVICE=suggestion [ARGS=replay]`
    listed = deadletters_cli("list")
    assert event["event_id"] in listed and "boom" in listed
    assert deadletters_cli("replay").strip() == "replayed 1"
    wait_for(lambda: scalar(suggestion_db, "select 1 from deputies where id=11"), what="replayed event handled")
    assert deadletters.list_letters(suggestion_db) == []
    assert deadletters_cli("list").strip() == ""


def deadletters_cli(*args: str) -> str:
    import subprocess

    from tests.service.conftest import ENV, ROOT
    return subprocess.run([str(ROOT / ".venv/bin/python"), "-m", "services.common.deadletters", "suggestion",
                           *args], cwd=ROOT, env=ENV, capture_output=True, text=True, check=True).stdout
