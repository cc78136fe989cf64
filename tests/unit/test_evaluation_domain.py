"""Pure rules of evaluation: who may rate a reply, when, and which rating is final."""
from datetime import datetime, timedelta, timezone

import pytest

from services.common.errors import Conflict, Forbidden, ValidationFailed
from services.evaluation import domain


DEPUTY7 = {"role": "deputy", "deputy_id": 7, "sub": "d7"}
OFFICE = {"role": "office", "sub": "office-1"}


def test_lead_deputy_rates_a_replied_assignment_once():
    assert domain.check_rater(DEPUTY7, 7) == 7
    assert domain.check_rating("replied", already_rated=False) is None


@pytest.mark.parametrize("actor", [{"role": "deputy", "deputy_id": 8}, {"role": "deputy"}, {"role": "unit",
                                                                                             "unit_id": 7}])
def test_only_the_lead_deputy_rates(actor):
    with pytest.raises(Forbidden):
        domain.check_rater(actor, 7)


def test_no_lead_deputy_known_means_no_deputy_rates():
    with pytest.raises(Forbidden):
        domain.check_rater(DEPUTY7, None)


def test_the_office_records_the_lead_deputys_paper_rating_form():
    assert domain.check_rater(OFFICE, 7) == 7  # the rating is the lead deputy's
    with pytest.raises(Conflict):  # whose form it would be is not known yet
        domain.check_rater(OFFICE, None)


@pytest.mark.parametrize("state", ["assigned", "signed", "rehandling", "evaluated", "closed"])
def test_nothing_to_rate_before_a_reply(state):
    with pytest.raises(Conflict, match=state):
        domain.check_rating(state, already_rated=False)


def test_a_reply_is_rated_once():
    with pytest.raises(Conflict, match="already"):
        domain.check_rating("replied", already_rated=True)


def test_handling_units_are_each_separate_unit_or_the_lead():
    assert domain.handling_units("separate", [4, 5, 4], None) == [4, 5]
    assert domain.handling_units("lead", [], 3) == [3]
    assert domain.handling_units(None, None, 3) == [3]  # an older event: a lead assignment
    assert domain.handling_units("separate", [], 3) == []


def test_a_separate_assignments_rating_names_one_of_its_units():
    assert domain.rated_unit("lead", [3], None) == 3
    assert domain.rated_unit("lead", [3], 3) == 3
    assert domain.rated_unit("separate", [4, 5], 5) == 5
    with pytest.raises(ValidationFailed) as err:
        domain.rated_unit("separate", [4, 5], None)
    assert err.value.details[0]["field"] == "unit_id"
    for mode, units in (("separate", [4, 5]), ("lead", [3])):
        with pytest.raises(ValidationFailed) as err:
            domain.rated_unit(mode, units, 9)
        assert err.value.details[0]["field"] == "unit_id" and "9" in err.value.details[0]["message"]


NOW = datetime(2025, 3, 1, 8, 0, tzinfo=timezone.utc)
REPLIED = datetime(2025, 1, 10, tzinfo=timezone.utc)


def test_the_real_date_of_a_rating_is_the_offices_to_record():
    assert domain.check_evaluated_at("deputy", None, NOW, REPLIED) == NOW
    paper = datetime(2025, 2, 1, tzinfo=timezone.utc)
    assert domain.check_evaluated_at("office", paper, NOW, REPLIED) == paper
    with pytest.raises(Forbidden) as err:
        domain.check_evaluated_at("deputy", paper, NOW, REPLIED)
    assert err.value.details[0]["field"] == "evaluated_at"


@pytest.mark.parametrize("when", [NOW + timedelta(minutes=1), REPLIED - timedelta(days=1)])
def test_a_rating_date_is_neither_in_the_future_nor_before_the_reply(when):
    with pytest.raises(ValidationFailed) as err:
        domain.check_evaluated_at("office", when, NOW, REPLIED)
    assert err.value.details[0]["field"] == "evaluated_at"


@pytest.mark.parametrize("step, mode, event_state, expected", [
    ("signed", "lead", "signed", "signed"), ("co_opinion_added", "lead", "signed", "signed"),
    ("signed", "separate", "assigned", "signed"),  # the unit's own step, whatever the summary says
    ("replied", "separate", "signed", "replied"), ("rehandling_opened", "separate", "replied", "rehandling"),
    ("closed", "separate", "replied", "closed"), ("urged", "separate", "signed", None),
    ("facts_fetched", "separate", "replied", "replied")])
def test_a_reply_rows_state_follows_its_own_units_steps(step, mode, event_state, expected):
    assert domain.unit_state(step, mode, event_state) == expected


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


def counts(**kw) -> dict:
    base = {"assigned": 0, "replies_due": 0, "replied": 0, "completed": 0, "on_time": 0, "evaluated": 0, "satisfied": 0,
            "basic": 0, "dissatisfied": 0, "overdue": 0, "classes": {}}
    base.update(kw)
    return base


