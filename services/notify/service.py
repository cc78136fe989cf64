"""Notify service entrypoints: events in, inbox notifications out."""
from nameko.messaging import consume

from services.common.inbox import handle_event
from services.common.service_base import ServiceBase, rpc
from services.common.topology import event_queue
from services.notify import commands, domain


class NotifyService(ServiceBase):
    name = "notify"
    templates = domain.load_templates()

    @consume(event_queue("notify"))
    def on_event(self, body):
        handle_event(self.db, self.name, body, {"*": self._notify})

    def _notify(self, tx, event):
        commands.notify(tx, self.templates, event)

    @rpc
    def inbox(self, actor, filters, limit=50, offset=0):
        with self.db.read() as session:
            return commands.inbox(session, actor, filters or {}, limit, offset)

    @rpc
    def mark_read(self, actor, notification_id):
        with self.db.transaction() as tx:
            return commands.mark_read(tx, actor, notification_id)
