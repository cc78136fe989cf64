"""Use cases of supervision (督): urging and the urging letter, key supervision, extensions."""
import logging
from datetime import timedelta

from sqlalchemy import func, select

from services.assignment import domain, letter, schedule
from services.assignment.events import ExtensionDecided, ExtensionRequested, SupervisionSet, Urged
from services.assignment.models import (Assignment, AssignmentUnit, CoOpinion, Extension, Person,
                                        SuggestionFacts, Supervision, Unit, Urging)
from services.assignment.rules import LETTER_TEMPLATE, Rules
from services.assignment.schemas import ExtensionDecisionIn, ExtensionIn, SupervisionIn, UrgeIn
from services.assignment.store import event_payload, load, my_unit, places, summarise
from services.assignment.views import extension_dict, supervision_dict, urging_dict
from services.common import people
from services.common.clock import now
from services.common.errors import Conflict, NotFound, field_error
from services.common.validation import parse

log = logging.getLogger(__name__)


def unit_terms(tx, a: Assignment, place: AssignmentUnit, rules: Rules) -> tuple[str, object, str]:
    """The unit's part (lead/co/separate), its own due date and its state: the lead's due date is the
    assignment's; a co-unit's is its co-unit opinion's (co_opinion due after routing), done once it has
    given its opinion in this round; a separately handling unit has its own."""
    if a.mode == "separate":
        return "separate", place.due_at, place.state
    if place.is_lead:
        return "lead", a.due_at, a.state
    due = domain.co_opinion_due(a.routed_at or a.created_at, rules.deadlines, rules.zone)
    given = tx.scalar(select(CoOpinion.id).where(CoOpinion.assignment_id == a.id, CoOpinion.unit_id == place.unit_id,
                                                 CoOpinion.round == a.round).limit(1))
    return "co", due, ("replied" if given is not None or a.state not in domain.HANDLING else a.state)


def letter_text(tx, a: Assignment, at, rules: Rules, note: str | None = None,
                place: AssignmentUnit | None = None) -> str:
    """The urging letter (督办函) addressed to ``place``'s unit (default: the lead unit), from the
    operator's template: that unit's name, part, own due date and days late."""
    place = place or tx.get(AssignmentUnit, (a.id, a.lead_unit_id))
    role, due, state = unit_terms(tx, a, place, rules)
    facts = tx.get(SuggestionFacts, a.suggestion_id)
    unit = tx.get(Unit, place.unit_id)
    late = domain.days_late(due, at, rules.zone) if state in domain.HANDLING else 0
    values = dict(number=facts.number_label if facts else None, title=facts.title if facts else None,
                  unit_name=unit.name, assigned_at=a.routed_at or a.created_at, due_at=due, at=at,
                  days_late=late, days_left=schedule.days_left(due, at), note=note, tz=rules.zone, role=role)
    try:
        return letter.render(letter.load(rules.letter_template), **values)
    except (OSError, ValueError, IndexError) as exc:  # an unreadable or broken edit: the shipped template
        log.error("urging letter template %s unusable (%r); using the default", rules.letter_template, exc)
        return letter.render(letter.load(LETTER_TEMPLATE), **values)


def letter_preview(tx, a: Assignment, at, rules: Rules, unit_id: int | None = None) -> dict:
    """GET .../letter?unit_id=: the letter as it would be sent now to that unit (default: the lead)."""
    on_it = places(tx, a)
    target = domain.urge_targets(a.mode, a.lead_unit_id, [(p.unit_id, True) for p in on_it], unit_id)[0]
    place = next(p for p in on_it if p.unit_id == target)
    return {"assignment_id": a.id, "unit_id": target, "letter": letter_text(tx, a, at, rules, place=place)}


def urge(tx, actor: dict, assignment_id: int, data: dict, rules: Rules) -> dict:
    """督办 of the named unit (any unit of the assignment), or by default the lead unit (a separate
    assignment: every unit still handling); one urging record, letter and event per unit."""
    form = parse(UrgeIn, data)
    a = load(tx, assignment_id, lock=True)
    on_it = places(tx, a)
    terms = {p.unit_id: (p, *unit_terms(tx, a, p, rules)) for p in on_it}
    targets = domain.urge_targets(a.mode, a.lead_unit_id,
                                  [(u, t[3] in domain.HANDLING) for u, t in terms.items()], form.unit_id)
    separate = a.mode == "separate"
    if not separate:
        domain.check_urge(a.state)  # nothing to urge once the lead unit has replied (co-units included)
    at = now()
    done = []
    for unit_id in targets:
        place, role, due, state = terms[unit_id]
        if separate:
            domain.check_urge(state)  # that unit's own handling
        late = domain.days_late(due, at, rules.zone) if state in domain.HANDLING else 0
        text = letter_text(tx, a, at, rules, form.note, place) if form.method == "letter" else None
        u = Urging(assignment_id=a.id, unit_id=unit_id, method=form.method, note=form.note, days_late=late,
                   letter=text, actor=actor.get("sub"), at=at)
        tx.add(u)
        tx.flush()
        unit = tx.get(Unit, unit_id)
        how = f"向{unit.name}发督办函" if form.method == "letter" else f"电话督办{unit.name}"
        tx.publish(event_payload(tx, a, Urged, place, method=form.method, days_late=late, urging_id=u.id,
                                 unit_id=unit_id, unit_name=unit.name, unit_role=role, unit_due_at=due,
                                 actor=actor.get("sub"),
                                 note=how + (f"（已逾期{late}天）" if late else "")
                                 + (f"：{form.note}" if form.note else "")))
        done.append(urging_dict(u, unit.name))
    return {**done[0], "others": [d["id"] for d in done[1:]]}


