"""Read side of the station service, and the answers every entrypoint gives: rows as dicts."""
from datetime import date

from sqlalchemy import func, select

from services.common.errors import NotFound, field_error
from services.common.like import ESCAPE, contains_pattern
from services.common.store import not_found
from services.station import domain
from services.station.models import Activity, Deputy, Inspection, Membership, Opinion, PointEntry, Station
from services.station.store import OVERSEERS, acting_station, is_member, page, station_query, visible_opinion, \
    visible_station


def station_dict(s: Station) -> dict:
    return {"id": s.id, "name": s.name, "type": s.type, "region": s.region, "address": s.address,
            "parent_id": s.parent_id, "qr_token": s.qr_token, "stars": s.stars,
            "standards": s.standards or {}, "standards_met": sum(1 for v in (s.standards or {}).values() if v),
            "standards_set_by": s.standards_set_by, "standards_set_at": s.standards_set_at,
            "established_on": s.established_on}


def inspection_dict(i: Inspection) -> dict:
    return {"id": i.id, "station_id": i.station_id, "date": i.inspected_on, "inspectors": i.inspectors,
            "scores": i.scores, "total": float(i.total), "stars": i.stars, "note": i.note,
            "recorded_by": i.recorded_by, "created_at": i.created_at}


def deputy_dict(session, d: Deputy) -> dict:
    return {"id": d.id, "deputy_id": d.id, "name": d.name, "level": d.level,
            "delegation": d.delegation, "phone": d.phone, "email": d.email, "active": d.active,
            "station_ids": station_ids(session, d.id)}


def station_ids(session, deputy_id: int) -> list[int]:
    return list(session.scalars(select(Membership.station_id).where(Membership.deputy_id == deputy_id)
                                .order_by(Membership.station_id)))


def activity_dict(a: Activity) -> dict:
    return {"id": a.id, "station_id": a.station_id, "type": a.type, "date": a.date, "deputy_ids": a.deputy_ids,
            "visitors": a.visitors, "summary": a.summary, "recorded_by": a.recorded_by,
            "created_at": a.created_at}


def opinion_dict(o: Opinion) -> dict:
    return {"id": o.id, "station_id": o.station_id, "content": o.content, "contact": o.contact,
            "channel": o.channel, "activity_id": o.activity_id, "recorded_by": o.recorded_by,
            "received_at": o.received_at, "status": o.status,
            "disposition": None if o.status == "open" else {
                "action": o.status, "note": o.note, "unit_name": o.unit_name, "deputy_id": o.deputy_id,
                "by": o.disposed_by, "at": o.disposed_at},
            "suggestion_id": o.suggestion_id, "suggestion_number": o.suggestion_number}


def point_dict(p: PointEntry) -> dict:
    return {"id": p.id, "points": p.points, "reason": p.reason,
            "reason_label": domain.POINT_REASON_LABELS.get(p.reason, p.reason), "source_type": p.source_type,
            "source_id": p.source_id, "label": p.label, "event_id": p.event_id, "at": p.at}


# ---- stations ------------------------------------------------------------------------
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


def list_inspections(session, actor: dict, station_id: int, limit: int, offset: int) -> dict:
    visible_station(session, actor, station_id)
    query = select(Inspection).where(Inspection.station_id == station_id)
    return page(session, query, (Inspection.inspected_on.desc(), Inspection.id.desc()), limit, offset,
                inspection_dict)


# ---- the roster and points -----------------------------------------------------------
def get_deputy(session, actor: dict, deputy_id: int) -> dict:
    deputy = session.get(Deputy, deputy_id)
    role = actor.get("role")
    visible = deputy is not None and (
        role in OVERSEERS or (role == "deputy" and actor.get("deputy_id") == deputy_id)
        or (role == "station" and is_member(session, actor.get("station_id"), deputy_id)))
    if not visible:
        raise not_found("deputy", deputy_id)
    return deputy_dict(session, deputy)


def list_deputies(session, actor: dict, filters: dict, limit: int, offset: int) -> dict:
    query = select(Deputy)
    if actor.get("role") == "station":  # station staff see their own station's deputies
        if filters.get("station_id") not in (None, actor.get("station_id")):
            return {"items": [], "total": 0, "limit": limit, "offset": offset}
        filters = {**filters, "station_id": actor.get("station_id")}
    if filters.get("level"):
        query = query.where(Deputy.level == filters["level"])
    if filters.get("q"):
        query = query.where(Deputy.name.ilike(contains_pattern(filters["q"]), escape=ESCAPE))
    if filters.get("station_id"):
        members = select(Membership.deputy_id).where(Membership.station_id == filters["station_id"])
        query = query.where(Deputy.id.in_(members))
    return page(session, query, Deputy.id, limit, offset, lambda d: deputy_dict(session, d))


def deputy_points(session, deputy_id: int, limit: int, offset: int) -> dict:
    """The total, the total per reason, and every entry with its source (newest first)."""
    by_reason = dict(session.execute(select(PointEntry.reason, func.sum(PointEntry.points))
                                     .where(PointEntry.deputy_id == deputy_id).group_by(PointEntry.reason)).all())
    query = select(PointEntry).where(PointEntry.deputy_id == deputy_id)
    listed = page(session, query, (PointEntry.at.desc(), PointEntry.id.desc()), limit, offset, point_dict)
    return {"deputy_id": deputy_id, "points": int(sum(by_reason.values())),
            "by_reason": {k: int(v) for k, v in by_reason.items()}, **listed}


# ---- activities and opinions ---------------------------------------------------------
def parse_dates(filters: dict) -> dict:
    """from/to query values (YYYY-MM-DD) as dates, else a 422 naming them."""
    result = dict(filters)
    for key in ("from", "to"):
        if result.get(key) and not isinstance(result[key], date):
            try:
                result[key] = date.fromisoformat(result[key])
            except (TypeError, ValueError):
                raise field_error(key, "must be a date YYYY-MM-DD") from None
    if result.get("from") and result.get("to") and result["from"] > result["to"]:
        raise field_error("from", "must not be after to")
    return result


def list_activities(session, actor: dict, station_id: int, filters: dict, limit: int, offset: int) -> dict:
    visible_station(session, actor, station_id)
    query = select(Activity).where(Activity.station_id == station_id)
    if filters.get("from"):
        query = query.where(Activity.date >= filters["from"])
    if filters.get("to"):
        query = query.where(Activity.date <= filters["to"])
    if filters.get("type"):
        query = query.where(Activity.type == filters["type"])
    return page(session, query, (Activity.date.desc(), Activity.id.desc()), limit, offset, activity_dict)


def get_opinion(session, actor: dict, opinion_id: int) -> dict:
    opinion = visible_opinion(session, actor, opinion_id)
    if actor.get("role") == "deputy":
        acting_station(session, actor, opinion.station_id)
    return opinion_dict(opinion)


def list_opinions(session, actor: dict, station_id: int, filters: dict, limit: int, offset: int) -> dict:
    if actor.get("role") == "deputy":
        acting_station(session, actor, station_id)  # a deputy sees the opinions of their own stations
    else:
        visible_station(session, actor, station_id)
    query = select(Opinion).where(Opinion.station_id == station_id)
    if filters.get("status"):
        query = query.where(Opinion.status == filters["status"])
    return page(session, query, (Opinion.received_at.desc(), Opinion.id.desc()), limit, offset, opinion_dict)
