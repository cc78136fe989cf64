"""Request models of the evaluation service."""
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from services.common.schemas import Id, Kind, Level

Choice = Literal["satisfied", "basic", "dissatisfied"]
# a 民主测评 ballot's choice: a rating, or abstain (弃权), counted apart from the votes the rates divide by
BallotChoice = Literal["satisfied", "basic", "dissatisfied", "abstain"]
# what a satisfaction test is of: the government's handling report as a whole (and any units listed), or units
TestSubject = Literal["report", "units"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RatingIn(Strict):
    satisfaction: Choice
    comment: str | None = Field(default=None, max_length=5000)
    # 分办: the handling unit whose reply is rated (required when the assignment is separate)
    unit_id: Id | None = None
    # the real date of a paper rating form (office only; not in the future, not before the reply)
    evaluated_at: AwareDatetime | None = None


class TestIn(Strict):
    title: str = Field(min_length=1, max_length=200)
    subject: TestSubject = "units"
    unit_ids: list[Id] = Field(default_factory=list, max_length=1000)  # at least one for "units" (domain)
    voter_count: int = Field(ge=1, le=100000)


class VoteIn(Strict):
    unit_id: Id | None = None  # None (or absent): the vote on the report as a whole (a "report" test)
    choice: BallotChoice


class BallotIn(Strict):
    votes: list[VoteIn] = Field(min_length=1, max_length=1000)
    voter: str | None = Field(default=None, min_length=1, max_length=100)


# an assessor (第三方评估人员) is a person: the sub of their assessor token
AssessorSub = Annotated[str, Field(min_length=1, max_length=100)]


class AssessmentIn(Strict):
    sample_size: int = Field(ge=1, le=10000)
    assessors: list[AssessorSub] = Field(default_factory=list, max_length=100)
    session: str | None = Field(default=None, min_length=1, max_length=50)
    seed: int | None = Field(default=None, ge=0, le=2**62)


class AssessorsIn(Strict):
    """Assessors named on an assessment later (added to those already named)."""
    assessors: list[AssessorSub] = Field(min_length=1, max_length=100)


class ScoreIn(Strict):
    suggestion_id: Id
    score: int = Field(ge=0, le=100)
    comment: str | None = Field(default=None, max_length=5000)


class StatsFilter(Strict):
    session: str | None = Field(default=None, max_length=50)
    unit_id: Id | None = None
    category: str | None = Field(default=None, max_length=30)
    level: Level | None = None
    kind: Kind | None = None
    supervised: bool | None = None
    leader: str | None = Field(default=None, max_length=100)
    committee: str | None = Field(default=None, max_length=200)
