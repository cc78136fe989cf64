"""Station service entrypoints: the deputy roster and the station registry."""
from sqlalchemy import select

from services.common.service_base import ServiceBase, event_consumer, rpc
from services.station import commands
from services.station.handlers import HANDLERS
from services.station.models import Deputy


class StationService(ServiceBase):
    name = "station"

    on_event = event_consumer("station", HANDLERS)

    @rpc
    def register_deputy(self, actor, data):
        with self.db.transaction() as tx:
            return commands.register_deputy(tx, data)

    @rpc
    def list_deputies(self, actor, filters, limit=50, offset=0):
        with self.db.read() as session:
            return commands.list_deputies(session, filters or {}, limit, offset)

    @rpc
    def get_deputies(self, ids):
        """Deputies by id, as the roster events carry them (for projections that lag)."""
        with self.db.read() as session:
            rows = session.scalars(select(Deputy).where(Deputy.id.in_(list(ids))))
            return [commands.deputy_dict(session, d) for d in rows]

    @rpc
    def register_station(self, actor, data):
        with self.db.transaction() as tx:
            return commands.register_station(tx, data)

    @rpc
    def list_stations(self, actor, filters, limit=50, offset=0):
        with self.db.read() as session:
            return commands.list_stations(session, filters or {}, limit, offset)

    @rpc
    def get_station(self, actor, station_id):
        with self.db.read() as session:
            return commands.get_station(session, station_id)
