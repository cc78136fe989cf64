"""The audit trail's writes: keeping the records every service publishes, the gateway's records of
refused requests, the auditor's own reads, and the retention purge (nothing else deletes one)."""
import uuid

from sqlalchemy import delete, text
from sqlalchemy.dialects.postgresql import insert

from services.common.audit import AuditRecorded, record_of
from services.common.clock import now
from services.common.context import current_audit, current_request_id, mark_audit_recorded
from services.common.db import Db, Transaction
from services.common.errors import Forbidden, from_pydantic
from services.common.events import Received
from services.identity import audit_rules
from services.identity.models import AuditRecord

AUDITOR = "auditor"
COLUMNS = ("at", "service", "action", "outcome", "status", "sub", "role", "login", "path", "targets",
           "client", "user_agent", "request_id", "detail")


def _row(record: AuditRecorded, event_id: str) -> dict:
    values = record.model_dump(include=set(COLUMNS))
    limits = {"service": 40, "action": 200, "sub": 100, "role": 20, "login": 100, "path": 500,
              "client": 100, "user_agent": 300, "request_id": 100}
    for key, limit in limits.items():
        if isinstance(values.get(key), str):
            values[key] = values[key][:limit]
    return {**values, "event_id": event_id}


# built once: every write through the API sends one record here (Transaction.run)
KEEP = insert(AuditRecord.__table__).on_conflict_do_nothing(index_elements=["event_id"])


def keep(tx: Transaction, event: Received) -> None:
    """The consumer of audit.recorded: one row per event (the inbox and the unique event_id), a
    batch's rows in one statement at its commit."""
    tx.run_at_commit(KEEP, _row(event.payload, str(event.event_id)))


def record_refusal(tx: Transaction, record: dict) -> None:
    """The gateway's record of a write route it answered 4xx/5xx (gateway/audit.py): stored as it
    is, at once (best-effort: no write happened, nothing to commit it with)."""
    mark_audit_recorded()  # this RPC's own insert is not a write through the API
    try:
        model = AuditRecorded.model_validate({**record, "at": now(), "service": "gateway"})
    except ValueError as exc:
        raise from_pydantic(exc) from None
    tx.execute(insert(AuditRecord).values(**_row(model, str(uuid.uuid4()))))


def record_read(tx: Transaction, actor: dict, action: str, filters: dict) -> None:
    """The auditor's search or export is recorded too, through the outbox with the read (the
    gateway sent the audit context of /api/v1/audit...)."""
    if (actor or {}).get("role") != AUDITOR:
        raise Forbidden("only the auditor reads the audit trail")
    context = current_audit() or {"sub": actor.get("sub"), "role": actor.get("role")}
    shown = ", ".join(f"{k}={v}" for k, v in sorted(filters.items())) or None
    tx.publish(record_of({**context, "action": action}, tx.producer, now(),
                         request_id=current_request_id(), detail=shown))
    mark_audit_recorded()


def purge(db: Db, days: int) -> int:
    """Delete records older than ``days`` (AUDIT_RETENTION_DAYS, never under 180): the one delete the
    table's trigger lets through, because this transaction says so (SET LOCAL)."""
    before = audit_rules.purge_before(now(), days)
    with db.transaction() as tx:
        tx.execute(text("SET LOCAL lianxin.audit_purge = 'on'"))
        return tx.execute(delete(AuditRecord).where(AuditRecord.at < before)).rowcount
