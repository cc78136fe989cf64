"""Reference data: deputies, units, categories (station routes: gateway/routes/stations.py)."""
from gateway.answers.reference import (CategoryPage, CategorySchemeAnswer, CategorySchemePage, UnitAnswer, UnitKindAnswer,
                                      UnitKindPage, UnitPage)
from gateway.answers.stations import DeputyAnswer, DeputyPage
from gateway.auth import SIGNED_IN, STAFF
from gateway.http import api
from gateway.queries import CategoryQuery, DeputyList, UnitList, UnitNameQuery, page
from gateway.routes.base import Proxies
from services.assignment.schemas import UnitIn, UnitPatch
from services.station.schemas import DeputyIn
from services.suggestion.schemas import CategorySchemeIn, CategorySchemeUpdate

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
        """Register a handling unit (承办单位) with its duties, keywords and categories, and for routing
        its kind, level and region; without `kind` the kind is recognised from the name."""
        return 201, self.call(self.assignment.register_unit, request.actor, self.body(request))

    @api("PATCH", "/api/v1/units/<int:unit_id>", roles=("admin", "office"), body=UnitPatch, answer=UnitAnswer,
         tags=TAGS)
    def update_unit(self, request, unit_id):
        """Correct a unit's name, duties, keywords, categories, kind, level or region (only the fields
        given change; null clears kind, level or region). Routing uses the change at once."""
        return self.call(self.assignment.update_unit, request.actor, unit_id, self.body(request))

    @api("GET", "/api/v1/unit-kinds", roles=SIGNED_IN, answer=UnitKindPage, tags=TAGS)
    def list_unit_kinds(self, request):
        """The kinds of unit routing knows (交通运输局, 住房和城乡建设局 …), each with its code."""
        return self.call(self.assignment.unit_kinds, request.actor)

    @api("GET", "/api/v1/units/kind", roles=("admin", "office"), query=UnitNameQuery, answer=UnitKindAnswer,
         tags=TAGS)
    def recognise_unit(self, request):
        """The kind of unit recognised from a name (what registration takes when no `kind` is given)."""
        return self.call(self.assignment.recognise_unit, request.actor, request.query["name"])

    @api("GET", "/api/v1/units", roles=SIGNED_IN, query=UnitList, answer=UnitPage, tags=TAGS)
    def list_units(self, request):
        """The handling units; `q` finds them by a part of the name or code."""
        wanted, limit, offset = page(request)
        return self.call(self.assignment.list_units, request.actor, limit, offset, wanted.get("q"))

    @api("GET", "/api/v1/categories", roles=SIGNED_IN, query=CategoryQuery, answer=CategoryPage, tags=TAGS)
    def list_categories(self, request):
        """The categories of the scheme in force for `session` (the default scheme without it).

        A suggestion's `category` must be an active code of its session's scheme; retired ones
        (`retired=true` lists them) stay on the suggestions that have them."""
        scheme = self.call(self.suggestion.categories, request.query.get("session"), request.query["retired"])
        items = scheme.pop("categories")
        return {"items": items, "total": len(items), "limit": len(items), "offset": 0, "scheme": scheme}

    @api("GET", "/api/v1/category-schemes", roles=STAFF, answer=CategorySchemePage, tags=TAGS)
    def list_category_schemes(self, request):
        """Every category scheme (分类方案) of the office, each with all its categories."""
        items = self.call(self.suggestion.category_schemes, request.actor)
        return {"items": items, "total": len(items), "limit": len(items), "offset": 0}

    @api("GET", "/api/v1/category-schemes/<int:scheme_id>", roles=STAFF, answer=CategorySchemeAnswer, tags=TAGS)
    def get_category_scheme(self, request, scheme_id):
        """One category scheme with all its categories, retired ones too."""
        return self.call(self.suggestion.category_scheme, request.actor, scheme_id)

    @api("POST", "/api/v1/category-schemes", roles=("admin", "office"), body=CategorySchemeIn, status=201,
         creates=True, answer=CategorySchemeAnswer, tags=TAGS)
    def create_category_scheme(self, request):
        """A category scheme for the sessions whose label starts with `congress` (e.g. 十堰五届).

        The longest matching `congress` wins; the default scheme serves every other session. A
        second scheme for the same `congress` is a 409."""
        return 201, self.call(self.suggestion.create_category_scheme, request.actor, self.body(request))

    @api("PUT", "/api/v1/category-schemes/<int:scheme_id>", roles=("admin", "office"), body=CategorySchemeUpdate,
         answer=CategorySchemeAnswer, tags=TAGS)
    def update_category_scheme(self, request, scheme_id):
        """Rename a scheme, change its `congress`, or replace its categories.

        A category left out of `categories` is kept retired (`active: false`): suggestions that have
        it keep its code and name, new ones may not take it."""
        return self.call(self.suggestion.update_category_scheme, request.actor, scheme_id, self.body(request))
