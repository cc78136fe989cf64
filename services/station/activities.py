"""Activities at stations (reception, research, ...) and the reception-day rule."""
from datetime import date

from sqlalchemy import and_, cast, exists, func, select
from sqlalchemy.types import Date

from services.common.clock import now
from services.common.errors import field_error
from services.common.validation import parse
from services.station import domain
from services.station.store import acting_station, page, sub, visible_station
from services.station.models import Activity, Membership, Station
from services.station.points import award
from services.station.registry import region_clause
from services.station.rules import Rules
from services.station.events import ActivityLogged
from services.station.schemas import ActivityIn

TYPE_LABELS = {"reception": "接待选民", "research": "调研", "inspection": "视察", "training": "培训",
               "visit": "走访"}


def activity_dict(a: Activity) -> dict:
    return {"id": a.id, "station_id": a.station_id, "type": a.type, "date": a.date, "deputy_ids": a.deputy_ids,
            "visitors": a.visitors, "summary": a.summary, "recorded_by": a.recorded_by,
            "created_at": a.created_at}


def log_activity(tx, actor: dict, station_id: int, data: dict, rules: Rules) -> dict:
    form = parse(ActivityIn, data)
    station = acting_station(tx, actor, station_id)
    if form.date > domain.today(now()):
        raise field_error("date", "must not be in the future")
    deputy_ids = list(dict.fromkeys(form.deputy_ids))
    members = set(tx.scalars(select(Membership.deputy_id).where(Membership.station_id == station_id,
                                                                Membership.deputy_id.in_(deputy_ids))))
    strangers = [d for d in deputy_ids if d not in members]
    if strangers:
        raise field_error("deputy_ids", f"not members of station {station_id}: {strangers}")
    activity = Activity(station_id=station_id, type=form.type, date=form.date, deputy_ids=deputy_ids,
                        visitors=form.visitors, summary=form.summary, recorded_by=sub(actor), created_at=now())
    tx.add(activity)
    tx.flush()
    points = domain.activity_points(rules.points, form.type)
    label = f"{station.name} {TYPE_LABELS[form.type]} {form.date.isoformat()}"
    for deputy_id in deputy_ids:
        award(tx, deputy_id, points, form.type, "activity", activity.id, label)
    tx.publish(ActivityLogged(
        activity_id=activity.id, station_id=station_id, station_name=station.name, type=form.type,
        date=form.date, deputy_ids=deputy_ids, visitors=form.visitors, actor=sub(actor),
        note=f"{station.name}{TYPE_LABELS[form.type]}活动"))
    return activity_dict(activity)


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


def missed_receptions(session, month: str, filters: dict, rules: Rules, limit: int, offset: int) -> dict:
    """Stations (established by then) with no reception activity on the month's reception day."""
    try:
        year, number = domain.parse_month(month)
    except ValueError as exc:
        raise field_error("month", str(exc)) from None
    day = domain.reception_day(year, number, rules.reception_day, rules.reception_weekend)
    result = {"month": month, "reception_day": day, "pending": day > domain.today(now())}
    if result["pending"]:  # nothing can be missed before the day
        return {**result, "items": [], "total": 0, "limit": limit, "offset": offset}
    established = func.coalesce(Station.established_on, cast(func.timezone("Asia/Shanghai", Station.created_at), Date))
    held = exists().where(and_(Activity.station_id == Station.id, Activity.type == "reception",
                               Activity.date == day))
    query = select(Station).where(established <= day, ~held)
    if filters.get("region"):
        query = query.where(region_clause(filters["region"]))
    if filters.get("type"):
        query = query.where(Station.type == filters["type"])
    listed = page(session, query, Station.id, limit, offset,
                  lambda s: {"id": s.id, "name": s.name, "type": s.type, "region": s.region,
                             "address": s.address})
    return {**result, **listed}


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
