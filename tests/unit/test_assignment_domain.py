"""Pure rules of assignment: due dates, units, who may reply, states after sign and rating."""
from datetime import datetime, timedelta, timezone

import pytest

from services.assignment import domain
from services.common.errors import Conflict, Forbidden, ValidationFailed

AT = datetime(2024, 3, 10, 9, 30, tzinfo=timezone.utc)


def test_reply_is_due_three_months_after_assignment_by_default():
    assert domain.reply_due(AT) == AT + timedelta(days=90)


def test_rehandling_reply_is_due_one_month_after_it_opens():
    assert domain.rehandling_due(AT) == AT + timedelta(days=30)


def test_due_dates_follow_configured_deadlines():
    deadlines = {**domain.DEFAULT_DEADLINES, "reply": 60, "rehandling": 15}
    assert domain.reply_due(AT, deadlines) == AT + timedelta(days=60)
    assert domain.rehandling_due(AT, deadlines) == AT + timedelta(days=15)


def test_defaults_match_design():
    assert domain.DEFAULT_DEADLINES == {"reply": 90, "co_opinion": 30, "dispute": 10, "rehandling": 30,
                                        "max_extension": 180}
    assert set(domain.RESULT_CLASSES) == {"A", "B", "C"}


@pytest.mark.parametrize("lead, co", [(1, []), (1, [2]), (1, [2, 3, 4])])
def test_check_units_accepts_a_lead_and_distinct_co_units(lead, co):
    assert domain.check_units(lead, co) is None


def test_lead_unit_cannot_also_be_a_co_unit():
    with pytest.raises(ValidationFailed) as err:
        domain.check_units(1, [2, 1])
    assert err.value.details[0]["field"] == "co_unit_ids"


def test_co_units_must_be_distinct():
    with pytest.raises(ValidationFailed) as err:
        domain.check_units(1, [2, 3, 2])
    assert err.value.details[0]["field"] == "co_unit_ids"


@pytest.mark.parametrize("state", domain.REPLYABLE)
def test_signed_lead_unit_replies_in_replyable_states(state):
    assert domain.check_reply(state, is_lead=True, lead_signed=True) is None


def test_only_the_lead_unit_replies():
    with pytest.raises(Forbidden):
        domain.check_reply("signed", is_lead=False, lead_signed=True)


def test_lead_unit_must_sign_before_replying():
    with pytest.raises(Conflict, match="sign"):
        domain.check_reply("assigned", is_lead=True, lead_signed=False)


@pytest.mark.parametrize("state", ["assigned", "replied", "evaluated", "closed"])
def test_no_reply_outside_replyable_states(state):
    with pytest.raises(Conflict):
        domain.check_reply(state, is_lead=True, lead_signed=True)


def test_lead_sign_moves_assigned_to_signed():
    assert domain.state_after_sign("assigned", is_lead=True) == "signed"


@pytest.mark.parametrize("state", ["assigned", "signed", "replied", "rehandling"])
def test_co_unit_sign_changes_no_state(state):
    assert domain.state_after_sign(state, is_lead=False) == state


@pytest.mark.parametrize("state", ["signed", "replied", "rehandling", "closed"])
def test_lead_sign_outside_assigned_changes_no_state(state):
    assert domain.state_after_sign(state, is_lead=True) == state


def test_first_dissatisfied_rating_opens_rehandling():
    assert domain.after_evaluation("dissatisfied", final=False) == "rehandling"


@pytest.mark.parametrize("satisfaction, final", [
    ("dissatisfied", True), ("satisfied", False), ("satisfied", True), ("basic", False), ("basic", True)])
def test_other_ratings_close_the_assignment(satisfaction, final):
    assert domain.after_evaluation(satisfaction, final) == "closed"
