"""The deputy roster and station membership; every change is a deputy_* event."""
from sqlalchemy import delete, select

from services.common.clock import now
from services.common.errors import Conflict, NotFound, field_error
from services.common.store import load_or_404
from services.common.validation import parse
from services.station.events import DEPUTY_EVENTS
from services.station.models import Deputy, Membership, Station
from services.station.schemas import DeputyIn, DeputyUpdate, MembershipIn
from services.station.store import acting_station, is_member
from services.station.views import deputy_dict


def publish_deputy(tx, deputy: Deputy, kind: str) -> dict:
    result = deputy_dict(tx, deputy)
    tx.publish(DEPUTY_EVENTS[kind].model_validate(result))
    return result


def register_deputy(tx, data: dict) -> dict:
    form = parse(DeputyIn, data)
    if form.station_id is not None and tx.get(Station, form.station_id) is None:
        raise field_error("station_id", f"station {form.station_id} does not exist")
    deputy = Deputy(name=form.name, level=form.level, delegation=form.delegation,
                    phone=form.phone, email=form.email, active=True)
    tx.add(deputy)
    tx.flush()
    if form.station_id is not None:
        tx.add(Membership(station_id=form.station_id, deputy_id=deputy.id))
        tx.flush()
    return publish_deputy(tx, deputy, "deputy_registered")


def update_deputy(tx, deputy_id: int, data: dict) -> dict:
    form = parse(DeputyUpdate, data)
    changes = {k: getattr(form, k) for k in form.model_fields_set}
    for key in ("name", "level", "delegation", "active"):
        if key in changes and changes[key] is None:
            raise field_error(key, "may not be null")
    if not changes:
        raise field_error("body", "name, level, delegation, phone, email or active")
    deputy = load_or_404(tx, Deputy, deputy_id, "deputy", lock=True)
    if all(getattr(deputy, k) == v for k, v in changes.items()):
        return deputy_dict(tx, deputy)  # nothing changed: no event
    for key, value in changes.items():
        setattr(deputy, key, value)
    tx.flush()
    return publish_deputy(tx, deputy, "deputy_updated")


def add_member(tx, actor: dict, station_id: int, data: dict) -> dict:
    form = parse(MembershipIn, data)
    acting_station(tx, actor, station_id, deputies=False)
    deputy = tx.scalar(select(Deputy).where(Deputy.id == form.deputy_id).with_for_update())
    if deputy is None:
        raise field_error("deputy_id", f"deputy {form.deputy_id} does not exist")
    if is_member(tx, station_id, deputy.id):
        raise Conflict(f"deputy {deputy.id} is already a member of station {station_id}")
    membership = Membership(station_id=station_id, deputy_id=deputy.id, joined_at=now())
    tx.add(membership)
    tx.flush()
    result = publish_deputy(tx, deputy, "deputy_updated")
    return {"station_id": station_id, "deputy_id": deputy.id, "joined_at": membership.joined_at,
            "deputy": result}


def remove_member(tx, actor: dict, station_id: int, deputy_id: int) -> dict:
    acting_station(tx, actor, station_id, deputies=False)
    deputy = tx.scalar(select(Deputy).where(Deputy.id == deputy_id).with_for_update())
    if deputy is None or not is_member(tx, station_id, deputy_id):
        raise NotFound(f"deputy {deputy_id} is not a member of station {station_id}")
    tx.execute(delete(Membership).where(Membership.station_id == station_id, Membership.deputy_id == deputy_id))
    return publish_deputy(tx, deputy, "deputy_updated")
