"""Answers about constituents' opinions (社情民意) at stations (built by services/station/opinions.py).

Named Station* so they never clash with the co-units' opinions of the assignment area.
"""
from datetime import datetime
from typing import Literal, get_args

from pydantic import Field, RootModel

from gateway.answers.common import Answer, page_of
from services.station.schemas import Disposition

OpinionStatus = Literal[("open", *get_args(Disposition))]  # open until disposed of, one enum


class StationOpinionReceipt(Answer):
    """What the public gets back from the QR intake: no more than they sent."""
    id: int
    station_id: int
    status: Literal["open"]
    received_at: datetime


class StationOpinionDisposition(Answer):
    action: Disposition
    note: str
    unit_name: str | None = Field(description="forwarded: the unit it went to")
    deputy_id: int | None = Field(description="escalated: the deputy whose suggestion draft it became")
    by: str | None = Field(description="who disposed of it (the token's sub)")
    at: datetime


class StationOpinionAnswer(Answer):
    """A constituent's opinion with its disposition (null while open)."""
    id: int
    station_id: int
    content: str
    contact: str | None
    channel: Literal["staff", "deputy", "qr"] = Field(description="who recorded it; qr: the public link")
    activity_id: int | None
    recorded_by: str | None
    received_at: datetime
    status: OpinionStatus
    disposition: StationOpinionDisposition | None
    suggestion_id: int | None = Field(description="escalated: the suggestion made from it, once submitted")
    suggestion_number: str | None


StationOpinionPage = page_of(StationOpinionAnswer, "StationOpinionPage")


class CreatedStationOpinion(RootModel[StationOpinionAnswer | StationOpinionReceipt]):
    """Signed-in callers get the whole opinion; the public (qr_token) gets a receipt."""
