"""The daily digest: each unit with open items hears once a day of its pending, due-soon and overdue ones.

Run by a timer in every replica (and by the run_digest RPC). The claim is a row in
``digests`` keyed by (unit_id, local date), inserted in the same transaction as the
digest notification and its deliveries: two replicas racing for one unit wait on
the unique key and only the first creates anything.
"""
import uuid

from sqlalchemy import or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from services.common.clock import now
from services.notify import domain, policy
from services.notify.models import Contact, Digest, OpenAssignment
from services.notify.settings import Settings
from services.notify.store import create

DIGEST_TYPE = "digest.daily"
NAMESPACE = uuid.UUID("8a1d54f4-6f0a-4c1e-9d27-3b9f3c5e7a10")

UNITS_WITH_OPEN_ITEMS = text("""
    SELECT DISTINCT u FROM (
        SELECT lead_unit_id AS u FROM assignment_view WHERE state = ANY(:open) AND lead_unit_id IS NOT NULL
        UNION SELECT unnest(co_unit_ids) FROM assignment_view WHERE state = ANY(:open)) units
    WHERE NOT EXISTS (SELECT 1 FROM digests d WHERE d.unit_id = units.u AND d.day = :day)
    ORDER BY u""")


def run_digest(db, settings: Settings, at=None) -> int:
    """Send today's digests not sent yet (once the local hour has reached DIGEST_HOUR); returns how many."""
    at = at or now()
    day, hour = policy.local_day(at, settings.timezone)
    if hour < settings.digest_hour:
        return 0
    with db.read() as session:
        units = list(session.execute(UNITS_WITH_OPEN_ITEMS, {"open": list(policy.OPEN_STATES), "day": day})
                     .scalars())
    return sum(1 for unit_id in units if _digest_unit(db, settings, unit_id, day, at))


def _digest_unit(db, settings: Settings, unit_id: int, day, at) -> bool:
    with db.transaction() as tx:
        claimed = tx.execute(pg_insert(Digest).values(unit_id=unit_id, day=day, created_at=at)
                             .on_conflict_do_nothing().returning(Digest.unit_id)).first()
        if claimed is None:
            return False  # another replica has it (or had it today)
        rows = tx.scalars(select(OpenAssignment).where(
            OpenAssignment.state.in_(policy.OPEN_STATES),
            or_(OpenAssignment.lead_unit_id == unit_id, OpenAssignment.co_unit_ids.any(unit_id)))).all()
        if not rows:
            return False  # closed in the meantime: the claim stays, nothing to say today
        contact = tx.get(Contact, domain.unit(unit_id))
        title, body = render(settings, rows, unit_id, contact.name if contact and contact.name else "", day, at)
        event_id = str(uuid.uuid5(NAMESPACE, f"{unit_id}:{day.isoformat()}"))
        notification_id = create(tx, settings, domain.unit(unit_id), event_id, DIGEST_TYPE, title, body, None)
        tx.execute(update(Digest).where(Digest.unit_id == unit_id, Digest.day == day)
                   .values(notification_id=notification_id))
        return True


def render(settings: Settings, rows, unit_id: int, unit_name: str, day, at) -> tuple[str, str]:
    raw = [{"number": r.number, "title": r.title, "due_at": r.due_at,
            "role": "主办" if r.lead_unit_id == unit_id else ("分办" if r.lead_unit_id is None else "会办")}
           for r in rows]
    counts, items = policy.digest_items(raw, at, settings.digest_due_soon_days)
    lines = [domain.render(settings.templates, "digest.item", item, settings.timezone)[1]
             for item in items[:settings.digest_max_items]]
    if len(items) > settings.digest_max_items:
        lines.append(f"……另有{len(items) - settings.digest_max_items}件")
    return domain.render(settings.templates, DIGEST_TYPE,
                         {**counts, "unit_name": unit_name, "day": day.isoformat(), "items": "\n".join(lines)},
                         settings.timezone)
