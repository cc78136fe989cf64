"""Request and event payload models of the suggestion service."""
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.common.schemas import Id

Kind = Literal["session", "recess"]
Source = Literal["research", "inspection", "group", "visit", "station", "other"]


class SuggestionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=5, max_length=100)
    body: str = Field(min_length=1, max_length=20000)
    category: str
    kind: Kind
    session: str = Field(min_length=1, max_length=50)
    co_signer_ids: list[Id] = Field(default_factory=list, max_length=200)
    source: Source = "other"
    station_opinion_id: Id | None = None
    draft: bool = False
    lead_deputy_id: Id | None = None  # office submitting on a deputy's behalf

    @field_validator("co_signer_ids")
    @classmethod
    def distinct(cls, value: list[int]) -> list[int]:
        if len(set(value)) != len(value):
            raise ValueError("co-signers must be distinct")
        return value


class DraftUpdate(BaseModel):
    """Fields a deputy may change when submitting a draft (all optional)."""
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str | None = None
    body: str | None = None
    category: str | None = None
    kind: Kind | None = None
    session: str | None = None
    co_signer_ids: list[Id] | None = None
    source: Source | None = None


class WithdrawIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=1, max_length=2000)


class PublishIn(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ScreeningIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    decision: Literal["accept", "return", "merge"]
    reason: str | None = Field(default=None, max_length=2000)
    merge_into_id: Id | None = None


class SuggestionEvent(BaseModel):
    """Payload of every suggestion.* event (submitted, accepted, returned, merged, withdrawn, published)."""
    suggestion_id: int
    number: int | None
    number_label: str | None
    session: str
    title: str
    category: str
    kind: str
    source: str | None = None
    lead_deputy_id: int
    co_signer_ids: list[int]
    status: str
    reason: str | None = None
    station_opinion_id: int | None = None
    merged_into_id: int | None = None
    at: datetime