def test_rates_follow_design_definitions():
    r = domain.rates(counts(assigned=8, replies_due=8, replied=6, completed=5, on_time=3, evaluated=4, satisfied=2, basic=1,
                            dissatisfied=1, overdue=2, classes={"A": 3, "B": 2, "C": 1}))
    assert r["completion_rate"] == 0.625  # 5 / 8
    assert r["resolution_rate"] == 0.5  # A 3 / replies 6
    assert r["solved_or_planned_rate"] == 0.8333  # (3 + 2) / 6
    assert r["satisfaction_rate"] == 0.5  # 2 / 4
    assert r["satisfied_or_basic_rate"] == 0.75  # 3 / 4
    assert r["on_time_rate"] == 0.5  # 3 / 6
    assert r["classes"] == {"A": 3, "B": 2, "C": 1} and r["overdue"] == 2


def test_rates_without_a_denominator_are_none_and_classes_always_listed():
    r = domain.rates(counts())
    assert r["completion_rate"] is None and r["satisfaction_rate"] is None and r["on_time_rate"] is None
    assert r["classes"] == {"A": 0, "B": 0, "C": 0}


def ranked(**kw):
    row = {"unit_id": 1, "satisfaction_rate": None, "completion_rate": None, "resolution_rate": None,
           "on_time_rate": None, "overdue": 0}
    row.update(kw)
    return row


def test_units_rank_by_satisfaction_then_completion_then_unrated_last():
    rows = [ranked(unit_id=1, satisfaction_rate=0.9, completion_rate=0.5),
            ranked(unit_id=2, satisfaction_rate=0.9, completion_rate=0.8),
            ranked(unit_id=3, satisfaction_rate=None, completion_rate=1.0),
            ranked(unit_id=4, satisfaction_rate=0.95, completion_rate=0.1)]
    assert [r["unit_id"] for r in sorted(rows, key=domain.ranking_key)] == [4, 2, 1, 3]


def test_ties_go_to_fewer_overdue_then_lower_id():
    rows = [ranked(unit_id=5, overdue=2), ranked(unit_id=7, overdue=0), ranked(unit_id=6, overdue=0)]
    assert [r["unit_id"] for r in sorted(rows, key=domain.ranking_key)] == [6, 7, 5]


def test_ballot_names_only_units_of_the_test_once():
    domain.check_ballot([1, 2], [{"unit_id": 1, "choice": "basic"}])
    with pytest.raises(ValidationFailed) as err:
        domain.check_ballot([1, 2], [{"unit_id": 1, "choice": "basic"}, {"unit_id": 3, "choice": "basic"}])
    assert err.value.details[0]["field"] == "votes.1.unit_id"
    with pytest.raises(ValidationFailed):
        domain.check_ballot([1, 2], [{"unit_id": 1, "choice": "basic"}, {"unit_id": 1, "choice": "satisfied"}])


def test_a_report_test_takes_votes_on_the_report_and_on_its_units():
    domain.check_ballot([], [{"unit_id": None, "choice": "abstain"}], "report")
    domain.check_ballot([4], [{"choice": "basic"}, {"unit_id": 4, "choice": "satisfied"}], "report")
    with pytest.raises(ValidationFailed) as err:  # the report twice
        domain.check_ballot([], [{"choice": "basic"}, {"unit_id": None, "choice": "satisfied"}], "report")
    assert err.value.details[0]["field"] == "votes.1.unit_id"
    with pytest.raises(ValidationFailed) as err:  # a test of units has no report to vote on
        domain.check_ballot([1], [{"choice": "basic"}], "units")
    assert err.value.details[0]["field"] == "votes.0.unit_id"


def test_a_test_of_units_names_one_at_least_a_report_test_may_name_none():
    domain.check_test("report", [])
    domain.check_test("report", [3, 4])
    for subject, units in (("units", []), ("report", [3, 3])):
        with pytest.raises(ValidationFailed) as err:
            domain.check_test(subject, units)
        assert err.value.details[0]["field"] == "unit_ids"


def test_abstentions_are_counted_apart_from_the_votes_the_rates_divide_by():
    ballots = [[{"unit_id": None, "choice": "satisfied"}], [{"choice": "abstain"}], [{"choice": "abstain"}],
               [{"unit_id": None, "choice": "basic"}, {"unit_id": 4, "choice": "abstain"}],
               [{"choice": "dissatisfied"}]]
    report = domain.tally_report(ballots)
    assert (report["satisfied"], report["basic"], report["dissatisfied"], report["abstain"]) == (1, 1, 1, 2)
    assert (report["votes"], report["cast"]) == (3, 5)
    assert report["satisfaction_rate"] == 0.3333 and report["satisfied_or_basic_rate"] == 0.6667
    [unit] = domain.tally([4], ballots)
    assert (unit["abstain"], unit["votes"], unit["cast"], unit["satisfaction_rate"]) == (1, 0, 1, None)
    assert domain.tally_report([[{"choice": "abstain"}]])["satisfaction_rate"] is None


