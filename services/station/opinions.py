"""Constituents' opinions recorded by staff or deputies (those sent through the QR link: intake.py);
dispositions, and the suggestion an escalated opinion became."""
from services.common.clock import now
from services.common.errors import Conflict, field_error
from services.common.validation import parse
from services.station import domain
from services.station.events import OpinionEscalated
from services.station.models import Activity, Deputy, Opinion
from services.station.schemas import DispositionIn, StationOpinionIn
from services.station.store import acting_station, publish_received, sub, visible_opinion
from services.station.views import opinion_dict


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
    publish_received(tx, station, opinion, actor)
    return opinion_dict(opinion)


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
