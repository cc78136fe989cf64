"""Tables every service has in its own database: outbox, processed events, dead letters,
idempotency keys.

Each service's models module builds its metadata with ``make_base()`` so these
four tables are created by that service's own Alembic migrations.
"""
from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Index, Integer, String, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def make_base():
    class Base(DeclarativeBase):
        pass

    class OutboxEvent(Base):
        """An event written in the same transaction as the state it describes."""
        __tablename__ = "outbox"
        id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
        event_id: Mapped[str] = mapped_column(UUID(as_uuid=False), unique=True)
        type: Mapped[str] = mapped_column(String(100))
        envelope: Mapped[dict] = mapped_column(JSONB)
        created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
        sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
        attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
        last_error: Mapped[str | None] = mapped_column(Text)
        __table_args__ = (
            Index("ix_outbox_unsent", "id", postgresql_where=text("sent_at IS NULL")),
        )

    class ProcessedEvent(Base):
        """(consumer, event_id) recorded with the consumer's work: a duplicate is skipped."""
        __tablename__ = "processed_events"
        consumer: Mapped[str] = mapped_column(String(100), primary_key=True)
        event_id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True)
        processed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    class DeadLetter(Base):
        """An event whose handler still failed after its retries; replayable."""
        __tablename__ = "dead_letters"
        id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
        consumer: Mapped[str] = mapped_column(String(100))
        event_id: Mapped[str] = mapped_column(UUID(as_uuid=False))
        type: Mapped[str] = mapped_column(String(100))
        envelope: Mapped[dict] = mapped_column(JSONB)
        error: Mapped[str] = mapped_column(Text)
        attempts: Mapped[int] = mapped_column(Integer)
        created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
        replayed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    class IdempotencyKey(Base):
        """A creating request's Idempotency-Key, claimed in the transaction that creates
        (services/common/idempotency.py): a retry gets ``response`` back."""
        __tablename__ = "idempotency_keys"
        scope: Mapped[str] = mapped_column(Text, primary_key=True)
        key: Mapped[str] = mapped_column(Text, primary_key=True)
        fingerprint: Mapped[str] = mapped_column(Text)
        response: Mapped[dict | None] = mapped_column(JSONB)
        created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
        __table_args__ = (Index("ix_idempotency_keys_created_at", "created_at"),)

    Base.OutboxEvent = OutboxEvent
    Base.ProcessedEvent = ProcessedEvent
    Base.DeadLetter = DeadLetter
    Base.IdempotencyKey = IdempotencyKey
    return Base
