"""Use cases of the station service: roster and registry."""
import secrets

from sqlalchemy import func, select

from services.common.errors import NotFound, field_error
from services.common.validation import parse
from services.station.models import Deputy, Membership, Station
from services.station.schemas import DeputyEvent, DeputyIn, StationIn


def station_ids(session, deputy_id: int) -> list[int]:
    return list(session.scalars(select(Membership.station_id).where(Membership.deputy_id == deputy_id)
                                .order_by(Membership.station_id)))


def deputy_dict(session, d: Deputy) -> dict:
    return {"id": d.id, "deputy_id": d.id, "name": d.name, "level": d.level,
            "delegation": d.delegation, "phone": d.phone, "email": d.email, "active": d.active,
            "station_ids": station_ids(session, d.id)}


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
    result = deputy_dict(tx, deputy)
    tx.publish("deputy_registered", DeputyEvent.model_validate(result))
    return result


def station_dict(s: Station) -> dict:
    return {"id": s.id, "name": s.name, "type": s.type, "region": s.region, "address": s.address,
            "parent_id": s.parent_id, "qr_token": s.qr_token, "stars": s.stars,
            "standards": s.standards or {}}


def register_station(tx, data: dict) -> dict:
    form = parse(StationIn, data)
    if form.parent_id is not None and tx.get(Station, form.parent_id) is None:
        raise field_error("parent_id", f"station {form.parent_id} does not exist")
    station = Station(name=form.name, type=form.type, region=form.region, address=form.address,
                      parent_id=form.parent_id, qr_token=secrets.token_urlsafe(24), stars=0, standards={})
    tx.add(station)
    tx.flush()
    result = station_dict(station)
    tx.publish("station_registered", {k: v for k, v in result.items() if k != "qr_token"})
    return result


def page(session, query, order, limit: int, offset: int, to_dict) -> dict:
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(order).limit(limit).offset(offset))
    return {"items": [to_dict(r) for r in rows], "total": total, "limit": limit, "offset": offset}


def list_deputies(session, filters: dict, limit: int, offset: int) -> dict:
    query = select(Deputy)
    if filters.get("level"):
        query = query.where(Deputy.level == filters["level"])
    if filters.get("q"):
        query = query.where(Deputy.name.ilike(f"%{filters['q']}%"))
    if filters.get("station_id"):
        members = select(Membership.deputy_id).where(Membership.station_id == filters["station_id"])
        query = query.where(Deputy.id.in_(members))
    return page(session, query, Deputy.id, limit, offset, lambda d: deputy_dict(session, d))


def list_stations(session, filters: dict, limit: int, offset: int) -> dict:
    query = select(Station)
    if filters.get("region"):
        query = query.where(Station.region.startswith(filters["region"], autoescape=True))
    if filters.get("type"):
        query = query.where(Station.type == filters["type"])
    if filters.get("stars") is not None:
        query = query.where(Station.stars == filters["stars"])
    return page(session, query, Station.id, limit, offset, station_dict)


def get_station(session, station_id: int) -> dict:
    station = session.get(Station, station_id)
    if station is None:
        raise NotFound(f"station {station_id} not found")
    result = station_dict(station)
    members = select(Membership.deputy_id).where(Membership.station_id == station_id)
    result["deputies"] = [{"id": d.id, "name": d.name, "level": d.level}
                          for d in session.scalars(select(Deputy).where(Deputy.id.in_(members)))]
    return result
