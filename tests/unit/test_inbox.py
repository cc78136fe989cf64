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


def batch_of(n: int) -> list[dict]:
    return [{**EVENT, "event_id": str(uuid.uuid4())} for _ in range(n)]


def test_a_batch_is_handled_in_one_run_and_keeps_its_order(monkeypatch, fakes):
    bodies = batch_of(3)
    runs = []

    def run_batch(db, consumer, events, handlers):
        runs.append([str(e.event_id) for e in events])
        return ["handled", "duplicate", "handled"]
    monkeypatch.setattr(inbox, "_run_batch", run_batch)
    assert inbox.handle_events(None, "test", bodies, {}) == ["handled", "duplicate", "handled"]
    assert runs == [[b["event_id"] for b in bodies]]


def test_a_batch_whose_handler_fails_is_handled_one_at_a_time(monkeypatch, fakes):
    bodies = batch_of(3)
    one_by_one = []
    monkeypatch.setattr(inbox, "_run_batch", lambda *a: (_ for _ in ()).throw(RuntimeError("boom")))
    monkeypatch.setattr(inbox, "handle_event",
                        lambda db, consumer, body, handlers, retry_delays=None:
                        one_by_one.append(body["event_id"]) or "handled")
    assert inbox.handle_events(None, "test", bodies, {}) == ["handled"] * 3
    assert one_by_one == [b["event_id"] for b in bodies]


def test_a_batch_waits_for_the_database_without_splitting(monkeypatch, fakes):
    bodies = batch_of(2)
    tries = {"n": 0}

    def run_batch(db, consumer, events, handlers):
        tries["n"] += 1
        if tries["n"] < 4:
            raise unreachable()
        return ["handled", "handled"]
    monkeypatch.setattr(inbox, "_run_batch", run_batch)
    monkeypatch.setattr(inbox, "handle_event", lambda *a, **k: pytest.fail("split while the database was down"))
    assert inbox.handle_events(None, "test", bodies, {}) == ["handled", "handled"]
    assert tries["n"] == 4


def test_a_malformed_body_in_a_batch_is_parked_and_the_rest_handled(monkeypatch, fakes):
    bodies = batch_of(2)
    seen = []
    monkeypatch.setattr(inbox, "_run_batch", lambda db, consumer, events, handlers:
                        seen.extend(str(e.event_id) for e in events) or ["handled"] * len(events))
    outcomes = inbox.handle_events(None, "test", [bodies[0], {"not": "an envelope"}, bodies[1]], {})
    assert outcomes == ["handled", "malformed", "handled"]
    assert seen == [bodies[0]["event_id"], bodies[1]["event_id"]]
    assert [d[0] for d in fakes["dead"]] == ["malformed"]


def test_a_deadlocked_batch_runs_again_at_once_not_after_the_outage_backoff(monkeypatch, fakes):
    class Deadlock(Exception):
        sqlstate = "40P01"
    slept, tries = [], {"n": 0}
    monkeypatch.setattr(inbox.eventlet, "sleep", slept.append)

    def run_batch(db, consumer, events, handlers):
        tries["n"] += 1
        if tries["n"] < 3:
            raise OperationalError("INSERT INTO rate_cells ...", {}, Deadlock("deadlock detected"))
        return ["handled"] * len(events)
    monkeypatch.setattr(inbox, "_run_batch", run_batch)
    assert inbox.handle_events(None, "test", batch_of(2), {}) == ["handled", "handled"]
    assert tries["n"] == 3 and len(slept) == 2 and all(s < 0.1 for s in slept)
