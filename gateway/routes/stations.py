"""Liaison stations (代表联络站): registry, standards, inspections, members, activities, stats, the QR
code, and the roster's per-deputy routes (the station service owns both); opinions: opinions.py."""
import base64

from werkzeug.wrappers import Response

from gateway.answers.stations import (
    ActivityAnswer,
    ActivityPage,
    DeputyAnswer,
    DeputyPointsAnswer,
    InspectionPage,
    MembershipAnswer,
    MissedReceptionsAnswer,
    RecordedInspectionAnswer,
    RegionStatsAnswer,
    StationAnswer,
    StationDetailAnswer,
    StationPage,
    StationStatsAnswer,
)
from gateway.auth import SIGNED_IN, STAFF
from gateway.contract import PNG
from gateway.http import api
from gateway.queries import (
    ActivityList,
    MissedReceptions,
    Page,
    Period,
    StationFilters,
    StationList,
    page,
)
from gateway.routes.opinions import OpinionRoutes
from services.station.schemas import (
    ActivityIn,
    DeputyUpdate,
    InspectionIn,
    MembershipIn,
    StandardsIn,
    StationIn,
)

TAGS = ("stations",)
STATION = "/api/v1/stations/<int:station_id>"


class StationRoutes(OpinionRoutes):
    """Includes the opinion routes (gateway/routes/opinions.py)."""

    # ---- registry --------------------------------------------------------------------
    @api("POST", "/api/v1/stations", roles=("admin", "office"), body=StationIn, answer=StationAnswer, status=201,
         creates=True, tags=TAGS)
    def create_station(self, request):
        """Register a station (home, station or point) with its public QR token."""
        return 201, self.call(self.station.register_station, request.actor, self.body(request))

    @api("GET", "/api/v1/stations", roles=SIGNED_IN, query=StationList, answer=StationPage, tags=TAGS)
    def list_stations(self, request):
        """Stations, filtered by region, type, stars or parent."""
        wanted, limit, offset = page(request)
        return self.call(self.station.list_stations, request.actor, wanted, limit, offset)

    @api("GET", "/api/v1/stations/stats", roles=STAFF, query=StationFilters, answer=RegionStatsAnswer,
         tags=TAGS)
    def region_stats(self, request):
        """Activity and opinion figures per region."""
        return self.call(self.station.region_stats, request.actor, request.query)

    @api("GET", "/api/v1/stations/missed-receptions", roles=STAFF, query=MissedReceptions,
         answer=MissedReceptionsAnswer, tags=TAGS)
    def missed_receptions(self, request):
        """Stations with no reception activity on the month's reception day.

        API.md names the office; a report read by all who "see all" (leader and admin too)."""
        wanted, limit, offset = page(request)
        month = wanted.pop("month")
        return self.call(self.station.missed_receptions, request.actor, month, wanted, limit, offset)

    @api("GET", STATION, roles=SIGNED_IN, answer=StationDetailAnswer, tags=TAGS)
    def get_station(self, request, station_id):
        """A station with its standards, stars and deputies."""
        return self.call(self.station.get_station, request.actor, station_id)

    @api("PUT", STATION + "/standards", roles=("office", "admin", "station"), body=StandardsIn,
         answer=StationAnswer, tags=TAGS)
    def set_standards(self, request, station_id):
        """The eight standards (site, sign, staff, rules, funds, activities, records, results)."""
        return self.call(self.station.set_standards, request.actor, station_id, self.body(request))

    @api("POST", STATION + "/inspections", roles=("office", "admin"), body=InspectionIn,
         answer=RecordedInspectionAnswer, status=201, creates=True, tags=TAGS)
    def record_inspection(self, request, station_id):
        """Record an inspection; the station's stars follow the latest."""
        return 201, self.call(self.station.record_inspection, request.actor, station_id, self.body(request))

    @api("GET", STATION + "/inspections", roles=SIGNED_IN, query=Page, answer=InspectionPage,
         tags=TAGS)
    def list_inspections(self, request, station_id):
        """A station's inspections, newest first."""
        _, limit, offset = page(request)
        return self.call(self.station.list_inspections, request.actor, station_id, limit, offset)

    @api("GET", STATION + "/qr.png", roles=SIGNED_IN, media=PNG, tags=TAGS)
    def station_qr(self, request, station_id):
        """The QR code (PNG) of the station's public intake link; the link is in X-Qr-Url."""
        answer = self.call(self.station.qr_png, request.actor, station_id)
        return Response(base64.b64decode(answer["png_base64"]), mimetype="image/png",
                        headers={"X-Qr-Url": answer["url"], "Cache-Control": "private, max-age=300"})

    @api("POST", STATION + "/qr-token", roles=("office", "admin", "station"), answer=StationAnswer,
         tags=TAGS)
    def rotate_qr_token(self, request, station_id):
        """A new public link; the old QR code stops working."""
        return self.call(self.station.rotate_qr_token, request.actor, station_id)

    @api("GET", STATION + "/stats", roles=SIGNED_IN, query=Period, answer=StationStatsAnswer,
         tags=TAGS)
    def station_stats(self, request, station_id):
        """Activities, receptions, visitors, opinions and the handling rate of a station."""
        return self.call(self.station.station_stats, request.actor, station_id, request.query)

    # ---- members ---------------------------------------------------------------------
    @api("POST", STATION + "/deputies", roles=("office", "admin", "station"), body=MembershipIn,
         answer=MembershipAnswer, status=201, creates=True, tags=TAGS)
    def add_member(self, request, station_id):
        """Make a deputy a member of the station."""
        return 201, self.call(self.station.add_member, request.actor, station_id, self.body(request))

    @api("DELETE", STATION + "/deputies/<int:deputy_id>", roles=("office", "admin", "station"),
         answer=DeputyAnswer, tags=TAGS)
    def remove_member(self, request, station_id, deputy_id):
        """End a deputy's membership of the station."""
        return self.call(self.station.remove_member, request.actor, station_id, deputy_id)

    # ---- activities ------------------------------------------------------------------
    @api("POST", STATION + "/activities", roles=("station", "deputy", "office", "admin"), body=ActivityIn,
         answer=ActivityAnswer, status=201, creates=True, tags=TAGS)
    def log_activity(self, request, station_id):
        """Log an activity (reception, research, inspection, training, visit)."""
        return 201, self.call(self.station.log_activity, request.actor, station_id, self.body(request))

    @api("GET", STATION + "/activities", roles=SIGNED_IN, query=ActivityList, answer=ActivityPage,
         tags=TAGS)
    def list_activities(self, request, station_id):
        """A station's activities, newest first."""
        wanted, limit, offset = page(request)
        return self.call(self.station.list_activities, request.actor, station_id, wanted, limit, offset)

    # ---- deputies (the roster's per-deputy routes) -----------------------------------
    @api("GET", "/api/v1/deputies/<int:deputy_id>", roles=(*STAFF, "station", "deputy"),
         answer=DeputyAnswer, tags=("reference",))
    def get_deputy(self, request, deputy_id):
        """One deputy of the roster."""
        return self.call(self.station.get_deputy, request.actor, deputy_id)

    @api("PUT,PATCH", "/api/v1/deputies/<int:deputy_id>", roles=("office", "admin"), body=DeputyUpdate,
         answer=DeputyAnswer, tags=("reference",))
    def update_deputy(self, request, deputy_id):
        """Change a deputy's roster entry (only the fields sent)."""
        return self.call(self.station.update_deputy, request.actor, deputy_id, self.body(request))

    @api("GET", "/api/v1/deputies/<int:deputy_id>/points", roles=(*STAFF, "deputy"), query=Page,
         answer=DeputyPointsAnswer, tags=("reference",))
    def deputy_points(self, request, deputy_id):
        """A deputy's performance points with their sources."""
        _, limit, offset = page(request)
        return self.call(self.station.deputy_points, request.actor, deputy_id, limit, offset)
