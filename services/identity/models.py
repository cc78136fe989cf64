"""Tables of the identity service (database lianxin_identity): accounts and their role bindings.

Credentials, sessions, signing keys and the audit trail add their tables here too."""
from datetime import datetime

from sqlalchemy import (BigInteger, Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, LargeBinary, String,
                        Text, func, text)
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
class SigningKey(Base):
    """An RS256 key pair of the access tokens (keys.py). The private key is stored encrypted with
    IDENTITY_DATA_KEY (AES-GCM); ``retire_at`` is set when a newer key takes over: the old one stays
    in the JWKS until every token it signed has expired."""
    __tablename__ = "signing_keys"
    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    private_key: Mapped[bytes] = mapped_column(LargeBinary)  # nonce + AES-GCM ciphertext of the PEM
    public_jwk: Mapped[dict] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    retire_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SignInSession(Base):
    """A signed-in session (``sid`` in the access tokens): one family of refresh tokens."""
    __tablename__ = "sessions"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    binding_id: Mapped[int | None] = mapped_column(BigInteger)
    role: Mapped[str] = mapped_column(String(20))
    amr: Mapped[list] = mapped_column(JSONB)
    client_address: Mapped[str | None] = mapped_column(String(100))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_reason: Mapped[str | None] = mapped_column(String(100))


class RefreshToken(Base):
    """One refresh token of a session's family, stored as its SHA-256; used once (rotation)."""
    __tablename__ = "refresh_tokens"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Challenge(Base):
    """A short-lived, one-use step of a sign-in (mfa, mfa_enrolment, password_change), stored hashed."""
    __tablename__ = "challenges"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(30))
    binding_id: Mapped[int | None] = mapped_column(BigInteger)
    amr: Mapped[list] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SignInFailures(Base):
    """Failed sign-ins per lower-cased login name, whether or not an account has it (lockout.py)."""
    __tablename__ = "sign_in_failures"
    login: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    first_failure_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class TotpSecret(Base):
    """A person's TOTP secret (AES-GCM with IDENTITY_DATA_KEY); confirmed once a code was shown.
    ``last_step`` is the time step of the last accepted code: no code is accepted twice."""
    __tablename__ = "totp_secrets"
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    secret: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_step: Mapped[int] = mapped_column(BigInteger, default=0)


class RecoveryCode(Base):
    """One-use recovery codes of the second factor, stored as their SHA-256."""
    __tablename__ = "recovery_codes"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class OidcRequest(Base):
    """A sign-in sent to the unified identity platform (oidc.py): its state (stored hashed), nonce and
    PKCE verifier, kept 10 minutes and used once by the callback."""
    __tablename__ = "oidc_requests"
    state_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(100))
    code_verifier: Mapped[str] = mapped_column(String(128))
    return_to: Mapped[str] = mapped_column(String(500))
    binding_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
