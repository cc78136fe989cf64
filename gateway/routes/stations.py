"""Liaison stations (代表联络站): registry, standards, inspections, members, activities, stats, the QR
code, and the roster's per-deputy routes (the station service owns both); opinions: opinions.py."""
import base64

from werkzeug.wrappers import Response

from gateway.auth import STAFF, actor_from, require
from gateway.http import api
from gateway.params import body, filters, paging
from gateway.routes.opinions import OpinionRoutes
from gateway.routes.reference import SIGNED_IN
from services.common.errors import field_error


def station_filters(request) -> dict:
    wanted = filters(request, "region", "type", "from", "to", ints=("parent_id",))
    raw = request.args.get("stars")
    if raw not in (None, ""):
        if raw not in ("0", "1", "2", "3"):
            raise field_error("stars", "must be 0, 1, 2 or 3")
        wanted["stars"] = int(raw)
    return wanted


class StationRoutes(OpinionRoutes):
    """Includes the opinion routes (gateway/routes/opinions.py)."""

    # ---- registry --------------------------------------------------------------------
    @api("POST", "/api/v1/stations", creates=True)
    def create_station(self, request):
        actor = require(actor_from(request), "admin", "office")
        return 201, self.rpc("station", "register_station", actor, body(request))

    @api("GET", "/api/v1/stations")
    def list_stations(self, request):
        actor = require(actor_from(request), *SIGNED_IN)
        limit, offset = paging(request)
        return self.rpc("station", "list_stations", actor, station_filters(request), limit, offset)

    @api("GET", "/api/v1/stations/stats")
    def region_stats(self, request):
        actor = require(actor_from(request), *STAFF)
        return self.rpc("station", "region_stats", actor, station_filters(request))

    @api("GET", "/api/v1/stations/missed-receptions")
    def missed_receptions(self, request):
        actor = require(actor_from(request), "office", "admin")
        limit, offset = paging(request)
        month = request.args.get("month")
        if not month:
            raise field_error("month", "required, as YYYY-MM")
        return self.rpc("station", "missed_receptions", actor, month, station_filters(request), limit, offset)

    @api("GET", "/api/v1/stations/<int:station_id>")
    def get_station(self, request, station_id):
        actor = require(actor_from(request), *SIGNED_IN)
        return self.rpc("station", "get_station", actor, station_id)

    @api("PUT", "/api/v1/stations/<int:station_id>/standards")
    def set_standards(self, request, station_id):
        actor = require(actor_from(request), "office", "admin", "station")
        return self.rpc("station", "set_standards", actor, station_id, body(request))

    @api("POST", "/api/v1/stations/<int:station_id>/inspections", creates=True)
    def record_inspection(self, request, station_id):
        actor = require(actor_from(request), "office", "admin")
        return 201, self.rpc("station", "record_inspection", actor, station_id, body(request))

    @api("GET", "/api/v1/stations/<int:station_id>/inspections")
    def list_inspections(self, request, station_id):
        actor = require(actor_from(request), *SIGNED_IN)
        limit, offset = paging(request)
        return self.rpc("station", "list_inspections", actor, station_id, limit, offset)

    @api("GET", "/api/v1/stations/<int:station_id>/qr.png")
    def station_qr(self, request, station_id):
        actor = require(actor_from(request), *SIGNED_IN)
        answer = self.rpc("station", "qr_png", actor, station_id)
        return Response(base64.b64decode(answer["png_base64"]), mimetype="image/png",
                        headers={"X-Qr-Url": answer["url"], "Cache-Control": "private, max-age=300"})

    @api("POST", "/api/v1/stations/<int:station_id>/qr-token")
    def rotate_qr_token(self, request, station_id):
        """A new public link; the old QR code stops working."""
        actor = require(actor_from(request), "office", "admin", "station")
        return self.rpc("station", "rotate_qr_token", actor, station_id)

    @api("GET", "/api/v1/stations/<int:station_id>/stats")
    def station_stats(self, request, station_id):
        actor = require(actor_from(request), *SIGNED_IN)
        return self.rpc("station", "station_stats", actor, station_id, filters(request, "from", "to"))

    # ---- members ---------------------------------------------------------------------
    @api("POST", "/api/v1/stations/<int:station_id>/deputies", creates=True)
    def add_member(self, request, station_id):
        actor = require(actor_from(request), "office", "admin", "station")
        return 201, self.rpc("station", "add_member", actor, station_id, body(request))

    @api("DELETE", "/api/v1/stations/<int:station_id>/deputies/<int:deputy_id>")
    def remove_member(self, request, station_id, deputy_id):
        actor = require(actor_from(request), "office", "admin", "station")
        return self.rpc("station", "remove_member", actor, station_id, deputy_id)

    # ---- activities ------------------------------------------------------------------
    @api("POST", "/api/v1/stations/<int:station_id>/activities", creates=True)
    def log_activity(self, request, station_id):
        actor = require(actor_from(request), "station", "deputy", "office", "admin")
        return 201, self.rpc("station", "log_activity", actor, station_id, body(request))

    @api("GET", "/api/v1/stations/<int:station_id>/activities")
    def list_activities(self, request, station_id):
        actor = require(actor_from(request), *SIGNED_IN)
        limit, offset = paging(request)
        return self.rpc("station", "list_activities", actor, station_id, filters(request, "from", "to", "type"),
                        limit, offset)

    # ---- deputies (the roster's per-deputy routes) -----------------------------------
    @api("GET", "/api/v1/deputies/<int:deputy_id>")
    def get_deputy(self, request, deputy_id):
        actor = require(actor_from(request), *STAFF, "station", "deputy")
        return self.rpc("station", "get_deputy", actor, deputy_id)

    @api("PUT,PATCH", "/api/v1/deputies/<int:deputy_id>")
    def update_deputy(self, request, deputy_id):
        actor = require(actor_from(request), "office", "admin")
        return self.rpc("station", "update_deputy", actor, deputy_id, body(request))

    @api("GET", "/api/v1/deputies/<int:deputy_id>/points")
    def deputy_points(self, request, deputy_id):
        actor = require(actor_from(request), *STAFF, "deputy")
        limit, offset = paging(request)
        return self.rpc("station", "deputy_points", actor, deputy_id, limit, offset)
