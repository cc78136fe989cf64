"""Use cases of the assignment service: 交办, 签收, 答复, rehandling.

Units are registered in units.py; disputes, reroutes, contacts and opinions are in
handling.py; urging, supervision and extensions in oversight.py; the deadline scheduler in
deadlines.py; loading and locking in store.py, answers in views.py.
"""
from sqlalchemy import func, select

from services.assignment import domain
from services.assignment.events import Assigned, Closed, RehandlingOpened, Replied, Signed
from services.assignment.models import Assignment, AssignmentUnit, Contact, Reply, SuggestionFacts, Unit
from services.assignment.rules import Rules
from services.assignment.schemas import AssignIn, ReplyIn, SignIn
from services.assignment.store import (acting_place, by_office, check_units, event_payload, load, on_behalf,
                                       record_precedent, routed, summarise, upsert_facts)
from services.common.clock import now
from services.common.errors import Conflict, Forbidden, NotFound
from services.common.validation import parse
from services.evaluation.events import Evaluated


def assign(tx, actor: dict, suggestion_id: int, data: dict, fetch_facts, rules: Rules) -> Assignment:
    """交办 in mode lead (a lead unit replies, co-units help) or separate (分办: every unit replies)."""
    form = parse(AssignIn, data)
    at = now()
    if form.assigned_at is not None:
        domain.check_office_only(actor, "assigned_at")
    assigned_at = domain.check_step_date("assigned_at", form.assigned_at, at, None)
    domain.check_due_at(form.due_at, at)
    mode, lead, co, handling = check_units(tx, form)
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
    due = form.due_at or domain.reply_due(assigned_at, rules.deadlines, rules.zone)
    a = Assignment(suggestion_id=suggestion_id, mode=mode, lead_unit_id=lead, co_unit_ids=co,
                   state="assigned", round=1, due_at=due, created_at=at, assigned_at=assigned_at,
                   routed_at=assigned_at, supervised=False)
    tx.add(a)
    tx.flush()
    for unit_id in handling:
        tx.add(AssignmentUnit(assignment_id=a.id, unit_id=unit_id, is_lead=unit_id == lead,
                              role="lead" if mode == "lead" else "separate", state="assigned", round=1, due_at=due))
    for unit_id in co:
        tx.add(AssignmentUnit(assignment_id=a.id, unit_id=unit_id, is_lead=False, role="co"))
    facts.status = "assigned"
    record_precedent(tx, a, "assigned", assigned_at, handling, co)  # the real date: time-split learning
    tx.flush()
    names = dict(tx.execute(select(Unit.id, Unit.name).where(Unit.id.in_(handling))).all())
    tx.publish(event_payload(tx, a, Assigned, assigned_at=assigned_at, actor=actor.get("sub"),
                             note="分办：" + "、".join(names[u] for u in handling) if mode == "separate" else None))
    return a


def sign(tx, actor: dict, assignment_id: int, data: dict | None = None) -> Assignment:
    """签收 by a unit, or recorded by the office on its behalf (``unit_id``, ``signed_at``)."""
    form = parse(SignIn, data or {})
    if form.signed_at is not None:
        domain.check_office_only(actor, "signed_at")
    a = load(tx, assignment_id, lock=True)
    place = acting_place(tx, actor, a, form.unit_id)
    if place.signed_at is not None:
        raise Conflict("already signed")
    if a.state == "closed":
        raise Conflict("the assignment is closed")
    place.signed_at = domain.check_step_date("signed_at", form.signed_at, now(), routed(a))
    if place.role in domain.HANDLING_ROLES:
        place.state = domain.state_after_sign(place.state, True)
    summarise(tx, a)
    unit = tx.get(Unit, place.unit_id)
    tx.publish(event_payload(tx, a, Signed, place, unit_id=place.unit_id, is_lead=place.is_lead,
                             signed_at=place.signed_at, on_behalf=on_behalf(actor),
                             actor=unit.name, note=f"{unit.name} 签收" + by_office(actor)))
    return a


