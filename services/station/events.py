"""Payloads of the events the station service publishes (routing key station.<name>)."""
from datetime import date as Date

from pydantic import BaseModel


class DeputyEvent(BaseModel):
    """Payload of station.deputy_registered / deputy_updated."""
    deputy_id: int
    name: str
    level: str
    delegation: str
    phone: str | None
    email: str | None
    active: bool
    station_ids: list[int]


class StationEvent(BaseModel):
    """station.station_registered (no qr_token: the link is handed out by the station itself)."""
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


class RatingChanged(BaseModel):
    station_id: int
    station_name: str
    stars: int
    previous_stars: int
    inspection_id: int
    actor: str | None
    note: str


class ActivityLogged(BaseModel):
    activity_id: int
    station_id: int
    station_name: str
    type: str
    date: Date
    deputy_ids: list[int]
    visitors: int
    actor: str | None
    note: str


class OpinionReceived(BaseModel):
    opinion_id: int
    station_id: int
    station_name: str
    channel: str
    activity_id: int | None
    content: str
    actor: str | None
    note: str


class OpinionEscalated(BaseModel):
    """The suggestion service turns this into a draft owned by deputy_id (station_opinion_id)."""
    opinion_id: int
    station_id: int
    station_name: str
    deputy_id: int
    content: str
    title: str
    category: str | None
    actor: str | None
    note: str
