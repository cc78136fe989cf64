"""Tables of the assignment service (database lianxin_assignment)."""
from datetime import datetime

from sqlalchemy import (BigInteger, Boolean, DateTime, ForeignKey, Index, Integer, LargeBinary, PrimaryKeyConstraint,
                        String, Text, UniqueConstraint, func, text)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from services.common.models import make_base
from services.common.people import PersonMixin

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
    # routing (issue 18): the kind of unit (unit_kinds code, recognised from the name when not given),
    # its level (national, provincial, city, county) and region ("云南省曲靖市沾益区"); null: unknown
    kind: Mapped[str | None] = mapped_column(String(40))
    level: Mapped[str | None] = mapped_column(String(20))
    region: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # the last correction (PATCH): a changed unit makes the routing model stale
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SuggestionFacts(Base):
    """Projection of accepted suggestions (suggestion.accepted), for routing and events."""
    __tablename__ = "suggestion_facts"
    suggestion_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    number_label: Mapped[str | None] = mapped_column(String(20))
    session: Mapped[str] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(30))
    kind: Mapped[str | None] = mapped_column(String(10))  # session / recess (None: an event from before)
    body: Mapped[str | None] = mapped_column(Text)  # if the accepted event carries it (routing)
    lead_deputy_id: Mapped[int] = mapped_column(BigInteger)
    co_signer_ids: Mapped[list] = mapped_column(JSONB, default=list)
    status: Mapped[str] = mapped_column(String(20))


class DeputyContact(Base):
    """Projection of the station service's roster (station.deputy_* events): the lead deputy's
    contact details, which the office and the units of an assignment read for 面商."""
    __tablename__ = "deputy_contacts"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str | None] = mapped_column(String(20))
    delegation: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Person(PersonMixin, Base):
    """Projection of the identity service's accounts (identity.account_*/role_*): the people who
    may be named supervising leaders (``holds``: the leader role), with their display names."""
    __tablename__ = "people"


class Assignment(Base):
    __tablename__ = "assignments"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    # "lead" (主办: one lead unit replies, co-units help) or "separate" (分办: every unit replies)
    mode: Mapped[str] = mapped_column(String(10), default="lead", server_default=text("'lead'"))
    lead_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))  # None when separate
    co_unit_ids: Mapped[list] = mapped_column(JSONB, default=list)
    # state, round, due_at, replied_at, closed_at summarise the handling units (domain.summarise)
    state: Mapped[str] = mapped_column(String(20), index=True)
    round: Mapped[int] = mapped_column(Integer, default=1)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # the real date of 交办 (the assignment meeting); the office may give an earlier one than created_at
    assigned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # when the current units got it (assignment or the latest reroute): dispute window, co-unit opinions
    routed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    supervised: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    replied_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # what the deadline scheduler scans: assignments still waiting for a reply, by due date
    __table_args__ = (Index("ix_assignments_handling_due", "due_at",
                            postgresql_where=text("state IN ('assigned', 'signed', 'rehandling')")),)


class AssignmentUnit(Base):
    """Each unit on an assignment and when it signed. A handling unit (the lead, or each unit of a
    separate assignment) also has its own state, round, due date, reply and closing; a co-unit not."""
    __tablename__ = "assignment_units"
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    is_lead: Mapped[bool] = mapped_column(Boolean)
    role: Mapped[str] = mapped_column(String(10), default="co", server_default=text("'co'"))  # lead, co, separate
    signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    state: Mapped[str | None] = mapped_column(String(20))
    round: Mapped[int | None] = mapped_column(Integer)
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    replied_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    __table_args__ = (Index("ix_assignment_units_unit", "unit_id"),
                      # what the deadline scheduler scans: handling units waiting for a reply, by due date
                      Index("ix_assignment_units_handling_due", "due_at",
                            postgresql_where=text("state IN ('assigned', 'signed', 'rehandling')")))

    @property
    def handles(self) -> bool:
        """A unit that replies: the lead, or a unit of a separate assignment."""
        return self.role in ("lead", "separate")


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
    contact_before: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    # a follow-up reply (跟踪办理) names the B-class reply it follows up
    follow_up_of: Mapped[int | None] = mapped_column(ForeignKey("replies.id", name="fk_replies_follow_up_of"))
    __table_args__ = (UniqueConstraint("follow_up_of", name="uq_replies_follow_up_of"),)



