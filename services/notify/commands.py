"""Use cases of the notify service: store inbox notifications, read them."""
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert

from services.common.clock import now
from services.common.errors import NotFound
from services.notify import domain
from services.notify.models import Notification


def notify(tx, templates: dict, event) -> int:
    """One notification per recipient; a repeated event adds nothing (unique key)."""
    created = 0
    for recipient in domain.recipients(event.type, event.payload):
        title, body = domain.render(templates, event.type, event.payload)
        stmt = pg_insert(Notification).values(
            recipient=recipient, event_id=str(event.event_id), type=event.type, title=title, body=body,
            suggestion_id=event.payload.get("suggestion_id"))
        created += tx.execute(stmt.on_conflict_do_nothing()).rowcount
    return created


def to_dict(n: Notification) -> dict:
    return {"id": n.id, "type": n.type, "title": n.title, "body": n.body, "suggestion_id": n.suggestion_id,
            "created_at": n.created_at.isoformat(), "read": n.read_at is not None,
            "read_at": n.read_at.isoformat() if n.read_at else None}


def inbox(session, actor: dict, filters: dict, limit: int, offset: int) -> dict:
    query = select(Notification).where(Notification.recipient.in_(domain.inbox_keys(actor)))
    if filters.get("unread"):
        query = query.where(Notification.read_at.is_(None))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(Notification.id.desc()).limit(limit).offset(offset))
    return {"items": [to_dict(n) for n in rows], "total": total, "limit": limit, "offset": offset}


def mark_read(tx, actor: dict, notification_id: int) -> dict:
    n = tx.get(Notification, notification_id)
    if n is None or n.recipient not in domain.inbox_keys(actor):
        raise NotFound(f"notification {notification_id} not found")
    if n.read_at is None:
        n.read_at = now()
    return to_dict(n)
