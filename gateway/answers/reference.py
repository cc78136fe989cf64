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
    kind: str | None = Field(None, description="the kind of unit (unit_kinds code, e.g. housing); null: not recognised")
    level: str | None = Field(None, description="national, provincial, city, county or township; null: not given")
    region: str | None = Field(None, description="where the unit serves, e.g. 云南省曲靖市沾益区; null: not given")


class UnitKindAnswer(Answer):
    """The kind of unit recognised from a name."""
    name: str
    kind: str | None = Field(description="unit_kinds code; null: not recognised")
    kind_name: str | None = Field(description="the kind's usual name, e.g. 住房和城乡建设局")


UnitPage = page_of(UnitAnswer, "UnitPage")


class UnitKindItem(Answer):
    """A kind of unit (unit_kinds.yml): its code and usual name."""
    code: str
    name: str


UnitKindPage = page_of(UnitKindItem, "UnitKindPage")


class CategoryAnswer(Answer):
    """A category of a category scheme (分类方案)."""
    code: str
    name: str
    parent: str | None = Field(None, description="the code of its top-level category; null for a top-level one")
    active: bool = Field(True, description="false: retired, kept for the suggestions that have it")


class CategorySchemeSummary(Answer):
    """A category scheme, without its categories."""
    id: int | None = Field(description="null only for the built-in taxonomy when no default scheme is stored")
    name: str
    congress: str = Field(description="the prefix of the session labels it serves; \"\" for the default scheme")
    default: bool = Field(description="the default scheme serves every session no other scheme does")


class CategoryPage(page_of(CategoryAnswer, "CategoryAnswerPage")):
    """The categories of the scheme in force for a session (the default scheme without one)."""
    scheme: CategorySchemeSummary


class CategorySchemeAnswer(CategorySchemeSummary):
    """A category scheme with every category, retired ones too."""
    categories: list[CategoryAnswer]


CategorySchemePage = page_of(CategorySchemeAnswer, "CategorySchemePage")
