"""The pieces every answer model uses: the base class, lists, the error format."""
from functools import cache

from pydantic import BaseModel, ConfigDict, Field, create_model


class Answer(BaseModel):
    """An answer object: these fields are promised, more may come."""
    model_config = ConfigDict(extra="allow")


def _no_default(schema: dict) -> None:
    schema.pop("default", None)


def absent(description: str | None = None):
    """A field the service leaves out rather than sending null (documented as optional, never null)."""
    return Field(None, description=description, json_schema_extra=_no_default)


class SupervisionFilters(Answer):
    """Key supervision filters (重点督办), as given."""
    supervised: bool = absent("only items under key supervision (true) or only the others (false)")
    leader: str = absent("only items supervised by this leader")
    committee: str = absent("only items supervised by this committee")


class ErrorDetail(Answer):
    field: str | None = None
    message: str | None = None


class ErrorInfo(Answer):
    code: str = Field(description="machine-readable, e.g. validation_failed, not_found, conflict")
    message: str
    details: list[ErrorDetail | dict] = Field(default_factory=list)


class ErrorAnswer(Answer):
    """Every error: 4xx and 503."""
    error: ErrorInfo


@cache
def page_of(item: type[BaseModel], name: str | None = None) -> type[BaseModel]:
    """A list answer: `{items, total, limit, offset}` (GET lists, API.md)."""
    return create_model(name or f"{item.__name__}Page", __base__=Answer,
                        items=(list[item], ...), total=(int, ...), limit=(int, ...), offset=(int, ...))
