"""Suggestion service entrypoints (提): intake, screening, lists, timeline."""

from services.common.rpc import FALLBACK_TIMEOUT, call, timed_proxy
from services.common.service_base import ServiceBase, event_consumer, rpc
from services.suggestion import commands, domain, views
from services.suggestion.handlers import HANDLERS
from services.suggestion.models import Suggestion


class SuggestionService(ServiceBase):
    name = "suggestion"
    station = timed_proxy("station", timeout=FALLBACK_TIMEOUT)

    on_event = event_consumer("suggestion", HANDLERS)

    @rpc
    def categories(self):
        return [{"code": c, "name": n} for c, n in domain.DEFAULT_CATEGORIES.items()]

    @rpc
    def submit(self, actor, data):
        with self.db.transaction() as tx:
            s, co_signers = commands.submit(tx, actor, data, domain.DEFAULT_CATEGORIES,
                                            lambda ids: self._known_deputies(tx, ids))
            return views.to_dict(s, co_signers)

    def _known_deputies(self, tx, ids):
        """Projection first; a deputy registered a moment ago is asked of the station service."""
        known = commands.known_from_projection(tx, ids)
        missing = [i for i in ids if i not in known]
        if missing:
            for deputy in call(self.station.get_deputies, missing, timeout=FALLBACK_TIMEOUT):
                commands.upsert_deputy(tx, deputy)
                if deputy.get("active", True):
                    known.add(deputy["deputy_id"])
        return known

    @rpc
    def screen(self, actor, suggestion_id, data):
        with self.db.transaction() as tx:
            s = commands.screen(tx, actor, suggestion_id, data)
            return views.to_dict(s, commands.co_signer_ids(tx, s.id))

    @rpc
    def get(self, actor, suggestion_id):
        with self.db.read() as session:
            return views.get(session, actor, suggestion_id)

    @rpc
    def list(self, actor, filters, limit=50, offset=0):
        with self.db.read() as session:
            return views.list_(session, actor, filters or {}, limit, offset)

    @rpc
    def get_for_assignment(self, suggestion_id):
        """The routing facts assignment needs when the accepted event has not arrived yet."""
        with self.db.read() as session:
            s = session.get(Suggestion, suggestion_id)
            if s is None:
                return None
            return commands.event_payload(session, s).model_dump(mode="json")
