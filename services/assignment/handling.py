"""Use cases of handling (办): disputes and reroutes, contacts, co-unit opinions, follow-up replies."""
from sqlalchemy import delete, func, select, update

from services.assignment import domain
from services.assignment.events import CoOpinionAdded, ContactAdded, Disputed, FollowedUp, Rerouted
from services.assignment.models import AssignmentUnit, CoOpinion, Contact, Dispute, Reply, Reroute, Unit
from services.assignment.rules import Rules
from services.assignment.schemas import CoOpinionIn, ContactIn, DisputeIn, FollowUpIn, RerouteIn
from services.assignment.store import (acting_place, by_office, check_units, event_payload, handling_places, load,
                                       my_unit, on_behalf, record_precedent, summarise)
from services.assignment.views import contact_dict, dispute_dict, opinion_dict
from services.common.clock import now
from services.common.errors import Conflict, field_error
from services.common.validation import parse

STAGES = {"before": "办理前", "during": "办理中", "after": "办理后"}
METHODS = {"visit": "走访", "phone": "电话", "meeting": "座谈", "online": "网络"}


def dispute(tx, actor: dict, assignment_id: int, data: dict, rules: Rules) -> dict:
    form = parse(DisputeIn, data)
    a = load(tx, assignment_id, lock=True)
    place = my_unit(tx, actor, a)
    at = now()
    open_ = tx.scalar(select(Dispute.id).where(Dispute.assignment_id == a.id, Dispute.unit_id == place.unit_id,
                                               Dispute.resolved_at.is_(None)))
    domain.check_dispute(place.state if place.role == "separate" else a.state, at, domain.dispute_until(a.routed_at or a.created_at, rules.deadlines, rules.zone),
                         open_ is not None)
    d = Dispute(assignment_id=a.id, unit_id=place.unit_id, reason=form.reason, at=at)
    tx.add(d)
    tx.flush()
    unit = tx.get(Unit, place.unit_id)
    tx.publish(event_payload(tx, a, Disputed, unit_id=unit.id, unit_name=unit.name, reason=form.reason,
                                         dispute_id=d.id, actor=unit.name,
                                         note=f"{unit.name} 申请退回：{form.reason}"))
    return dispute_dict(d)


def reroute(tx, actor: dict, assignment_id: int, data: dict, rules: Rules):
    """改办: new units (the same mode: lead and co-units, or a separate assignment's unit set); the
    history is kept, open disputes are resolved; every handling unit gets a new reply period and
    its round's state again (signed if it had signed, else assigned). Before any reply."""
    form = parse(RerouteIn, data)
    domain.check_due_at(form.due_at, now())
    a = load(tx, assignment_id, lock=True)
    if form.mode is not None and form.mode != a.mode:
        raise field_error("mode", f"a reroute keeps the assignment's mode ({a.mode})")
    mode, lead, co, handling = check_units(tx, form.model_copy(update={"mode": a.mode}))
    domain.check_reroute(a.state)
    at = now()
    previous = handling_places(tx, a)
    if any(p.state not in domain.REROUTABLE for p in previous):
        raise Conflict("a unit has replied already: cannot reroute")
    previous_lead, previous_co = a.lead_unit_id, list(a.co_unit_ids)
    previous_units = [p.unit_id for p in previous] if a.mode == "separate" else []
    tx.add(Reroute(assignment_id=a.id, previous_lead_unit_id=previous_lead, previous_co_unit_ids=previous_co,
                   lead_unit_id=lead, co_unit_ids=co, reason=form.reason, actor=actor.get("sub"), at=at,
                   previous_unit_ids=previous_units, unit_ids=handling if mode == "separate" else []))
    tx.execute(update(Dispute).where(Dispute.assignment_id == a.id, Dispute.resolved_at.is_(None))
               .values(resolved_at=at))
    role = "lead" if mode == "lead" else "separate"
    wanted = {**{u: role for u in handling}, **{u: "co" for u in co}}
    places = {p.unit_id: p for p in tx.scalars(select(AssignmentUnit).where(AssignmentUnit.assignment_id == a.id))}
    tx.execute(delete(AssignmentUnit).where(AssignmentUnit.assignment_id == a.id,
                                            AssignmentUnit.unit_id.not_in(list(wanted))))
    due = form.due_at or domain.reply_due(at, rules.deadlines, rules.zone)
    for unit_id, role_ in wanted.items():
        place = places.get(unit_id)
        if place is None:  # a unit that stays keeps its signature
            place = AssignmentUnit(assignment_id=a.id, unit_id=unit_id)
            tx.add(place)
        place.role, place.is_lead = role_, unit_id == lead
        if role_ == "co":
            place.state = place.round = place.due_at = place.replied_at = place.closed_at = None
        else:
            place.state = domain.state_after_reroute(place.signed_at is not None)
            place.round, place.due_at = place.round or a.round, due
    a.lead_unit_id, a.co_unit_ids = lead, co
    a.routed_at = at
    summarise(tx, a)
    record_precedent(tx, a, "rerouted", at, handling, co)
    tx.flush()
    names = dict(tx.execute(select(Unit.id, Unit.name).where(Unit.id.in_(handling))).all())
    note = (f"改由{names[lead]}主办" if mode == "lead"
            else "改由" + "、".join(names[u] for u in handling) + "分办")
    tx.publish(event_payload(tx, a, Rerouted, previous_lead_unit_id=previous_lead,
                             previous_co_unit_ids=previous_co, previous_unit_ids=[p.unit_id for p in previous],
                             reason=form.reason, actor=actor.get("sub"), note=note))
    return a


