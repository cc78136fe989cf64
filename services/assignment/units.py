"""The handling units registry (承办单位): name, code, duties, keywords, categories, contacts, and for
routing the unit's kind, level and region (issue 18)."""
from sqlalchemy import select

from services.assignment import unit_kinds
from services.assignment.events import UnitRegistered, UnitUpdated
from services.assignment.models import Unit
from services.assignment.schemas import UnitIn, UnitPatch
from services.assignment.views import unit_dict
from services.common.clock import now
from services.common.errors import Conflict, field_error
from services.common.store import load_or_404
from services.common.validation import parse


def check_kind(kind: str | None) -> None:
    if kind is not None and kind not in unit_kinds.kinds():
        raise field_error("kind", f"unknown kind of unit: {kind}")


def recognise(name: str) -> dict:
    """What registration would take from a unit's name: its kind (None: not recognised)."""
    kind = unit_kinds.kind_of(name)
    known = unit_kinds.kinds().get(kind) if kind else None
    return {"name": name, "kind": kind, "kind_name": known.name if known else None}


def kinds() -> dict:
    """The kinds of unit the data knows (code and usual name), in the data's order."""
    items = [{"code": k.code, "name": k.name} for k in unit_kinds.kinds().values()]
    return {"items": items, "total": len(items), "limit": len(items), "offset": 0}


def register_unit(tx, data: dict) -> dict:
    form = parse(UnitIn, data)
    if tx.scalar(select(Unit.id).where(Unit.code == form.code)) is not None:
        raise Conflict(f"a unit with code {form.code} already exists", [{"field": "code", "message": "duplicate"}])
    check_kind(form.kind)
    values = form.model_dump()
    if values["kind"] is None:
        values["kind"] = unit_kinds.kind_of(form.name)
    unit = Unit(**values)
    tx.add(unit)
    tx.flush()
    result = unit_dict(unit)
    tx.publish(UnitRegistered.model_validate(result))
    return result


def update_unit(tx, unit_id: int, data: dict) -> dict:
    """The office corrects a unit's name, duties, keywords, categories, kind, level or region."""
    form = parse(UnitPatch, data)
    given = form.model_dump(exclude_unset=True)
    for required in ("name", "duties", "keywords", "categories"):
        if required in given and given[required] is None:
            raise field_error(required, "may not be null")
    check_kind(given.get("kind"))
    unit = load_or_404(tx, Unit, unit_id, "unit", True)
    for field, value in given.items():
        setattr(unit, field, value)
    unit.updated_at = now()
    tx.flush()
    result = unit_dict(unit)
    tx.publish(UnitUpdated.model_validate(result))
    return result
