"""Event handlers of the notify service: every event may concern someone."""
from services.common.db import Transaction
from services.common.envelope import Envelope
from services.notify import commands, domain

# Read once at start: after editing templates.yml, restart notify.
TEMPLATES = domain.load_templates()


def on_any(tx: Transaction, event: Envelope) -> None:
    commands.notify(tx, TEMPLATES, event)


HANDLERS = {"*": on_any}
