"""The station registry: stations, the eight standards (八有), inspections (交叉互检) and stars."""
import secrets
from decimal import Decimal

from sqlalchemy import select

from services.common.clock import now
from services.common.errors import field_error
from services.common.validation import parse
from services.station import domain
from services.station.events import RatingChanged, StationEvent
from services.station.models import Inspection, Station
from services.station.schemas import InspectionIn, StandardsIn, StationIn
from services.station.store import acting_station, sub, visible_station
from services.station.views import inspection_dict, station_dict


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
