"""Answers of the audit trail's routes (gateway/routes/audit.py)."""
from datetime import datetime
from typing import Literal

from pydantic import Field

from gateway.answers.common import Answer, page_of


class AuditRecordAnswer(Answer):
    """One record: who, what, when, from where, the request id and the outcome."""
    id: int
    at: datetime = Field(description="when (UTC)")
    service: str = Field(description="the service that recorded it; gateway: a refused or failed request")
    action: str = Field(description="method and route template (POST /api/v1/suggestions/{suggestion_id}/screening), "
                                    "or a named action (sign_in, audit.search)")
    outcome: Literal["ok", "failed", "denied", "locked"]
    status: int | None = Field(description="the HTTP status, when known")
    sub: str | None = Field(description="the person, or none (public)")
    role: str | None
    login: str | None = Field(description="sign-in records: the name typed")
    path: str | None
    targets: dict[str, list[int | str]] = Field(description='ids touched, e.g. {"suggestion_id": [5]}')
    client: str | None = Field(description="the client's address")
    user_agent: str | None
    request_id: str | None = Field(description="the X-Request-Id of the request")
    detail: str | None


AuditPage = page_of(AuditRecordAnswer, "AuditPage")
