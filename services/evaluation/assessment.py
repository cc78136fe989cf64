"""第三方评估: a reproducible random sample of a session's replied suggestions, scored by assessors."""
import secrets

from sqlalchemy import select

from services.common.clock import now
from services.common.errors import Conflict, NotFound, field_error
from services.common.validation import parse
from services.evaluation import domain
from services.evaluation.models import Assessment, AssessmentScore, AssignmentFacts, SuggestionFacts
from services.evaluation.schemas import AssessmentIn, ScoreIn


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
    seed = form.seed if form.seed is not None else secrets.randbelow(2**31)
    a = Assessment(session=form.session, seed=seed, population=len(population),
                   suggestion_ids=domain.sample(population, form.sample_size, seed), created_by=actor.get("sub"),
                   created_at=now())
    tx.add(a)
    tx.flush()
    return to_dict(tx, a, requested=form.sample_size)


def items(session, ids: list[int]) -> list[dict]:
    facts = {f.suggestion_id: f for f in session.scalars(
        select(AssignmentFacts).where(AssignmentFacts.suggestion_id.in_(ids)))}
    suggestions = {s.suggestion_id: s for s in session.scalars(
        select(SuggestionFacts).where(SuggestionFacts.suggestion_id.in_(ids)))}
    result = []
    for sid in ids:
        f, s = facts.get(sid), suggestions.get(sid)
        result.append({"suggestion_id": sid, "number": (f and f.number) or (s and s.number),
                       "title": (f and f.title) or (s and s.title), "lead_unit_id": f and f.lead_unit_id,
                       "result_class": f and f.result_class, "satisfaction": f and f.satisfaction})
    return result


def to_dict(session, a: Assessment, requested: int | None = None) -> dict:
    scores = list(session.scalars(select(AssessmentScore).where(AssessmentScore.assessment_id == a.id)
                                  .order_by(AssessmentScore.id)))
    listed = items(session, a.suggestion_ids)
    for item in listed:
        mine = [s.score for s in scores if s.suggestion_id == item["suggestion_id"]]
        item["summary"] = domain.summary(mine)
    return {"id": a.id, "session": a.session, "seed": a.seed, "population": a.population,
            "sample_size": len(a.suggestion_ids), **({"requested": requested} if requested else {}),
            "suggestion_ids": a.suggestion_ids, "items": listed,
            "scores": [score_dict(s) for s in scores], "summary": domain.summary([s.score for s in scores]),
            "created_at": a.created_at.isoformat()}


def score_dict(s: AssessmentScore) -> dict:
    return {"id": s.id, "suggestion_id": s.suggestion_id, "assessor": s.assessor, "score": s.score,
            "comment": s.comment, "at": s.at.isoformat()}


def load(session, assessment_id: int) -> Assessment:
    a = session.get(Assessment, assessment_id)
    if a is None:
        raise NotFound(f"assessment {assessment_id} not found")
    return a


def add_score(tx, actor: dict, assessment_id: int, data: dict) -> dict:
    form = parse(ScoreIn, data)
    a = load(tx, assessment_id)
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


def get(session, assessment_id: int) -> dict:
    return to_dict(session, load(session, assessment_id))
