"""Use cases of the assignment service: 交办, 签收, 答复, rehandling.

Units are registered in units.py; disputes, reroutes, contacts and opinions are in
handling.py; urging, supervision and extensions in oversight.py; the deadline scheduler in
deadlines.py; loading and locking in store.py, answers in views.py.
"""
from sqlalchemy import select

from services.assignment import domain
from services.assignment.events import Assigned, Closed, RehandlingOpened, Replied, Signed
from services.assignment.models import Assignment, AssignmentUnit, Contact, Reply, SuggestionFacts, Unit
from services.assignment.rules import Rules
from services.assignment.schemas import AssignIn, ReplyIn
from services.assignment.store import check_units_exist, event_payload, load, my_unit, record_precedent, upsert_facts
from services.common.clock import now
from services.common.errors import Conflict, Forbidden, NotFound
from services.common.validation import parse
from services.evaluation.events import Evaluated


def assign(tx, actor: dict, suggestion_id: int, data: dict, fetch_facts, rules: Rules) -> Assignment:
    form = parse(AssignIn, data)
    domain.check_due_at(form.due_at, now())
    check_units_exist(tx, form.lead_unit_id, form.co_unit_ids)
    facts = tx.get(SuggestionFacts, suggestion_id, with_for_update=True)  # one assign at a time
    if facts is None:  # the accepted event may still be on its way
        fetched = fetch_facts(suggestion_id)
        if fetched is None:
            raise NotFound(f"suggestion {suggestion_id} not found")
        if fetched["status"] != "accepted":
            raise Conflict(f"suggestion {suggestion_id} is {fetched['status']}, not accepted")
        upsert_facts(tx, fetched, "accepted")
        facts = tx.get(SuggestionFacts, suggestion_id)
    if facts.status != "accepted":
        raise Conflict(f"suggestion {suggestion_id} is {facts.status}, not accepted")
    if tx.scalar(select(Assignment.id).where(Assignment.suggestion_id == suggestion_id)):
        raise Conflict(f"suggestion {suggestion_id} is already assigned")
    at = now()
    a = Assignment(suggestion_id=suggestion_id, lead_unit_id=form.lead_unit_id, co_unit_ids=form.co_unit_ids,
                   state="assigned", round=1, due_at=form.due_at or domain.reply_due(at, rules.deadlines, rules.zone),
                   created_at=at, routed_at=at, supervised=False)
    tx.add(a)
    tx.flush()
    for unit_id in [form.lead_unit_id, *form.co_unit_ids]:
        tx.add(AssignmentUnit(assignment_id=a.id, unit_id=unit_id, is_lead=unit_id == form.lead_unit_id))
    facts.status = "assigned"
    record_precedent(tx, a, "assigned", at)
    tx.flush()
    tx.publish(event_payload(tx, a, Assigned, actor=actor.get("sub"), note=None))
    return a


def sign(tx, actor: dict, assignment_id: int) -> Assignment:
    a = load(tx, assignment_id, lock=True)
    place = my_unit(tx, actor, a)
    if place.signed_at is not None:
        raise Conflict("already signed")
    if a.state == "closed":
        raise Conflict("the assignment is closed")
    place.signed_at = now()
    a.state = domain.state_after_sign(a.state, place.is_lead)
    unit = tx.get(Unit, place.unit_id)
    tx.flush()
    tx.publish(event_payload(tx, a, Signed, unit_id=place.unit_id, is_lead=place.is_lead,
                                       actor=unit.name, note=f"{unit.name} 签收"))
    return a


def had_contact_before(tx, a: Assignment, unit_id: int) -> bool:
    return tx.scalar(select(Contact.id).where(Contact.assignment_id == a.id, Contact.unit_id == unit_id,
                                              Contact.stage == "before").limit(1)) is not None


def reply(tx, actor: dict, assignment_id: int, data: dict, rules: Rules) -> Reply:
    form = parse(ReplyIn, data)
    domain.check_result_class(form.result_class, rules.result_classes)
    a = load(tx, assignment_id, lock=True)
    place = my_unit(tx, actor, a)
    try:
        domain.check_reply(a.state, place.is_lead, place.signed_at is not None)
    except Forbidden as exc:
        raise Conflict(exc.message) from None
    at = now()
    r = Reply(assignment_id=a.id, unit_id=place.unit_id, round=a.round, result_class=form.result_class,
              content=form.content, signed_by=form.signed_by, on_time=at <= a.due_at, at=at,
              contact_before=had_contact_before(tx, a, place.unit_id))
    tx.add(r)
    a.state = "replied"
    a.replied_at = at
    tx.flush()
    unit = tx.get(Unit, place.unit_id)
    tx.publish(event_payload(
        tx, a, Replied, reply_id=r.id, result_class=r.result_class, content=r.content, on_time=r.on_time,
        replied_at=at, contact_before=r.contact_before,
        follow_up=r.result_class in rules.follow_up_classes,
        actor=unit.name, note=f"{unit.name} 答复（{r.result_class}类）"))
    return r


def apply_evaluation(tx, rating: Evaluated, rules: Rules) -> None:
    a = tx.scalar(select(Assignment).where(Assignment.id == rating.assignment_id).with_for_update())
    if a is None or a.round != rating.round or a.state != "replied":
        return  # a stale or repeated rating changes nothing
    a.state = domain.after_evaluation(rating.satisfaction, rating.final)
    at = now()
    if a.state == "rehandling":
        a.round += 1
        a.due_at = domain.rehandling_due(at, rules.deadlines, rules.zone)
        tx.flush()
        tx.publish(event_payload(tx, a, RehandlingOpened, actor="system", note="不满意，重新办理"))
    else:
        a.closed_at = at
        tx.flush()
        tx.publish(event_payload(tx, a, Closed, actor="system", note="办结"))
