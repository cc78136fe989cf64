"""Tables of the evaluation service (database lianxin_evaluation): its own records, namely ratings,
satisfaction tests and ballots, assessments and their scores. The projections of other services'
data are in projection_models.py."""
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, Index, Integer, String, Text, func, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from services.common.people import PersonMixin
from services.evaluation.base import Base


class Person(PersonMixin, Base):
    """Projection of the identity service's accounts (identity.account_*/role_*, not part of the
    statistics projection nor its event log): who may be named an assessor (``holds``)."""
    __tablename__ = "people"


class Rating(Base):
    """The lead deputy's rating of a handling unit's reply, one per unit and handling round
    (recorded by the deputy, or by the office from the deputy's paper rating form)."""
    __tablename__ = "ratings"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(BigInteger)
    unit_id: Mapped[int | None] = mapped_column(BigInteger)  # the handling unit whose reply is rated
    round: Mapped[int] = mapped_column(Integer)
    deputy_id: Mapped[int] = mapped_column(BigInteger)
    satisfaction: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str | None] = mapped_column(Text)
    final: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())  # evaluated_at
    recorded_by: Mapped[str | None] = mapped_column(String(100))  # deputy:<id> or the office's sub
    __table_args__ = (Index("uq_rating_unit_round", "assignment_id", "unit_id", "round", unique=True),)


class SatisfactionTest(Base):
    """满意度测评 (民主测评): the standing committee's ballot on the handling report as a whole and/or units."""
    __tablename__ = "satisfaction_tests"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(10), default="units", server_default=text("'units'"))
    unit_ids: Mapped[list[int]] = mapped_column(ARRAY(BigInteger))
    voter_count: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="open")
    ballots: Mapped[int] = mapped_column(Integer, default=0)
    tallies: Mapped[list | None] = mapped_column(JSONB)
    report_tally: Mapped[dict | None] = mapped_column(JSONB)  # a report test's tally of the report, once closed
    created_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Ballot(Base):
    """One voter's ballot; ``voter`` (optional) names the voter, once per test."""
    __tablename__ = "ballots"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    test_id: Mapped[int] = mapped_column(BigInteger, index=True)
    voter: Mapped[str | None] = mapped_column(String(100))
    votes: Mapped[list] = mapped_column(JSONB)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    __table_args__ = (Index("uq_ballot_voter", "test_id", "voter", unique=True),)


class Assessment(Base):
    """第三方评估: a reproducible random sample of replied suggestions."""
    __tablename__ = "assessments"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    session: Mapped[str | None] = mapped_column(String(50))
    seed: Mapped[int] = mapped_column(BigInteger)
    population: Mapped[int] = mapped_column(Integer)
    suggestion_ids: Mapped[list[int]] = mapped_column(ARRAY(BigInteger))
    # the assessors named on it (subs of assessor tokens): each scores each sampled item once
    assessors: Mapped[list[str]] = mapped_column(ARRAY(String(100)), default=list, server_default=text("'{}'"))
    created_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AssessmentScore(Base):
    """An assessor's score (0–100) of one sampled suggestion; once per assessor and item."""
    __tablename__ = "assessment_scores"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(BigInteger)
    suggestion_id: Mapped[int] = mapped_column(BigInteger)
    assessor: Mapped[str] = mapped_column(String(100))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    __table_args__ = (Index("uq_assessment_score", "assessment_id", "suggestion_id", "assessor", unique=True),)


# one metadata for migrations (migrations/env.py, the schema check): the projections share this Base
from services.evaluation import projection_models  # noqa: E402,F401
