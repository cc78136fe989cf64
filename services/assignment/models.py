"""Tables of the assignment service (database lianxin_assignment)."""
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from services.common.models import make_base

Base = make_base()


class Unit(Base):
    """A handling unit (承办单位) and its duties, used for routing."""
    __tablename__ = "units"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str] = mapped_column(String(50), unique=True)
    duties: Mapped[str] = mapped_column(Text)
    keywords: Mapped[list] = mapped_column(JSONB, default=list)
    categories: Mapped[list] = mapped_column(JSONB, default=list)
    email: Mapped[str | None] = mapped_column(String(200))
    webhook_url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class SuggestionFacts(Base):
    """Projection of accepted suggestions (suggestion.accepted), for routing and events."""
    __tablename__ = "suggestion_facts"
    suggestion_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    number_label: Mapped[str | None] = mapped_column(String(20))
    session: Mapped[str] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(30))
    lead_deputy_id: Mapped[int] = mapped_column(BigInteger)
    co_signer_ids: Mapped[list] = mapped_column(JSONB, default=list)
    status: Mapped[str] = mapped_column(String(20))


class Assignment(Base):
    __tablename__ = "assignments"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    lead_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    co_unit_ids: Mapped[list] = mapped_column(JSONB, default=list)
    state: Mapped[str] = mapped_column(String(20), index=True)
    round: Mapped[int] = mapped_column(Integer, default=1)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    replied_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AssignmentUnit(Base):
    """Each unit on an assignment (lead or co) and when it signed."""
    __tablename__ = "assignment_units"
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    is_lead: Mapped[bool] = mapped_column(Boolean)
    signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    __table_args__ = (Index("ix_assignment_units_unit", "unit_id"),)


class Reply(Base):
    __tablename__ = "replies"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    unit_id: Mapped[int] = mapped_column(BigInteger)
    round: Mapped[int] = mapped_column(Integer)
    result_class: Mapped[str] = mapped_column(String(5))
    content: Mapped[str] = mapped_column(Text)
    signed_by: Mapped[str] = mapped_column(String(100))
    on_time: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
