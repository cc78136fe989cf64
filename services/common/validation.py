"""Validate input dicts with pydantic; failures become a 422 naming each field."""
from pydantic import ValidationError

from services.common.errors import from_pydantic


def parse(model, data):
    try:
        return model.model_validate(data if data is not None else {})
    except ValidationError as exc:
        raise from_pydantic(exc) from None
