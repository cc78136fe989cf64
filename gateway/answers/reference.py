"""Answers of the reference data: the handling units (assignment service) and the category
taxonomy (suggestion service). The roster's deputies are answered with DeputyAnswer and
DeputyPage of gateway/answers/stations.py (the station service owns the roster)."""
from pydantic import Field

from gateway.answers.common import Answer, page_of


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