def set_supervision(tx, actor: dict, suggestion_id: int, data: dict) -> dict:
    """重点督办 of a suggestion's assignment by named leaders and/or a special committee."""
    form = parse(SupervisionIn, data)
    leaders = domain.supervisors([x.model_dump() for x in form.leaders], form.leader, form.committee)
    leaders = domain.named_leaders(leaders, people.known(tx, Person, [x["sub"] for x in leaders]),
                                   shorthand=form.leader is not None)
    a = tx.scalar(select(Assignment).where(Assignment.suggestion_id == suggestion_id).with_for_update())
    if a is None:
        if tx.get(SuggestionFacts, suggestion_id) is None:
            raise NotFound(f"suggestion {suggestion_id} not found")
        raise Conflict(f"suggestion {suggestion_id} is not assigned yet")
    if a.supervised:
        raise Conflict(f"suggestion {suggestion_id} is already under key supervision")
    s = Supervision(assignment_id=a.id, suggestion_id=suggestion_id, leader=leaders[0]["sub"] if leaders else None,
                    leaders=leaders, committee=form.committee, reason=form.reason, actor=actor.get("sub"), at=now())
    tx.add(s)
    a.supervised = True
    tx.flush()
    tx.publish(event_payload(
        tx, a, SupervisionSet, leader=s.leader, leaders=leaders, committee=s.committee, reason=s.reason,
        actor=actor.get("sub"), note=domain.supervision_note(leaders, s.committee)))
    return supervision_dict(s)


def request_extension(tx, actor: dict, assignment_id: int, data: dict, rules: Rules) -> dict:
    form = parse(ExtensionIn, data)
    a = load(tx, assignment_id, lock=True)
    place = my_unit(tx, actor, a)
    # a separate assignment's units each have their own requests and extension days
    mine = (Extension.assignment_id == a.id, *([Extension.unit_id == place.unit_id] if a.mode == "separate" else []))
    granted = tx.scalar(select(func.coalesce(func.sum(Extension.days), 0)).where(*mine, Extension.status == "approved"))
    pending = tx.scalar(select(Extension.id).where(*mine, Extension.status == "pending"))
    handles = place.role in domain.HANDLING_ROLES
    domain.check_extension_request(place.state if handles else a.state, handles, form.days, granted,
                                   pending is not None, rules.deadlines)
    e = Extension(assignment_id=a.id, unit_id=place.unit_id, days=form.days, reason=form.reason,
                  status="pending", requested_at=now())
    tx.add(e)
    tx.flush()
    unit = tx.get(Unit, place.unit_id)
    tx.publish(event_payload(
        tx, a, ExtensionRequested, place, extension_id=e.id, days=e.days, reason=e.reason, unit_id=unit.id,
        actor=unit.name,
        note=f"{unit.name} 申请延期{e.days}天：{e.reason}"))
    return extension_dict(e)


def decide_extension(tx, actor: dict, assignment_id: int, data: dict) -> dict:
    """The office approves (that unit's due date moves) or refuses a handling unit's request; with
    several units' requests waiting (分办) ``unit_id`` says whose."""
    form = parse(ExtensionDecisionIn, data)
    a = load(tx, assignment_id, lock=True)
    waiting = list(tx.scalars(select(Extension).where(Extension.assignment_id == a.id, Extension.status == "pending",
                                                      *([Extension.unit_id == form.unit_id] if form.unit_id else []))
                              .order_by(Extension.id)))
    if not waiting:
        raise Conflict("no extension request is waiting for a decision"
                       + (f" from unit {form.unit_id}" if form.unit_id else ""))
    if len(waiting) > 1:
        raise field_error("unit_id", "several units' requests wait: say whose request this decides")
    e = waiting[0]
    # the requesting unit's due date; in lead mode the lead unit's (whoever leads since the request)
    place = tx.get(AssignmentUnit, (a.id, e.unit_id if a.mode == "separate" else a.lead_unit_id))
    if form.approve and (place is None or place.state not in domain.HANDLING):
        raise Conflict(f"cannot extend the due date in state {place.state if place else a.state}; "
                       "refuse the request instead")
    e.decided_at, e.decided_by = now(), actor.get("sub")
    e.previous_due_at = place.due_at if place is not None else a.due_at
    if form.approve:
        e.status = "approved"
        place.due_at = place.due_at + timedelta(days=e.days)
        summarise(tx, a)
    else:
        e.status = "refused"
    e.new_due_at = place.due_at if place is not None else a.due_at
    tx.flush()
    verdict = f"同意延期{e.days}天" if form.approve else "不同意延期"
    tx.publish(event_payload(
        tx, a, ExtensionDecided, place, extension_id=e.id, approved=form.approve, days=e.days, actor=actor.get("sub"),
        note=verdict + (f"：{form.note}" if form.note else "")))
    return extension_dict(e)
