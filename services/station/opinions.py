"""Constituents' opinions: recorded by staff or deputies, or sent through the QR link; dispositions."""
import hmac

from sqlalchemy import select

from services.common.clock import now
from services.common.errors import Conflict, NotFound, field_error
from services.common.validation import parse
from services.station import domain
from services.station.store import acting_station, page, sub, visible_opinion, visible_station
from services.station.intake import check_rate
from services.station.models import Activity, Deputy, Opinion, Station
from services.station.rules import Rules
from services.station.events import OpinionEscalated, OpinionReceived
from services.station.schemas import DispositionIn, PublicOpinionIn, StationOpinionIn

CHANNEL_NOTES = {"qr": "群众扫码提交意见", "staff": "联络站登记群众意见", "deputy": "代表登记群众意见"}


def opinion_dict(o: Opinion) -> dict:
    return {"id": o.id, "station_id": o.station_id, "content": o.content, "contact": o.contact,
            "channel": o.channel, "activity_id": o.activity_id, "recorded_by": o.recorded_by,
            "received_at": o.received_at, "status": o.status,
            "disposition": None if o.status == "open" else {
                "action": o.status, "note": o.note, "unit_name": o.unit_name, "deputy_id": o.deputy_id,
                "by": o.disposed_by, "at": o.disposed_at},
            "suggestion_id": o.suggestion_id, "suggestion_number": o.suggestion_number}


def _received(tx, station: Station, opinion: Opinion, actor: dict | None) -> None:
    tx.publish(OpinionReceived(
        opinion_id=opinion.id, station_id=station.id, station_name=station.name, channel=opinion.channel,
        activity_id=opinion.activity_id, content=opinion.content, actor=sub(actor) if actor else None,
        note=CHANNEL_NOTES[opinion.channel]))


def record_opinion(tx, actor: dict, station_id: int, data: dict) -> dict:
    form = parse(StationOpinionIn, data)
    station = acting_station(tx, actor, station_id)
    if form.activity_id is not None:
        activity = tx.get(Activity, form.activity_id)
        if activity is None or activity.station_id != station_id:
            raise field_error("activity_id", f"activity {form.activity_id} is not one of this station's")
    opinion = Opinion(station_id=station_id, content=form.content, contact=form.contact,
                      channel="deputy" if actor.get("role") == "deputy" else "staff",
                      activity_id=form.activity_id, recorded_by=sub(actor), received_at=now(), status="open")
    tx.add(opinion)
    tx.flush()
    _received(tx, station, opinion, actor)
    return opinion_dict(opinion)


def receive_public(tx, station_id: int, data: dict, client: str, rules: Rules) -> dict:
    """The public QR path: no login; the token must be the station's; limited per (token, client).

    Kept: the content, the contact if given, the station, the time and channel "qr" - nothing else.
    """
    form = parse(PublicOpinionIn, data)
    station = tx.get(Station, station_id)
    if station is None or not form.qr_token or not hmac.compare_digest(station.qr_token.encode(),
                                                                       form.qr_token.encode()):
        raise NotFound(f"station {station_id} not found (or the link is not this station's)")
    check_rate(tx, domain.intake_key(rules.intake_secret, form.qr_token, client or "?"),
               rules.intake_limit, rules.intake_window)
    opinion = Opinion(station_id=station_id, content=form.content, contact=form.contact or None, channel="qr",
                      received_at=now(), status="open")
    tx.add(opinion)
    tx.flush()
    _received(tx, station, opinion, None)
    return {"id": opinion.id, "station_id": station_id, "status": "open", "received_at": opinion.received_at}


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


def dispose(tx, actor: dict, opinion_id: int, data: dict) -> dict:
    """Resolved on the spot, forwarded to a named unit, or escalated to a deputy (a suggestion draft)."""
    form = parse(DispositionIn, data)
    opinion = visible_opinion(tx, actor, opinion_id, lock=True)
    station = acting_station(tx, actor, opinion.station_id)
    if not domain.may_dispose(opinion.status):
        raise Conflict(f"opinion {opinion_id} is already {opinion.status}")
    deputy_id = form.deputy_id
    if form.action == "forwarded" and not form.unit_name:
        raise field_error("unit_name", "name the unit the opinion is forwarded to")
    if form.action == "escalated":
        deputy_id = deputy_id or actor.get("deputy_id")
        if deputy_id is None:
            raise field_error("deputy_id", "name the deputy the opinion is escalated to")
        deputy = tx.get(Deputy, deputy_id)
        if deputy is None or not deputy.active:
            raise field_error("deputy_id", f"deputy {deputy_id} does not exist or is not active")
    opinion.status, opinion.note = form.action, form.note
    opinion.unit_name = form.unit_name if form.action == "forwarded" else None
    opinion.deputy_id = deputy_id if form.action == "escalated" else None
    opinion.disposed_by, opinion.disposed_at = sub(actor), now()
    tx.flush()
    if form.action == "escalated":
        tx.publish(OpinionEscalated(
            opinion_id=opinion.id, station_id=station.id, station_name=station.name, deputy_id=deputy_id,
            content=opinion.content, title=form.title or domain.suggested_title(opinion.content),
            category=form.category, actor=sub(actor), note=form.note))
    return opinion_dict(opinion)


def link_suggestion(tx, opinion_id: int, suggestion_id: int, number: str | None) -> None:
    """suggestion.submitted carrying station_opinion_id: the opinion now points at its suggestion."""
    opinion = tx.get(Opinion, opinion_id, with_for_update=True)
    if opinion is not None:
        opinion.suggestion_id, opinion.suggestion_number = suggestion_id, number
