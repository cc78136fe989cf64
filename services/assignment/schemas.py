"""Request models of the assignment service."""
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from services.common.schemas import Id


class UnitIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    code: str = Field(min_length=1, max_length=50)
    duties: str = Field(default="", max_length=10000)
    keywords: list[str] = Field(default_factory=list, max_length=200)
    categories: list[str] = Field(default_factory=list, max_length=50)
    email: str | None = Field(default=None, max_length=200, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    webhook_url: str | None = Field(default=None, max_length=500, pattern=r"^https?://")


class AssignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lead_unit_id: Id
    co_unit_ids: list[Id] = Field(default_factory=list, max_length=50)
    due_at: AwareDatetime | None = None  # with an offset: a naive time is ambiguous


class ReplyIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    result_class: Literal["A", "B", "C"]
    content: str = Field(min_length=1, max_length=20000)
    signed_by: str = Field(min_length=1, max_length=100)
