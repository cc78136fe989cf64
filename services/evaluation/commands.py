"""Use cases of the evaluation service: the lead deputy's rating of a handling unit's reply."""
from sqlalchemy import select

from services.common.clock import now
from services.common.errors import NotFound
from services.common.validation import parse
from services.evaluation import domain, projection
from services.evaluation.events import Evaluated
from services.evaluation.models import Rating
from services.evaluation.projection_models import AssignmentCommon, AssignmentFacts
from services.evaluation.schemas import RatingIn


def _reply_facts(tx, assignment_id: int, unit_id: int | None) -> AssignmentFacts | None:
    """The reply row rated: the lead's of a lead assignment, the named unit's of a separate one
    (ValidationFailed on unit_id when the assignment is known and the unit is missing or not one
    of its handling units). None: the assignment is not projected yet."""
    common = tx.get(AssignmentCommon, assignment_id)
    if common is None or not common.handling_unit_ids:
        return None
    unit = domain.rated_unit(common.mode, list(common.handling_unit_ids), unit_id)
    return tx.get(AssignmentFacts, (assignment_id, unit))


def _last_rating(tx, facts: AssignmentFacts) -> Rating | None:
    return tx.scalar(select(Rating).where(Rating.assignment_id == facts.assignment_id,
                                          Rating.unit_id == facts.unit_id, Rating.round == facts.round))


def _fetch(tx, assignment_id: int, unit_id: int | None, fetch_facts) -> None:
    """Ask the assignment service for the facts its events have not brought yet: the assignment's,
    and of a separate assignment the named handling unit's (the unit is asked for only then, so a
    lead assignment is asked as before 分办). Logged like consumed events, so a rebuild from the log
    gives the same projection."""
    common = tx.get(AssignmentCommon, assignment_id)
    if common is None or common.mode != "separate":
        fetched = fetch_facts(assignment_id, None)
        if fetched is None:
            raise NotFound(f"assignment {assignment_id} not found")
        projection.record(tx, "evaluation.facts_fetched", fetched, now())
        tx.session.expire_all()
        common = tx.get(AssignmentCommon, assignment_id)
    if common is not None and common.mode == "separate" and unit_id in (common.handling_unit_ids or []):
        fetched = fetch_facts(assignment_id, unit_id)
        if fetched is not None:
            projection.record(tx, "evaluation.facts_fetched", fetched, now())
            tx.session.expire_all()


def evaluate(tx, actor: dict, assignment_id: int, data: dict, fetch_facts) -> Rating:
    """``fetch_facts(assignment_id, unit_id)`` asks the assignment service (get_for_evaluation) when
    the projection may lag its events."""
    form = parse(RatingIn, data)
    facts = _reply_facts(tx, assignment_id, form.unit_id)
    last = facts and _last_rating(tx, facts)
    reopened = bool(last) and domain.reopens(last.satisfaction, last.final)
    if facts is None or domain.reply_may_be_pending(facts.state, reopened):  # its event may be on its way
        _fetch(tx, assignment_id, form.unit_id, fetch_facts)
        facts = _reply_facts(tx, assignment_id, form.unit_id)
        if facts is None:
            raise NotFound(f"assignment {assignment_id} not found")
    deputy_id = domain.check_rater(actor, facts.lead_deputy_id)
    at = domain.check_evaluated_at(actor.get("role"), form.evaluated_at, now(), facts.replied_at)
    domain.check_rating(facts.state, _last_rating(tx, facts) is not None)
    by = f"deputy:{deputy_id}" if actor.get("role") == "deputy" else (actor.get("sub") or actor.get("role"))
    rating = Rating(assignment_id=assignment_id, unit_id=facts.unit_id, round=facts.round, deputy_id=deputy_id,
                    satisfaction=form.satisfaction, comment=form.comment, final=domain.is_final(facts.round),
                    at=at, recorded_by=by)
    tx.add(rating)
    tx.flush()
    envelope = tx.publish(Evaluated(
        assignment_id=assignment_id, suggestion_id=facts.suggestion_id, round=rating.round,
        satisfaction=rating.satisfaction, final=rating.final, deputy_id=rating.deputy_id,
        lead_deputy_id=facts.lead_deputy_id, lead_unit_id=facts.lead_unit_id, unit_id=facts.unit_id,
        evaluated_at=at, number=facts.number, title=facts.title, actor=by,
        note=f"{domain.SATISFACTION[rating.satisfaction]}" + (f"：{rating.comment}" if rating.comment else ""),
    ))
    projection.record(tx, envelope.type, envelope.payload, envelope.occurred_at, str(envelope.event_id))
    return rating
