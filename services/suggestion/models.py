"""Tables of the suggestion service (database lianxin_suggestion)."""
from datetime import date, datetime

from sqlalchemy import (BigInteger, Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, LargeBinary,
                        String, Text, func, text)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
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
    """Last number given per session and series ("" the one series of all, or a kind's: session,
    recess); the row lock serialises concurrent submissions."""
    __tablename__ = "number_sequences"
    session: Mapped[str] = mapped_column(String(50), primary_key=True)
    series: Mapped[str] = mapped_column(String(20), primary_key=True, server_default="")
    last: Mapped[int] = mapped_column(Integer)


class Suggestion(Base):
    __tablename__ = "suggestions"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    number: Mapped[int | None] = mapped_column(Integer)
    # the series the number is of ("" or a kind) and its label's prefix (闭会), fixed when numbered
    number_series: Mapped[str] = mapped_column(String(20), default="", server_default="")
    number_prefix: Mapped[str] = mapped_column(String(20), default="", server_default="")
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
    # why screening converted it to a deputy's letter or to reference material
    conversion_reason: Mapped[str | None] = mapped_column(Text)
    withdraw_reason: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # title and body as published, reviewed by the office (redaction.py); the originals stay for staff
    public_title: Mapped[str | None] = mapped_column(String(200))
    public_body: Mapped[str | None] = mapped_column(Text)
    # disclosure's end (`until`): its last local day as given, and the instant that day ends in the
    # office's zone, which reads compare with (None: no end)
    public_until: Mapped[date | None] = mapped_column(Date)
    public_ends_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # the latest withdrawal of the disclosure (撤回公开): who, when, why (the timeline keeps every one)
    unpublished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    unpublished_by: Mapped[str | None] = mapped_column(String(100))
    unpublish_reason: Mapped[str | None] = mapped_column(Text)
    # summary of the current assignment, projected from assignment events
    assignment: Mapped[dict | None] = mapped_column(JSONB)
    lead_unit_id: Mapped[int | None] = mapped_column(BigInteger)
    co_unit_ids: Mapped[list[int]] = mapped_column(ARRAY(BigInteger), default=list, server_default="{}")
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # character bigrams and Latin words of title and body (text.search_terms), GIN-indexed for q=
    search_terms: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list, server_default="{}",
                                                    deferred=True)  # ~500 terms a row: never read back
    created_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # 立案: the real date
    __table_args__ = (
        Index("uq_suggestion_series_number", "session", "number_series", "number", unique=True),
        Index("ix_suggestions_lead", "lead_deputy_id"),
        Index("ix_suggestions_status", "status"),
        Index("ix_suggestions_session_status", "session", "status", "id"),
        # status included: the staff's lists filter it out of drafts from the index alone
        Index("ix_suggestions_category", "category", "id", postgresql_include=["status"]),
        Index("ix_suggestions_listed", "id", postgresql_where="status <> 'draft'"),
        Index("ix_suggestions_lead_unit", "lead_unit_id"),
        Index("ix_suggestions_co_units", "co_unit_ids", postgresql_using="gin"),
        Index("ix_suggestions_merged_into", "merged_into_id"),
        Index("ix_suggestions_public", "id", postgresql_include=["status", "public_ends_at"],
              postgresql_where="public"),
        Index("ix_suggestions_search", "search_terms", postgresql_using="gin"),
        # one suggestion per escalated opinion, however often the event is delivered
        Index("uq_suggestions_station_opinion", "station_opinion_id", unique=True,
              postgresql_where="station_opinion_id IS NOT NULL"),
    )


# The staff's list sorted by number, deadline or status date (views.order: nulls last, then id):
# one index per direction, since a B-tree read backwards puts nulls first (migration d4b8e2f6a1c3).
for _column in (Suggestion.number, Suggestion.due_at, Suggestion.status_at):
    Index(f"ix_suggestions_by_{_column.key}", _column, Suggestion.id, postgresql_where=text("status <> 'draft'"))
    Index(f"ix_suggestions_by_{_column.key}_desc", _column.desc().nulls_last(), Suggestion.id.desc(),
          postgresql_where=text("status <> 'draft'"))


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


