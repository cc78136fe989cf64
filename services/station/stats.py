"""Figures per station and per region (activities, receptions, visitors, opinions, handled rate,
escalations), and the stations that missed a month's reception day: reads over many stations."""
from sqlalchemy import and_, case, cast, exists, func, select
from sqlalchemy.types import Date

from services.common.clock import now
from services.common.errors import field_error
from services.station import domain
from services.station.models import Activity, Opinion, Station
from services.station.rules import Rules
from services.station.store import page, region_clause, station_query, visible_station


def _figures(session, station_ids, filters: dict) -> dict:
    acts = select(func.count(Activity.id), func.count(case((Activity.type == "reception", 1))),
                  func.coalesce(func.sum(Activity.visitors), 0)).where(Activity.station_id.in_(station_ids))
    if filters.get("from"):
        acts = acts.where(Activity.date >= filters["from"])
    if filters.get("to"):
        acts = acts.where(Activity.date <= filters["to"])
    activities, receptions, visitors = session.execute(acts).one()
    ops = select(func.count(Opinion.id), func.count(case((Opinion.status != "open", 1))),
                 func.count(case((Opinion.status == "escalated", 1))),
                 func.count(case((Opinion.status == "forwarded", 1))),
                 func.count(case((Opinion.status == "resolved", 1)))).where(Opinion.station_id.in_(station_ids))
    lo, hi = domain.day_bounds(filters.get("from"), filters.get("to"))
    if lo:
        ops = ops.where(Opinion.received_at >= lo)
    if hi:
        ops = ops.where(Opinion.received_at < hi)
    opinions, handled, escalated, forwarded, resolved = session.execute(ops).one()
    return {"activities": activities, "receptions": receptions, "visitors": int(visitors), "opinions": opinions,
            "handled": handled, "handled_rate": domain.handled_rate(handled, opinions), "escalated": escalated,
            "forwarded": forwarded, "resolved": resolved, "open": opinions - handled,
            "from": filters.get("from"), "to": filters.get("to")}


def station_stats(session, actor: dict, station_id: int, filters: dict) -> dict:
    visible_station(session, actor, station_id)
    return {"station_id": station_id, **_figures(session, [station_id], filters)}


def region_stats(session, actor: dict, filters: dict) -> dict:
    """The same figures over every station in a region (and beneath it), of a type if given."""
    ids = select(station_query(actor, filters).subquery().c.id)
    count = session.scalar(select(func.count()).select_from(station_query(actor, filters).subquery()))
    stars = dict(session.execute(select(Station.stars, func.count()).where(Station.id.in_(ids))
                                 .group_by(Station.stars)).all())
    return {"region": filters.get("region"), "type": filters.get("type"), "stations": count,
            "stations_by_stars": {str(k): v for k, v in sorted(stars.items())},
            **_figures(session, ids, filters)}


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
