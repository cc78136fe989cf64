"""第三方评估: a reproducible random sample of a session's replied suggestions, scored by assessors."""
import secrets

from sqlalchemy import select

from services.common import people
from services.common.clock import now
from services.common.errors import Conflict, NotFound, field_error
from services.common.validation import parse
from services.evaluation import domain
from services.evaluation.models import Assessment, AssessmentScore, Person
from services.evaluation.projection_models import AssignmentFacts
from services.evaluation.schemas import AssessmentIn, AssessorsIn, ScoreIn
from services.evaluation.store import load_assessment
from services.evaluation.views import assessment_dict, score_dict


def replied_suggestions(tx, session: str | None) -> list[int]:
    """Suggestions with a reply (a result class) in the projection, of the session if given."""
    query = select(AssignmentFacts.suggestion_id).where(AssignmentFacts.result_class.is_not(None)).distinct()
    if session:
        query = query.where(AssignmentFacts.session == session)
    return list(tx.scalars(query))


def create(tx, actor: dict, data: dict) -> dict:
    form = parse(AssessmentIn, data)
    population = replied_suggestions(tx, form.session)
    if not population:
        raise field_error("session", "no replied suggestions to sample" + (f" in {form.session}" if form.session
                                                                           else ""))
    domain.check_assessors(form.assessors, people.known(tx, Person, form.assessors))
    seed = form.seed if form.seed is not None else secrets.randbelow(2**31)
    a = Assessment(session=form.session, seed=seed, population=len(population), assessors=form.assessors,
                   suggestion_ids=domain.sample(population, form.sample_size, seed), created_by=actor.get("sub"),
                   created_at=now())
    tx.add(a)
    tx.flush()
    return assessment_dict(tx, a, requested=form.sample_size)


def name_assessors(tx, actor: dict, assessment_id: int, data: dict) -> dict:
    """The office names more assessors (those already named stay)."""
    form = parse(AssessorsIn, data)
    domain.check_assessors(form.assessors, people.known(tx, Person, form.assessors))
    a = load_assessment(tx, assessment_id, lock=True)
    a.assessors = [*(a.assessors or []), *(s for s in form.assessors if s not in (a.assessors or []))]
    tx.flush()
    return assessment_dict(tx, a)


def add_score(tx, actor: dict, assessment_id: int, data: dict) -> dict:
    form = parse(ScoreIn, data)
    a = load_assessment(tx, assessment_id)
    if not domain.may_score(actor, a.assessors):  # an assessor not named on it does not see it
        raise NotFound(f"assessment {assessment_id} not found")
    if form.suggestion_id not in a.suggestion_ids:
        raise field_error("suggestion_id", f"suggestion {form.suggestion_id} is not in this sample")
    assessor = actor.get("sub") or "unknown"
    if tx.scalar(select(AssessmentScore.id).where(AssessmentScore.assessment_id == a.id,
                                                  AssessmentScore.suggestion_id == form.suggestion_id,
                                                  AssessmentScore.assessor == assessor)):
        raise Conflict(f"{assessor} has already scored suggestion {form.suggestion_id}")
    s = AssessmentScore(assessment_id=a.id, suggestion_id=form.suggestion_id, assessor=assessor, score=form.score,
                        comment=form.comment, at=now())
    tx.add(s)
    tx.flush()
    return score_dict(s)
