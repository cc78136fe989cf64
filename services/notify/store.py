"""Loading notify's rows for a caller: a notification in their inbox, the inbox that is theirs."""
from services.common.errors import NotFound
from services.common.store import load_or_404, not_found
from services.notify import domain
from services.notify.models import Notification


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
