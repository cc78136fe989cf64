"""The inbox's failure policy, with the database replaced by fakes."""
import uuid

import pytest
from sqlalchemy.exc import OperationalError

from services.assignment.events import Replied
from services.common import inbox
from tests.event_samples import sample

EVENT = {"event_id": str(uuid.uuid4()), "type": "assignment.replied", "version": 1,
         "occurred_at": "2026-11-22T10:00:00+00:00", "producer": "assignment",
         "payload": sample("assignment.replied")}


def unreachable():
    return OperationalError("SELECT 1", {}, Exception("connection refused"))


@pytest.fixture
def fakes(monkeypatch):
    calls = {"run": 0, "dead": []}
    monkeypatch.setattr(inbox.eventlet, "sleep", lambda seconds: None)
    monkeypatch.setattr(inbox, "_insert_dead_letter",
                        lambda db, consumer, event_id, type_, env, error, attempts:
                        calls["dead"].append((type_, error, attempts)))
    return calls


def run_with(monkeypatch, calls, outcomes):
    """_run_once raises or returns each of ``outcomes`` in turn."""
    def run_once(db, consumer, envelope, handler):
        result = outcomes[min(calls["run"], len(outcomes) - 1)]
        calls["run"] += 1
        if isinstance(result, Exception):
            raise result
        return result
    monkeypatch.setattr(inbox, "_run_once", run_once)
    return inbox.handle_event(None, "test", EVENT, {}, retry_delays=(0.1, 0.1))


def test_an_unreachable_database_is_waited_for_not_dead_lettered(monkeypatch, fakes):
    outcome = run_with(monkeypatch, fakes, [unreachable()] * 7 + ["handled"])
    assert outcome == "handled" and fakes["run"] == 8 and fakes["dead"] == []


def test_a_failing_handler_is_retried_then_dead_lettered(monkeypatch, fakes):
    outcome = run_with(monkeypatch, fakes, [RuntimeError("boom")])
    assert outcome == "dead_lettered" and fakes["run"] == 3
    assert fakes["dead"] == [("assignment.replied", "RuntimeError('boom')", 3)]


def test_a_handler_that_recovers_is_not_dead_lettered(monkeypatch, fakes):
    assert run_with(monkeypatch, fakes, [RuntimeError("once"), "handled"]) == "handled"
    assert fakes["dead"] == []


def test_dead_lettering_waits_for_the_database_too(monkeypatch, fakes):
    attempts = {"n": 0}

    def flaky_insert(*args):
        attempts["n"] += 1
        if attempts["n"] < 3:
            raise unreachable()
    monkeypatch.setattr(inbox, "_insert_dead_letter", flaky_insert)
    assert run_with(monkeypatch, fakes, [RuntimeError("boom")]) == "dead_lettered"
    assert attempts["n"] == 3


@pytest.mark.parametrize("body", [{"type": "x"}, {"event_id": "not-a-uuid", "type": "a.b", "producer": "a",
                                                  "payload": {}}, ["a", "list"], "text"])
def test_a_malformed_body_is_parked_not_lost(fakes, body):
    assert inbox.handle_event(None, "test", body, {}) == "malformed"
    assert [d[0] for d in fakes["dead"]] == ["malformed"]


def never_run(monkeypatch):
    def run_once(*args):
        raise AssertionError("an invalid event reached the handler's transaction")
    monkeypatch.setattr(inbox, "_run_once", run_once)


@pytest.mark.parametrize("payload, fields", [
    # issue 13: notify iterated the string and evaluation logged {} without parking either
    ({"suggestion_id": "abc", "lead_deputy_id": "d", "co_signer_ids": "nope"},
     ["suggestion_id", "lead_deputy_id", "co_signer_ids", "assignment_id"]),
    ({}, ["assignment_id", "reply_id"]),
    ({**sample("assignment.replied"), "co_signer_ids": "nope"}, ["co_signer_ids"]),
])
def test_a_payload_its_model_refuses_is_parked_as_invalid_before_any_handler(monkeypatch, fakes, payload,
                                                                             fields):
    never_run(monkeypatch)
    assert inbox.handle_event(None, "test", {**EVENT, "payload": payload}, {"*": None}) == "invalid"
    [(type_, error, attempts)] = fakes["dead"]
    assert type_ == "assignment.replied" and attempts == 1
    for field in fields:
        assert f"{field}:" in error


@pytest.mark.parametrize("changes", [{"type": "assignment.unit_dissolved"}, {"version": 2}])
def test_an_event_no_producer_publishes_is_parked_as_invalid(monkeypatch, fakes, changes):
    never_run(monkeypatch)
    assert inbox.handle_event(None, "test", {**EVENT, **changes}, {"*": None}) == "invalid"
    assert "no published model" in fakes["dead"][0][1]


def test_a_handler_is_given_the_parsed_model(monkeypatch, fakes):
    seen = []
    monkeypatch.setattr(inbox, "_run_once", lambda db, consumer, event, handler: handler(None, event) or "handled")
    outcome = inbox.handle_event(None, "test", EVENT, {"assignment.replied": lambda tx, e: seen.append(e)})
    assert outcome == "handled" and fakes["dead"] == []
    [event] = seen
    assert isinstance(event.payload, Replied) and event.payload.co_signer_ids == [22, 23]
    assert event.type == "assignment.replied" and str(event.event_id) == EVENT["event_id"]
