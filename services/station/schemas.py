"""Request and event models of the station service."""
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.common.schemas import Id

Level = Literal["national", "provincial", "city", "county", "township"]


class DeputyIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=100)
    level: Level
    delegation: str = Field(min_length=1, max_length=100)
    phone: str | None = Field(default=None, max_length=30, pattern=r"^[0-9+\- ]{5,30}$")
    email: str | None = Field(default=None, max_length=200, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    station_id: Id | None = None


class StationIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    type: Literal["home", "station", "point"]
    region: str = Field(min_length=1, max_length=200)
    address: str = Field(min_length=1, max_length=300)
    parent_id: Id | None = None


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
