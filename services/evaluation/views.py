"""Read side of the evaluation service's own records, and the answers its entrypoints give
(the rates, from the projection, are in stats.py)."""
from sqlalchemy import false, func, select

from services.common.errors import NotFound
from services.evaluation import domain
from services.evaluation.models import Assessment, AssessmentScore, Ballot, Rating, SatisfactionTest
from services.evaluation.projection_models import AssignmentFacts, SuggestionFacts
from services.evaluation.store import load_assessment, load_test, unit_names


def rating_dict(r: Rating) -> dict:
    return {"id": r.id, "assignment_id": r.assignment_id, "unit_id": r.unit_id, "round": r.round,
            "satisfaction": r.satisfaction, "comment": r.comment, "final": r.final, "at": r.at.isoformat(),
            "deputy_id": r.deputy_id, "recorded_by": r.recorded_by}


def satisfaction_test_dict(t: SatisfactionTest, names: dict | None = None) -> dict:
    names = names or {}
    return {"id": t.id, "title": t.title, "subject": t.subject or "units", "unit_ids": t.unit_ids,
            "units": [{"unit_id": u, "unit_name": names.get(u)} for u in t.unit_ids],
            "voter_count": t.voter_count, "ballots": t.ballots, "status": t.status, "tallies": t.tallies,
            "report": t.report_tally,
            "created_at": t.created_at.isoformat(),
            "closed_at": t.closed_at.isoformat() if t.closed_at else None}


def ballot_dict(b: Ballot, t: SatisfactionTest) -> dict:
    return {"id": b.id, "test_id": t.id, "voter": b.voter, "votes": b.votes, "ballots": t.ballots,
            "voter_count": t.voter_count}


def satisfaction_test(session, test_id: int) -> dict:
    t = load_test(session, test_id)
    return satisfaction_test_dict(t, unit_names(session, t.unit_ids))


def score_dict(s: AssessmentScore) -> dict:
    return {"id": s.id, "suggestion_id": s.suggestion_id, "assessor": s.assessor, "score": s.score,
            "comment": s.comment, "at": s.at.isoformat()}


def items(session, ids: list[int]) -> list[dict]:
    """The sampled suggestions as the projection knows them."""
    facts = {f.suggestion_id: f for f in session.scalars(
        select(AssignmentFacts).where(AssignmentFacts.suggestion_id.in_(ids), AssignmentFacts.counts_assignment))}
    suggestions = {s.suggestion_id: s for s in session.scalars(
        select(SuggestionFacts).where(SuggestionFacts.suggestion_id.in_(ids)))}
    result = []
    for sid in ids:
        f, s = facts.get(sid), suggestions.get(sid)
        result.append({"suggestion_id": sid, "number": (f and f.number) or (s and s.number),
                       "title": (f and f.title) or (s and s.title), "lead_unit_id": f and f.lead_unit_id,
                       "result_class": f and f.result_class, "satisfaction": f and f.satisfaction})
    return result


def assessment_dict(session, a: Assessment, requested: int | None = None) -> dict:
    scores = list(session.scalars(select(AssessmentScore).where(AssessmentScore.assessment_id == a.id)
                                  .order_by(AssessmentScore.id)))
    listed = items(session, a.suggestion_ids)
    for item in listed:
        mine = [s for s in scores if s.suggestion_id == item["suggestion_id"]]
        item["scores"] = [score_dict(s) for s in mine]  # each assessor's score of this item
        item["summary"] = domain.summary([s.score for s in mine])  # count, mean, min, max
    return {"id": a.id, "session": a.session, "seed": a.seed, "population": a.population,
            "assessors": list(a.assessors or []),
            "sample_size": len(a.suggestion_ids), **({"requested": requested} if requested else {}),
            "suggestion_ids": a.suggestion_ids, "items": listed,
            "scores": [score_dict(s) for s in scores], "summary": domain.summary([s.score for s in scores]),
            "created_at": a.created_at.isoformat()}


def assessment(session, actor: dict, assessment_id: int) -> dict:
    a = load_assessment(session, assessment_id)
    if not domain.may_see_assessment(actor, a.assessors):
        raise NotFound(f"assessment {assessment_id} not found")
    return assessment_dict(session, a)


def assessments(session, actor: dict, limit: int, offset: int) -> dict:
    """Assessments, newest first: staff all, an assessor those they are named on."""
    query = select(Assessment)
    if actor.get("role") not in domain.STAFF:
        query = query.where(Assessment.assessors.any(actor.get("sub") or "")) if actor.get("role") == "assessor" \
            else query.where(false())
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(Assessment.id.desc()).limit(limit).offset(offset))
    return {"items": [assessment_dict(session, a) for a in rows], "total": total, "limit": limit, "offset": offset}
