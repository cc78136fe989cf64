"""notify's rows: a notification in the caller's inbox, the inbox that is theirs; a new
notification with its pending deliveries (from an event, or the daily digest)."""
from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert as pg_insert

from services.common.clock import now
from services.common.db import JsonRows
from services.common.errors import NotFound
from services.common.store import load_or_404, not_found
from services.notify import domain
from services.notify.models import Delivery, Notification
from services.notify.settings import Settings


def visible_notification(session, actor: dict, notification_id: int, sees_all=()) -> Notification:
    """The notification, if it is in the caller's inbox or the caller's role is in ``sees_all`` (else 404)."""
    n = load_or_404(session, Notification, notification_id, "notification")
    if n.recipient not in domain.inbox_keys(actor) and actor.get("role") not in sees_all:
        raise not_found("notification", notification_id)
    return n


def own_inbox(actor: dict) -> str:
    """The recipient key whose preferences the caller sets and reads."""
    keys = domain.inbox_keys(actor)
    if not keys:
        raise NotFound("no inbox for this caller")
    return keys[0]


# built once, run with each event's values (Transaction.run): a notification and its deliveries
NEW_NOTIFICATION = (pg_insert(Notification.__table__).on_conflict_do_nothing()
                    .returning(Notification.__table__.c.id))
NEW_DELIVERY = pg_insert(Delivery.__table__).on_conflict_do_nothing()


def create(tx, settings: Settings, recipient: str, event_id: str, type_: str, title: str, body: str,
           suggestion_id: int | None) -> int | None:
    """Insert the notification unless (recipient, event) exists; add its deliveries. Returns its id."""
    notification_id = tx.run(NEW_NOTIFICATION, _notification_row(recipient, event_id, type_, title, body,
                                                                 suggestion_id)).scalar()
    if notification_id is not None:
        add_deliveries(tx, settings, notification_id, recipient)
    return notification_id


# from an event's consumer, at the commit (Transaction.run_at_commit): a batch's notifications and
# their deliveries in one statement (its rows as JSON: JsonRows); none if (recipient, event) exists
NOTIFICATIONS_WITH_DELIVERIES = JsonRows("""
    WITH r AS (
        SELECT * FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS r(
            recipient varchar, event_id uuid, type varchar, title varchar, body text, suggestion_id bigint,
            created_at timestamptz, channels varchar[], addresses text[])),
    n AS (
        INSERT INTO notifications (recipient, event_id, type, title, body, suggestion_id, created_at)
        SELECT recipient, event_id, type, title, body, suggestion_id, created_at FROM r
        ON CONFLICT DO NOTHING RETURNING id, recipient, event_id)
    INSERT INTO deliveries (notification_id, channel, address, next_attempt_at, created_at)
    SELECT n.id, d.channel, d.address, r.created_at, r.created_at
    FROM n JOIN r ON r.recipient = n.recipient AND r.event_id = n.event_id,
         unnest(r.channels, r.addresses) AS d(channel, address)
    ON CONFLICT DO NOTHING""")


def create_at_commit(tx, settings: Settings, recipient: str, event_id: str, type_: str, title: str, body: str,
                     suggestion_id: int | None) -> None:
    """``create`` from an event's consumer: written at the commit with the batch's others; the
    recipient's addresses read once per transaction."""
    reach = tx.memo(("reach", recipient), lambda: addresses(tx, settings, recipient))
    tx.run_at_commit(NOTIFICATIONS_WITH_DELIVERIES, {
        **_notification_row(recipient, event_id, type_, title, body, suggestion_id),
        "channels": list(reach), "addresses": list(reach.values())})


def _notification_row(recipient: str, event_id: str, type_: str, title: str, body: str,
                      suggestion_id: int | None) -> dict:
    return {"recipient": recipient, "event_id": event_id, "type": type_[:60], "title": title[:300], "body": body,
            "suggestion_id": suggestion_id, "created_at": now()}


# a recipient's preferences and contact in one round trip (either may be missing)
REACH = text("""
    SELECT coalesce(p.email, true) AS wants_email, coalesce(p.webhook, true) AS wants_webhook,
           c.email, c.webhook_url, coalesce(c.active, false) AS active
    FROM (SELECT CAST(:r AS varchar) AS r) k
    LEFT JOIN preferences p ON p.recipient = k.r LEFT JOIN contacts c ON c.recipient = k.r""")


def addresses(tx, settings: Settings, recipient: str) -> dict[str, str]:
    """channel -> address for this recipient, as far as the projections and preferences allow."""
    reach = tx.run(REACH, {"r": recipient}).one()
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
    rows = [{"notification_id": notification_id, "channel": channel, "address": address,
             "next_attempt_at": at, "created_at": at}
            for channel, address in addresses(tx, settings, recipient).items()]
    if rows:
        tx.run(NEW_DELIVERY, rows)
