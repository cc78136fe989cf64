"""The evaluation service's projections: what it keeps of other services' data, fed by events.

Written only by projection.py (and rebuilt from ``event_log`` by rebuild.py): assignment_facts
(one row per reply due), assignment_common, co_opinions, units, deputies, suggestion_facts, and the counters rate_cells and unreplied_cells. The service's own records
(ratings, satisfaction tests and ballots, assessments and their scores) are in models.py.
"""
from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Column, Date, DateTime, Index, Integer, String, Table, func, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from services.evaluation.base import Base


class EventLog(Base):
    """Every event the projections were fed, in the order they were applied (for rebuild)."""
    __tablename__ = "event_log"
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    event_id: Mapped[str] = mapped_column(UUID(as_uuid=False), unique=True)
    type: Mapped[str] = mapped_column(String(100))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    payload: Mapped[dict] = mapped_column(JSONB)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class AssignmentFacts(Base):
    """One row per reply due: per handling unit of an assignment (a lead assignment: its lead unit;
    a separate one, 分办: each of its units). The statistics source, fed by assignment.* and
    evaluation.evaluated; the assignment's own facts (suggestion, session, lead deputy ...) are
    copied onto each of its rows from assignment_common."""
    __tablename__ = "assignment_facts"
    assignment_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    unit_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False, index=True)
    suggestion_id: Mapped[int] = mapped_column(BigInteger, index=True)
    lead_deputy_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    lead_unit_id: Mapped[int | None] = mapped_column(BigInteger, index=True)  # None when separate
    mode: Mapped[str] = mapped_column(String(10), default="lead", server_default=text("'lead'"))
    # true on one row of each assignment (its first handling unit's): counts the assignment once
    counts_assignment: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    session: Mapped[str | None] = mapped_column(String(50), index=True)
    category: Mapped[str | None] = mapped_column(String(30), index=True)
    level: Mapped[str | None] = mapped_column(String(20))  # the lead deputy's, from the deputies table
    number: Mapped[str | None] = mapped_column(String(20))
    title: Mapped[str | None] = mapped_column(String(200))
    # this handling unit's state, round and due date (a lead assignment's own)
    state: Mapped[str] = mapped_column(String(20))
    round: Mapped[int] = mapped_column(Integer, default=1)
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # the unit's latest reply (any round); a follow-up (跟踪办理) changes its class from then on
    result_class: Mapped[str | None] = mapped_column(String(5))
    on_time: Mapped[bool | None] = mapped_column(Boolean)
    reply_round: Mapped[int | None] = mapped_column(Integer)
    replied_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # the class the reply had before its follow-up (None without a follow-up), and when it was followed up
    first_result_class: Mapped[str | None] = mapped_column(String(5))
    followed_up_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # the latest rating of this unit's reply (any round)
    satisfaction: Mapped[str | None] = mapped_column(String(20))
    rating_round: Mapped[int | None] = mapped_column(Integer)
    rating_final: Mapped[bool | None] = mapped_column(Boolean)
    # the latest assignment.overdue of the current round
    overdue_round: Mapped[int | None] = mapped_column(Integer)
    days_late: Mapped[int | None] = mapped_column(Integer)
    # key supervision (重点督办), from assignment.supervision_set
    supervised: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    leader: Mapped[str | None] = mapped_column(String(100))
    leaders: Mapped[list[str] | None] = mapped_column(ARRAY(String(100)))  # the supervising leaders' subs
    committee: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    __table_args__ = (
        # overdue is counted by the clock: only unreplied assignments can be, found by this index
        # (covering, so the count is an index-only scan)
        Index("ix_facts_unreplied", "due_at", postgresql_where=text("state IN ('assigned', 'signed', 'rehandling')"),
              postgresql_include=["unit_id", "session", "category", "level", "round", "overdue_round"]),
        # the few reported late (overdue_round = round) that the clock alone would not count: stats.OVERDUE_PARTS
        Index("ix_facts_reported_overdue", "due_at",
              postgresql_where=text("state IN ('assigned', 'signed', 'rehandling') AND overdue_round = round"),
              postgresql_include=["unit_id", "session", "category", "level"]),
    )


class AssignmentCommon(Base):
    """One row per assignment: its mode and units, and the facts all its reply rows share, as the
    latest assignment event said (``updated_at`` = that event's time)."""
    __tablename__ = "assignment_common"
    assignment_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    mode: Mapped[str] = mapped_column(String(10))
    lead_unit_id: Mapped[int | None] = mapped_column(BigInteger)
    handling_unit_ids: Mapped[list[int]] = mapped_column(ARRAY(BigInteger))
    co_unit_ids: Mapped[list[int]] = mapped_column(ARRAY(BigInteger))
    suggestion_id: Mapped[int] = mapped_column(BigInteger)
    lead_deputy_id: Mapped[int | None] = mapped_column(BigInteger)
    session: Mapped[str | None] = mapped_column(String(50))
    category: Mapped[str | None] = mapped_column(String(30))
    number: Mapped[str | None] = mapped_column(String(20))
    title: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CoOpinion(Base):
    """A co-unit's (会办) first opinion on an assignment, from assignment.co_opinion_added."""
    __tablename__ = "co_opinions"
    assignment_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    unit_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    on_time: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CellKeys:
    """What a counter cell is kept per: the session, the replying unit, the category and the lead
    deputy's level (NULL stored as ''); the first columns of each cell table."""
    session: Mapped[str] = mapped_column(String(50), primary_key=True, sort_order=-1)
    unit_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False, sort_order=-1)
    category: Mapped[str] = mapped_column(String(30), primary_key=True, sort_order=-1)
    level: Mapped[str] = mapped_column(String(20), primary_key=True, sort_order=-1)


