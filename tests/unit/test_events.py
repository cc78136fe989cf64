"""The published events' contract: models, the registry, and what each consumer is bound to."""
import pytest

from services.identity.consumers import HANDLERS as IDENTITY_HANDLERS
from pydantic import ValidationError

from services.common import events, topology
from services.common.envelope import make_envelope
from services.notify.consumers import make_handlers as notify_handlers
from services.notify.settings import Settings as NotifySettings
from services.station.consumers import make_handlers as station_handlers
from services.station.rules import Rules as StationRules
from services.suggestion.consumers import make_handlers as suggestion_handlers
from services.suggestion.rules import Rules as SuggestionRules
from services.assignment.consumers import make_handlers as assignment_handlers
from services.assignment.rules import Rules as AssignmentRules
from services.evaluation.consumers import make_handlers as evaluation_handlers
from tests.event_samples import ASSIGNMENT, EXTRA, SEPARATE, sample

CONSUMERS = {"suggestion": suggestion_handlers(SuggestionRules()), "assignment": assignment_handlers(AssignmentRules()),
             "evaluation": evaluation_handlers(), "station": station_handlers(StationRules()),
             "notify": notify_handlers(NotifySettings()), "identity": IDENTITY_HANDLERS}
PUBLISHED = sorted(events.published_types())
# issue 13: notify iterated the string ("deputy:n", "deputy:o", ...) and evaluation logged it
THE_BAD_REPLY = {"suggestion_id": "abc", "lead_deputy_id": "d", "co_signer_ids": "nope"}


@pytest.mark.parametrize("event_type", PUBLISHED)
def test_every_published_type_has_a_model_that_takes_its_producers_payload(event_type):
    model = events.model_for(event_type)
    assert model.event_type == event_type and model.version == 1
    assert model.model_validate(sample(event_type)).model_dump(mode="json") == sample(event_type)


PER_UNIT = ("assignment.signed", "assignment.contact_added", "assignment.replied", "assignment.followed_up",
            "assignment.rehandling_opened", "assignment.closed", "assignment.due_soon", "assignment.overdue",
            "assignment.urged", "assignment.extension_requested", "assignment.extension_decided")


@pytest.mark.parametrize("event_type", PER_UNIT)
def test_assignment_events_from_before_issue_15_parse_as_lead_mode(event_type):
    """分办's fields are optional: an event published before them reads as a lead-mode one."""
    old = {**ASSIGNMENT, **EXTRA.get(event_type, {})}
    payload = events.model_for(event_type).model_validate(old)
    assert payload.mode == "lead" and payload.handling_unit_ids == [] and payload.assignment_state is None
    assert payload.unit_id == old.get("unit_id")  # None: the lead unit
    separate = events.model_for(event_type).model_validate(sample(event_type, **SEPARATE))
    assert separate.mode == "separate" and separate.lead_unit_id is None and separate.unit_id == 6


def test_every_producer_publishes_something():
    assert {t.split(".")[0] for t in PUBLISHED} == {*events.PRODUCERS, "audit"}  # audit.recorded: every producer


def test_the_bad_reply_of_issue_13_does_not_validate_and_the_error_names_its_fields():
    with pytest.raises(ValidationError) as caught:
        events.model_for("assignment.replied").model_validate(THE_BAD_REPLY)
    error = events.describe(caught.value)
    for field in ("suggestion_id", "lead_deputy_id", "co_signer_ids", "assignment_id", "reply_id"):
        assert f"{field}:" in error


def test_times_on_the_wire_stay_as_producers_wrote_them():
    payload = sample("assignment.replied")
    assert payload["due_at"] == "2024-06-08T09:30:00+00:00"
    assert payload["replied_at"] == "2024-05-08T09:30:00+00:00"


def test_unknown_types_and_versions_have_no_model():
    assert events.model_for("assignment.unit_dissolved") is None
    assert events.model_for("assignment.replied", 2) is None


def test_a_type_cannot_be_published_by_two_models():
    with pytest.raises(TypeError, match="already published"):
        class Another(events.Event):
            event_type = "assignment.replied"


def test_an_envelope_takes_only_its_producers_published_models():
    replied = events.model_for("assignment.replied").model_validate(sample("assignment.replied"))
    envelope = make_envelope("assignment", replied)
    assert (envelope.type, envelope.version, envelope.payload) == ("assignment.replied", 1,
                                                                   sample("assignment.replied"))
    with pytest.raises(TypeError):
        make_envelope("suggestion", replied)
    with pytest.raises(TypeError):
        make_envelope("assignment", {"assignment_id": 3})


def test_topic_patterns_match_like_rabbitmq():
    assert topology.matches("assignment.#", "assignment.replied")
    assert topology.matches("#", "assignment.replied")
    assert topology.matches("*.replied", "assignment.replied")
    assert not topology.matches("assignment.*", "suggestion.accepted")
    assert not topology.matches("suggestion.accepted", "suggestion.accepted_later")


@pytest.mark.parametrize("service", sorted(CONSUMERS))
def test_every_handler_is_bound_and_every_bound_type_handled(service):
    """A handler whose type no binding delivers never runs; a bound type no handler takes
    (no "*") fills the queue for nothing; a binding that matches no published type is stale."""
    assert set(topology.SUBSCRIPTIONS) == set(CONSUMERS)
    bindings = topology.SUBSCRIPTIONS[service]
    delivered = {t for t in PUBLISHED if any(topology.matches(p, t) for p in bindings)}
    handlers = CONSUMERS[service]
    named = set(handlers) - {"*"}
    assert named <= delivered, f"{service} handles types no binding delivers: {named - delivered}"
    if "*" not in handlers:
        assert delivered <= named, f"{service} is bound to types it does not handle: {delivered - named}"
    stale = [p for p in bindings if not any(topology.matches(p, t) for t in PUBLISHED)]
    assert not stale, f"{service} binds patterns no producer publishes: {stale}"
