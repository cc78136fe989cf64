"""Answers of the reference data: the deputies' roster (station service), the handling units
(assignment service) and the category taxonomy (suggestion service)."""
from typing import Literal

from pydantic import Field

from gateway.answers.common import Answer, page_of

Level = Literal["national", "provincial", "city", "county", "township"]


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


class UnitAnswer(Answer):
    """A handling unit (承办单位) with what routing matches suggestions against."""
    id: int
    name: str
    code: str
    duties: str
    keywords: list[str]
    categories: list[str] = Field(description="category codes the unit handles")
    email: str | None
    webhook_url: str | None


UnitPage = page_of(UnitAnswer, "UnitPage")


class CategoryAnswer(Answer):
    """A category of the suggestion taxonomy."""
    code: str
    name: str


CategoryPage = page_of(CategoryAnswer, "CategoryPage")