class ReplyAttachment(Base):
    """A file of a reply (issue 15): the signed 答复函 as a PDF, or another document; the file itself
    is kept here, in the service's database, never on a process's disk (services/common/files.py)."""
    __tablename__ = "reply_attachments"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    reply_id: Mapped[int] = mapped_column(ForeignKey("replies.id"), index=True)
    unit_id: Mapped[int] = mapped_column(BigInteger)  # the replying unit
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  # read only to download it
    uploaded_by: Mapped[str | None] = mapped_column(String(100))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Dispute(Base):
    """A unit says "not our duty" (申请退回); the office's reroute resolves it."""
    __tablename__ = "disputes"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    unit_id: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Reroute(Base):
    """History of 改办: who had it before and who has it after."""
    __tablename__ = "reroutes"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    previous_lead_unit_id: Mapped[int | None] = mapped_column(BigInteger)  # None: a separate assignment
    previous_co_unit_ids: Mapped[list] = mapped_column(JSONB, default=list)
    lead_unit_id: Mapped[int | None] = mapped_column(BigInteger)
    co_unit_ids: Mapped[list] = mapped_column(JSONB, default=list)
    # a separate assignment's units before and after (empty for lead mode)
    previous_unit_ids: Mapped[list] = mapped_column(JSONB, default=list, server_default=text("'[]'::jsonb"))
    unit_ids: Mapped[list] = mapped_column(JSONB, default=list, server_default=text("'[]'::jsonb"))
    reason: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str | None] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Contact(Base):
    """三见面: a unit meets the deputy before, during or after handling."""
    __tablename__ = "contacts"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    unit_id: Mapped[int] = mapped_column(BigInteger)
    stage: Mapped[str] = mapped_column(String(10))
    method: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CoOpinion(Base):
    """会办意见: a co-unit's written input to the lead unit."""
    __tablename__ = "co_opinions"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    unit_id: Mapped[int] = mapped_column(BigInteger)
    round: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text)
    on_time: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Urging(Base):
    """督办: a phone call or a letter (督办函, its text kept as sent) to one unit of the assignment."""
    __tablename__ = "urgings"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(BigInteger)  # NULL in rows from before: the lead unit then
    method: Mapped[str] = mapped_column(String(10))
    note: Mapped[str | None] = mapped_column(Text)
    days_late: Mapped[int] = mapped_column(Integer)
    letter: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str | None] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Extension(Base):
    """The lead unit asks for more time; the office approves (the due date moves) or refuses."""
    __tablename__ = "extensions"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    unit_id: Mapped[int] = mapped_column(BigInteger)
    days: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10))  # pending, approved, refused
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(100))
    previous_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    new_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # at most one request of each handling unit waits for the office at a time
    __table_args__ = (Index("uq_extensions_pending", "assignment_id", "unit_id", unique=True,
                            postgresql_where=text("status = 'pending'")),)


class Supervision(Base):
    """重点督办: one or more named leaders and/or a special committee supervise the handling."""
    __tablename__ = "supervisions"
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    leader: Mapped[str | None] = mapped_column(String(100))  # the first leader's sub (rows before: the leader)
    # [{sub, name}]: people, by their token's sub; GIN-indexed for "the items I supervise"
    leaders: Mapped[list] = mapped_column(JSONB, default=list, server_default=text("'[]'::jsonb"))
    committee: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str | None] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    __table_args__ = (Index("ix_supervisions_leaders", "leaders", postgresql_using="gin"),)


class DeadlineMark(Base):
    """A reminder sent (or passed over), per handling unit: the unique key makes each one happen once,
    whatever the replicas."""
    __tablename__ = "deadline_marks"
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"))
    unit_id: Mapped[int] = mapped_column(BigInteger)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(10))
    threshold: Mapped[int] = mapped_column(Integer)
    published: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    __table_args__ = (PrimaryKeyConstraint("assignment_id", "unit_id", "due_at", "kind", "threshold",
                                           name="deadline_marks_pkey"),)


class Precedent(Base):
    """A lead unit the office chose (assign or reroute): what routing learns from."""
    __tablename__ = "precedents"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    suggestion_id: Mapped[int] = mapped_column(BigInteger)
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(30))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    # the co-units (会办) the office named with this lead unit (lead mode; [] for 分办)
    co_unit_ids: Mapped[list] = mapped_column(JSONB, default=list, server_default=text("'[]'::jsonb"))
    source: Mapped[str] = mapped_column(String(10))  # assigned, rerouted
    # a reroute says the earlier choice was wrong: it stops teaching the model
    superseded: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
