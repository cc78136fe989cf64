"""Payloads of the events the station service publishes (routing key station.<name>)."""
from datetime import date as Date

from services.common.events import Event


class DeputyEvent(Event):
    """Payload of station.deputy_registered / deputy_updated."""
    deputy_id: int
    name: str
    level: str
    delegation: str
    phone: str | None
    email: str | None
    active: bool
    station_ids: list[int]


class DeputyRegistered(DeputyEvent):
    event_type = "station.deputy_registered"


class DeputyUpdated(DeputyEvent):
    event_type = "station.deputy_updated"


DEPUTY_EVENTS = {"deputy_registered": DeputyRegistered, "deputy_updated": DeputyUpdated}


class StationEvent(Event):
    """station.station_registered (no qr_token: the link is handed out by the station itself)."""
    event_type = "station.station_registered"

    station_id: int
    id: int
    name: str
    type: str
    region: str
    address: str
    parent_id: int | None
    stars: int
    actor: str | None
    note: str


class RatingChanged(Event):
    event_type = "station.rating_changed"

    station_id: int
    station_name: str
    stars: int
    previous_stars: int
    inspection_id: int
    actor: str | None
    note: str


class ActivityLogged(Event):
    event_type = "station.activity_logged"

    activity_id: int
    station_id: int
    station_name: str
    type: str
    date: Date
    deputy_ids: list[int]
    visitors: int
    actor: str | None
    note: str


class OpinionReceived(Event):
    event_type = "station.opinion_received"

    opinion_id: int
    station_id: int
    station_name: str
    channel: str
    activity_id: int | None
    content: str
    actor: str | None
    note: str


class OpinionEscalated(Event):
    """The suggestion service turns this into a draft owned by deputy_id (station_opinion_id)."""
    event_type = "station.opinion_escalated"

    opinion_id: int
    station_id: int
    station_name: str
    deputy_id: int
    content: str
    title: str
    category: str | None
    actor: str | None
    note: str
