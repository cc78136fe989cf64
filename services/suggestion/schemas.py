"""Request models of the suggestion service (its events are in events.py)."""
from datetime import date
from typing import Annotated, Literal, get_args

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from services.common.schemas import Id, Kind

Status = Literal["draft", "submitted", "accepted", "returned", "merged", "converted_letter", "converted_reference",
                 "withdrawn", "assigned", "signed", "replied", "evaluated", "rehandling", "closed"]
# screening outcomes besides accept: 退回, 并案, 转为代表来信, 转作参考材料 (final statuses)
ScreeningDecision = Literal["accept", "return", "merge", "convert_letter", "convert_reference"]
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
    until: date | None = Field(None, description="the last day (the office's local day) the public site shows it; "
                                                 "not before today. Publishing again replaces it (absent: no end)",
                               examples=["2026-12-31"])


class UnpublishIn(BaseModel):
    """Withdrawing a disclosure (撤回公开): the reason is kept, with who and when."""
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=1, max_length=2000, examples=["涉及个人隐私，撤回公开"])


class ScreeningIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    decision: ScreeningDecision = Field(description="accept; return (退回), merge (并案), convert_letter (转为代表来信) "
                                                    "or convert_reference (转作参考材料): each but accept needs a reason, "
                                                    "merge a merge_into_id")
    reason: str | None = Field(default=None, max_length=2000)
    merge_into_id: Id | None = None
    accepted_at: AwareDatetime | None = Field(
        default=None, description="office: when the suggestion was really accepted (立案), with decision "
                                  "accept; not in the future, not before it was submitted. Default: now")
    decided_at: AwareDatetime | None = Field(
        default=None, description="office: when any decision (accept, return, merge) was really taken; "
                                  "the same rules as accepted_at")



CategoryCode = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,29}$", examples=["economy"],
                                    description="letters, digits, _ or -, starting with a letter (1–30)")]


class CategoryIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    code: CategoryCode
    name: str = Field(min_length=1, max_length=50, examples=["经济建设"])
    parent: CategoryCode | None = Field(None, description="the code of a top-level category of the same scheme")
    active: bool = Field(True, description="false: retired, kept for the suggestions that have it")


class CategorySchemeIn(BaseModel):
    """A category scheme (分类方案) for the sessions whose label starts with ``congress``."""
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=100, examples=["十堰市五届人大分类"])
    congress: str = Field(min_length=1, max_length=50, examples=["十堰五届"],
                          description="the prefix of the session labels it serves (the longest matching "
                                      "prefix wins; the default scheme serves every other session)")
    categories: list[CategoryIn] = Field(min_length=1, max_length=200)


class CategorySchemeUpdate(BaseModel):
    """Changes to a scheme; ``categories`` replaces its list, and a category left out is kept retired."""
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str | None = Field(None, min_length=1, max_length=100)
    congress: str | None = Field(None, min_length=1, max_length=50,
                                 description="not for the default scheme, which serves every other session")
    categories: list[CategoryIn] | None = Field(None, min_length=1, max_length=200)
