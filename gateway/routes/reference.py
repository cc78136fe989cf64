"""Reference data: deputies, units, categories (station routes: gateway/routes/stations.py)."""
from gateway.answers.reference import CategoryPage, UnitAnswer, UnitPage
from gateway.answers.stations import DeputyAnswer, DeputyPage
from gateway.auth import SIGNED_IN, STAFF
from gateway.http import api
from gateway.queries import DeputyList, Page, page
from gateway.routes.base import Proxies
from services.assignment.schemas import UnitIn
from services.station.schemas import DeputyIn

TAGS = ("reference",)


class ReferenceRoutes(Proxies):

    @api("POST", "/api/v1/deputies", roles=("admin", "office"), body=DeputyIn, status=201, creates=True,
         answer=DeputyAnswer, tags=TAGS)
    def create_deputy(self, request):
        """Register a deputy (代表) on the roster."""
        return 201, self.call(self.station.register_deputy, request.actor, self.body(request))

    @api("GET", "/api/v1/deputies", roles=(*STAFF, "station"), query=DeputyList, answer=DeputyPage, tags=TAGS)
    def list_deputies(self, request):
        """The roster; station staff see their own station's deputies."""
        wanted, limit, offset = page(request)
        return self.call(self.station.list_deputies, request.actor, wanted, limit, offset)

    @api("POST", "/api/v1/units", roles=("admin", "office"), body=UnitIn, status=201, creates=True,
         answer=UnitAnswer, tags=TAGS)
    def create_unit(self, request):
        """Register a handling unit (承办单位) with its duties, keywords and categories."""
        return 201, self.call(self.assignment.register_unit, request.actor, self.body(request))

    @api("GET", "/api/v1/units", roles=SIGNED_IN, query=Page, answer=UnitPage, tags=TAGS)
    def list_units(self, request):
        """The handling units."""
        _, limit, offset = page(request)
        return self.call(self.assignment.list_units, request.actor, limit, offset)

    @api("GET", "/api/v1/categories", roles=SIGNED_IN, answer=CategoryPage, tags=TAGS)
    def list_categories(self, request):
        """The suggestion taxonomy: `{code, name}` pairs."""
        items = self.call(self.suggestion.categories)
        return {"items": items, "total": len(items), "limit": len(items), "offset": 0}
