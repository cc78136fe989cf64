"""Tables of the station service (database lianxin_station): stations, roster, activities, opinions, points."""
from datetime import date, datetime

from sqlalchemy import (BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text,
                        UniqueConstraint, func)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from services.common.models import make_base

Base = make_base()


class Station(Base):
    """A home / station / point; region is a path "district/street/community"."""
    __tablename__ = "stations"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(10))
    region: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("stations.id"), index=True)
    qr_token: Mapped[str] = mapped_column(String(64), unique=True)
    stars: Mapped[int] = mapped_column(Integer, default=0)
    standards: Mapped[dict] = mapped_column(JSONB, default=dict)
    standards_set_by: Mapped[str | None] = mapped_column(String(100))
    standards_set_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    established_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    __table_args__ = (
        # "region = r OR region LIKE 'r/%'" uses this index whatever the database's collation
        Index("ix_stations_region_path", "region", postgresql_ops={"region": "varchar_pattern_ops"}),
    )


class Deputy(Base):
    """The roster: the source of truth for deputies (others keep projections)."""
    __tablename__ = "deputies"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(20))
    delegation: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Membership(Base):
    """A deputy may belong to several stations."""
    __tablename__ = "memberships"
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"), primary_key=True)
    deputy_id: Mapped[int] = mapped_column(ForeignKey("deputies.id"), primary_key=True, index=True)
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Inspection(Base):
    """A cross inspection (交叉互检); the station's stars follow the latest (by date, then id)."""
    __tablename__ = "inspections"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"), index=True)
    inspected_on: Mapped[date] = mapped_column(Date)
    inspectors: Mapped[list] = mapped_column(JSONB)
    scores: Mapped[dict] = mapped_column(JSONB)
    total: Mapped[float] = mapped_column(Numeric(10, 2))
    stars: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Activity(Base):
    """Reception, research, inspection, training or visit at a station."""
    __tablename__ = "activities"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"))
    type: Mapped[str] = mapped_column(String(20))
    date: Mapped[date] = mapped_column(Date)
    deputy_ids: Mapped[list] = mapped_column(JSONB, default=list)
    visitors: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    __table_args__ = (Index("ix_activities_station_date", "station_id", "date"),
                      Index("ix_activities_type_date", "type", "date"))


class Opinion(Base):
    """A constituent's opinion; from the public (channel qr) only what was sent is kept."""
    __tablename__ = "opinions"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"))
    content: Mapped[str] = mapped_column(Text)
    contact: Mapped[str | None] = mapped_column(String(100))
    channel: Mapped[str] = mapped_column(String(10))  # staff, deputy, qr
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id"))
    recorded_by: Mapped[str | None] = mapped_column(String(100))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(12), default="open")  # open, resolved, forwarded, escalated
    note: Mapped[str | None] = mapped_column(Text)
    unit_name: Mapped[str | None] = mapped_column(String(200))
    deputy_id: Mapped[int | None] = mapped_column(ForeignKey("deputies.id"))
    disposed_by: Mapped[str | None] = mapped_column(String(100))
    disposed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    suggestion_id: Mapped[int | None] = mapped_column(BigInteger)
    suggestion_number: Mapped[str | None] = mapped_column(String(30))
    __table_args__ = (Index("ix_opinions_station_received", "station_id", "received_at"),)


class PointEntry(Base):
    """Performance points (履职积分): one row per deputy and source, traceable to it."""
    __tablename__ = "points"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    deputy_id: Mapped[int] = mapped_column(BigInteger, index=True)
    points: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(50))
    source_type: Mapped[str] = mapped_column(String(20))  # activity, suggestion
    source_id: Mapped[str] = mapped_column(String(50))
    label: Mapped[str | None] = mapped_column(Text)
    event_id: Mapped[str | None] = mapped_column(UUID(as_uuid=False))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    __table_args__ = (UniqueConstraint("deputy_id", "reason", "source_type", "source_id", name="uq_points_source"),)


class IntakeHit(Base):
    """One accepted public submission, for the rate limit: key = HMAC(token, client), no address kept."""
    __tablename__ = "intake_hits"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    __table_args__ = (Index("ix_intake_hits_key_at", "key", "at"), Index("ix_intake_hits_at", "at"))
