"""Every request model of the services refuses unknown fields and bounds every integer.

A field nobody reads is a typo the caller should hear of (422 naming it); an unbounded int
reaches PostgreSQL as a 500 ("integer out of range") instead of a 422.
"""
import importlib
import inspect
import pathlib
import types
import typing

import annotated_types
import pytest
from pydantic import BaseModel, Field

from services.common.errors import ValidationFailed
from services.common.validation import parse
from tests.conftest import ROOT

MODULES = sorted(f"services.{p.parent.name}.schemas" for p in pathlib.Path(ROOT, "services").glob("*/schemas.py"))


def request_models():
    for name in MODULES:
        module = importlib.import_module(name)
        for cls_name, cls in vars(module).items():
            if (inspect.isclass(cls) and issubclass(cls, BaseModel) and cls.__module__ == name
                    and not cls_name.endswith("Event") and cls.model_fields):
                yield pytest.param(cls, id=f"{name.split('.')[1]}.{cls_name}")


def unbounded_ints(annotation, metadata=()) -> bool:
    """True if an int somewhere in the annotation lacks a lower or an upper bound."""
    if typing.get_origin(annotation) is typing.Annotated:
        base, *extra = typing.get_args(annotation)
        found = [m for e in extra for m in (getattr(e, "metadata", None) or [e])]
        return unbounded_ints(base, (*metadata, *found))
    if annotation is int:
        low = any(isinstance(m, (annotated_types.Ge, annotated_types.Gt)) for m in metadata)
        high = any(isinstance(m, (annotated_types.Le, annotated_types.Lt)) for m in metadata)
        return not (low and high)
    inherited = metadata if typing.get_origin(annotation) in (typing.Union, types.UnionType) else ()
    return any(unbounded_ints(arg, inherited) for arg in typing.get_args(annotation))


def test_the_request_models_are_found():
    names = {p.id for p in request_models()}
    assert {"suggestion.SuggestionIn", "station.ActivityIn", "evaluation.AssessmentIn",
            "assignment.ExtensionIn", "notify.PreferencesIn"} <= names


@pytest.mark.parametrize("model", request_models())
def test_unknown_fields_are_refused(model):
    assert model.model_config.get("extra") == "forbid"
    with pytest.raises(ValidationFailed) as info:
        parse(model, {"no_such_field": 1})
    assert "no_such_field" in [d["field"] for d in info.value.details]


@pytest.mark.parametrize("model", request_models())
def test_every_integer_is_bounded(model):
    loose = [name for name, field in model.model_fields.items()
             if unbounded_ints(field.annotation, tuple(field.metadata))]
    assert not loose, f"{model.__name__}: unbounded integer fields {loose}"


def test_the_checker_sees_an_unbounded_int():
    class Loose(BaseModel):
        n: list[int | None]
        m: int | None = Field(None, ge=0)

    assert unbounded_ints(Loose.model_fields["n"].annotation)
    assert unbounded_ints(Loose.model_fields["m"].annotation, tuple(Loose.model_fields["m"].metadata))