class ReplyEntry(Base):
    """A unit's reply as the public disclosure shows it (projected from assignment.replied)."""
    __tablename__ = "replies"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(ForeignKey("suggestions.id"), index=True)
    assignment_id: Mapped[int] = mapped_column(BigInteger)
    round: Mapped[int] = mapped_column(Integer, default=1)
    unit_name: Mapped[str | None] = mapped_column(String(200))
    result_class: Mapped[str] = mapped_column(String(10))
    content: Mapped[str | None] = mapped_column(Text)
    # what the public site shows, reviewed at publishing (redaction.py); None: masked when shown
    public_content: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    event_id: Mapped[str] = mapped_column(UUID(as_uuid=False), unique=True)
    # the replying unit, and the lead deputy's rating of this reply (evaluation.evaluated): the export
    unit_id: Mapped[int | None] = mapped_column(BigInteger)
    satisfaction: Mapped[str | None] = mapped_column(String(20))
    evaluated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Attachment(Base):
    """A photo or document attached to a suggestion (issue 15): the file itself is kept here, in the
    service's database, never on a process's disk (services/common/files.py)."""
    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(ForeignKey("suggestions.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  # read only to download it
    uploaded_by: Mapped[str | None] = mapped_column(String(100))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class UnitName(Base):
    """Handling units' names, projected from assignment.unit_registered (for the export)."""
    __tablename__ = "unit_names"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(200))


class CategoryScheme(Base):
    """A category scheme (分类方案) of the office, for the sessions whose label starts with
    ``congress`` ("" is the default scheme: every other session). schemes.py has the rules."""
    __tablename__ = "category_schemes"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    congress: Mapped[str] = mapped_column(String(50), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class SchemeCategory(Base):
    """A category of a scheme; a retired one (active false) stays for the suggestions that have it."""
    __tablename__ = "scheme_categories"
    scheme_id: Mapped[int] = mapped_column(ForeignKey("category_schemes.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(30), primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    parent: Mapped[str | None] = mapped_column(String(30))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer)


class CatalogVersion(Base):
    """One row: the token of the category schemes as they are. A change of a scheme replaces it in
    its transaction, so every worker's in-memory catalog is read anew (catalog.load)."""
    __tablename__ = "catalog_version"
    __table_args__ = (CheckConstraint("id = 1"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    token: Mapped[str] = mapped_column(UUID(as_uuid=False), server_default=text("gen_random_uuid()"))


class HistoryImport(Base):
    """A past year's workbook being entered (历年建议导入): a job the service's timer works through.

    ``plan`` holds the checked steps; each step done is a HistoryImportStep row, written in the
    transaction of the step (local steps) or right after its RPC answered (remote steps, which carry
    an Idempotency-Key derived from ``sha256`` and the step's key). ``lease_until``: the worker
    running it holds it until then and renews it as it goes; a crashed worker's job is taken up
    again when its lease has run out."""
    __tablename__ = "history_imports"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(20))  # queued, running, done, failed
    counts: Mapped[dict] = mapped_column(JSONB)
    plan: Mapped[list] = mapped_column(JSONB, deferred=True)
    total: Mapped[int] = mapped_column(Integer)
    done: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[dict | None] = mapped_column(JSONB)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    __table_args__ = (
        # one job per workbook: sending it again answers (and resumes) that job
        Index("uq_history_imports_sha256", "sha256", unique=True),
        Index("ix_history_imports_pending", "id", postgresql_where="status IN ('queued', 'running')"),
    )


class HistoryImportStep(Base):
    """A step of a history import that is done, with what it answered (ids later steps need)."""
    __tablename__ = "history_import_steps"
    import_id: Mapped[int] = mapped_column(ForeignKey("history_imports.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(60), primary_key=True)  # suggestion:12, reply:12:7, ...
    result: Mapped[dict] = mapped_column(JSONB)
    done_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
