"""Use cases of notify: notifications (with their pending deliveries) from events, reads, preferences.

Nothing here sends anything: a notification and its delivery rows are written in
the event's transaction; the dispatcher sends them afterwards (dispatcher.py).
"""
from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert as pg_insert

from services.common.clock import now
from services.common.events import Received
from services.common.validation import parse
from services.notify import domain, projections
from services.notify.models import Delivery, Notification, Preference
from services.notify.schemas import PreferencesIn
from services.notify.settings import Settings
from services.notify.store import own_inbox, visible_notification
from services.notify.views import preferences_dict, to_dict


def notify(tx, settings: Settings, event: Received) -> int:
    """One notification per recipient, each with its deliveries; a repeated event adds nothing."""
    supervised = projections.apply(tx, event)
    payload = domain.facts(event.payload)
    title, body = domain.render(settings.templates, event.type, payload, settings.timezone)
    suggestion_id = payload.get("suggestion_id")
    created = 0
    for recipient in domain.recipients(event.type, payload, supervised):
        if create(tx, settings, recipient, str(event.event_id), event.type, title, body,
                  suggestion_id if isinstance(suggestion_id, int) else None) is not None:
            created += 1
    return created


def create(tx, settings: Settings, recipient: str, event_id: str, type_: str, title: str, body: str,
           suggestion_id: int | None) -> int | None:
    """Insert the notification unless (recipient, event) exists; add its deliveries. Returns its id."""
    stmt = pg_insert(Notification).values(
        recipient=recipient, event_id=event_id, type=type_[:60], title=title[:300], body=body,
        suggestion_id=suggestion_id, created_at=now())
    notification_id = tx.execute(stmt.on_conflict_do_nothing().returning(Notification.id)).scalar()
    if notification_id is not None:
        add_deliveries(tx, settings, notification_id, recipient)
    return notification_id


# a recipient's preferences and contact in one round trip (either may be missing)
REACH = text("""
    SELECT coalesce(p.email, true) AS wants_email, coalesce(p.webhook, true) AS wants_webhook,
           c.email, c.webhook_url, coalesce(c.active, false) AS active
    FROM (SELECT CAST(:r AS varchar) AS r) k
    LEFT JOIN preferences p ON p.recipient = k.r LEFT JOIN contacts c ON c.recipient = k.r""")


def addresses(tx, settings: Settings, recipient: str) -> dict[str, str]:
    """channel -> address for this recipient, as far as the projections and preferences allow."""
    reach = tx.execute(REACH, {"r": recipient}).one()
    if recipient == domain.OFFICE:
        emails = settings.office_emails
    elif recipient == domain.LEADER:
        emails = settings.leader_emails
    else:
        emails = [reach.email] if reach.active and reach.email else []
    result = {}
    if reach.wants_email and settings.email_enabled and emails:
        result["email"] = ", ".join(emails)
    if reach.wants_webhook and reach.active and reach.webhook_url:
        result["webhook"] = reach.webhook_url
    return result


def add_deliveries(tx, settings: Settings, notification_id: int, recipient: str) -> None:
    at = now()
    for channel, address in addresses(tx, settings, recipient).items():
        tx.execute(pg_insert(Delivery).values(notification_id=notification_id, channel=channel, address=address,
                                              next_attempt_at=at, created_at=at).on_conflict_do_nothing())


def mark_read(tx, actor: dict, notification_id: int) -> dict:
    n = visible_notification(tx, actor, notification_id)
    if n.read_at is None:
        n.read_at = now()
    return to_dict(n)


def set_preferences(tx, actor: dict, data: dict) -> dict:
    form = parse(PreferencesIn, data)
    recipient = own_inbox(actor)
    values = {"recipient": recipient, "email": form.email, "webhook": form.webhook, "updated_at": now()}
    stmt = pg_insert(Preference).values(**values)
    tx.execute(stmt.on_conflict_do_update(index_elements=[Preference.recipient], set_=values))
    return preferences_dict(tx.get(Preference, recipient), recipient)
