"""Pure rules of suggestions: numbering, screening, visibility, status from events."""
from typing import get_args
from datetime import date, datetime, timedelta, timezone

import pytest

from services.common.errors import Conflict, ValidationFailed
from services.suggestion import domain, schemas


@pytest.mark.parametrize("number, label", [(1, "第0001号"), (42, "第0042号"), (9999, "第9999号"),
                                           (12345, "第12345号"), (None, None)])
def test_number_label(number, label):
    assert domain.number_label(number) == label


def test_number_label_with_its_series_prefix():
    assert domain.number_label(1, "闭会") == "闭会第0001号" and domain.number_label(7, None) == "第0007号"
    assert domain.number_label(None, "闭会") is None


@pytest.mark.parametrize("kind, numbering, series", [
    ("session", "single", ("", "")), ("recess", "single", ("", "")),
    ("session", "by_kind", ("session", "")), ("recess", "by_kind", ("recess", "闭会"))])
def test_number_series_one_for_all_or_one_per_kind(kind, numbering, series):
    assert domain.number_series(kind, numbering, {"session": "", "recess": "闭会"}) == series


@pytest.mark.parametrize("numbering, prefixes, message", [
    ("per_unit", {}, "NUMBERING"), ("by_kind", {"session": "", "recess": ""}, "different prefixes"),
    ("by_kind", {"session": "大会", "recess": "闭会期间代表建议编号"}, "at most 8")])
def test_wrong_numbering_rules_stop_the_service_at_start(numbering, prefixes, message):
    with pytest.raises(ValueError, match=message):
        domain.check_numbering(numbering, prefixes)


def test_numbering_rules_come_from_config():
    from services.suggestion.rules import rules_from
    assert rules_from({}).number_series("recess") == ("", "")
    rules = rules_from({"NUMBERING": "by_kind", "NUMBER_PREFIX_SESSION": "大会", "NUMBER_PREFIX_RECESS": "闭会"})
    assert rules.number_series("session") == ("session", "大会")
    assert rules.number_series("recess") == ("recess", "闭会")
    assert rules_from({"NUMBERING": "by_kind"}).number_series("recess") == ("recess", "闭会")  # the default
    with pytest.raises(ValueError):  # both prefixes empty: the labels would collide
        rules_from({"NUMBERING": "by_kind", "NUMBER_PREFIX_SESSION": "", "NUMBER_PREFIX_RECESS": ""})


@pytest.mark.parametrize("decision, status", [("accept", "accepted"), ("return", "returned"),
                                              ("merge", "merged"), ("convert_letter", "converted_letter"),
                                              ("convert_reference", "converted_reference")])
def test_screening_a_submitted_suggestion(decision, status):
    assert domain.screening_status("submitted", decision) == status


def test_every_screening_decision_is_a_decision_of_the_contract_and_leads_to_a_status():
    assert set(domain.SCREENING_DECISIONS) == set(get_args(schemas.ScreeningDecision))
    assert set(domain.SCREENING_DECISIONS.values()) <= set(schemas.STATUSES)
    assert set(domain.CONVERSIONS) == {"converted_letter", "converted_reference"}


def test_conversions_and_return_need_a_reason_accept_and_merge_do_not():
    assert set(domain.NEEDS_REASON) == {"return", "convert_letter", "convert_reference"}


@pytest.mark.parametrize("status", ["converted_letter", "converted_reference"])
def test_a_converted_suggestion_is_final(status):
    assert not domain.can_withdraw(status)
    assert status not in domain.MERGE_TARGETS and status not in schemas.PUBLISHABLE
    with pytest.raises(Conflict):
        domain.screening_status(status, "accept")


def test_screening_counts_by_outcome():
    counts = domain.screening_counts({"submitted": 2, "accepted": 3, "assigned": 4, "closed": 1, "returned": 1,
                                      "merged": 2, "converted_letter": 5, "converted_reference": 6, "withdrawn": 1})
    assert counts == {"pending": 2, "accepted": 8, "returned": 1, "merged": 2, "converted_letter": 5,
                      "converted_reference": 6, "withdrawn": 1, "screened": 22, "total": 25}
    assert domain.screening_counts({})["screened"] == 0


def test_every_status_has_a_chinese_label_in_the_export():
    from services.suggestion.batch import STATUS_LABELS
    assert set(STATUS_LABELS) == set(schemas.STATUSES)
    assert STATUS_LABELS["converted_letter"] == "转为代表来信"
    assert STATUS_LABELS["converted_reference"] == "转作参考材料"


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


def test_a_disclosure_ends_when_its_last_day_ends():
    ends = datetime(2026, 12, 31, 15, 59, 59, tzinfo=timezone.utc)  # 23:59:59 of the 31st in Beijing
    assert domain.disclosed(True, None, ends + timedelta(days=3650))
    assert domain.disclosed(True, ends, ends)
    assert not domain.disclosed(True, ends, ends + timedelta(seconds=1))
    assert not domain.disclosed(False, None, ends)  # withdrawn, or never published


def test_a_disclosure_may_not_end_before_today():
    today = date(2026, 11, 30)
    domain.check_until(None, today)
    domain.check_until(today, today)  # the last day may be today
    with pytest.raises(ValidationFailed) as err:
        domain.check_until(today - timedelta(days=1), today)
    assert err.value.details[0]["field"] == "until"


def test_only_a_published_suggestion_is_withdrawn_from_disclosure():
    domain.check_unpublish(True)
    with pytest.raises(Conflict):
        domain.check_unpublish(False)


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
