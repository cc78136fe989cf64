"""Suggestion service entrypoints (提): intake, drafts, screening, lists, timeline, disclosure,
the past-year import."""
import base64
import logging

from sqlalchemy import select

from services.common.db import Database
from services.common.errors import Unavailable
from services.common.idempotency import FINGERPRINT, KEY, SCOPE
from services.common.outages import backing_service_down
from services.common.rpc import FALLBACK_TIMEOUT, call, timed_proxy
from services.common.service_base import ServiceBase, event_consumer, rpc
from services.common.timers import config_timer
from services.suggestion import attachments, batch, catalog, commands, history, publication, roster, scheme_admin, screening, views
from services.suggestion import gauges as suggestion_gauges
from services.suggestion.consumers import make_handlers
from services.suggestion.models import Suggestion, UnitName
from services.suggestion.rules import SuggestionRules
from services.suggestion.store import co_signer_ids, event_payload

log = logging.getLogger(__name__)

EXPORT_LIMIT = 20000
HISTORY_STEP_TIMEOUT = 30.0  # one step of a past-year import asked of another service


class SuggestionService(ServiceBase):
    name = "suggestion"
    # every connection starts with the planner settings a list's plans need (views.PLANNER):
    # no SET LOCAL round trip per read (behind PgBouncer views sets them per transaction)
    db = Database(settings=views.PLANNER)
    station = timed_proxy("station", timeout=FALLBACK_TIMEOUT)
    # a past-year import enters the assignment side through those services' own use cases
    assignment = timed_proxy("assignment", timeout=HISTORY_STEP_TIMEOUT)
    evaluation = timed_proxy("evaluation", timeout=HISTORY_STEP_TIMEOUT)
    rules = SuggestionRules()

    on_event = event_consumer("suggestion", lambda service: make_handlers(service.rules))

    @rpc
    def categories(self, session=None, retired=False):
        """The category scheme in force for a session (the default scheme without one)."""
        with self.db.read() as db:
            return catalog.in_force(db, self.rules.categories, session, retired)

    @rpc
    def category_schemes(self, actor):
        with self.db.read() as db:
            return catalog.list_schemes(db, self.rules.categories)

    @rpc
    def category_scheme(self, actor, scheme_id):
        with self.db.read() as db:
            return catalog.get_scheme(db, self.rules.categories, scheme_id)

    @rpc(idempotent=True)
    def create_category_scheme(self, actor, data):
        with self.db.transaction() as tx:
            return scheme_admin.create(tx, actor, data, self.rules.categories)

    @rpc(writes=True)
    def update_category_scheme(self, actor, scheme_id, data):
        with self.db.transaction() as tx:
            return scheme_admin.update(tx, actor, scheme_id, data, self.rules.categories)

    def business_gauges(self, session, at):
        suggestion_gauges.refresh(session)

    def _catalog(self, session):
        """The category schemes (from memory while unchanged; a change shows at once: catalog.load)."""
        return catalog.load(session, self.rules.categories)

    def _catalog_as_of(self, session):
        """``token -> the category schemes``, for a page whose statement read the token (views.ITEM)."""
        return lambda token: catalog.load(session, self.rules.categories, token)

    def _fetch_deputies(self, ids):
        return call(self.station.get_deputies, ids, timeout=FALLBACK_TIMEOUT)

    def _known(self, tx):
        """Active deputies: the projection, or the station service for one registered a moment ago."""
        return lambda ids: roster.known_deputies(tx, ids, self._fetch_deputies)

    def _answer(self, tx, s: Suggestion) -> dict:
        return views.to_dict(s, co_signer_ids(tx, s.id), self._catalog(tx))

    @rpc(idempotent=True)
    def submit(self, actor, data):
        with self.db.transaction() as tx:
            # the co-signers not read back; the schemes' token read once, with the roster check,
            # for the check and the answer (catalog.remember_token)
            s, co_signers = commands.create(tx, actor, data, self._known(tx), self.rules)
            return views.to_dict(s, co_signers, self._catalog(tx))

    @rpc(writes=True)
    def submit_draft(self, actor, suggestion_id, data):
        with self.db.transaction() as tx:
            s = commands.submit_draft(tx, actor, suggestion_id, data, self._known(tx), self.rules)
            return self._answer(tx, s)

    @rpc(writes=True)
    def update_draft(self, actor, suggestion_id, data):
        with self.db.transaction() as tx:
            s = commands.update_draft(tx, actor, suggestion_id, data, self._known(tx), self.rules)
            return self._answer(tx, s)

    @rpc(writes=True)
    def withdraw(self, actor, suggestion_id, data):
        with self.db.transaction() as tx:
            return self._answer(tx, commands.withdraw(tx, actor, suggestion_id, data))

    @rpc(writes=True)
    def publish(self, actor, suggestion_id, data):
        with self.db.transaction() as tx:
            return self._answer(tx, publication.publish(tx, actor, suggestion_id, data, self.rules.zone))

    @rpc(writes=True)
    def unpublish(self, actor, suggestion_id, data):
        with self.db.transaction() as tx:
            return self._answer(tx, publication.unpublish(tx, actor, suggestion_id, data))

    @rpc(idempotent=True)
    def attach(self, actor, suggestion_id, filename, content_b64):
        """A photo or document attached (the file in base64, at most ATTACHMENT_MAX_BYTES)."""
        with self.db.transaction() as tx:
            row = attachments.attach(tx, actor, suggestion_id, filename, base64.b64decode(content_b64), self.rules)
            return views.attachment_dict(row)

    @rpc
    def attachment(self, actor, suggestion_id, attachment_id):
        """An attached file with its content in base64."""
        with self.db.read() as session:
            return views.download(session, actor, suggestion_id, attachment_id)

    @rpc
    def publication(self, actor, suggestion_id):
        """The suggestion's title, body and replies as they would be published, with what is masked."""
        with self.db.read() as session:
            return views.preview(session, suggestion_id)

    @rpc(writes=True)
    def screen(self, actor, suggestion_id, data):
        with self.db.transaction() as tx:
            return self._answer(tx, screening.screen(tx, actor, suggestion_id, data))

    @rpc
    def screening_stats(self, actor, filters):
        """Submitted suggestions by screening outcome (GET /stats/screening)."""
        with self.db.read() as session:
            return views.screening_stats(session, filters or {})

    @rpc(idempotent=True)
    def import_batch(self, actor, filename, content_b64):
        with self.db.transaction() as tx:
            return batch.import_rows(tx, actor, filename, base64.b64decode(content_b64), self._known(tx),
                                    self.rules)

    # -- past-year import (history.py) ---------------------------------------------------
    @rpc(writes=True)
    def start_history_import(self, actor, filename, content_b64, dry_run=False):
        """Check a past year's workbook; a dry run answers every bad row, a real run queues the job."""
        with self.db.transaction() as tx:
            return history.start(tx, actor, filename, base64.b64decode(content_b64), self.rules, dry_run,
                                 self.rules.result_classes)

    @rpc
    def history_import(self, actor, import_id):
        with self.db.read() as session:
            return history.get(session, import_id)

    @config_timer("HISTORY_IMPORT_INTERVAL", 2)
    def history_tick(self):
        """Works through a queued past-year import (or one whose worker died) until done."""
        try:
            history.run_next(self.db, lambda tx, actor, step: history.enter_suggestion(
                tx, actor, step, history.registered(tx, self._fetch_deputies), self.rules), self._keyed_call)
        except Exception as exc:  # noqa: BLE001 - an outage: the job's lease runs out, a later tick goes on
            if not (isinstance(exc, Unavailable) or backing_service_down(exc)):
                raise
            log.warning("past-year import waits: %s", exc)

    def _keyed_call(self, service, method, key, *args):
        """``service.method(*args)`` with an Idempotency-Key of its own (None: without)."""
        method_proxy = getattr(getattr(self, service), method)
        data = method_proxy.worker_ctx.data
        if key:
            data.update({KEY: key, SCOPE: "history-import", FINGERPRINT: history.fingerprint(method, args)})
        try:
            return call(method_proxy, *args, timeout=HISTORY_STEP_TIMEOUT)
        finally:
            for name in (KEY, SCOPE, FINGERPRINT):
                data.pop(name, None)

    @rpc
    def get(self, actor, suggestion_id):
        with self.db.read() as session:
            return views.get(session, actor, suggestion_id, self._catalog(session))

    @rpc
    def list(self, actor, filters, limit=50, offset=0):
        filters = filters or {}
        with self.db.read(autocommit=not views.needs_transaction(self.db.engine, filters)) as session:
            return views.list_(session, actor, filters, limit, offset, self._catalog_as_of(session))

    @rpc
    def public_list(self, filters, limit=50, offset=0):
        filters = filters or {}
        with self.db.read(autocommit=not views.needs_transaction(self.db.engine, filters)) as session:
            return views.public_list(session, filters, limit, offset, self._catalog_as_of(session))

    @rpc
    def public_get(self, suggestion_id):
        with self.db.read() as session:
            return views.public_get(session, suggestion_id, self._catalog(session))

    @rpc
    def export(self, actor, filters):
        """The list with its filters as an .xlsx workbook (base64)."""
        with self.db.read() as session:
            categories = self._catalog(session)
            rows = views.list_(session, actor, filters or {}, EXPORT_LIMIT, 0, lambda _token: categories,
                               cap=EXPORT_LIMIT)["items"]
            people = {d for s in rows for d in (s["lead_deputy_id"], *s["co_signer_ids"])}
            units = dict(session.execute(select(UnitName.id, UnitName.name)).all())
            replies = views.replies_by_suggestion(session, [s["id"] for s in rows])
            content = batch.workbook(rows, roster.names_of(session, list(people)), units, categories,
                                     self.rules.zone, replies)
        return base64.b64encode(content).decode()

    @rpc
    def get_for_assignment(self, suggestion_id):
        """The routing facts assignment needs when the accepted event has not arrived yet."""
        with self.db.read() as session:
            s = session.get(Suggestion, suggestion_id)
            if s is None:
                return None
            return event_payload(session, s).model_dump(mode="json")
