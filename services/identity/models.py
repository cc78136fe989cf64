"""Tables of the identity service (database lianxin_identity): accounts and their role bindings.

Credentials, sessions, signing keys and the audit trail add their tables here too."""
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from services.common.models import make_base

Base = make_base()


class Account(Base):
    """A person who signs in. ``sub`` in their tokens is ``person-<id>`` (domain.subject)."""
    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    login: Mapped[str] = mapped_column(String(64))  # stored lower-case; unique (index below)
    display_name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(200))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    disabled_reason: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    __table_args__ = (Index("uq_accounts_login", text("lower(login)"), unique=True),)


class RoleBinding(Base):
    """One role a person holds; deputy/unit/station bindings name which one (API.md roles)."""
    __tablename__ = "role_bindings"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    deputy_id: Mapped[int | None] = mapped_column(BigInteger)
    unit_id: Mapped[int | None] = mapped_column(BigInteger)
    station_id: Mapped[int | None] = mapped_column(BigInteger)
    bound_by: Mapped[str | None] = mapped_column(String(100))
    bound_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    __table_args__ = (
        Index("uq_role_bindings", "account_id", "role", text("coalesce(deputy_id, 0)"),
              text("coalesce(unit_id, 0)"), text("coalesce(station_id, 0)"), unique=True),
    )


class DeputyRecord(Base):
    """The station service's deputy roster (projection of station.deputy_*): the office registers a
    deputy once and gives them an account in one step (accounts.account_for_deputy)."""
    __tablename__ = "deputies"
    deputy_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Credential(Base):
    """A person's password (Argon2id, passwords.py); ``must_change`` after an administrator's reset."""
    __tablename__ = "credentials"
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    must_change: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class PasswordHistory(Base):
    """Earlier password hashes: a new password may not be any of the last five (policy)."""
    __tablename__ = "password_history"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class PolicyRow(Base):
    """The password and session policy (one row, id 1; policy.py). Absent: the config.yml defaults."""
    __tablename__ = "password_policy"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    min_length: Mapped[int] = mapped_column(Integer)
    classes: Mapped[int] = mapped_column(Integer)
    history: Mapped[int] = mapped_column(Integer)
    lockout_threshold: Mapped[int] = mapped_column(Integer)
    lockout_minutes: Mapped[int] = mapped_column(Integer)
    idle_minutes: Mapped[int] = mapped_column(Integer)
    access_ttl_seconds: Mapped[int] = mapped_column(Integer)
    mfa_roles: Mapped[list] = mapped_column(JSONB)
    updated_by: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    __table_args__ = (CheckConstraint("id = 1", name="ck_password_policy_one_row"),)


class AuditRecord(Base):
    """The audit trail (services/common/audit.py AuditRecorded): one row per sign-in, failure,
    lockout, role change and write through the API, from every service. Immutable: a trigger
    refuses UPDATE, and DELETE/TRUNCATE unless the retention purge set lianxin.audit_purge
    (migration b7c1d2e3f4a5)."""
    __tablename__ = "audit_records"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    service: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(200))
    outcome: Mapped[str] = mapped_column(String(10))
    status: Mapped[int | None] = mapped_column(Integer)
    sub: Mapped[str | None] = mapped_column(String(100))
    role: Mapped[str | None] = mapped_column(String(20))
    login: Mapped[str | None] = mapped_column(String(100))
    path: Mapped[str | None] = mapped_column(String(500))
    targets: Mapped[dict] = mapped_column(JSONB, default=dict, server_default=text("'{}'::jsonb"))
    client: Mapped[str | None] = mapped_column(String(100))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    request_id: Mapped[str | None] = mapped_column(String(100))
    detail: Mapped[str | None] = mapped_column(Text)
    event_id: Mapped[str] = mapped_column(UUID(as_uuid=False), unique=True)
    __table_args__ = (
        Index("ix_audit_records_at", "at", "id"),
        Index("ix_audit_records_sub_at", "sub", "at"),
        Index("ix_audit_records_request_id", "request_id"),
        Index("ix_audit_records_targets", "targets", postgresql_using="gin",
              postgresql_ops={"targets": "jsonb_path_ops"}),
    )
