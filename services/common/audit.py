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


# ---- the record of a write, added at commit (services/common/db.py) -------------------------
MAX_TARGET_VALUES = 50  # per key: a bulk write names its first fifty of a kind


def is_audit(envelope) -> bool:
    return getattr(envelope, "type", None) == AuditRecorded.event_type


def targets_of(path_targets: dict | None, payloads=()) -> dict[str, list]:
    """What a write touched: the route's path parameters and, from each event it published, the
    top-level keys ending in ``_id`` with an integer value ({"suggestion_id": [5], "unit_id": [3, 4]})."""
    found: dict[str, list] = {}

    def add(key, value):
        if isinstance(value, bool) or not isinstance(value, (int, str)) or not isinstance(key, str):
            return
        values = found.setdefault(key, [])
        if value not in values and len(values) < MAX_TARGET_VALUES:
            values.append(value)

    for key, value in (path_targets or {}).items():
        add(key, value)
    for payload in payloads:
        for key, value in (payload or {}).items():
            if key.endswith("_id") and isinstance(value, int) and not isinstance(value, bool):
                add(key, value)
    return {key: sorted(values, key=str) for key, values in sorted(found.items()) if values}


def record_of(context: dict, service: str, at, payloads=(), **fields) -> AuditRecorded:
    """The record of a write made under the gateway's audit context (gateway/audit.py)."""
    return AuditRecorded(
        at=at, service=service, action=str(context.get("action") or "")[:200] or "unknown",
        outcome=fields.pop("outcome", "ok"), sub=context.get("sub"), role=context.get("role"),
        path=context.get("path"), targets=targets_of(context.get("targets"), payloads),
        client=context.get("client"), user_agent=context.get("user_agent"),
        request_id=fields.pop("request_id", None) or context.get("request_id"), **fields)


def record_write(tx) -> None:
    """Before the outer commit of ``tx`` (a services.common.db.Transaction): publish the audit
    record of the write, in the same outbox, so the write and its record commit together.

    Only when the worker runs under an audit context not yet recorded (one record per request
    per service: a worker that commits twice is recorded at its first write), and the transaction
    wrote something: it published an event or changed a row (``tx.wrote``, see db.py). A
    transaction that published its own record (identity's sign-in) gets nothing added.
    """
    from services.common.clock import now
    from services.common.context import current_audit, current_request_id, mark_audit_recorded

    context = current_audit()
    if context is None:
        return
    if any(is_audit(e) for e in tx.published):
        mark_audit_recorded()
        return
    if not (tx.published or tx.wrote):
        return
    tx.publish(record_of(context, tx.producer, now(), [e.payload for e in tx.published],
                         request_id=current_request_id()))
    mark_audit_recorded()
