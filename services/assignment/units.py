"""The handling units registry (承办单位): name, code, duties, keywords, categories, contacts."""
from sqlalchemy import select

from services.assignment.events import UnitRegistered
from services.assignment.models import Unit
from services.assignment.schemas import UnitIn
from services.assignment.views import unit_dict
from services.common.errors import Conflict
from services.common.validation import parse


def register_unit(tx, data: dict) -> dict:
    form = parse(UnitIn, data)
    if tx.scalar(select(Unit.id).where(Unit.code == form.code)) is not None:
        raise Conflict(f"a unit with code {form.code} already exists", [{"field": "code", "message": "duplicate"}])
    unit = Unit(**form.model_dump())
    tx.add(unit)
    tx.flush()
    result = unit_dict(unit)
    tx.publish(UnitRegistered.model_validate(result))
    return result
