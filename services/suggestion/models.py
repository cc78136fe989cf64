"""Tables of the suggestion service (database lianxin_suggestion)."""
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from services.common.models import make_base

Base = make_base()


class Deputy(Base):
    """Projection of the station service's roster (station.deputy_* events)."""
    __tablename__ = "deputies"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(20))
    delegation: Mapped[str | None] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class NumberSequence(Base):
    """Last number given per session; the row lock serialises concurrent submissions."""
    __tablename__ = "number_sequences"
    session: Mapped[str] = mapped_column(String(50), primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class Suggestion(Base):
    __tablename__ = "suggestions"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    number: Mapped[int | None] = mapped_column(Integer)
    session: Mapped[str] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(30))
    kind: Mapped[str] = mapped_column(String(10))
    source: Mapped[str] = mapped_column(String(20))
    lead_deputy_id: Mapped[int] = mapped_column(BigInteger)
    station_opinion_id: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(20))
    status_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    return_reason: Mapped[str | None] = mapped_column(Text)
    merged_into_id: Mapped[int | None] = mapped_column(BigInteger)
    # summary of the current assignment, projected from assignment events
    assignment: Mapped[dict | None] = mapped_column(JSONB)
    created_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    __table_args__ = (
        Index("uq_suggestion_number", "session", "number", unique=True),
        Index("ix_suggestions_lead", "lead_deputy_id"),
        Index("ix_suggestions_status", "status"),
    )


class CoSigner(Base):
    __tablename__ = "co_signers"
    suggestion_id: Mapped[int] = mapped_column(ForeignKey("suggestions.id"), primary_key=True)
    deputy_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    __table_args__ = (Index("ix_co_signers_deputy", "deputy_id"),)


class TimelineEntry(Base):
    """One step of a suggestion's life, from any service."""
    __tablename__ = "timeline"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(ForeignKey("suggestions.id"), index=True)
    type: Mapped[str] = mapped_column(String(60))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    event_id: Mapped[str | None] = mapped_column(UUID(as_uuid=False), unique=True)
