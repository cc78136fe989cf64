"""Use cases of the evaluation service."""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert

from services.common.clock import now
from services.common.errors import NotFound
from services.common.validation import parse
from services.evaluation import domain
from services.evaluation.models import AssignmentFacts, Rating
from services.evaluation.schemas import RatingIn

FACT_FIELDS = ("suggestion_id", "lead_deputy_id", "lead_unit_id", "session", "category", "number", "title",
               "state", "round")


def upsert_facts(tx, payload: dict, at: datetime) -> None:
    """Apply an assignment event's facts unless a later event already did."""
    values = {k: payload.get(k) for k in FACT_FIELDS}
    values.update(assignment_id=payload["assignment_id"], updated_at=at)
    if payload.get("result_class"):
        values.update(result_class=payload["result_class"], on_time=payload.get("on_time"))
    stmt = pg_insert(AssignmentFacts).values(**values)
    tx.execute(stmt.on_conflict_do_update(
        index_elements=[AssignmentFacts.assignment_id],
        set_={k: stmt.excluded[k] for k in values if k != "assignment_id"},
        where=AssignmentFacts.updated_at <= stmt.excluded.updated_at))


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
        upsert_facts(tx, fetched, now())
        tx.session.expire_all()
        facts = tx.get(AssignmentFacts, assignment_id)
    already = tx.scalar(select(Rating.id).where(Rating.assignment_id == assignment_id,
                                                Rating.round == facts.round)) is not None
    domain.check_rating(actor.get("deputy_id"), facts.lead_deputy_id, facts.state, already)
    rating = Rating(assignment_id=assignment_id, round=facts.round, deputy_id=actor["deputy_id"],
                    satisfaction=form.satisfaction, comment=form.comment, final=domain.is_final(facts.round),
                    at=now())
    tx.add(rating)
    facts.state = "evaluated"
    tx.flush()
    tx.publish("evaluated", {
        "assignment_id": assignment_id, "suggestion_id": facts.suggestion_id, "round": rating.round,
        "satisfaction": rating.satisfaction, "final": rating.final, "deputy_id": rating.deputy_id,
        "lead_unit_id": facts.lead_unit_id, "number": facts.number, "title": facts.title,
        "actor": f"deputy:{rating.deputy_id}",
        "note": f"{domain.SATISFACTION[rating.satisfaction]}" + (f"：{rating.comment}" if rating.comment else ""),
    })
    return rating


def rating_dict(r: Rating) -> dict:
    return {"id": r.id, "assignment_id": r.assignment_id, "round": r.round, "satisfaction": r.satisfaction,
            "comment": r.comment, "final": r.final, "at": r.at.isoformat()}
