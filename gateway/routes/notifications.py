"""Each signed-in person's inbox, its delivery log and their channel preferences."""
from gateway.answers.notifications import (
    NotificationAnswer,
    NotificationDeliveriesAnswer,
    NotificationPage,
    NotificationPreferencesAnswer,
)
from gateway.auth import SIGNED_IN
from gateway.http import api
from gateway.queries import NotificationList, page
from gateway.routes.base import Proxies
from services.notify.schemas import PreferencesIn

TAGS = ("notifications",)


class NotificationRoutes(Proxies):

    @api("GET", "/api/v1/notifications", roles=SIGNED_IN, query=NotificationList, answer=NotificationPage,
         tags=TAGS)
    def list_notifications(self, request):
        """The caller's own inbox, newest first."""
        wanted, limit, offset = page(request)
        return self.call(self.notify.inbox, request.actor, wanted, limit, offset)

    @api("POST", "/api/v1/notifications/<int:notification_id>/read", roles=SIGNED_IN, answer=NotificationAnswer,
         tags=TAGS)
    def mark_read(self, request, notification_id):
        """Mark one of the caller's notifications read."""
        return self.call(self.notify.mark_read, request.actor, notification_id)

    @api("GET", "/api/v1/notifications/<int:notification_id>/deliveries", roles=SIGNED_IN,
         answer=NotificationDeliveriesAnswer, tags=TAGS)
    def notification_deliveries(self, request, notification_id):
        """The delivery log (channel, attempts, last error, delivered at): owner, office, admin."""
        return self.call(self.notify.deliveries, request.actor, notification_id)

    @api("GET", "/api/v1/notifications/preferences", roles=SIGNED_IN,
         answer=NotificationPreferencesAnswer, tags=TAGS)
    def get_notification_preferences(self, request):
        """The caller's delivery channels (email, webhook)."""
        return self.call(self.notify.preferences, request.actor)

    @api("PUT", "/api/v1/notifications/preferences", roles=SIGNED_IN, body=PreferencesIn,
         answer=NotificationPreferencesAnswer, tags=TAGS)
    def put_notification_preferences(self, request):
        """Choose delivery channels; the inbox always gets everything."""
        return self.call(self.notify.set_preferences, request.actor, self.body(request))
