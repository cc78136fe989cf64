"""Answers of the station service: the roster (deputies, points), stations, inspections, activities, stats.

Built by services/station (roster.py, registry.py, activities.py, stats.py, points.py); opinions:
gateway/answers/opinions.py. DeputyAnswer and DeputyPage also answer POST/GET /api/v1/deputies.
"""
from datetime import date as Date
from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from gateway.answers.common import Answer, page_of
from services.common.schemas import Level
from services.station.schemas import ActivityType, StationType
Stars = Annotated[int, Field(ge=0, le=3, description="0–3, from the latest inspection")]


# ---- the roster -------------------------------------------------------------------------
class DeputyAnswer(Answer):
    """A deputy (代表) of the roster."""
    id: int
    deputy_id: int = Field(description="the same as id")
    name: str
    level: Level
    delegation: str
    phone: str | None
    email: str | None
    active: bool
    station_ids: list[int] = Field(description="the stations the deputy is a member of")


DeputyPage = page_of(DeputyAnswer, "DeputyPage")


class MembershipAnswer(Answer):
    """A deputy made a member of a station."""
    station_id: int
    deputy_id: int
    joined_at: datetime
    deputy: DeputyAnswer


class PointEntryAnswer(Answer):
    """Points from one source (an activity or a suggestion)."""
    id: int
    points: int
    reason: Literal["reception", "research", "inspection", "training", "visit", "suggestion_submitted",
                    "suggestion_accepted", "suggestion_co_signed"]
    reason_label: str = Field(description="the reason in Chinese, e.g. 接待选民")
    source_type: Literal["activity", "suggestion"]
    source_id: str = Field(description="the activity's or suggestion's id")
    label: str | None
    event_id: str | None = Field(description="the event that awarded them (suggestions)")
    at: datetime


class DeputyPointsAnswer(page_of(PointEntryAnswer, "PointEntryPage")):
    """A deputy's performance points (履职积分): the total, per reason, and each entry (newest first)."""
    deputy_id: int
    points: int = Field(description="the total")
    by_reason: dict[str, int]


# ---- stations ---------------------------------------------------------------------------
class StationAnswer(Answer):
    """A liaison station (代表之家 home / 联络站 station / 联络点 point)."""
    id: int
    name: str
    type: StationType
    region: str = Field(description="a path: district/street/community")
    address: str
    parent_id: int | None
    qr_token: str = Field(description="the key of the public intake link (PUBLIC_BASE_URL/s/<qr_token>)")
    stars: Stars
    standards: dict[str, bool] = Field(description="the eight standards (八有) once set, else {}")
    standards_met: int = Field(ge=0, le=8)
    standards_set_by: str | None
    standards_set_at: datetime | None
    established_on: Date | None


StationPage = page_of(StationAnswer, "StationPage")


class InspectionAnswer(Answer):
    """A cross inspection (交叉互检)."""
    id: int
    station_id: int
    date: Date
    inspectors: list[str]
    scores: dict[str, float]
    total: float = Field(description="the sum of the scores")
    stars: Stars
    note: str
    recorded_by: str | None
    created_at: datetime


InspectionPage = page_of(InspectionAnswer, "InspectionPage")


class RecordedInspectionAnswer(InspectionAnswer):
    station_stars: int = Field(ge=0, le=3, description="the station's stars now (they follow the latest)")


class StationMember(Answer):
    id: int
    name: str
    level: Level
    active: bool


class StationDetailAnswer(StationAnswer):
    """A station with its member deputies and latest inspection."""
    deputies: list[StationMember]
    latest_inspection: InspectionAnswer | None


class PublicStationAnswer(Answer):
    """What the page behind a QR link shows: no token, no contact data."""
    id: int
    name: str
    type: StationType
    region: str
    address: str


# ---- activities -------------------------------------------------------------------------
class ActivityAnswer(Answer):
    id: int
    station_id: int
    type: ActivityType
    date: Date
    deputy_ids: list[int]
    visitors: int
    summary: str
    recorded_by: str | None
    created_at: datetime


ActivityPage = page_of(ActivityAnswer, "ActivityPage")


class MissedStation(Answer):
    id: int
    name: str
    type: StationType
    region: str
    address: str


class MissedReceptionsAnswer(page_of(MissedStation, "MissedStationPage")):
    """Stations with no reception activity on the month's reception day (none while it is ahead)."""
    month: str = Field(description="YYYY-MM")
    reception_day: Date
    pending: bool = Field(description="the reception day is still ahead: nothing is missed yet")


# ---- figures ----------------------------------------------------------------------------
class StationFigures(Answer):
    activities: int
    receptions: int
    visitors: int
    opinions: int
    handled: int = Field(description="opinions with a disposition")
    handled_rate: float | None = Field(ge=0, le=1, description="handled / opinions; null with no opinions")
    escalated: int
    forwarded: int
    resolved: int
    open: int
    from_: Date | None = Field(alias="from")
    to: Date | None


class StationStatsAnswer(StationFigures):
    station_id: int


class RegionStatsAnswer(StationFigures):
    """The figures over every station of a region (and beneath it), of a type if asked."""
    region: str | None
    type: str | None
    stations: int
    stations_by_stars: dict[str, int] = Field(description='stations per star count ("0"–"3")')
