"""Figures per station and per region: activities, receptions, visitors, opinions, handled rate, escalations."""
from sqlalchemy import case, func, select

from services.station import domain
from services.station.store import visible_station
from services.station.models import Activity, Opinion, Station
from services.station.registry import station_query


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
