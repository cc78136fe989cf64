"""Loading and locking of the station service's rows, with who may see and act on which; the
station query and paging shared by the reads; points and the received opinion, shared by use cases."""
from sqlalchemy import exists, func, or_, select
from sqlalchemy.dialects.postgresql import insert

from services.common.clock import now
from services.common.errors import Forbidden, NotFound, field_error
from services.common.like import ESCAPE
from services.common.store import load_or_404, not_found
from services.station import domain
from services.station.events import OpinionReceived
from services.station.models import Membership, Opinion, PointEntry, Station
from services.station.schemas import normalize_region

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


def check_may_see_points(actor: dict, deputy_id: int) -> None:
    if actor.get("role") in OVERSEERS:
        return
    if actor.get("role") == "deputy" and actor.get("deputy_id") == deputy_id:
        return
    raise Forbidden("only the deputy themself or the office may see a deputy's points")


def region_clause(region: str):
    try:
        region = normalize_region(region.strip("/"))
    except ValueError as exc:
        raise field_error("region", str(exc)) from None
    return or_(Station.region == region, Station.region.like(domain.region_prefix(region), escape=ESCAPE))


def station_query(actor: dict, filters: dict):
    """The stations the caller may see (station staff: their own) that match the filters."""
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


# built once: every submission awards its deputies (Transaction.run, or at commit: award_at_commit)
POINTS = insert(PointEntry.__table__).on_conflict_do_nothing(constraint="uq_points_source")
NEW_POINTS = POINTS.returning(PointEntry.__table__.c.id)


def award(tx, deputy_id: int, points: int, reason: str, source_type: str, source_id, label: str | None,
          event_id: str | None = None) -> bool:
    """Performance points (履职积分), one row per deputy and source: awarding twice is a no-op, and a rule
    worth 0 records nothing. True if a row was added."""
    if not points:
        return False
    added = tx.run(NEW_POINTS, _points_row(deputy_id, points, reason, source_type, source_id, label, event_id)).first()
    return added is not None


def _points_row(deputy_id: int, points: int, reason: str, source_type: str, source_id, label: str | None,
                event_id: str | None) -> dict:
    return {"deputy_id": deputy_id, "points": points, "reason": reason, "source_type": source_type,
            "source_id": str(source_id), "label": label, "event_id": event_id, "at": now()}


def award_at_commit(tx, deputy_id: int, points: int, reason: str, source_type: str, source_id,
                    label: str | None, event_id: str) -> None:
    """``award`` from an event's consumer: the row written at the commit with the batch's other
    points in one statement (Transaction.run_at_commit); whether it was new is not needed."""
    if points:
        tx.run_at_commit(POINTS, _points_row(deputy_id, points, reason, source_type, source_id, label, event_id))


CHANNEL_NOTES = {"qr": "群众扫码提交意见", "staff": "联络站登记群众意见", "deputy": "代表登记群众意见"}


def publish_received(tx, station: Station, opinion: Opinion, actor: dict | None) -> None:
    """station.opinion_received, whichever way the opinion came (recorded, or through the QR link)."""
    tx.publish(OpinionReceived(
        opinion_id=opinion.id, station_id=station.id, station_name=station.name, channel=opinion.channel,
        activity_id=opinion.activity_id, content=opinion.content, actor=sub(actor) if actor else None,
        note=CHANNEL_NOTES[opinion.channel]))
