"""Pure rules of suggestions: numbering, screening, visibility, status from events."""
import pytest

from services.common.errors import Conflict, ValidationFailed
from services.suggestion import domain, schemas


@pytest.mark.parametrize("number, label", [(1, "第0001号"), (42, "第0042号"), (9999, "第9999号"),
                                           (12345, "第12345号"), (None, None)])
def test_number_label(number, label):
    assert domain.number_label(number) == label


@pytest.mark.parametrize("decision, status", [("accept", "accepted"), ("return", "returned"),
                                              ("merge", "merged")])
def test_screening_a_submitted_suggestion(decision, status):
    assert domain.screening_status("submitted", decision) == status


@pytest.mark.parametrize("current", ["draft", "accepted", "returned", "merged", "withdrawn", "assigned"])
def test_only_a_submitted_suggestion_is_screened(current):
    with pytest.raises(Conflict, match=current):
        domain.screening_status(current, "accept")


@pytest.mark.parametrize("status, allowed", [("draft", True), ("submitted", True), ("accepted", True),
                                             ("assigned", False), ("returned", False), ("closed", False)])
def test_withdraw_only_before_assignment(status, allowed):
    assert domain.can_withdraw(status) is allowed


@pytest.mark.parametrize("role", ["office", "leader", "admin"])
def test_office_leader_and_admin_see_everything(role):
    assert domain.visible_to({"role": role}, 1, [2], public=False)


def test_deputy_sees_what_they_lead_or_co_signed():
    assert domain.visible_to({"role": "deputy", "deputy_id": 1}, 1, [2, 3], public=False)
    assert domain.visible_to({"role": "deputy", "deputy_id": 3}, 1, [2, 3], public=False)
    assert not domain.visible_to({"role": "deputy", "deputy_id": 4}, 1, [2, 3], public=False)
    assert domain.visible_to({"role": "deputy", "deputy_id": 4}, 1, [2, 3], public=True)


@pytest.mark.parametrize("actor", [{"role": "unit", "unit_id": 1}, {"role": "station", "station_id": 1},
                                   {"role": "public"}, {}])
def test_others_see_only_public_suggestions(actor):
    assert not domain.visible_to(actor, 1, [], public=False)
    assert domain.visible_to(actor, 1, [], public=True)


def test_unit_id_equal_to_lead_deputy_id_does_not_grant_sight():
    assert not domain.visible_to({"role": "unit", "unit_id": 1, "deputy_id": 1}, 1, [], public=False)


def test_a_unit_sees_what_it_handles():
    unit = {"role": "unit", "unit_id": 7}
    assert domain.visible_to(unit, 1, [], False, "assigned", unit_ids=[7])      # lead
    assert domain.visible_to(unit, 1, [], False, "assigned", unit_ids=[3, 7])   # co-unit
    assert not domain.visible_to(unit, 1, [], False, "assigned", unit_ids=[3])
    assert not domain.visible_to({"role": "station", "station_id": 7}, 1, [], False, "assigned", unit_ids=[7])


@pytest.mark.parametrize("event_type, status", [
    ("assignment.assigned", "assigned"), ("assignment.rerouted", "assigned"),
    ("assignment.replied", "replied"), ("assignment.rehandling_opened", "rehandling"),
    ("assignment.closed", "closed")])
def test_lifecycle_events_set_the_status(event_type, status):
    assert domain.status_after_event(event_type, {}) == status


def test_lead_unit_sign_sets_signed_co_unit_sign_does_not():
    assert domain.status_after_event("assignment.signed", {"is_lead": True}) == "signed"
    assert domain.status_after_event("assignment.signed", {"is_lead": False}) is None


def test_first_dissatisfied_rating_means_rehandling():
    payload = {"satisfaction": "dissatisfied", "final": False}
    assert domain.status_after_event("evaluation.evaluated", payload) == "rehandling"


@pytest.mark.parametrize("payload", [{"satisfaction": "dissatisfied", "final": True},
                                     {"satisfaction": "satisfied", "final": False},
                                     {"satisfaction": "basic", "final": True}])
def test_other_ratings_mean_evaluated(payload):
    assert domain.status_after_event("evaluation.evaluated", payload) == "evaluated"


@pytest.mark.parametrize("event_type", ["assignment.urged", "assignment.contact_added", "assignment.disputed",
                                        "assignment.co_opinion_added", "suggestion.submitted"])
def test_other_events_leave_the_status(event_type):
    assert domain.status_after_event(event_type, {"is_lead": True}) is None


def test_every_status_an_event_implies_is_a_known_status():
    assert set(domain.STATUS_BY_EVENT.values()) <= set(schemas.STATUSES)


