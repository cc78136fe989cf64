"""Answers of evaluation (评): ratings, satisfaction tests, third-party assessments, rates.

Rates are fractions 0..1 (4 places), null when there is nothing to divide by.
"""
from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from gateway.answers.common import Answer, SupervisionFilters, absent, page_of
from services.common.schemas import Kind, Level
from services.evaluation.schemas import BallotChoice, TestSubject
from services.evaluation.schemas import Choice as Satisfaction

Rate = Annotated[float, Field(ge=0, le=1)] | None


class RatingAnswer(Answer):
    """The lead deputy's rating of a reply; a first dissatisfied one opens rehandling."""
    id: int
    assignment_id: int
    unit_id: int | None = Field(description="the handling unit whose reply is rated (分办: each unit's own)")
    round: int
    satisfaction: Satisfaction
    comment: str | None
    final: bool = Field(description="the rating after rehandling: it closes the assignment whatever it says")
    at: datetime = Field(description="when the deputy rated (the real date the office recorded, if any)")
    deputy_id: int = Field(description="the lead deputy whose rating it is")
    recorded_by: str | None = Field(description="deputy:<id>, or the office account that recorded a paper form")


class SatisfactionTestUnit(Answer):
    unit_id: int
    unit_name: str | None


class ReportTally(Answer):
    """The votes on one subject of a closed test. Abstentions (弃权) are counted apart: the rates
    divide by ``votes`` (satisfied + basic + dissatisfied), ``cast`` adds the abstentions."""
    satisfied: int
    basic: int
    dissatisfied: int
    abstain: int = Field(0, description="abstentions (弃权); 0 in tests closed before they were counted")
    votes: int = Field(description="votes for a rating, abstentions excluded: the rates' denominator")
    cast: int | None = Field(None, description="votes + abstentions (null in tests closed before)")
    satisfaction_rate: Rate
    satisfied_or_basic_rate: Rate


class SatisfactionTally(ReportTally):
    """One unit's votes in a closed test."""
    unit_id: int
    unit_name: str | None


class SatisfactionTestAnswer(Answer):
    """A standing-committee satisfaction test (满意度测评, 民主测评) of the government's handling report
    as a whole (subject report, with any units listed beside it) or of units."""
    id: int
    title: str
    subject: TestSubject
    unit_ids: list[int]
    units: list[SatisfactionTestUnit]
    voter_count: int
    ballots: int = Field(description="ballots recorded so far")
    status: Literal["open", "closed"]
    tallies: list[SatisfactionTally] | None = Field(description="per unit, once the test is closed")
    report: ReportTally | None = Field(description="a report test's tally of the report, once closed")
    created_at: datetime
    closed_at: datetime | None


class BallotVote(Answer):
    unit_id: int | None = Field(description="the unit voted on; null: the report as a whole")
    choice: BallotChoice


class BallotAnswer(Answer):
    """A recorded ballot, with the test's ballot count so far."""
    id: int
    test_id: int
    voter: str | None
    votes: list[BallotVote]
    ballots: int
    voter_count: int


class ScoreSummary(Answer):
    count: int
    mean: float | None
    min: int | None
    max: int | None


class AssessmentScoreAnswer(Answer):
    """An assessor's score (0–100) of one sampled suggestion."""
    id: int
    suggestion_id: int
    assessor: str
    score: int = Field(ge=0, le=100)
    comment: str | None
    at: datetime


class AssessmentItem(Answer):
    """A sampled suggestion with its reply, rating, each assessor's score so far and their summary."""
    suggestion_id: int
    number: str | None
    title: str | None
    lead_unit_id: int | None
    result_class: str | None
    satisfaction: Satisfaction | None
    scores: list[AssessmentScoreAnswer] = Field(description="each assessor's score of this item")
    summary: ScoreSummary = Field(description="count, mean, min and max of this item's scores")


class AssessmentAnswer(Answer):
    """A third-party assessment (第三方评估): a reproducible random sample of replied suggestions."""
    id: int
    session: str | None
    seed: int = Field(description="the same population and seed give the same sample")
    population: int = Field(description="replied suggestions sampled from")
    sample_size: int
    requested: int = absent("the sample size asked for (in the creating answer only)")
    assessors: list[str] = Field(description="the assessors named on it (subs of assessor tokens)")
    suggestion_ids: list[int]
    items: list[AssessmentItem]
    scores: list[AssessmentScoreAnswer]
    summary: ScoreSummary
    created_at: datetime


AssessmentPage = page_of(AssessmentAnswer, "AssessmentPage")


class ResultClassCounts(Answer):
    """Replies per result class: A, B and C always, other configured classes when used."""
    __pydantic_extra__: dict[str, int]
    A: int
    B: int
    C: int


class RateCounts(Answer):
    assigned: int = Field(description="assignments (by unit: those the unit handles and replies to)")
    replies_due: int = Field(description="replies due: handling units × assignments (分办: one per unit)")
    replied: int
    completed: int
    evaluated: int
    satisfied: int
    basic: int
    dissatisfied: int
    on_time: int
    overdue: int
    classes: ResultClassCounts
    completion_rate: Rate = Field(description="办结率: completed / replies_due")
    resolution_rate: Rate = Field(description="办成率: A-class replies / replied")
    solved_or_planned_rate: Rate = Field(description="A and B replies / replied")
    satisfaction_rate: Rate = Field(description="满意率: satisfied / evaluated")
    satisfied_or_basic_rate: Rate = Field(description="satisfied and basic / evaluated")
    on_time_rate: Rate = Field(description="replies by their due date / replied")


class RatesFilters(SupervisionFilters):
    """The filters applied: a unit caller always gets its own unit_id."""
    session: str = absent()
    kind: Kind = absent()
    unit_id: int = absent()
    category: str = absent()
    level: Level = absent()


class RatesAnswer(RateCounts):
    filters: RatesFilters


class UnitRates(RateCounts):
    unit_id: int
    unit_name: str | None
    rank: int = Field(ge=1, description="by satisfaction, completion, resolution, on-time rate, then fewer overdue; "
                                        "units with only 会办 work (no reply due) after the others")
    co_assigned: int = Field(description="assignments the unit is a co-unit (会办) of")
    co_opinions: int = Field(description="of those, with the unit's co-unit opinion")
    co_opinions_on_time: int = Field(description="of those, given on time")
    co_opinion_on_time_rate: Rate = Field(description="co_opinions_on_time / co_assigned")


class RateGroup(RateCounts):
    key: str | None = Field(description="the group: a unit id, category code, session, kind (session/recess) or "
                                        "month (YYYY-MM, local); null: none (for month: not replied yet)")


class RateGroupsAnswer(Answer):
    """The rates of each group, in the order of their keys."""
    by: str
    items: list[RateGroup]
    total: int
    filters: RatesFilters


class UnitRankingAnswer(Answer):
    items: list[UnitRates]
    total: int
    filters: RatesFilters


class OverdueAssignment(Answer):
    assignment_id: int
    suggestion_id: int
    number: str | None
    title: str | None
    session: str | None
    category: str | None
    unit_id: int = Field(description="the handling unit that owes the reply (分办: one line per unit)")
    lead_unit_id: int | None = Field(description="the lead unit (None when the assignment is separate)")
    unit_name: str | None
    state: Literal["assigned", "signed", "rehandling"]
    round: int
    due_at: datetime | None
    days_late: int


class OverdueAnswer(Answer):
    """Overdue assignments, most late first; at most ``limit`` of them."""
    items: list[OverdueAssignment]
    limit: int
