"""Pure rules of evaluation: who may rate a reply, when, and which rating is final."""
import pytest

from services.common.errors import Conflict, Forbidden
from services.evaluation import domain


def test_lead_deputy_rates_a_replied_assignment_once():
    assert domain.check_rating(7, 7, "replied", already_rated=False) is None


@pytest.mark.parametrize("actor", [8, None])
def test_only_the_lead_deputy_rates(actor):
    with pytest.raises(Forbidden):
        domain.check_rating(actor, 7, "replied", already_rated=False)


def test_no_lead_deputy_known_means_nobody_rates():
    with pytest.raises(Forbidden):
        domain.check_rating(7, None, "replied", already_rated=False)


def test_wrong_deputy_is_forbidden_before_the_state_is_looked_at():
    # a stranger learns nothing about the assignment's state
    with pytest.raises(Forbidden):
        domain.check_rating(8, 7, "signed", already_rated=True)


@pytest.mark.parametrize("state", ["assigned", "signed", "rehandling", "evaluated", "closed"])
def test_nothing_to_rate_before_a_reply(state):
    with pytest.raises(Conflict, match=state):
        domain.check_rating(7, 7, state, already_rated=False)


def test_a_reply_is_rated_once():
    with pytest.raises(Conflict, match="already"):
        domain.check_rating(7, 7, "replied", already_rated=True)


def test_first_round_rating_is_not_final_later_ones_are():
    assert domain.is_final(1) is False
    assert domain.is_final(2) is True
    assert domain.is_final(3) is True


def test_satisfaction_labels_are_chinese():
    assert domain.SATISFACTION == {"satisfied": "满意", "basic": "基本满意", "dissatisfied": "不满意"}


@pytest.mark.parametrize("state", ["assigned", "signed", "rehandling"])
def test_projection_before_a_reply_may_lag_the_assignment_service(state):
    assert domain.reply_may_be_pending(state) is True


@pytest.mark.parametrize("state", ["replied", "closed"])
def test_projection_showing_a_reply_or_closed_is_trusted(state):
    assert domain.reply_may_be_pending(state) is False


def test_rated_projection_is_trusted_unless_the_rating_reopened_handling():
    assert domain.reply_may_be_pending("evaluated", reopened=False) is False
    assert domain.reply_may_be_pending("evaluated", reopened=True) is True


@pytest.mark.parametrize("satisfaction, final, expected", [
    ("dissatisfied", False, True), ("dissatisfied", True, False), ("satisfied", False, False),
    ("basic", False, False)])
def test_only_a_first_dissatisfied_rating_reopens(satisfaction, final, expected):
    assert domain.reopens(satisfaction, final) is expected
