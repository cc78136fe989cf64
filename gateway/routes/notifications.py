"""Each signed-in person's inbox, its delivery log and their channel preferences."""
from gateway.auth import actor_from, require
from gateway.http import api
from gateway.params import body, filters, paging
from gateway.routes.base import Proxies
from gateway.routes.reference import SIGNED_IN


class NotificationRoutes(Proxies):

    @api("GET", "/api/v1/notifications")
    def list_notifications(self, request):
        actor = require(actor_from(request), *SIGNED_IN)
        limit, offset = paging(request)
        return self.rpc("notify", "inbox", actor, filters(request, bools=("unread",)), limit, offset)

    @api("POST", "/api/v1/notifications/<int:notification_id>/read")
    def mark_read(self, request, notification_id):
        actor = require(actor_from(request), *SIGNED_IN)
        return self.rpc("notify", "mark_read", actor, notification_id)

    @api("GET", "/api/v1/notifications/<int:notification_id>/deliveries")
    def notification_deliveries(self, request, notification_id):
        """The delivery log (channel, attempts, last error, delivered at): owner, office, admin."""
        actor = require(actor_from(request), *SIGNED_IN)
        return self.rpc("notify", "deliveries", actor, notification_id)

    @api("GET", "/api/v1/notifications/preferences")
    def get_notification_preferences(self, request):
        actor = require(actor_from(request), *SIGNED_IN)
        return self.rpc("notify", "preferences", actor)

    @api("PUT", "/api/v1/notifications/preferences")
    def put_notification_preferences(self, request):
        actor = require(actor_from(request), *SIGNED_IN)
        return self.rpc("notify", "set_preferences", actor, body(request))
