"""Loading and locking of the station service's rows, with who may see and act on which;
paging shared by the reads."""
from sqlalchemy import exists, func, select

from services.common.errors import Forbidden, NotFound
from services.common.store import load_or_404, not_found
from services.station.models import Membership, Opinion, Station

OVERSEERS = ("office", "leader", "admin")


def page(session, query, order, limit: int, offset: int, to_dict) -> dict:
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(*order if isinstance(order, tuple) else (order,))
                           .limit(limit).offset(offset))
    return {"items": [to_dict(r) for r in rows], "total": total, "limit": limit, "offset": offset}


def is_member(session, station_id: int, deputy_id: int | None) -> bool:
    if deputy_id is None:
        return False
    return bool(session.scalar(select(exists().where(Membership.station_id == station_id,
                                                     Membership.deputy_id == deputy_id))))


def visible_station(session, actor: dict, station_id: int, lock: bool = False) -> Station:
    """The station, if the caller may see it: station staff see only their own (else 404)."""
    station = load_or_404(session, Station, station_id, "station", lock)
    if actor.get("role") == "station" and actor.get("station_id") != station_id:
        raise not_found("station", station_id)  # as if it did not exist
    return station


def acting_station(session, actor: dict, station_id: int, *, deputies: bool = True, lock: bool = False) -> Station:
    """The station, if the caller may act there: office/admin, its own staff, or (``deputies``) a member."""
    station = visible_station(session, actor, station_id, lock=lock)
    role = actor.get("role")
    if role in ("office", "admin", "station"):
        return station
    if role == "deputy" and deputies and is_member(session, station_id, actor.get("deputy_id")):
        return station
    raise Forbidden(f"only the station's staff{' or member deputies' if deputies else ''} may do this")


def visible_opinion(session, actor: dict, opinion_id: int, lock: bool = False) -> Opinion:
    """The opinion, if the caller may see its station (else 404)."""
    opinion = load_or_404(session, Opinion, opinion_id, "opinion", lock)
    try:
        visible_station(session, actor, opinion.station_id)
    except NotFound:
        raise not_found("opinion", opinion_id) from None
    return opinion


def sub(actor: dict) -> str | None:
    return actor.get("sub")
