"""Tables of the evaluation service (database lianxin_evaluation)."""
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, Index, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from services.common.models import make_base

Base = make_base()


class AssignmentFacts(Base):
    """Projection of assignments from assignment.* events (the statistics source)."""
    __tablename__ = "assignment_facts"
    assignment_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    suggestion_id: Mapped[int] = mapped_column(BigInteger, index=True)
    lead_deputy_id: Mapped[int | None] = mapped_column(BigInteger)
    lead_unit_id: Mapped[int] = mapped_column(BigInteger, index=True)
    session: Mapped[str | None] = mapped_column(String(50))
    category: Mapped[str | None] = mapped_column(String(30))
    number: Mapped[str | None] = mapped_column(String(20))
    title: Mapped[str | None] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(20))
    round: Mapped[int] = mapped_column(Integer, default=1)
    result_class: Mapped[str | None] = mapped_column(String(5))
    on_time: Mapped[bool | None] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Rating(Base):
    """The lead deputy's rating of a reply, one per handling round."""
    __tablename__ = "ratings"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(BigInteger)
    round: Mapped[int] = mapped_column(Integer)
    deputy_id: Mapped[int] = mapped_column(BigInteger)
    satisfaction: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str | None] = mapped_column(Text)
    final: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    __table_args__ = (Index("uq_rating_round", "assignment_id", "round", unique=True),)
