"""Event consumers of the notify service: every event may concern someone.

The handler runs inside the inbox transaction (services/common/inbox.py): the
projections, the notifications and their pending deliveries commit together with
the processed-event row, so a redelivered event, or one whose first try died
mid-batch, creates nothing twice. Nothing is sent from here (see dispatcher.py).
"""
from services.common.db import Transaction
from services.common.events import Received
from services.notify import commands
from services.notify.settings import Settings


def make_handlers(settings: Settings) -> dict:
    def on_any(tx: Transaction, event: Received) -> None:
        commands.notify(tx, settings, event)
    return {"*": on_any}
