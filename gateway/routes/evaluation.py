"""Evaluation (评): ratings, satisfaction tests, third-party assessments, rates and the report."""
import base64

from werkzeug.wrappers import Response

from gateway.answers import evaluation as E
from gateway.auth import ASSESSOR, STAFF
from gateway.contract import XLSX
from gateway.http import api
from gateway.queries import Page, RateGroupsQuery, StatsFilters, page
from gateway.routes.base import Proxies, WORKBOOK_TIMEOUT
from services.evaluation.schemas import (
    AssessmentIn,
    AssessorsIn,
    BallotIn,
    RatingIn,
    ScoreIn,
    TestIn,
)

OVERDUE_LIMIT = 200
TAGS = ("evaluation",)


class EvaluationRoutes(Proxies):

    @api("POST", "/api/v1/assignments/<int:assignment_id>/evaluation", roles=("deputy", "office"), body=RatingIn,
         status=201, creates=True, answer=E.RatingAnswer, tags=TAGS)
    def evaluate(self, request, assignment_id):
        """The lead deputy rates a handling unit's reply (``unit_id`` required when the assignment is
        separate, 分办), or the office records the deputy's paper rating form (``evaluated_at``: its
        real date, office only); dissatisfied opens rehandling of that unit's part."""
        return 201, self.call(self.evaluation.evaluate, request.actor, assignment_id, self.body(request))

    @api("POST", "/api/v1/satisfaction-tests", roles=("office",), body=TestIn, status=201, creates=True,
         answer=E.SatisfactionTestAnswer, tags=TAGS)
    def create_test(self, request):
        """Open a standing-committee satisfaction test (满意度测评) of units."""
        return 201, self.call(self.evaluation.create_test, request.actor, self.body(request))

    @api("GET", "/api/v1/satisfaction-tests/<int:test_id>", roles=STAFF, answer=E.SatisfactionTestAnswer, tags=TAGS)
    def get_test(self, request, test_id):
        """A satisfaction test with its ballots so far (tallies once closed)."""
        return self.call(self.evaluation.get_test, request.actor, test_id)

    @api("POST", "/api/v1/satisfaction-tests/<int:test_id>/ballots", roles=("office",), body=BallotIn,
         status=201, creates=True, answer=E.BallotAnswer, tags=TAGS)
    def record_ballot(self, request, test_id):
        """Record one voter's ballot."""
        return 201, self.call(self.evaluation.record_ballot, request.actor, test_id, self.body(request))

    @api("POST", "/api/v1/satisfaction-tests/<int:test_id>/close", roles=("office",), answer=E.SatisfactionTestAnswer,
         tags=TAGS)
    def close_test(self, request, test_id):
        """Close a test: per-unit tallies."""
        return self.call(self.evaluation.close_test, request.actor, test_id)

    @api("POST", "/api/v1/assessments", roles=("office",), body=AssessmentIn, status=201, creates=True,
         answer=E.AssessmentAnswer, tags=TAGS)
    def create_assessment(self, request):
        """A third-party assessment: a random sample of suggestions to score, and the assessors named
        on it (`assessors`: the subs of their assessor tokens)."""
        return 201, self.call(self.evaluation.create_assessment, request.actor, self.body(request))

    @api("GET", "/api/v1/assessments", roles=(*STAFF, ASSESSOR), query=Page, answer=E.AssessmentPage, tags=TAGS)
    def list_assessments(self, request):
        """Assessments, newest first: staff see all, an assessor those they are named on."""
        _, limit, offset = page(request)
        return self.call(self.evaluation.list_assessments, request.actor, limit, offset)

    @api("GET", "/api/v1/assessments/<int:assessment_id>", roles=(*STAFF, ASSESSOR), answer=E.AssessmentAnswer,
         tags=TAGS)
    def get_assessment(self, request, assessment_id):
        """An assessment with its sample, each item's scores and mean; an assessor's own only (404 otherwise)."""
        return self.call(self.evaluation.get_assessment, request.actor, assessment_id)

    @api("POST", "/api/v1/assessments/<int:assessment_id>/assessors", roles=("office",), body=AssessorsIn,
         answer=E.AssessmentAnswer, tags=TAGS)
    def name_assessors(self, request, assessment_id):
        """Name more assessors on an assessment (those already named stay)."""
        return self.call(self.evaluation.name_assessors, request.actor, assessment_id, self.body(request))

    @api("POST", "/api/v1/assessments/<int:assessment_id>/scores", roles=("office", ASSESSOR), body=ScoreIn,
         status=201, creates=True, answer=E.AssessmentScoreAnswer, tags=TAGS)
    def add_score(self, request, assessment_id):
        """An assessor named on the assessment scores one sampled suggestion, once (409 the second time);
        the office may record a score too (as itself)."""
        return 201, self.call(self.evaluation.add_score, request.actor, assessment_id, self.body(request))

    @api("GET", "/api/v1/stats/rates", roles=(*STAFF, "unit"), query=StatsFilters, answer=E.RatesAnswer, tags=TAGS)
    def rates(self, request):
        """Completion, resolution, satisfaction and on-time rates; a unit sees only its own."""
        return self.call(self.evaluation.rates, request.actor, request.query)

    @api("GET", "/api/v1/stats/units", roles=STAFF, query=StatsFilters, answer=E.UnitRankingAnswer, tags=TAGS)
    def unit_ranking(self, request):
        """Units ranked, each with its rates."""
        return self.call(self.evaluation.unit_ranking, request.actor, request.query)

    @api("GET", "/api/v1/stats/rates/groups", roles=(*STAFF, "unit"), query=RateGroupsQuery,
         answer=E.RateGroupsAnswer, tags=TAGS)
    def rate_groups(self, request):
        """The rates grouped `by` unit, category, session, kind or month of the reply, with the rates'
        filters; a unit sees only its own."""
        wanted = dict(request.query)
        by = wanted.pop("by")
        return self.call(self.evaluation.rate_groups, request.actor, by, wanted)

    @api("GET", "/api/v1/stats/overdue", roles=(*STAFF, "unit"), query=StatsFilters, answer=E.OverdueAnswer, tags=TAGS)
    def overdue(self, request):
        """Overdue assignments, most late first (at most 200); a unit sees only its own."""
        items = self.call(self.evaluation.overdue, request.actor, request.query, OVERDUE_LIMIT)
        return {"items": items, "limit": OVERDUE_LIMIT}

    @api("GET", "/api/v1/reports/rates.xlsx", roles=STAFF, query=StatsFilters, media=XLSX, tags=TAGS)
    def rates_report(self, request):
        """The rates and the unit ranking as an Excel workbook."""
        data = base64.b64decode(self.call(self.evaluation.rates_report, request.actor, request.query,
                                          timeout=WORKBOOK_TIMEOUT))
        return Response(data, status=200, mimetype=XLSX,
                        headers={"Content-Disposition": 'attachment; filename="rates.xlsx"'})
