"""Query-string models of the routes: parsed by the route registry, documented in OpenAPI.

Every list pages with ``limit`` (1–200, default 50) and ``offset``; filters are optional. A
parameter a route does not know is refused (400 ``unknown_parameter``, gateway/contract.py).
"""
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from services.assignment.schemas import Role
from services.common.schemas import Id, Kind, Level

MAX_LIMIT = 200
DEFAULT_LIMIT = 50


def _printable(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


# a free-text filter: bounded, and nothing PostgreSQL cannot store
Text = Annotated[str, Field(max_length=200), AfterValidator(_printable)]
Date = Annotated[date, Field(description="a calendar date, YYYY-MM-DD")]
KindFilter = Annotated[Kind | None, Field(description="session: made during the congress (大会期间); recess: 闭会期间")]


class Query(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")


class Page(Query):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="rows per page")
    offset: int = Field(0, ge=0, le=10**9, description="rows to skip")


class SuggestionFilters(Query):
    status: Text | None = None
    category: Text | None = None
    session: Text | None = None
    kind: KindFilter = None
    q: Text | None = Field(None, description="keywords in the title or body")
    unit_id: Id | None = None
    deputy_id: Id | None = None
    overdue: bool | None = None
    public: bool | None = Field(None, description="true: shown on the public site now; false: not (never "
                                "published, withdrawn or past its end)")


SuggestionSort = Literal["-id", "id", "number", "-number", "due_at", "-due_at", "status_at", "-status_at"]


class SuggestionList(SuggestionFilters, Page):
    sort: SuggestionSort | None = Field(
        None, description="-id: newest first (the default); number: by the suggestion's number; due_at: nearest "
                          "deadline first; status_at: by the last change of status; a leading - reverses "
                          "(no number or deadline yet: last)")


class CategoryQuery(Query):
    session: Text | None = Field(None, description="the session whose scheme is wanted (default: the default scheme)")
    retired: bool = Field(False, description="true: list retired categories too")


class ScreeningStatsQuery(Query):
    session: Text | None = None
    kind: KindFilter = None


class PublicSuggestionList(Page):
    session: Text | None = None
    q: Text | None = None
    category: Text | None = None


class RoutingQuery(Query):
    limit: int = Field(5, ge=1, le=20, description="candidates to return")


class Supervision(Query):
    """Key supervision (重点督办): any, or led by this leader / this committee."""
    supervised: bool | None = Field(None, description="under key supervision (重点督办) or not")
    leader: Text | None = Field(None, description="a supervising leader's sub (any of the supervision's "
                                                  "leaders); `me`: the caller's own items")
    committee: Text | None = Field(None, description="the supervising committee, as named on the supervision")


class LetterQuery(Query):
    unit_id: Id | None = Field(None, description="the unit the letter is addressed to (default: the lead unit)")


class AssignmentList(Supervision, Page):
    state: Text | None = None
    unit_id: Id | None = None
    overdue: bool | None = None
    session: Text | None = None
    kind: KindFilter = None
    due_within: int | None = Field(None, ge=0, le=366, description="still handling (no reply in this round), "
                                   "not yet late and due within this many days (the supervision board's 即将到期)")
    disputed: bool | None = Field(None, description="a unit has an open dispute (申请退回) on it, or none has")
    extension_pending: bool | None = Field(None, description="a unit's request for more days awaits the office, "
                                           "or none does")
    role: Role | None = Field(
        None, description="the unit's role on it (a unit: its own; staff: with unit_id, that unit's; else any unit's)")
    sort: Literal["-id", "due_at", "-due_at"] | None = Field(
        None, description="due_at: nearest deadline first (-due_at: latest first); default newest assignment first")


class StatsFilters(Supervision):
    session: Text | None = None
    kind: KindFilter = None
    category: Text | None = None
    level: Level | None = Field(None, description="the deputies' level")
    unit_id: Id | None = None


class RateGroupsQuery(StatsFilters):
    by: Literal["unit", "category", "session", "kind", "month"] = Field(
        description="group by the replying unit, the category, the session, the kind (大会/闭会) or the month "
                    "of the reply (the office's local YYYY-MM)")


class NotificationList(Page):
    unread: bool | None = None


class UnitList(Page):
    q: Text | None = Field(None, description="a part of the unit's name or code")


class UnitNameQuery(Query):
    name: Text = Field(description="a unit's name as the office would register it, e.g. 沾益区住建局")


class DeputyList(Page):
    level: Level | None = None
    q: Text | None = None
    station_id: Id | None = None


class Period(Query):
    from_: Date | None = Field(None, alias="from")
    to: Date | None = None


class StationFilters(Period):
    region: Text | None = None
    type: Text | None = None
    parent_id: Id | None = None
    stars: int | None = Field(None, ge=0, le=3)


class StationList(StationFilters, Page):
    pass


class MissedReceptions(StationFilters, Page):
    month: str = Field(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")


class ActivityList(Period, Page):
    type: Text | None = None


class OpinionList(Page):
    status: Text | None = None


ME = "me"


def for_caller(query: dict, actor: dict) -> dict:
    """``leader=me``: the caller's sub, so a leader gets the items they supervise."""
    if query.get("leader") == ME:
        return {**query, "leader": actor.get("sub") or ""}
    return query


def page(request) -> tuple[dict, int, int]:
    """The parsed query split into filters, limit and offset."""
    wanted = dict(request.query)
    return wanted, wanted.pop("limit"), wanted.pop("offset")
