"""Tables of the notify service (database lianxin_notify)."""
from datetime import date, datetime

from sqlalchemy import (BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text,
                        func, text)
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import Mapped, mapped_column

from services.common.models import make_base

Base = make_base()


class Notification(Base):
    """One message to one recipient about one event: unique per (recipient, event)."""
    __tablename__ = "notifications"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    recipient: Mapped[str] = mapped_column(String(120))  # "deputy:5", "unit:3", "role:office", "person:<sub>"
    event_id: Mapped[str] = mapped_column(UUID(as_uuid=False))
    type: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    suggestion_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    __table_args__ = (
        Index("uq_notification_recipient_event", "recipient", "event_id", unique=True),
        Index("ix_notifications_inbox", "recipient", "id"),
    )


class Delivery(Base):
    """One notification sent over one channel (email, webhook): its log and its retry state.

    state: pending (due at next_attempt_at), delivered, dead (retries used up: see
    delivery_dead_letters). A claimed row has its next_attempt_at pushed one lease ahead.
    """
    __tablename__ = "deliveries"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    notification_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("notifications.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(Text)  # comma-separated e-mail addresses, or the webhook URL
    state: Mapped[str] = mapped_column(String(20), server_default="pending")
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    __table_args__ = (
        Index("uq_delivery_notification_channel", "notification_id", "channel", unique=True),
        Index("ix_deliveries_due", "next_attempt_at", postgresql_where=text("state = 'pending'")),
    )


class DeliveryDeadLetter(Base):
    """A delivery that still failed after its retries; `python -m services.notify.deliveries replay`."""
    __tablename__ = "delivery_dead_letters"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    delivery_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("deliveries.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(20))
    error: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    replayed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Contact(Base):
    """Projection of deputies (station events), units (assignment events) and people (identity
    events, ``person:<sub>``): how to reach them."""
    __tablename__ = "contacts"
    recipient: Mapped[str] = mapped_column(String(120), primary_key=True)  # "deputy:5", "unit:3", "person:<sub>"
    name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(300))
    webhook_url: Mapped[str | None] = mapped_column(String(1000))
    active: Mapped[bool] = mapped_column(Boolean, server_default="true")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Preference(Base):
    """Per recipient: which channels besides the inbox they want (absent row: all of them)."""
    __tablename__ = "preferences"
    recipient: Mapped[str] = mapped_column(String(120), primary_key=True)
    email: Mapped[bool] = mapped_column(Boolean, server_default="true")
    webhook: Mapped[bool] = mapped_column(Boolean, server_default="true")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class OpenAssignment(Base):
    """Projection of assignment events: what each unit has on its desk (for digests and leaders)."""
    __tablename__ = "assignment_view"
    assignment_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    suggestion_id: Mapped[int | None] = mapped_column(BigInteger)
    number: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str | None] = mapped_column(String(300))
    lead_unit_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    co_unit_ids: Mapped[list[int]] = mapped_column(ARRAY(BigInteger), server_default="{}")
    state: Mapped[str] = mapped_column(String(30))
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    supervised: Mapped[bool] = mapped_column(Boolean, server_default="false")
    leader: Mapped[str | None] = mapped_column(String(200))
    # the supervising leaders' subs (key supervision): each hears of its overdue in their own inbox
    leader_subs: Mapped[list[str]] = mapped_column(ARRAY(String(100)), server_default="{}")
    event_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # occurred_at of the last event applied


class Digest(Base):
    """One daily digest per unit per local date: the unique key is the claim two replicas race for."""
    __tablename__ = "digests"
    unit_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    notification_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