def had_contact_before(tx, a: Assignment, unit_id: int) -> bool:
    return tx.scalar(select(Contact.id).where(Contact.assignment_id == a.id, Contact.unit_id == unit_id,
                                              Contact.stage == "before").limit(1)) is not None


def reply(tx, actor: dict, assignment_id: int, data: dict, rules: Rules) -> Reply:
    """答复 by a handling unit (the lead, or each unit of a separate assignment), or recorded by the
    office on its behalf; ``replied_at`` (office only) is the real date: on time = by that unit's due date."""
    form = parse(ReplyIn, data)
    domain.check_result_class(form.result_class, rules.result_classes)
    if form.replied_at is not None:
        domain.check_office_only(actor, "replied_at")
    a = load(tx, assignment_id, lock=True)
    place = acting_place(tx, actor, a, form.unit_id)
    handles = place.role in domain.HANDLING_ROLES
    try:
        domain.check_reply(place.state if handles else a.state, handles, place.signed_at is not None)
    except Forbidden as exc:
        raise Conflict(exc.message) from None
    last = tx.scalar(select(func.max(Reply.at)).where(Reply.assignment_id == a.id, Reply.unit_id == place.unit_id))
    at = domain.check_step_date("replied_at", form.replied_at, now(),
                                max(t for t in (place.signed_at, last) if t is not None))
    r = Reply(assignment_id=a.id, unit_id=place.unit_id, round=place.round, result_class=form.result_class,
              content=form.content, signed_by=form.signed_by, on_time=at <= place.due_at, at=at,
              contact_before=had_contact_before(tx, a, place.unit_id))
    tx.add(r)
    place.state = "replied"
    place.replied_at = at
    summarise(tx, a)
    unit = tx.get(Unit, place.unit_id)
    tx.publish(event_payload(
        tx, a, Replied, place, reply_id=r.id, result_class=r.result_class, content=r.content, on_time=r.on_time,
        replied_at=at, contact_before=r.contact_before,
        follow_up=r.result_class in rules.follow_up_classes, on_behalf=on_behalf(actor),
        actor=unit.name, note=f"{unit.name} 答复（{r.result_class}类）" + by_office(actor)))
    return r


def apply_evaluation(tx, rating: Evaluated, rules: Rules, unit_id: int | None = None) -> None:
    """A rating of one handling unit's reply (``unit_id``; None: the lead unit's): dissatisfied (not
    final) reopens rehandling for that unit only, else that unit's handling is closed."""
    a = tx.scalar(select(Assignment).where(Assignment.id == rating.assignment_id).with_for_update())
    if a is None:
        return
    if unit_id is None:
        unit_id = a.lead_unit_id
    place = tx.get(AssignmentUnit, (a.id, unit_id)) if unit_id is not None else None
    if place is None or place.role not in domain.HANDLING_ROLES or place.round != rating.round \
            or place.state != "replied":
        return  # a stale or repeated rating, or one for no handling unit, changes nothing
    place.state = domain.after_evaluation(rating.satisfaction, rating.final)
    # the rating's real date (a paper form, a past year): the rehandling period runs from it, and
    # the unit's handling closed then; never later than now
    at = min(rating.evaluated_at or now(), now())
    unit = tx.get(Unit, place.unit_id)
    who = f"{unit.name} " if a.mode == "separate" else ""
    if place.state == "rehandling":
        place.round += 1
        place.due_at = domain.rehandling_due(at, rules.deadlines, rules.zone)
        summarise(tx, a)
        tx.publish(event_payload(tx, a, RehandlingOpened, place, opened_at=at, actor="system",
                                 note=f"{who}不满意，重新办理"))
    else:
        place.closed_at = at
        summarise(tx, a)
        tx.publish(event_payload(tx, a, Closed, place, closed_at=at, actor="system", note=f"{who}办结"))