class RateCell(CellKeys, Base):
    """Counters of assignment_facts (reply rows) per (session, replying unit, category, deputy level,
    result class).

    Kept by the trigger ``rate_cells_sync`` on assignment_facts (migration c4d2e8f1a9b3, per reply
    row) in the same transaction as every change of a facts row: since migration 5d1f0c7b9e42 the
    row trigger stages each change's deltas in ``rate_cell_deltas`` and the transaction's commit
    applies them, one upsert per cell in key order (``rate_cells_flush``, a deferred constraint
    trigger). The rates are sums over these cells. ``assigned`` counts assignments (one row each),
    ``replies_due`` reply rows. NULL keys are stored as ''.
    """
    __tablename__ = "rate_cells"
    # every change of a facts row updates a cell: room for HOT updates, and vacuumed often
    __table_args__ = {"postgresql_with": {"fillfactor": "50", "autovacuum_vacuum_scale_factor": "0",
                                          "autovacuum_vacuum_threshold": "2000"}}
    result_class: Mapped[str] = mapped_column(String(5), primary_key=True)
    assigned: Mapped[int] = mapped_column(Integer)
    replies_due: Mapped[int] = mapped_column(Integer)
    replied: Mapped[int] = mapped_column(Integer)
    completed: Mapped[int] = mapped_column(Integer)
    on_time: Mapped[int] = mapped_column(Integer)
    evaluated: Mapped[int] = mapped_column(Integer)
    satisfied: Mapped[int] = mapped_column(Integer)
    basic: Mapped[int] = mapped_column(Integer)
    dissatisfied: Mapped[int] = mapped_column(Integer)


# A transaction's staged rate-cell deltas and its queued flush (migration 5d1f0c7b9e42): rows never
# outlive their transaction (unlogged, empty at rest); written and read only by the triggers.
RATE_CELL_DELTAS = Table(
    "rate_cell_deltas", Base.metadata,
    Column("session", String(50), nullable=False), Column("unit_id", BigInteger, nullable=False),
    Column("category", String(30), nullable=False), Column("level", String(20), nullable=False),
    Column("result_class", String(5), nullable=False),
    *[Column(name, Integer, nullable=False) for name in ("assigned", "replies_due", "replied", "completed", "on_time",
                                                          "evaluated", "satisfied", "basic", "dissatisfied")],
    prefixes=["UNLOGGED"])
RATE_CELL_FLUSHES = Table("rate_cell_flushes", Base.metadata,
                          Column("txid", BigInteger, nullable=False, server_default=text("txid_current()")),
                          prefixes=["UNLOGGED"])


class UnrepliedCell(CellKeys, Base):
    """The unreplied reply rows (state assigned/signed/rehandling, with a due date) per (session,
    replying unit, category, deputy level, due day: the UTC date of due_at), kept like rate_cells
    by the same triggers, at commit (migration 9b2e7c4d1f60). Overdue by the clock is the cells of
    the days before today plus the rows due earlier today (stats.counts)."""
    __tablename__ = "unreplied_cells"
    __table_args__ = {"postgresql_with": {"fillfactor": "50", "autovacuum_vacuum_scale_factor": "0",
                                          "autovacuum_vacuum_threshold": "2000"}}
    due_day: Mapped[date] = mapped_column(Date, primary_key=True)
    unreplied: Mapped[int] = mapped_column(Integer)


UNREPLIED_CELL_DELTAS = Table(
    "unreplied_cell_deltas", Base.metadata,
    Column("session", String(50), nullable=False), Column("unit_id", BigInteger, nullable=False),
    Column("category", String(30), nullable=False), Column("level", String(20), nullable=False),
    Column("due_day", Date, nullable=False), Column("unreplied", Integer, nullable=False),
    prefixes=["UNLOGGED"])


class UnitName(Base):
    """Units (from assignment.unit_registered, else the lead_unit_name of assignment events)."""
    __tablename__ = "units"
    unit_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    name: Mapped[str | None] = mapped_column(String(200))
    code: Mapped[str | None] = mapped_column(String(50))


class DeputyLevel(Base):
    """Deputies' levels (from station.deputy_registered / deputy_updated)."""
    __tablename__ = "deputies"
    deputy_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    name: Mapped[str | None] = mapped_column(String(100))
    level: Mapped[str | None] = mapped_column(String(20), index=True)
    delegation: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SuggestionFacts(Base):
    """Suggestions (from suggestion.*): number, title, session, category, kind, status."""
    __tablename__ = "suggestion_facts"
    suggestion_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    number: Mapped[str | None] = mapped_column(String(20))
    title: Mapped[str | None] = mapped_column(String(200))
    session: Mapped[str | None] = mapped_column(String(50))
    category: Mapped[str | None] = mapped_column(String(30))
    kind: Mapped[str | None] = mapped_column(String(10), index=True)  # session / recess
    lead_deputy_id: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str | None] = mapped_column(String(20))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


PROJECTIONS = (AssignmentFacts, AssignmentCommon, CoOpinion, UnitName, DeputyLevel, SuggestionFacts)