def add_contact(tx, actor: dict, assignment_id: int, data: dict) -> dict:
    form = parse(ContactIn, data)
    a = load(tx, assignment_id, lock=True)
    place = acting_place(tx, actor, a, form.unit_id)
    c = Contact(assignment_id=a.id, unit_id=place.unit_id, stage=form.stage, method=form.method,
                note=form.note, at=now())
    tx.add(c)
    tx.flush()
    unit = tx.get(Unit, place.unit_id)
    tx.publish(event_payload(
        tx, a, ContactAdded, place, unit_id=unit.id, contact_id=c.id, stage=c.stage, method=c.method,
        actor=unit.name, on_behalf=on_behalf(actor),
        note=f"{unit.name} {STAGES[c.stage]}{METHODS[c.method]}见面" + (f"：{c.note}" if c.note else "")
        + by_office(actor)))
    return contact_dict(c)


def add_opinion(tx, actor: dict, assignment_id: int, data: dict, rules: Rules) -> dict:
    form = parse(CoOpinionIn, data)
    a = load(tx, assignment_id, lock=True)
    place = my_unit(tx, actor, a)
    domain.check_co_opinion(a.state, place.role != "co")
    at = now()
    due = domain.co_opinion_due(a.routed_at or a.created_at, rules.deadlines, rules.zone)
    o = CoOpinion(assignment_id=a.id, unit_id=place.unit_id, round=a.round, content=form.content,
                  on_time=at <= due, at=at)
    tx.add(o)
    tx.flush()
    unit = tx.get(Unit, place.unit_id)
    tx.publish(event_payload(tx, a, CoOpinionAdded, unit_id=unit.id, opinion_id=o.id, on_time=o.on_time,
                                                 actor=unit.name, note=f"{unit.name} 提出会办意见"))
    return opinion_dict(o)


def follow_up(tx, actor: dict, assignment_id: int, data: dict, rules: Rules) -> Reply:
    """跟踪办理: a handling unit's further reply on its B-class item once it is solved (or the office
    recording it on the unit's behalf)."""
    form = parse(FollowUpIn, data)
    result_class = form.result_class or next(iter(rules.result_classes))
    domain.check_result_class(result_class, rules.result_classes)
    a = load(tx, assignment_id, lock=True)
    place = acting_place(tx, actor, a, form.unit_id)
    handles = place.role in domain.HANDLING_ROLES
    last = tx.scalar(select(Reply).where(Reply.assignment_id == a.id, Reply.unit_id == place.unit_id,
                                         Reply.follow_up_of.is_(None)).order_by(Reply.id.desc()).limit(1))
    done = last is not None and tx.scalar(select(func.count(Reply.id)).where(Reply.follow_up_of == last.id)) > 0
    domain.check_follow_up(place.state if handles else a.state, handles, last.result_class if last else None,
                           done, rules.follow_up_classes)
    at = now()
    r = Reply(assignment_id=a.id, unit_id=place.unit_id, round=last.round, result_class=result_class,
              content=form.content, signed_by=form.signed_by, on_time=True, at=at, contact_before=True,
              follow_up_of=last.id)
    tx.add(r)
    tx.flush()
    unit = tx.get(Unit, place.unit_id)
    tx.publish(event_payload(tx, a, FollowedUp, place, reply_id=r.id, follows_reply_id=last.id,
                             result_class=result_class, actor=unit.name, on_behalf=on_behalf(actor),
                             note=f"{unit.name} 跟踪办理答复（{result_class}类）" + by_office(actor)))
    return r

