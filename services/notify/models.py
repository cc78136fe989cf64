"""Tables of the notify service (database lianxin_notify)."""
from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Index, String, Text, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from services.common.models import make_base

Base = make_base()


class Notification(Base):
    """One message to one recipient about one event: unique per (recipient, event)."""
    __tablename__ = "notifications"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    recipient: Mapped[str] = mapped_column(String(60))  # "deputy:5", "unit:3", "role:office"
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
