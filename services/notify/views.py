"""Reads of notify: the inbox, a notification's delivery log, preferences."""
from sqlalchemy import func, select

from services.notify import domain
from services.notify.models import Delivery, DeliveryDeadLetter, Notification, Preference
from services.notify.store import own_inbox, visible_notification

SEES_EVERY_LOG = ("office", "admin")


def _iso(value):
    return value.isoformat() if value is not None else None


def to_dict(n: Notification) -> dict:
    return {"id": n.id, "type": n.type, "title": n.title, "body": n.body, "suggestion_id": n.suggestion_id,
            "created_at": _iso(n.created_at), "read": n.read_at is not None, "read_at": _iso(n.read_at)}


def inbox(session, actor: dict, filters: dict, limit: int, offset: int) -> dict:
    query = select(Notification).where(Notification.recipient.in_(domain.inbox_keys(actor)))
    if filters.get("unread"):
        query = query.where(Notification.read_at.is_(None))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(Notification.id.desc()).limit(limit).offset(offset))
    return {"items": [to_dict(n) for n in rows], "total": total, "limit": limit, "offset": offset}


def delivery_dict(d: Delivery, dead: DeliveryDeadLetter | None) -> dict:
    return {"id": d.id, "channel": d.channel, "address": d.address, "state": d.state, "attempts": d.attempts,
            "last_attempt_at": _iso(d.last_attempt_at), "next_attempt_at": _iso(d.next_attempt_at)
            if d.state == "pending" else None, "last_error": d.last_error, "delivered_at": _iso(d.delivered_at),
            "dead_letter_id": dead.id if dead is not None else None}


def deliveries(session, actor: dict, notification_id: int) -> dict:
    """The delivery log of one notification: its owner, the office and admins may see it."""
    n = visible_notification(session, actor, notification_id, sees_all=SEES_EVERY_LOG)
    rows = session.execute(
        select(Delivery, DeliveryDeadLetter)
        .outerjoin(DeliveryDeadLetter, (DeliveryDeadLetter.delivery_id == Delivery.id)
                   & DeliveryDeadLetter.replayed_at.is_(None))
        .where(Delivery.notification_id == notification_id).order_by(Delivery.id)).all()
    items = [delivery_dict(d, dead) for d, dead in rows]
    return {"notification_id": n.id, "recipient": n.recipient, "items": items, "total": len(items)}


def preferences_dict(p: Preference | None, recipient: str) -> dict:
    return {"recipient": recipient, "email": p.email if p else True, "webhook": p.webhook if p else True}


def preferences(session, actor: dict) -> dict:
    recipient = own_inbox(actor)
    return preferences_dict(session.get(Preference, recipient), recipient)
