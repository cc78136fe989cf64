"""Event consumers of the identity service (each inside the inbox transaction, services/common/inbox.py)."""
from sqlalchemy.dialects.postgresql import insert

from services.common.db import Transaction
from services.common.events import Received
from services.identity.audit_trail import keep
from services.identity.models import DeputyRecord
from services.station.events import DeputyEvent


def on_deputy(tx: Transaction, event: Received) -> None:
    """Keep the roster projection: who may be given a deputy account, and with which name."""
    p: DeputyEvent = event.payload
    values = {"deputy_id": p.deputy_id, "name": p.name[:100], "phone": (p.phone or None) and p.phone[:30],
              "email": (p.email or None) and p.email[:200], "active": p.active, "updated_at": event.occurred_at}
    stmt = insert(DeputyRecord).values(**values)
    tx.execute(stmt.on_conflict_do_update(index_elements=[DeputyRecord.deputy_id], set_=values,
                                          where=DeputyRecord.updated_at <= event.occurred_at))


HANDLERS = {"station.deputy_registered": on_deputy, "station.deputy_updated": on_deputy,
            "audit.recorded": keep}  # the audit trail of every service (services/identity/audit_trail.py)