def test_people_rules_name_each_field():
    assert domain.people_errors(1, [2, 3], {1, 2, 3}) == []
    assert domain.people_errors(1, [1], {1}) == [("co_signer_ids", "the lead deputy cannot also be a co-signer")]
    errors = dict(domain.people_errors(5, [2, 9], {2}))
    assert "lead_deputy_id" in errors and "[9]" in errors["co_signer_ids"]


def test_merge_joins_lead_and_co_signers_without_the_target_lead():
    assert domain.merged_co_signers(1, [2], 3, [1, 4]) == [2, 3, 4]


@pytest.mark.parametrize("target_status,ok", [("submitted", True), ("assigned", True), ("merged", False),
                                              ("withdrawn", False), ("returned", False), ("draft", False)])
def test_merge_target_must_be_alive(target_status, ok):
    if ok:
        domain.check_merge(1, "十六届三次", 2, "十六届三次", target_status)
    else:
        with pytest.raises(Conflict):
            domain.check_merge(1, "十六届三次", 2, "十六届三次", target_status)


def test_merge_only_within_a_session_and_not_into_itself():
    with pytest.raises(ValidationFailed) as err:
        domain.check_merge(1, "十六届三次", 2, "十六届四次", "accepted")
    assert err.value.details[0]["field"] == "merge_into_id"
    with pytest.raises(ValidationFailed):
        domain.check_merge(1, "s", 1, "s", "accepted")


@pytest.mark.parametrize("status,ok", [("accepted", True), ("replied", True), ("closed", True),
                                       ("submitted", False), ("returned", False), ("draft", False)])
def test_only_accepted_suggestions_are_published(status, ok):
    if ok:
        domain.check_publish(status)
    else:
        with pytest.raises(Conflict):
            domain.check_publish(status)


def test_a_draft_is_seen_by_its_lead_deputy_and_staff_only():
    lead = {"role": "deputy", "deputy_id": 1}
    cosigner = {"role": "deputy", "deputy_id": 2}
    assert domain.visible_to(lead, 1, [2], False, "draft")
    assert not domain.visible_to(cosigner, 1, [2], False, "draft")
    assert domain.visible_to({"role": "office"}, 1, [2], False, "draft")
    assert not domain.visible_to({"role": "public"}, 1, [], True, "draft")


def test_only_a_draft_is_submitted_again():
    domain.check_draft("draft")
    with pytest.raises(Conflict):
        domain.check_draft("submitted")


@pytest.mark.parametrize("suggested,content,expected", [
    ("关于增设公交站点的建议", "", "关于增设公交站点的建议"),
    ("短", "小区门口没有公交站", "关于小区门口没有公交站的建议"),
    (None, "", "关于群众意见的建议"),
])
def test_draft_title_from_an_opinion_is_a_valid_title(suggested, content, expected):
    title = domain.draft_title(suggested, content)
    assert title == expected and 5 <= len(title) <= 100


def test_a_real_date_is_the_offices_not_in_the_future_and_not_before_the_step_it_follows():
    from datetime import datetime, timedelta, timezone

    from services.common.errors import Forbidden, ValidationFailed

    current = datetime(2026, 11, 29, 12, tzinfo=timezone.utc)
    earlier = current - timedelta(days=300)
    assert domain.real_date("submitted_at", None, "deputy", current) is None  # not given: now
    assert domain.real_date("submitted_at", earlier, "office", current) == earlier
    with pytest.raises(Forbidden) as err:
        domain.real_date("submitted_at", earlier, "deputy", current)
    assert err.value.details[0]["field"] == "submitted_at"
    with pytest.raises(ValidationFailed) as err:
        domain.real_date("accepted_at", current + timedelta(minutes=1), "office", current)
    assert err.value.details[0]["field"] == "accepted_at"
    with pytest.raises(ValidationFailed) as err:
        domain.real_date("accepted_at", earlier, "office", current, not_before=earlier + timedelta(days=1))
    assert err.value.details[0]["field"] == "accepted_at" and "submitted_at" in err.value.details[0]["message"]
    assert domain.real_date("decided_at", earlier, "office", current, not_before=earlier) == earlier


def test_the_timeline_takes_a_steps_real_date_from_its_payload_when_it_carries_one():
    from datetime import datetime, timezone
    from types import SimpleNamespace

    from services.suggestion.consumers import step_time

    written = datetime(2026, 11, 29, tzinfo=timezone.utc)
    replied = datetime(2024, 5, 1, 4, tzinfo=timezone.utc)
    event = SimpleNamespace(type="assignment.replied", occurred_at=written,
                            payload=SimpleNamespace(replied_at=replied))
    assert step_time(event) == replied
    old = SimpleNamespace(type="assignment.replied", occurred_at=written, payload=SimpleNamespace())
    assert step_time(old) == written  # an event from before real dates: when it was written
    urged = SimpleNamespace(type="assignment.urged", occurred_at=written, payload=SimpleNamespace(replied_at=replied))
    assert step_time(urged) == written  # only the step's own date counts
