"""The audit trail's record: one per sign-in, failure, lockout, role change and write through the API.

Every service publishes ``audit.recorded`` through its own outbox, in the transaction of the write it
records (no write without its record); the identity service keeps them (services/identity/audit*).
It is the one event type any producer may publish (envelope.make_envelope)."""
from typing import Literal

from pydantic import Field

from services.common.events import Event, Timestamp

Outcome = Literal["ok", "failed", "denied", "locked"]


class AuditRecorded(Event):
    event_type = "audit.recorded"

    at: Timestamp
    service: str                      # the producer that recorded it
    action: str                       # "POST /api/v1/suggestions/{id}/accept", "sign_in", "role_bound", ...
    outcome: Outcome
    status: int | None = None         # the HTTP status when known
    sub: str | None = None            # the person ("person-7"), a development sub, or None (public)
    role: str | None = None
    login: str | None = None          # sign-in records: the name typed (the person may not exist)
    path: str | None = None           # the concrete path
    targets: dict[str, list[int | str]] = Field(default_factory=dict)  # {"suggestion_id": [5], ...}
    client: str | None = None         # the client's address as the gateway saw it
    user_agent: str | None = None
    request_id: str | None = None
    detail: str | None = None
