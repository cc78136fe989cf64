"""Reference data: deputies, units, categories (station routes: gateway/routes/stations.py)."""
from gateway.auth import STAFF, actor_from, require
from gateway.http import api
from gateway.params import body, filters, paging
from gateway.routes.base import Proxies

SIGNED_IN = ("admin", "office", "leader", "deputy", "unit", "station")


class ReferenceRoutes(Proxies):

    @api("POST", "/api/v1/deputies", creates=True)
    def create_deputy(self, request):
        actor = require(actor_from(request), "admin", "office")
        return 201, self.rpc("station", "register_deputy", actor, body(request))

    @api("GET", "/api/v1/deputies")
    def list_deputies(self, request):
        actor = require(actor_from(request), *STAFF, "station")
        limit, offset = paging(request)
        return self.rpc("station", "list_deputies", actor,
                        filters(request, "level", "q", ints=("station_id",)), limit, offset)

    @api("POST", "/api/v1/units", creates=True)
    def create_unit(self, request):
        actor = require(actor_from(request), "admin", "office")
        return 201, self.rpc("assignment", "register_unit", actor, body(request))

    @api("GET", "/api/v1/units")
    def list_units(self, request):
        actor = require(actor_from(request), *SIGNED_IN)
        limit, offset = paging(request)
        return self.rpc("assignment", "list_units", actor, limit, offset)

    @api("GET", "/api/v1/categories")
    def list_categories(self, request):
        require(actor_from(request), *SIGNED_IN)
        items = self.rpc("suggestion", "categories")
        return {"items": items, "total": len(items), "limit": len(items), "offset": 0}
