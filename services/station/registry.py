"""The station registry: stations, the eight standards (八有), inspections (交叉互检) and stars."""
import secrets
from decimal import Decimal

from sqlalchemy import or_, select

from services.common.clock import now
from services.common.errors import NotFound, field_error
from services.common.like import ESCAPE
from services.common.validation import parse
from services.station import domain
from services.station.store import acting_station, page, sub, visible_station
from services.station.models import Deputy, Inspection, Membership, Station
from services.station.events import RatingChanged, StationEvent
from services.station.schemas import InspectionIn, StandardsIn, StationIn, normalize_region


def station_dict(s: Station) -> dict:
    return {"id": s.id, "name": s.name, "type": s.type, "region": s.region, "address": s.address,
            "parent_id": s.parent_id, "qr_token": s.qr_token, "stars": s.stars,
            "standards": s.standards or {}, "standards_met": sum(1 for v in (s.standards or {}).values() if v),
            "standards_set_by": s.standards_set_by, "standards_set_at": s.standards_set_at,
            "established_on": s.established_on}


def register_station(tx, actor: dict, data: dict) -> dict:
    form = parse(StationIn, data)
    if form.parent_id is not None and tx.get(Station, form.parent_id) is None:
        raise field_error("parent_id", f"station {form.parent_id} does not exist")
    station = Station(name=form.name, type=form.type, region=form.region, address=form.address,
                      parent_id=form.parent_id, qr_token=secrets.token_urlsafe(24), stars=0, standards={},
                      established_on=form.established_on)
    tx.add(station)
    tx.flush()
    result = station_dict(station)
    tx.publish(StationEvent(
        station_id=station.id, id=station.id, name=station.name, type=station.type, region=station.region,
        address=station.address, parent_id=station.parent_id, stars=0, actor=sub(actor),
        note=f"登记联络站：{station.name}"))
    return result


def region_clause(region: str):
    try:
        region = normalize_region(region.strip("/"))
    except ValueError as exc:
        raise field_error("region", str(exc)) from None
    return or_(Station.region == region, Station.region.like(domain.region_prefix(region), escape=ESCAPE))


def station_query(actor: dict, filters: dict):
    query = select(Station)
    if actor.get("role") == "station":
        query = query.where(Station.id == actor.get("station_id"))
    if filters.get("region"):
        query = query.where(region_clause(filters["region"]))
    if filters.get("type"):
        query = query.where(Station.type == filters["type"])
    if filters.get("stars") is not None:
        query = query.where(Station.stars == filters["stars"])
    if filters.get("parent_id"):
        query = query.where(Station.parent_id == filters["parent_id"])
    return query


def list_stations(session, actor: dict, filters: dict, limit: int, offset: int) -> dict:
    return page(session, station_query(actor, filters), Station.id, limit, offset, station_dict)


def get_station(session, actor: dict, station_id: int) -> dict:
    station = visible_station(session, actor, station_id)
    result = station_dict(station)
    members = select(Membership.deputy_id).where(Membership.station_id == station_id)
    result["deputies"] = [{"id": d.id, "name": d.name, "level": d.level, "active": d.active}
                          for d in session.scalars(select(Deputy).where(Deputy.id.in_(members)).order_by(Deputy.id))]
    latest = session.scalar(select(Inspection).where(Inspection.station_id == station_id)
                            .order_by(Inspection.inspected_on.desc(), Inspection.id.desc()).limit(1))
    result["latest_inspection"] = inspection_dict(latest) if latest else None
    return result


def by_token(session, token: str) -> dict:
    """What the public page behind the QR link shows: the station's name and address only."""
    station = session.scalar(select(Station).where(Station.qr_token == token)) if token else None
    if station is None:
        raise NotFound("no station has this link")
    return {"id": station.id, "name": station.name, "type": station.type, "region": station.region,
            "address": station.address}


def rotate_token(tx, actor: dict, station_id: int) -> dict:
    """A new QR link (the old one stops working at once), e.g. when the old one is abused."""
    station = acting_station(tx, actor, station_id, deputies=False, lock=True)
    station.qr_token = secrets.token_urlsafe(24)
    tx.flush()
    return station_dict(station)


def set_standards(tx, actor: dict, station_id: int, data: dict) -> dict:
    form = parse(StandardsIn, data)
    station = acting_station(tx, actor, station_id, deputies=False, lock=True)
    station.standards = form.model_dump()
    station.standards_set_by = sub(actor)
    station.standards_set_at = now()
    tx.flush()
    return station_dict(station)


def inspection_dict(i: Inspection) -> dict:
    return {"id": i.id, "station_id": i.station_id, "date": i.inspected_on, "inspectors": i.inspectors,
            "scores": i.scores, "total": float(i.total), "stars": i.stars, "note": i.note,
            "recorded_by": i.recorded_by, "created_at": i.created_at}


def record_inspection(tx, actor: dict, station_id: int, data: dict) -> dict:
    form = parse(InspectionIn, data)
    station = visible_station(tx, actor, station_id, lock=True)
    if form.date and form.date > domain.today(now()):
        raise field_error("date", "must not be in the future")
    inspection = Inspection(station_id=station_id, inspected_on=form.date or domain.today(now()),
                            inspectors=form.inspectors, scores=form.scores,
                            total=Decimal(str(round(sum(form.scores.values()), 2))), stars=form.stars,
                            note=form.note, recorded_by=sub(actor), created_at=now())
    tx.add(inspection)
    tx.flush()
    history = [{"id": i.id, "date": i.inspected_on, "stars": i.stars}
               for i in tx.scalars(select(Inspection).where(Inspection.station_id == station_id))]
    previous, station.stars = station.stars, domain.latest_inspection(history)["stars"]
    if station.stars != previous:
        tx.publish(RatingChanged(
            station_id=station_id, station_name=station.name, stars=station.stars, previous_stars=previous,
            inspection_id=inspection.id, actor=sub(actor),
            note=f"星级由{previous}星变为{station.stars}星"))
    result = inspection_dict(inspection)
    result["station_stars"] = station.stars
    return result


def list_inspections(session, actor: dict, station_id: int, limit: int, offset: int) -> dict:
    visible_station(session, actor, station_id)
    query = select(Inspection).where(Inspection.station_id == station_id)
    return page(session, query, (Inspection.inspected_on.desc(), Inspection.id.desc()), limit, offset,
                inspection_dict)
