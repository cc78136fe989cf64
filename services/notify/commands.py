"""Use cases of notify: notifications (with their pending deliveries) from events, reads, preferences.

Nothing here sends anything: a notification and its delivery rows are written in
the event's transaction; the dispatcher sends them afterwards (dispatcher.py).
"""
from sqlalchemy.dialects.postgresql import insert as pg_insert

from services.common.clock import now
from services.common.events import Received
from services.common.validation import parse
from services.notify import domain, projections
from services.notify.models import Preference
from services.notify.schemas import PreferencesIn
from services.notify.settings import Settings
from services.notify.store import create_at_commit, own_inbox, visible_notification
from services.notify.views import preferences_dict, to_dict


def notify(tx, settings: Settings, event: Received) -> int:
    """One notification per recipient, each with its deliveries, written at the commit; a repeated
    event adds nothing. Returns how many recipients it concerns."""
    supervised, leaders = projections.apply(tx, event)
    payload = domain.facts(event.payload)
    if domain.is_history(payload, event.occurred_at, settings.history_days):
        return 0  # the projections above still learn from it
    title, body = domain.render(settings.templates, event.type, payload, settings.timezone)
    suggestion_id = payload.get("suggestion_id")
    recipients = domain.recipients(event.type, payload, supervised, leaders)
    for recipient in recipients:
        create_at_commit(tx, settings, recipient, str(event.event_id), event.type, title, body,
                         suggestion_id if isinstance(suggestion_id, int) else None)
    return len(recipients)


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
