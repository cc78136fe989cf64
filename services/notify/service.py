"""Notify service entrypoints: events in; inbox, e-mail and webhook deliveries out; daily digests."""
from services.common.secret_check import SecretCheck
from services.common.service_base import ServiceBase, event_consumer, rpc
from services.notify import commands, digest, dispatcher, views
from services.notify.consumers import make_handlers
from services.notify.settings import NotifySettings
from services.common.timers import config_timer


class NotifyService(ServiceBase):
    name = "notify"
    settings = NotifySettings()
    secret_check = SecretCheck("WEBHOOK_SECRET", "SMTP_PASSWORD")

    on_event = event_consumer("notify", lambda service: make_handlers(service.settings))

    @config_timer("DISPATCH_INTERVAL", 1.0)
    def dispatch_tick(self):
        dispatcher.dispatch(self.db, self.settings)

    @config_timer("DIGEST_INTERVAL", 60.0)
    def digest_tick(self):
        digest.run_digest(self.db, self.settings)

    @rpc
    def dispatch(self):
        """Send what is due now (the timer does this every DISPATCH_INTERVAL s); returns the outcomes."""
        return dispatcher.dispatch(self.db, self.settings)

    @rpc
    def run_digest(self):
        """Send today's digests not sent yet (the timer does this every DIGEST_INTERVAL s)."""
        return digest.run_digest(self.db, self.settings)

    @rpc
    def inbox(self, actor, filters, limit=50, offset=0):
        with self.db.read() as session:
            return views.inbox(session, actor, filters or {}, limit, offset)

    @rpc
    def mark_read(self, actor, notification_id):
        with self.db.transaction() as tx:
            return commands.mark_read(tx, actor, notification_id)

    @rpc
    def deliveries(self, actor, notification_id):
        with self.db.read() as session:
            return views.deliveries(session, actor, notification_id)

    @rpc
    def preferences(self, actor):
        with self.db.read() as session:
            return views.preferences(session, actor)

    @rpc
    def set_preferences(self, actor, data):
        with self.db.transaction() as tx:
            return commands.set_preferences(tx, actor, data)
