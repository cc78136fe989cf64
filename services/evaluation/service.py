"""Evaluation service entrypoints (评): ratings, satisfaction tests, assessments, rates."""
import base64
import logging

from services.common.clock import now
from services.common.office_zone import OfficeZone
from services.common.rpc import FALLBACK_TIMEOUT, call, timed_proxy
from services.common.service_base import ServiceBase, event_consumer, rpc
from services.common.timers import config_timer
from services.evaluation import assessment, commands, gauges, report, satisfaction, stats, views
from services.evaluation.consumers import make_handlers

log = logging.getLogger(__name__)


class EvaluationService(ServiceBase):
    name = "evaluation"
    assignment = timed_proxy("assignment", timeout=FALLBACK_TIMEOUT)
    zone = OfficeZone()

    on_event = event_consumer("evaluation", make_handlers())

    @rpc(idempotent=True)
    def evaluate(self, actor, assignment_id, data):
        with self.db.transaction() as tx:
            rating = commands.evaluate(tx, actor, assignment_id, data, self._facts_of)
            return views.rating_dict(rating)

    def _facts_of(self, assignment_id, unit_id=None):
        """The assignment service's facts of one handling unit (get_for_evaluation; the unit only
        when named, so a lead assignment is asked as before)."""
        extra = () if unit_id is None else (unit_id,)
        return call(self.assignment.get_for_evaluation, assignment_id, *extra, timeout=FALLBACK_TIMEOUT)

    @rpc(idempotent=True)
    def create_test(self, actor, data):
        with self.db.transaction() as tx:
            return satisfaction.create(tx, actor, data)

    @rpc(idempotent=True)
    def record_ballot(self, actor, test_id, data):
        with self.db.transaction() as tx:
            return satisfaction.record_ballot(tx, actor, test_id, data)

    @rpc(writes=True)
    def close_test(self, actor, test_id):
        with self.db.transaction() as tx:
            return satisfaction.close(tx, actor, test_id)

    @rpc
    def get_test(self, actor, test_id):
        with self.db.read() as session:
            return views.satisfaction_test(session, test_id)

    @rpc(idempotent=True)
    def create_assessment(self, actor, data):
        with self.db.transaction() as tx:
            return assessment.create(tx, actor, data)

    @rpc(idempotent=True)
    def add_score(self, actor, assessment_id, data):
        with self.db.transaction() as tx:
            return assessment.add_score(tx, actor, assessment_id, data)

    @rpc
    def get_assessment(self, actor, assessment_id):
        with self.db.read() as session:
            return views.assessment(session, actor, assessment_id)

    @rpc
    def list_assessments(self, actor, limit=50, offset=0):
        with self.db.read() as session:
            return views.assessments(session, actor, limit, offset)

    @rpc(writes=True)
    def name_assessors(self, actor, assessment_id, data):
        with self.db.transaction() as tx:
            return assessment.name_assessors(tx, actor, assessment_id, data)

    # the statistics read in autocommit: no BEGIN and ROLLBACK round trips (a fifth of the service's
    # time per rates request); under READ COMMITTED each statement had its own snapshot anyway
    @rpc
    def rates(self, actor, filters=None):
        with self.db.read(autocommit=True) as session:
            return stats.rates(session, actor, filters, now())

    @rpc
    def unit_ranking(self, actor, filters=None):
        with self.db.read(autocommit=True) as session:
            return stats.units(session, actor, filters, now())

    @rpc
    def rate_groups(self, actor, by, filters=None):
        with self.db.read(autocommit=True) as session:
            return stats.groups(session, actor, filters, by, now(), self.zone.key)

    @rpc
    def overdue(self, actor, filters=None, limit=200):
        with self.db.read(autocommit=True) as session:
            return stats.overdue(session, stats.scoped_filters(actor, filters), now(), limit)

    @rpc
    def rates_report(self, actor, filters=None):
        """The rates workbook, base64 (RPC bodies are JSON)."""
        with self.db.read(autocommit=True) as session:
            return base64.b64encode(report.workbook(session, actor, filters or {}, now(), self.zone)).decode()

    @config_timer("GAUGE_INTERVAL", 15, eager=True)
    def refresh_gauges(self):
        with self.db.read(autocommit=True) as session:
            units = gauges.refresh(session, now())
        log.debug("unit gauges refreshed for %d units", units)
