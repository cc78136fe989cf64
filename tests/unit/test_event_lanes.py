"""Which events keep their order: the ordering key of an event consumer's lanes
(services/common/amqp.py ``ordering_key``)."""
from services.common.amqp import ordering_key


def event(type_: str, **payload) -> dict:
    return {"event_id": f"id-{type_}-{sorted(payload.items())}", "type": type_, "payload": payload}


def test_a_suggestion_and_its_assignments_share_a_key():
    keys = {ordering_key(event("suggestion.accepted", suggestion_id=5, lead_deputy_id=2)),
            ordering_key(event("assignment.assigned", assignment_id=9, suggestion_id=5)),
            ordering_key(event("assignment.replied", assignment_id=9, suggestion_id=5, unit_id=3)),
            ordering_key(event("evaluation.evaluated", assignment_id=9, suggestion_id=5))}
    assert keys == {("suggestion_id", 5)}


def test_other_subjects_have_their_own_keys():
    assert ordering_key(event("station.deputy_updated", deputy_id=7, name="王")) == ("deputy_id", 7)
    assert ordering_key(event("identity.role_bound", sub="person-3", role="leader")) == ("sub", "person-3")
    assert ordering_key(event("assignment.unit_updated", id=4, name="市交通运输局")) == ("id", 4)
    assert ordering_key(event("suggestion.accepted", suggestion_id=5)) != ordering_key(
        event("suggestion.accepted", suggestion_id=6))


def test_an_event_about_nothing_named_is_its_own_and_a_body_that_is_no_envelope_has_none():
    body = event("audit.recorded", action="x", targets={"suggestion_id": [5]})
    assert ordering_key(body) == body["event_id"]
    assert ordering_key(["not", "an", "envelope"]) is None
    assert ordering_key({"payload": {"suggestion_id": [1, 2]}}) is None  # a list names no one subject
