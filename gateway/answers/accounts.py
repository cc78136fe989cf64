"""Answers of accounts, role bindings, the people directory and the password policy (identity)."""
from datetime import datetime
from typing import Literal

from pydantic import Field

from gateway.answers.common import Answer, page_of


class BindingAnswer(Answer):
    """One role a person holds; deputy/unit/station bindings name which one."""
    id: int
    role: str
    deputy_id: int | None
    unit_id: int | None
    station_id: int | None
    bound_by: str | None = Field(description="the sub of who bound it")
    bound_at: datetime


class BoundAnswer(BindingAnswer):
    account_id: int
    sub: str


class AccountAnswer(Answer):
    """A person's account. `sub` (person-<id>) is who they are in tokens, inboxes and the audit trail."""
    id: int
    sub: str
    login: str
    display_name: str
    phone: str | None
    email: str | None
    disabled: bool
    disabled_reason: str | None
    created_at: datetime
    updated_at: datetime
    roles: list[BindingAnswer]


class NewAccountAnswer(AccountAnswer):
    """A created account with its one-time password, shown only in this answer (null in an
    Idempotency-Key replay: it is never stored)."""
    initial_password: str | None = Field(description="must be changed at the first sign-in")


AccountPage = page_of(AccountAnswer, "AccountPage")


class ImportRowError(Answer):
    sheet: str = Field(description="账号")
    row: int = Field(description="the spreadsheet's row number (the headers are row 1)")
    field: str = Field(description="the column header, e.g. 登录名")
    message: str


class AccountImportAnswer(Answer):
    """A dry run: every bad row, nothing written; a real run: the accounts with their one-time passwords."""
    dry_run: bool
    valid: bool | None = Field(None, description="dry run: true when no row is bad")
    rows: int | None = Field(None, description="dry run: rows read")
    errors: list[ImportRowError] | None = Field(None, description="dry run: the bad rows")
    created: int | None = Field(None, description="real run: accounts created")
    accounts: list[NewAccountAnswer] | None = Field(None, description="real run: the accounts created")


class PersonAnswer(Answer):
    """A person in the directory (one entry per role they hold)."""
    sub: str
    display_name: str
    role: Literal["leader", "assessor", "office", "unit"]
    unit_id: int | None = Field(None, description="unit clerks: their unit")


PersonPage = page_of(PersonAnswer, "PersonPage")


class PolicyAnswer(Answer):
    """The password and session policy."""
    min_length: int
    classes: int = Field(description="of lower, upper, digit, symbol")
    history: int = Field(description="a new password may not be any of the last N")
    lockout_threshold: int
    lockout_minutes: int
    idle_minutes: int
    access_ttl_seconds: int
    mfa_roles: list[str]
