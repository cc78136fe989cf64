"""Liaison stations (代表联络站): registry, standards, inspections, members, activities, opinions,
stats, the public QR intake, and the deputy roster's per-deputy routes (the station service owns both)."""
import base64
import os
import re

from werkzeug.wrappers import Response

from gateway.auth import STAFF, actor_from, require
from gateway.http import ApiError, api
from gateway.params import body, filters, paging
from gateway.routes.base import Proxies
from services.common.errors import field_error
from services.station.errors import RateLimited

SIGNED_IN = ("admin", "office", "leader", "deputy", "unit", "station")
PUBLIC_BODY_MAX = 16 * 1024  # bytes: a public submission is content (2,000 characters) and a contact
TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")
TRUST_FORWARDED = os.environ.get("GATEWAY_TRUST_FORWARDED_FOR", "").lower() in ("1", "true", "yes")


def client_address(request) -> str:
    """The caller's address for the public intake limit (X-Forwarded-For only behind a trusted proxy)."""
    if TRUST_FORWARDED and request.access_route:
        return request.access_route[0]
    return request.remote_addr or "unknown"


def station_filters(request) -> dict:
    wanted = filters(request, "region", "type", "from", "to", ints=("parent_id",))
    raw = request.args.get("stars")
    if raw not in (None, ""):
        if raw not in ("0", "1", "2", "3"):
            raise field_error("stars", "must be 0, 1, 2 or 3")
        wanted["stars"] = int(raw)
    return wanted


class StationRoutes(Proxies):

    # ---- registry --------------------------------------------------------------------
    @api("POST", "/api/v1/stations")
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

    @api("POST", "/api/v1/stations/<int:station_id>/inspections")
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

    @api("GET", "/api/v1/stations/<int:station_id>/stats")
    def station_stats(self, request, station_id):
        actor = require(actor_from(request), *SIGNED_IN)
        return self.rpc("station", "station_stats", actor, station_id, filters(request, "from", "to"))

    # ---- members ---------------------------------------------------------------------
    @api("POST", "/api/v1/stations/<int:station_id>/deputies")
    def add_member(self, request, station_id):
        actor = require(actor_from(request), "office", "admin", "station")
        return 201, self.rpc("station", "add_member", actor, station_id, body(request))

    @api("DELETE", "/api/v1/stations/<int:station_id>/deputies/<int:deputy_id>")
    def remove_member(self, request, station_id, deputy_id):
        actor = require(actor_from(request), "office", "admin", "station")
        return self.rpc("station", "remove_member", actor, station_id, deputy_id)

    # ---- activities ------------------------------------------------------------------
    @api("POST", "/api/v1/stations/<int:station_id>/activities")
    def log_activity(self, request, station_id):
        actor = require(actor_from(request), "station", "deputy", "office", "admin")
        return 201, self.rpc("station", "log_activity", actor, station_id, body(request))

    @api("GET", "/api/v1/stations/<int:station_id>/activities")
    def list_activities(self, request, station_id):
        actor = require(actor_from(request), *SIGNED_IN)
        limit, offset = paging(request)
        return self.rpc("station", "list_activities", actor, station_id, filters(request, "from", "to", "type"),
                        limit, offset)

    # ---- opinions --------------------------------------------------------------------
    @api("POST", "/api/v1/stations/<int:station_id>/opinions")
    def create_opinion(self, request, station_id):
        actor = actor_from(request)
        if actor["role"] != "public":
            require(actor, "station", "deputy", "office", "admin")
            return 201, self.rpc("station", "record_opinion", actor, station_id, body(request))
        return 201, self.public_opinion(request, station_id)

    def public_opinion(self, request, station_id):
        """No login: the station's qr_token (body or ?qr_token=) is the key; limited per token and client."""
        if (request.content_length or 0) > PUBLIC_BODY_MAX or len(request.get_data(cache=True)) > PUBLIC_BODY_MAX:
            raise ApiError(413, "too_large", f"a submission is at most {PUBLIC_BODY_MAX} bytes")
        data = body(request)
        if "qr_token" not in data and request.args.get("qr_token"):
            data["qr_token"] = request.args["qr_token"]
        if not data.get("qr_token"):
            raise ApiError(401, "unauthorized", "sign in, or send the station's qr_token")
        try:
            return self.rpc("station", "receive_public_opinion", station_id, data, client_address(request))
        except RateLimited as exc:  # RPC carries the details' numbers as text
            wait = int(exc.details[0].get("retry_after", 60)) if exc.details else 60
            raise ApiError(429, "rate_limited", exc.message, [{"field": "qr_token", "retry_after": wait}],
                           headers={"Retry-After": str(wait)}) from None

    @api("GET", "/api/v1/public/stations/<token>")
    def public_station(self, request, token):
        """What the page behind the QR link (PUBLIC_BASE_URL/s/<token>) needs: the station's id and name."""
        if not TOKEN.fullmatch(token):
            raise ApiError(404, "not_found", "no station has this link")
        return self.rpc("station", "station_by_token", token)

    @api("GET", "/api/v1/stations/<int:station_id>/opinions")
    def list_opinions(self, request, station_id):
        actor = require(actor_from(request), *STAFF, "station", "deputy")
        limit, offset = paging(request)
        return self.rpc("station", "list_opinions", actor, station_id, filters(request, "status"), limit, offset)

    @api("GET", "/api/v1/opinions/<int:opinion_id>")
    def get_opinion(self, request, opinion_id):
        actor = require(actor_from(request), *STAFF, "station", "deputy")
        return self.rpc("station", "get_opinion", actor, opinion_id)

    @api("POST", "/api/v1/opinions/<int:opinion_id>/disposition")
    def dispose_opinion(self, request, opinion_id):
        actor = require(actor_from(request), "station", "deputy", "office", "admin")
        return self.rpc("station", "dispose_opinion", actor, opinion_id, body(request))

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
