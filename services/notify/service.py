"""Notify service entrypoints: events in, inbox notifications out."""

from services.common.service_base import ServiceBase, event_consumer, rpc
from services.notify import commands
from services.notify.handlers import HANDLERS


class NotifyService(ServiceBase):
    name = "notify"
    on_event = event_consumer("notify", HANDLERS)

    @rpc
    def inbox(self, actor, filters, limit=50, offset=0):
        with self.db.read() as session:
            return commands.inbox(session, actor, filters or {}, limit, offset)

    @rpc
    def mark_read(self, actor, notification_id):
        with self.db.transaction() as tx:
            return commands.mark_read(tx, actor, notification_id)