def test_never_more_ballots_than_voters_nor_after_closing():
    domain.check_ballot_allowed("open", 2, 3)
    with pytest.raises(Conflict):
        domain.check_ballot_allowed("open", 3, 3)
    with pytest.raises(Conflict):
        domain.check_ballot_allowed("closed", 0, 3)


def test_tally_counts_choices_and_rates_per_unit():
    ballots = [[{"unit_id": 1, "choice": "satisfied"}, {"unit_id": 2, "choice": "dissatisfied"}],
               [{"unit_id": 1, "choice": "basic"}],
               [{"unit_id": 1, "choice": "satisfied"}, {"unit_id": 2, "choice": "basic"}]]
    t = domain.tally([1, 2, 3], ballots, {1: "甲局"})
    assert t[0] == {"unit_id": 1, "unit_name": "甲局", "satisfied": 2, "basic": 1, "dissatisfied": 0, "abstain": 0,
                    "votes": 3, "cast": 3, "satisfaction_rate": 0.6667, "satisfied_or_basic_rate": 1.0}
    assert (t[1]["votes"], t[1]["satisfaction_rate"], t[1]["satisfied_or_basic_rate"]) == (2, 0.0, 0.5)
    assert t[2]["votes"] == 0 and t[2]["satisfaction_rate"] is None


def test_sample_is_reproducible_whatever_the_population_order():
    population = list(range(1, 101))
    first = domain.sample(population, 10, seed=42)
    assert first == domain.sample(list(reversed(population)), 10, seed=42)
    assert len(first) == 10 and len(set(first)) == 10 and set(first) <= set(population)
    assert first != domain.sample(population, 10, seed=43)
    assert domain.sample([5, 3], 10, seed=1) == [3, 5]  # never more than there are


def test_score_summary():
    assert domain.summary([80, 90, 70, 65]) == {"count": 4, "mean": 76.25, "min": 65, "max": 90}
    assert domain.summary([]) == {"count": 0, "mean": None, "min": None, "max": None}


def test_rates_are_counted_per_reply_harbin_2024():
    # 564 assignments, 583 replies due and given (lead units and separately-handling units), 568 A
    r = domain.rates(counts(assigned=564, replies_due=583, replied=583, completed=583,
                            classes={"A": 568, "B": 10, "C": 5}))
    assert (r["assigned"], r["replies_due"], r["replied"]) == (564, 583, 583)
    assert r["resolution_rate"] == 0.9743 and r["completion_rate"] == 1.0
    assert domain.rates(counts(assigned=2, replies_due=4, completed=1))["completion_rate"] == 0.25  # over replies


def test_units_with_only_co_unit_work_are_listed_after_those_that_reply():
    replies = {3: counts(assigned=2, replies_due=2, replied=1, completed=1, classes={"A": 1}),
               4: counts(assigned=1, replies_due=1)}
    co = {5: {"co_assigned": 2, "co_opinions": 2, "co_opinions_on_time": 1},
          3: {"co_assigned": 1, "co_opinions": 0, "co_opinions_on_time": 0},
          6: {"co_assigned": 1, "co_opinions": 1, "co_opinions_on_time": 1}}
    rows = domain.unit_rows(replies, co, {5: "市丙局"})
    assert [(r["rank"], r["unit_id"]) for r in rows] == [(1, 3), (2, 4), (3, 6), (4, 5)]
    co_only = rows[3]
    assert co_only["unit_name"] == "市丙局" and co_only["replies_due"] == 0 and co_only["completion_rate"] is None
    assert (co_only["co_assigned"], co_only["co_opinions_on_time"], co_only["co_opinion_on_time_rate"]) == (2, 1, 0.5)
    assert rows[0]["co_assigned"] == 1 and rows[1]["co_assigned"] == 0 and rows[1]["co_opinion_on_time_rate"] is None


def test_an_assessor_sees_and_scores_only_assessments_they_are_named_on():
    named, other = {"role": "assessor", "sub": "assessor-wang"}, {"role": "assessor", "sub": "assessor-li"}
    assert domain.may_see_assessment(named, ["assessor-wang"]) and domain.may_score(named, ["assessor-wang"])
    assert not domain.may_see_assessment(other, ["assessor-wang"]) and not domain.may_score(other, ["assessor-wang"])
    assert domain.may_see_assessment({"role": "leader", "sub": "x"}, [])
    assert not domain.may_score({"role": "leader"}, [])
    assert domain.may_score({"role": "office", "sub": "office-1"}, [])  # the office records a score as before
    assert not domain.may_see_assessment({"role": "unit", "sub": "assessor-wang"}, ["assessor-wang"])
    with pytest.raises(ValidationFailed) as err:
        domain.check_assessors(["a", "b", "a"])
    assert err.value.details[0]["field"] == "assessors"
