"""Request models of the station service (event payloads: events.py): its published contract,
so it imports only pydantic and services/common."""
import re
from datetime import date as Date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.common.schemas import Id, Level

ActivityType = Literal["reception", "research", "inspection", "training", "visit"]
StationType = Literal["home", "station", "point"]
Disposition = Literal["resolved", "forwarded", "escalated"]
PHONE = r"^[0-9+\- ]{5,30}$"
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
OPINION_MAX_CHARS = 2000


def normalize_region(value: str) -> str:
    """"江北区 / 观音桥街道/建新社区" -> "江北区/观音桥街道/建新社区" (district → street → community)."""
    parts = [p.strip() for p in re.split(r"[/／]", value or "")]
    if not parts or any(not p for p in parts):
        raise ValueError("region is a path like 江北区/观音桥街道/建新社区 with no empty part")
    return "/".join(parts)


class Form(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class DeputyIn(Form):
    name: str = Field(min_length=1, max_length=100)
    level: Level
    delegation: str = Field(min_length=1, max_length=100)
    phone: str | None = Field(default=None, max_length=30, pattern=PHONE)
    email: str | None = Field(default=None, max_length=200, pattern=EMAIL)
    station_id: Id | None = None


class DeputyUpdate(Form):
    """PUT/PATCH /deputies/{id}: only the fields sent change; phone/email may be set to null."""
    name: str | None = Field(default=None, min_length=1, max_length=100)
    level: Level | None = None
    delegation: str | None = Field(default=None, min_length=1, max_length=100)
    phone: str | None = Field(default=None, max_length=30, pattern=PHONE)
    email: str | None = Field(default=None, max_length=200, pattern=EMAIL)
    active: bool | None = None


class StationIn(Form):
    name: str = Field(min_length=1, max_length=200)
    type: StationType
    region: str = Field(min_length=1, max_length=200)
    address: str = Field(min_length=1, max_length=300)
    parent_id: Id | None = None
    established_on: Date | None = None

    @field_validator("region")
    @classmethod
    def _region(cls, v: str) -> str:
        return normalize_region(v)


class StandardsIn(Form):
    """The eight standards (八有), all eight required."""
    site: bool
    sign: bool
    staff: bool
    rules: bool
    funds: bool
    activities: bool
    records: bool
    results: bool


class InspectionIn(Form):
    inspectors: list[str] = Field(min_length=1, max_length=20)
    scores: dict[str, float] = Field(default_factory=dict, max_length=30)
    stars: int = Field(ge=0, le=3)
    note: str = Field(default="", max_length=2000)
    date: Date | None = None

    @field_validator("inspectors")
    @classmethod
    def _names(cls, v: list[str]) -> list[str]:
        names = [n.strip() for n in v]
        if any(not n or len(n) > 100 for n in names):
            raise ValueError("each inspector is a name of 1-100 characters")
        return names

    @field_validator("scores")
    @classmethod
    def _scores(cls, v: dict[str, float]) -> dict[str, float]:
        if any(not k.strip() or len(k) > 50 for k in v):
            raise ValueError("each score is named by 1-50 characters")
        if any(not 0 <= s <= 100 for s in v.values()):
            raise ValueError("each score is between 0 and 100")
        return v


class MembershipIn(Form):
    deputy_id: Id


class ActivityIn(Form):
    type: ActivityType
    date: Date
    deputy_ids: list[Id] = Field(default_factory=list, max_length=200)
    visitors: int = Field(default=0, ge=0, le=100000)
    summary: str = Field(min_length=1, max_length=5000)


class StationOpinionIn(Form):
    """Recorded by station staff or a deputy."""
    content: str = Field(min_length=1, max_length=OPINION_MAX_CHARS)
    contact: str | None = Field(default=None, max_length=100)
    activity_id: Id | None = None


class PublicOpinionIn(Form):
    """Sent by the public through the QR link: content and, if they wish, a contact; nothing else."""
    content: str = Field(min_length=1, max_length=OPINION_MAX_CHARS)
    contact: str | None = Field(default=None, max_length=100)
    qr_token: str | None = Field(default=None, max_length=64)


class DispositionIn(Form):
    action: Disposition
    note: str = Field(min_length=1, max_length=2000)
    unit_name: str | None = Field(default=None, min_length=1, max_length=200)
    deputy_id: Id | None = None
    title: str | None = Field(default=None, min_length=5, max_length=100)
    category: str | None = Field(default=None, min_length=1, max_length=30)
