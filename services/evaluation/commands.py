"""Use cases of the evaluation service: the deputy's rating of a reply."""
from sqlalchemy import select

from services.common.clock import now
from services.common.errors import NotFound
from services.common.validation import parse
from services.evaluation import domain, projection
from services.evaluation.events import Evaluated
from services.evaluation.models import Rating
from services.evaluation.projection_models import AssignmentFacts
from services.evaluation.schemas import RatingIn


def evaluate(tx, actor: dict, assignment_id: int, data: dict, fetch_facts) -> Rating:
    form = parse(RatingIn, data)
    facts = tx.get(AssignmentFacts, assignment_id)
    last = facts and tx.scalar(select(Rating).where(Rating.assignment_id == assignment_id,
                                                    Rating.round == facts.round))
    reopened = bool(last) and domain.reopens(last.satisfaction, last.final)
    if facts is None or domain.reply_may_be_pending(facts.state, reopened):  # its event may be on its way
        fetched = fetch_facts(assignment_id)
        if fetched is None:
            raise NotFound(f"assignment {assignment_id} not found")
        # logged like a consumed event, so a rebuild from the log gives the same projection
        projection.record(tx, "evaluation.facts_fetched", fetched, now())
        tx.session.expire_all()
        facts = tx.get(AssignmentFacts, assignment_id)
        if facts is None:
            raise NotFound(f"assignment {assignment_id} not found")
    already = tx.scalar(select(Rating.id).where(Rating.assignment_id == assignment_id,
                                                Rating.round == facts.round)) is not None
    domain.check_rating(actor.get("deputy_id"), facts.lead_deputy_id, facts.state, already)
    at = now()
    rating = Rating(assignment_id=assignment_id, round=facts.round, deputy_id=actor["deputy_id"],
                    satisfaction=form.satisfaction, comment=form.comment, final=domain.is_final(facts.round),
                    at=at)
    tx.add(rating)
    tx.flush()
    envelope = tx.publish(Evaluated(
        assignment_id=assignment_id, suggestion_id=facts.suggestion_id, round=rating.round,
        satisfaction=rating.satisfaction, final=rating.final, deputy_id=rating.deputy_id,
        lead_deputy_id=facts.lead_deputy_id, lead_unit_id=facts.lead_unit_id, number=facts.number,
        title=facts.title, actor=f"deputy:{rating.deputy_id}",
        note=f"{domain.SATISFACTION[rating.satisfaction]}" + (f"：{rating.comment}" if rating.comment else ""),
    ))
    projection.record(tx, envelope.type, envelope.payload, envelope.occurred_at, str(envelope.event_id))
    return rating
