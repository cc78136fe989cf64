"""Request models of the assignment service."""
from typing import Annotated, Literal, get_args

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from services.common.schemas import Id, Level  # Level: a unit's (or a congress's) level

State = Literal["assigned", "signed", "replied", "evaluated", "rehandling", "closed"]
STATES: tuple[str, ...] = get_args(State)
ContactStage = Literal["before", "during", "after"]
ContactMethod = Literal["visit", "phone", "meeting", "online"]
UrgeMethod = Literal["phone", "letter"]
Mode = Literal["lead", "separate"]  # 主办 (one lead unit replies) or 分办 (every unit replies)
Role = Literal["lead", "co", "separate"]

KIND = Field(default=None, min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$",
             description="the kind of unit (unit_kinds code, e.g. housing); omitted at registration: "
                         "recognised from the name")
LEVEL = Field(default=None, description="national, provincial, city, county or township")
REGION = Field(default=None, min_length=1, max_length=100,
               description="where the unit serves, from the province down, e.g. 云南省曲靖市沾益区")


class UnitIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    code: str = Field(min_length=1, max_length=50)
    duties: str = Field(default="", max_length=10000)
    keywords: list[Annotated[str, Field(min_length=1, max_length=50)]] = Field(default_factory=list, max_length=200)
    categories: list[Annotated[str, Field(min_length=1, max_length=30)]] = Field(default_factory=list, max_length=50)
    email: str | None = Field(default=None, max_length=200, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    webhook_url: str | None = Field(default=None, max_length=500, pattern=r"^https?://")
    kind: str | None = KIND
    level: Level | None = LEVEL
    region: str | None = REGION


class UnitPatch(BaseModel):
    """The office corrects a unit: only the fields given change (null clears kind, level, region)."""
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str | None = Field(default=None, min_length=1, max_length=200)
    duties: str | None = Field(default=None, max_length=10000)
    keywords: list[Annotated[str, Field(min_length=1, max_length=50)]] | None = Field(default=None, max_length=200)
    categories: list[Annotated[str, Field(min_length=1, max_length=30)]] | None = Field(default=None, max_length=50)
    kind: str | None = KIND
    level: Level | None = LEVEL
    region: str | None = REGION


class UnitsIn(BaseModel):
    """The units of an assignment, per mode (checked in domain.units_of: errors name the field)."""
    model_config = ConfigDict(extra="forbid")

    mode: Mode | None = Field(default=None, description="lead (default) or separate (分办)")
    lead_unit_id: Id | None = Field(default=None, description="mode lead: required")
    co_unit_ids: list[Id] = Field(default_factory=list, max_length=50, description="mode lead only")
    unit_ids: list[Id] = Field(default_factory=list, max_length=50,
                               description="mode separate: at least two distinct units, each replying")
    due_at: AwareDatetime | None = None  # with an offset: a naive time is ambiguous


class AssignIn(UnitsIn):
    assigned_at: AwareDatetime | None = Field(
        default=None, description="office only: the real date of 交办 (not in the future); due dates count from it")


class RerouteIn(UnitsIn):
    reason: str | None = Field(default=None, max_length=2000)


class OnBehalfIn(BaseModel):
    """A step the office may record on behalf of a unit (paper work, a past year)."""
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    unit_id: Id | None = Field(default=None, description="which unit: required when the office records the step; "
                                                         "a unit may omit it or give its own")


class SignIn(OnBehalfIn):
    signed_at: AwareDatetime | None = Field(default=None, description="office only: the real date of signing")


class ReplyIn(OnBehalfIn):
    result_class: str = Field(min_length=1, max_length=5)  # checked against RESULT_CLASSES (config)
    content: str = Field(min_length=1, max_length=20000)
    signed_by: str = Field(min_length=1, max_length=100)
    replied_at: AwareDatetime | None = Field(default=None, description="office only: the real date of the reply")


class FollowUpIn(OnBehalfIn):
    content: str = Field(min_length=1, max_length=20000)
    signed_by: str = Field(min_length=1, max_length=100)
    result_class: str | None = Field(default=None, min_length=1, max_length=5)  # default: the first class


class DisputeIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=1, max_length=2000)


class ContactIn(OnBehalfIn):
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
    # the unit urged: any unit of the assignment (lead, co-unit, separately handling unit); omitted: the
    # lead unit, or for a separate assignment every unit still handling (domain.urge_targets)
    unit_id: Id | None = None


class LetterQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit_id: Id | None = None


class ExtensionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    days: int = Field(ge=1, le=3650)
    reason: str = Field(min_length=1, max_length=2000)


class ExtensionDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    approve: bool
    unit_id: Id | None = Field(default=None, description="whose request (separate: needed when several wait)")
    note: str | None = Field(default=None, max_length=2000)


class LeaderIn(BaseModel):
    """A supervising leader: a person, named by the sub of their token; a display name if given."""
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    sub: str = Field(min_length=1, max_length=100)
    name: str | None = Field(default=None, min_length=1, max_length=100)


class SupervisionIn(BaseModel):
    """重点督办 by one or more leaders and/or a special committee (domain.supervisors: at least one)."""
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    leaders: list[LeaderIn] = Field(default_factory=list, max_length=20)
    leader: str | None = Field(default=None, min_length=1, max_length=100)  # one leader's sub, shorthand
    committee: str | None = Field(default=None, min_length=1, max_length=200)
    reason: str = Field(min_length=1, max_length=2000)

    @field_validator("leaders", mode="before")
    @classmethod
    def _subs(cls, value):
        """A leader may be given as a bare sub: ["leader-zhang"] is [{"sub": "leader-zhang"}]."""
        if isinstance(value, list):
            return [{"sub": v} if isinstance(v, str) else v for v in value]
        return value
