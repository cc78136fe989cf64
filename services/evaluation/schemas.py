"""Request models of the evaluation service."""
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from services.common.schemas import Id, Kind, Level

Choice = Literal["satisfied", "basic", "dissatisfied"]


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
    unit_ids: list[Id] = Field(min_length=1, max_length=1000)
    voter_count: int = Field(ge=1, le=100000)


class VoteIn(Strict):
    unit_id: Id
    choice: Choice


class BallotIn(Strict):
    votes: list[VoteIn] = Field(min_length=1, max_length=1000)
    voter: str | None = Field(default=None, min_length=1, max_length=100)


class AssessmentIn(Strict):
    sample_size: int = Field(ge=1, le=10000)
    session: str | None = Field(default=None, min_length=1, max_length=50)
    seed: int | None = Field(default=None, ge=0, le=2**62)


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
