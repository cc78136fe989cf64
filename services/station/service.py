"""Station service entrypoints: roster, registry, activities, opinions, stats and points."""
import base64

from prometheus_client import Counter
from sqlalchemy import select

from services.common.metrics import get_or_create
from services.common.secret_check import SecretCheck
from services.common.service_base import ServiceBase, event_consumer, rpc
from services.common.store import load_or_404
from services.station import activities, intake, opinions, qr, registry, roster, stats, views
from services.station.consumers import make_handlers
from services.station.errors import RateLimited
from services.station.models import Deputy
from services.station.rules import StationRules
from services.station.store import check_may_see_points, visible_station

intake_total = get_or_create(Counter, "lianxin_station_public_intake_total",
                             "Opinions sent through a station's QR link, by outcome", ["outcome"])


class StationService(ServiceBase):
    name = "station"
    rules = StationRules()
    secret_check = SecretCheck("INTAKE_SECRET")

    on_event = event_consumer("station", lambda service: make_handlers(service.rules))

    # ---- roster ----------------------------------------------------------------------
    @rpc(idempotent=True)
    def register_deputy(self, actor, data):
        with self.db.transaction() as tx:
            return roster.register_deputy(tx, data)

    @rpc(writes=True)
    def update_deputy(self, actor, deputy_id, data):
        with self.db.transaction() as tx:
            return roster.update_deputy(tx, deputy_id, data)

    @rpc
    def get_deputy(self, actor, deputy_id):
        with self.db.read() as session:
            return views.get_deputy(session, actor, deputy_id)

    @rpc
    def list_deputies(self, actor, filters, limit=50, offset=0):
        with self.db.read() as session:
            return views.list_deputies(session, actor, filters or {}, limit, offset)

    @rpc
    def get_deputies(self, ids):
        """Deputies by id, as the roster events carry them (for projections that lag)."""
        with self.db.read() as session:
            rows = session.scalars(select(Deputy).where(Deputy.id.in_(list(ids))))
            return [views.deputy_dict(session, d) for d in rows]

    @rpc(idempotent=True)
    def add_member(self, actor, station_id, data):
        with self.db.transaction() as tx:
            return roster.add_member(tx, actor, station_id, data)

    @rpc(writes=True)
    def remove_member(self, actor, station_id, deputy_id):
        with self.db.transaction() as tx:
            return roster.remove_member(tx, actor, station_id, deputy_id)

    @rpc
    def deputy_points(self, actor, deputy_id, limit=50, offset=0):
        check_may_see_points(actor, deputy_id)
        with self.db.read() as session:
            load_or_404(session, Deputy, deputy_id, "deputy")
            return views.deputy_points(session, deputy_id, limit, offset)

    # ---- registry --------------------------------------------------------------------
    @rpc(idempotent=True)
    def register_station(self, actor, data):
        with self.db.transaction() as tx:
            return registry.register_station(tx, actor, data)

    @rpc
    def list_stations(self, actor, filters, limit=50, offset=0):
        with self.db.read() as session:
            return views.list_stations(session, actor, filters or {}, limit, offset)

    @rpc
    def get_station(self, actor, station_id):
        with self.db.read() as session:
            return views.get_station(session, actor, station_id)

    @rpc
    def station_by_token(self, token):
        with self.db.read() as session:
            return views.by_token(session, token)

    @rpc(writes=True)
    def rotate_qr_token(self, actor, station_id):
        with self.db.transaction() as tx:
            return registry.rotate_token(tx, actor, station_id)

    @rpc(writes=True)
    def set_standards(self, actor, station_id, data):
        with self.db.transaction() as tx:
            return registry.set_standards(tx, actor, station_id, data)

    @rpc(idempotent=True)
    def record_inspection(self, actor, station_id, data):
        with self.db.transaction() as tx:
            return registry.record_inspection(tx, actor, station_id, data)

    @rpc
    def list_inspections(self, actor, station_id, limit=50, offset=0):
        with self.db.read() as session:
            return views.list_inspections(session, actor, station_id, limit, offset)

    @rpc
    def qr_png(self, actor, station_id):
        """{url, png_base64}: the QR code of the station's public intake link."""
        with self.db.read() as session:
            station = visible_station(session, actor, station_id)
            url = self.rules.qr_url(station.qr_token)
        return {"url": url, "png_base64": base64.b64encode(qr.png(url)).decode()}

    # ---- activities ------------------------------------------------------------------
    @rpc(idempotent=True)
    def log_activity(self, actor, station_id, data):
        with self.db.transaction() as tx:
            return activities.log_activity(tx, actor, station_id, data, self.rules)

    @rpc
    def list_activities(self, actor, station_id, filters, limit=50, offset=0):
        wanted = views.parse_dates(filters or {})
        with self.db.read() as session:
            return views.list_activities(session, actor, station_id, wanted, limit, offset)

    @rpc
    def missed_receptions(self, actor, month, filters=None, limit=50, offset=0):
        with self.db.read() as session:
            return stats.missed_receptions(session, month, filters or {}, self.rules, limit, offset)

    # ---- opinions --------------------------------------------------------------------
    @rpc(idempotent=True)
    def record_opinion(self, actor, station_id, data):
        with self.db.transaction() as tx:
            return opinions.record_opinion(tx, actor, station_id, data)

    @rpc(idempotent=True)
    def receive_public_opinion(self, station_id, data, client):
        """The QR path: no actor; ``client`` (the caller's address) only keys the rate limit."""
        try:
            with self.db.transaction() as tx:
                result = intake.receive_public(tx, station_id, data, client, self.rules)
        except RateLimited:
            intake_total.labels("rate_limited").inc()
            raise
        intake_total.labels("accepted").inc()
        return result

    @rpc
    def list_opinions(self, actor, station_id, filters, limit=50, offset=0):
        with self.db.read() as session:
            return views.list_opinions(session, actor, station_id, filters or {}, limit, offset)

    @rpc
    def get_opinion(self, actor, opinion_id):
        with self.db.read() as session:
            return views.get_opinion(session, actor, opinion_id)

    @rpc(writes=True)
    def dispose_opinion(self, actor, opinion_id, data):
        with self.db.transaction() as tx:
            return opinions.dispose(tx, actor, opinion_id, data)

    # ---- stats -----------------------------------------------------------------------
    @rpc
    def station_stats(self, actor, station_id, filters):
        wanted = views.parse_dates(filters or {})
        with self.db.read() as session:
            return stats.station_stats(session, actor, station_id, wanted)

    @rpc
    def region_stats(self, actor, filters):
        wanted = views.parse_dates(filters or {})
        with self.db.read() as session:
            return stats.region_stats(session, actor, wanted)
