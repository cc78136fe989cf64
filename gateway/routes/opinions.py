"""Constituents' opinions at stations, the public QR intake (no login) and dispositions."""
import re

from gateway.answers.opinions import CreatedStationOpinion, StationOpinionAnswer, StationOpinionPage
from gateway.answers.stations import PublicStationAnswer
from gateway.auth import EVERYONE, STAFF
from gateway.errors import ApiError
from gateway.http import api
from gateway.queries import OpinionList, page
from gateway.ratelimit import client_address
from gateway.routes.base import Proxies
from services.station.errors import RateLimited
from services.station.schemas import DispositionIn, PublicOpinionIn, StationOpinionIn

PUBLIC_BODY_MAX = 16 * 1024  # bytes: a public submission is content (2,000 characters) and a contact
TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")
TAGS = ("opinions",)


class OpinionRoutes(Proxies):

    @api("POST", "/api/v1/stations/<int:station_id>/opinions", roles=("public", "station", "deputy", "office", "admin"),
         body=(StationOpinionIn, PublicOpinionIn), answer=CreatedStationOpinion, status=201, creates=True, tags=TAGS)
    def create_opinion(self, request, station_id):
        """Record a constituent's opinion: by station staff or a deputy, or by anyone with the
        station's `qr_token` (the public QR intake, limited per token and client)."""
        actor = request.actor
        if actor["role"] != "public":
            return 201, self.call(self.station.record_opinion, actor, station_id, self.body(request))
        return 201, self.public_opinion(request, station_id)

    def public_opinion(self, request, station_id):
        """No login: the station's qr_token (body or ?qr_token=) is the key; limited per token and client."""
        if (request.content_length or 0) > PUBLIC_BODY_MAX or len(request.get_data(cache=True)) > PUBLIC_BODY_MAX:
            raise ApiError(413, "too_large", f"a submission is at most {PUBLIC_BODY_MAX} bytes")
        data = self.body(request)
        if "qr_token" not in data and request.args.get("qr_token"):
            data["qr_token"] = request.args["qr_token"]
        if not data.get("qr_token"):
            raise ApiError(401, "unauthorized", "sign in, or send the station's qr_token")
        try:
            client = client_address(request, self.settings.trusted_proxies)
            return self.call(self.station.receive_public_opinion, station_id, data, client)
        except RateLimited as exc:  # RPC carries the details' numbers as text
            wait = int(exc.details[0].get("retry_after", 60)) if exc.details else 60
            raise ApiError(429, "rate_limited", exc.message, [{"field": "qr_token", "retry_after": wait}],
                           headers={"Retry-After": str(wait)}) from None

    @api("GET", "/api/v1/public/stations/<token>", roles=EVERYONE, answer=PublicStationAnswer,
         tags=("public",))
    def public_station(self, request, token):
        """What the page behind the QR link (PUBLIC_BASE_URL/s/<token>) needs: the station's id and name."""
        if not TOKEN.fullmatch(token):
            raise ApiError(404, "not_found", "no station has this link")
        return self.call(self.station.station_by_token, token)

    @api("GET", "/api/v1/stations/<int:station_id>/opinions", roles=(*STAFF, "station", "deputy"),
         query=OpinionList, answer=StationOpinionPage, tags=TAGS)
    def list_opinions(self, request, station_id):
        """A station's opinions, newest first."""
        wanted, limit, offset = page(request)
        return self.call(self.station.list_opinions, request.actor, station_id, wanted, limit, offset)

    @api("GET", "/api/v1/opinions/<int:opinion_id>", roles=(*STAFF, "station", "deputy"),
         answer=StationOpinionAnswer, tags=TAGS)
    def get_opinion(self, request, opinion_id):
        """One opinion with its disposition."""
        return self.call(self.station.get_opinion, request.actor, opinion_id)

    @api("POST", "/api/v1/opinions/<int:opinion_id>/disposition", roles=("station", "deputy", "office", "admin"),
         body=DispositionIn, answer=StationOpinionAnswer, tags=TAGS)
    def dispose_opinion(self, request, opinion_id):
        """Settle, forward or escalate an opinion; escalated creates a suggestion draft for the deputy."""
        return self.call(self.station.dispose_opinion, request.actor, opinion_id, self.body(request))
