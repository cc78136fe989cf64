"""Use cases of handling (办): disputes and reroutes, contacts, co-unit opinions, follow-up replies."""
from sqlalchemy import delete, func, select, update

from services.assignment import domain
from services.assignment.events import CoOpinionAdded, ContactAdded, Disputed, FollowedUp, Rerouted
from services.assignment.models import AssignmentUnit, CoOpinion, Contact, Dispute, Reply, Reroute, Unit
from services.assignment.rules import Rules
from services.assignment.schemas import CoOpinionIn, ContactIn, DisputeIn, FollowUpIn, RerouteIn
from services.assignment.store import check_units_exist, event_payload, load, my_unit, record_precedent
from services.assignment.views import contact_dict, dispute_dict, opinion_dict
from services.common.clock import now
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
    domain.check_dispute(a.state, at, domain.dispute_until(a.routed_at or a.created_at, rules.deadlines, rules.zone),
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
    """改办: new lead and co-units; the history is kept, open disputes are resolved."""
    form = parse(RerouteIn, data)
    domain.check_due_at(form.due_at, now())
    check_units_exist(tx, form.lead_unit_id, form.co_unit_ids)
    a = load(tx, assignment_id, lock=True)
    domain.check_reroute(a.state)
    at = now()
    previous_lead, previous_co = a.lead_unit_id, list(a.co_unit_ids)
    tx.add(Reroute(assignment_id=a.id, previous_lead_unit_id=previous_lead, previous_co_unit_ids=previous_co,
                   lead_unit_id=form.lead_unit_id, co_unit_ids=form.co_unit_ids, reason=form.reason,
                   actor=actor.get("sub"), at=at))
    tx.execute(update(Dispute).where(Dispute.assignment_id == a.id, Dispute.resolved_at.is_(None))
               .values(resolved_at=at))
    wanted = {form.lead_unit_id: True, **{u: False for u in form.co_unit_ids}}
    places = {p.unit_id: p for p in tx.scalars(select(AssignmentUnit).where(AssignmentUnit.assignment_id == a.id))}
    tx.execute(delete(AssignmentUnit).where(AssignmentUnit.assignment_id == a.id,
                                            AssignmentUnit.unit_id.not_in(list(wanted))))
    for unit_id, is_lead in wanted.items():
        if unit_id in places:  # a unit that stays keeps its signature
            places[unit_id].is_lead = is_lead
        else:
            tx.add(AssignmentUnit(assignment_id=a.id, unit_id=unit_id, is_lead=is_lead))
    lead_place = places.get(form.lead_unit_id)
    a.lead_unit_id, a.co_unit_ids = form.lead_unit_id, form.co_unit_ids
    a.routed_at = at
    a.due_at = form.due_at or domain.reply_due(at, rules.deadlines, rules.zone)
    a.state = domain.state_after_reroute(lead_place is not None and lead_place.signed_at is not None)
    record_precedent(tx, a, "rerouted", at)
    tx.flush()
    lead = tx.get(Unit, a.lead_unit_id)
    tx.publish(event_payload(tx, a, Rerouted, previous_lead_unit_id=previous_lead,
                                         previous_co_unit_ids=previous_co, reason=form.reason,
                                         actor=actor.get("sub"), note=f"改由{lead.name}主办"))
    return a


def add_contact(tx, actor: dict, assignment_id: int, data: dict) -> dict:
    form = parse(ContactIn, data)
    a = load(tx, assignment_id, lock=True)
    place = my_unit(tx, actor, a)
    c = Contact(assignment_id=a.id, unit_id=place.unit_id, stage=form.stage, method=form.method,
                note=form.note, at=now())
    tx.add(c)
    tx.flush()
    unit = tx.get(Unit, place.unit_id)
    tx.publish(event_payload(
        tx, a, ContactAdded, unit_id=unit.id, contact_id=c.id, stage=c.stage, method=c.method, actor=unit.name,
        note=f"{unit.name} {STAGES[c.stage]}{METHODS[c.method]}见面" + (f"：{c.note}" if c.note else "")))
    return contact_dict(c)


def add_opinion(tx, actor: dict, assignment_id: int, data: dict, rules: Rules) -> dict:
    form = parse(CoOpinionIn, data)
    a = load(tx, assignment_id, lock=True)
    place = my_unit(tx, actor, a)
    domain.check_co_opinion(a.state, place.is_lead)
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
    """跟踪办理: the lead unit's further reply on a B-class item once it is solved."""
    form = parse(FollowUpIn, data)
    result_class = form.result_class or next(iter(rules.result_classes))
    domain.check_result_class(result_class, rules.result_classes)
    a = load(tx, assignment_id, lock=True)
    place = my_unit(tx, actor, a)
    last = tx.scalar(select(Reply).where(Reply.assignment_id == a.id, Reply.follow_up_of.is_(None))
                     .order_by(Reply.id.desc()).limit(1))
    done = last is not None and tx.scalar(select(func.count(Reply.id)).where(Reply.follow_up_of == last.id)) > 0
    domain.check_follow_up(a.state, place.is_lead, last.result_class if last else None, done,
                           rules.follow_up_classes)
    at = now()
    r = Reply(assignment_id=a.id, unit_id=place.unit_id, round=last.round, result_class=result_class,
              content=form.content, signed_by=form.signed_by, on_time=True, at=at, contact_before=True,
              follow_up_of=last.id)
    tx.add(r)
    tx.flush()
    unit = tx.get(Unit, place.unit_id)
    tx.publish(event_payload(tx, a, FollowedUp, reply_id=r.id, follows_reply_id=last.id,
                                            result_class=result_class, actor=unit.name,
                                            note=f"{unit.name} 跟踪办理答复（{result_class}类）"))
    return r

