"""Request models of the suggestion service (its events are in events.py)."""
from typing import Annotated, Literal, get_args

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from services.common.schemas import Id, Kind

Status = Literal["draft", "submitted", "accepted", "returned", "merged", "withdrawn", "assigned", "signed",
                 "replied", "evaluated", "rehandling", "closed"]
# an accepted suggestion, wherever it is in handling, may be disclosed
PublicStatus = Literal["accepted", "assigned", "signed", "replied", "evaluated", "rehandling", "closed"]
STATUSES: tuple[str, ...] = get_args(Status)
PUBLISHABLE: tuple[str, ...] = get_args(PublicStatus)
Source = Literal["research", "inspection", "group", "visit", "station", "other"]
# the bounds of a suggestion's fields, the same for a new suggestion and a draft's update
Title = Annotated[str, Field(min_length=5, max_length=100)]
Body = Annotated[str, Field(min_length=1, max_length=20000)]
Category = Annotated[str, Field(min_length=1, max_length=30, description="a code of GET /api/v1/categories")]
Session = Annotated[str, Field(min_length=1, max_length=50)]
MAX_CO_SIGNERS = 200
# the real date of a step entered later (paper intake, a past year): office only, with an offset
SubmittedAt = Annotated[AwareDatetime | None, Field(
    description="office only: when the deputy really submitted it (paper intake, a past "
                              "year); not in the future. Default: now")]


class SuggestionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: Title = Field(examples=["关于增设社区公交站点的建议"])
    body: Body = Field(examples=["该小区距最近公交站两公里，建议增设站点。"])
    category: Category = Field(examples=["transport"])
    kind: Kind
    session: Session = Field(examples=["十六届三次"])
    co_signer_ids: list[Id] = Field(default_factory=list, max_length=MAX_CO_SIGNERS)
    source: Source = "other"
    station_opinion_id: Id | None = None
    draft: bool = False
    lead_deputy_id: Id | None = None  # office submitting on a deputy's behalf
    submitted_at: SubmittedAt = None

    @field_validator("co_signer_ids")
    @classmethod
    def distinct(cls, value: list[int]) -> list[int]:
        if len(set(value)) != len(value):
            raise ValueError("co-signers must be distinct")
        return value


class DraftUpdate(BaseModel):
    """Fields a deputy may change when submitting a draft (all optional)."""
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: Title | None = None
    body: Body | None = None
    category: Category | None = None
    kind: Kind | None = None
    session: Session | None = None
    co_signer_ids: list[Id] | None = Field(default=None, max_length=MAX_CO_SIGNERS)
    source: Source | None = None
    submitted_at: SubmittedAt = None


class WithdrawIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=1, max_length=2000)


class ReplyText(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Id = Field(description="a reply's id, as GET /suggestions/{id}/publication lists it")
    content: str = Field(min_length=1, max_length=20000)


class PublicationTexts(BaseModel):
    """The office's reviewed texts; a part not given is published masked (or as written with redact: false)."""
    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    body: Body | None = None
    replies: list[ReplyText] = Field(default_factory=list, max_length=200)


class PublishIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    redact: bool = Field(True, description="mask phone and ID numbers, bank cards, e-mail and house numbers "
                                           "in every part not given in texts (false: publish them as written)")
    texts: PublicationTexts | None = None


class ScreeningIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    decision: Literal["accept", "return", "merge"]
    reason: str | None = Field(default=None, max_length=2000)
    merge_into_id: Id | None = None
    accepted_at: AwareDatetime | None = Field(
        default=None, description="office: when the suggestion was really accepted (立案), with decision "
                                  "accept; not in the future, not before it was submitted. Default: now")
    decided_at: AwareDatetime | None = Field(
        default=None, description="office: when any decision (accept, return, merge) was really taken; "
                                  "the same rules as accepted_at")

