"""Request models of the assignment service."""
from typing import Annotated, Literal, get_args

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from services.common.schemas import Id

State = Literal["assigned", "signed", "replied", "evaluated", "rehandling", "closed"]
STATES: tuple[str, ...] = get_args(State)
ContactStage = Literal["before", "during", "after"]
ContactMethod = Literal["visit", "phone", "meeting", "online"]
UrgeMethod = Literal["phone", "letter"]


class UnitIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    code: str = Field(min_length=1, max_length=50)
    duties: str = Field(default="", max_length=10000)
    keywords: list[Annotated[str, Field(min_length=1, max_length=50)]] = Field(default_factory=list, max_length=200)
    categories: list[Annotated[str, Field(min_length=1, max_length=30)]] = Field(default_factory=list, max_length=50)
    email: str | None = Field(default=None, max_length=200, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    webhook_url: str | None = Field(default=None, max_length=500, pattern=r"^https?://")


class AssignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lead_unit_id: Id
    co_unit_ids: list[Id] = Field(default_factory=list, max_length=50)
    due_at: AwareDatetime | None = None  # with an offset: a naive time is ambiguous


class RerouteIn(AssignIn):
    reason: str | None = Field(default=None, max_length=2000)


class ReplyIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    result_class: str = Field(min_length=1, max_length=5)  # checked against RESULT_CLASSES (config)
    content: str = Field(min_length=1, max_length=20000)
    signed_by: str = Field(min_length=1, max_length=100)


class FollowUpIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    content: str = Field(min_length=1, max_length=20000)
    signed_by: str = Field(min_length=1, max_length=100)
    result_class: str | None = Field(default=None, min_length=1, max_length=5)  # default: the first class


class DisputeIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=1, max_length=2000)


class ContactIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    stage: ContactStage
    method: ContactMethod
    note: str = Field(default="", max_length=5000)


class CoOpinionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    content: str = Field(min_length=1, max_length=20000)


class UrgeIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    method: UrgeMethod
    note: str | None = Field(default=None, max_length=2000)


class ExtensionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    days: int = Field(ge=1, le=3650)
    reason: str = Field(min_length=1, max_length=2000)


class ExtensionDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    approve: bool
    note: str | None = Field(default=None, max_length=2000)


class SupervisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    leader: str = Field(min_length=1, max_length=100)
    committee: str | None = Field(default=None, max_length=200)
    reason: str = Field(min_length=1, max_length=2000)
