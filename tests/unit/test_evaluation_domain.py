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
