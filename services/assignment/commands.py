"""Use cases of the assignment service: units, 交办, 签收, 答复, rehandling.

Disputes, reroutes, contacts and opinions are in handling.py; urging, supervision
and extensions in oversight.py; the deadline scheduler in deadlines.py.
"""
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from services.assignment import domain
from services.assignment.events import (Assigned, AssignmentEvent, Closed, RehandlingOpened, Replied,
                                        Signed)
from services.assignment.models import (Assignment, AssignmentUnit, Contact, Precedent, Reply, SuggestionFacts,
                                        Unit)
from services.assignment.schemas import AssignIn, ReplyIn
from services.assignment.units import register_unit, unit_dict  # noqa: F401 - the service's entry points
from services.assignment.settings import Settings
from services.common.clock import now
from services.common.errors import Conflict, Forbidden, NotFound, field_error
from services.common.validation import parse
from services.evaluation.events import Evaluated

DEFAULTS = Settings()


def upsert_facts(tx, payload: dict, status: str) -> None:
    values = {"suggestion_id": payload["suggestion_id"], "number_label": payload.get("number_label"),
              "session": payload["session"], "title": payload["title"], "category": payload["category"],
              "body": payload.get("body"),
              "lead_deputy_id": payload["lead_deputy_id"], "co_signer_ids": payload.get("co_signer_ids", []),
              "status": status}
    stmt = pg_insert(SuggestionFacts).values(**values)
    tx.execute(stmt.on_conflict_do_update(index_elements=[SuggestionFacts.suggestion_id], set_=values))


def event_payload(tx, a: Assignment, event: type[AssignmentEvent] = AssignmentEvent, **extra) -> AssignmentEvent:
    """The assignment's common facts as ``event`` (a class of events.py) with its ``extra`` fields:
    what consumers need to act and to notify."""
    facts = tx.get(SuggestionFacts, a.suggestion_id)
    units = {u.id: u.name for u in tx.scalars(select(Unit).where(Unit.id.in_([a.lead_unit_id, *a.co_unit_ids])))}
    payload = {
        "assignment_id": a.id, "suggestion_id": a.suggestion_id, "state": a.state, "round": a.round,
        "lead_unit_id": a.lead_unit_id, "lead_unit_name": units.get(a.lead_unit_id),
        "co_unit_ids": a.co_unit_ids, "due_at": a.due_at,
        "number": facts.number_label if facts else None, "title": facts.title if facts else None,
        "session": facts.session if facts else None, "category": facts.category if facts else None,
        "lead_deputy_id": facts.lead_deputy_id if facts else None,
        "co_signer_ids": facts.co_signer_ids if facts else [],
    }
    return event(**payload, **extra)


def check_units_exist(tx, lead_unit_id: int, co_unit_ids: list[int]) -> None:
    domain.check_units(lead_unit_id, co_unit_ids)
    found = set(tx.scalars(select(Unit.id).where(Unit.id.in_([lead_unit_id, *co_unit_ids]))))
    if lead_unit_id not in found:
        raise field_error("lead_unit_id", f"unit {lead_unit_id} does not exist")
    missing = [u for u in co_unit_ids if u not in found]
    if missing:
        raise field_error("co_unit_ids", f"units do not exist: {missing}")


def record_precedent(tx, a: Assignment, source: str, at) -> None:
    """The office's choice of lead unit teaches routing; a reroute retires the earlier choice."""
    facts = tx.get(SuggestionFacts, a.suggestion_id)
    if facts is None:
        return
    tx.execute(update(Precedent).where(Precedent.assignment_id == a.id, Precedent.superseded.is_(False))
               .values(superseded=True))
    tx.add(Precedent(assignment_id=a.id, suggestion_id=a.suggestion_id, title=facts.title,
                     category=facts.category, unit_id=a.lead_unit_id, source=source, at=at))


def assign(tx, actor: dict, suggestion_id: int, data: dict, fetch_facts, settings: Settings = DEFAULTS) -> Assignment:
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
                   state="assigned", round=1, due_at=form.due_at or domain.reply_due(at, settings.deadlines),
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


def load(tx, assignment_id: int, lock: bool = False) -> Assignment:
    query = select(Assignment).where(Assignment.id == assignment_id)
    a = tx.scalar(query.with_for_update() if lock else query)
    if a is None:
        raise NotFound(f"assignment {assignment_id} not found")
    return a


def my_unit(tx, actor: dict, a: Assignment) -> AssignmentUnit:
    """The acting unit's place on the assignment; 404 if it has none (not visible to it)."""
    place = tx.get(AssignmentUnit, (a.id, actor.get("unit_id")))
    if place is None:
        raise NotFound(f"assignment {a.id} not found")
    return place


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


def reply(tx, actor: dict, assignment_id: int, data: dict, settings: Settings = DEFAULTS) -> Reply:
    form = parse(ReplyIn, data)
    domain.check_result_class(form.result_class, settings.result_classes)
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
        follow_up=r.result_class in settings.follow_up_classes,
        actor=unit.name, note=f"{unit.name} 答复（{r.result_class}类）"))
    return r


def reply_dict(r: Reply) -> dict:
    return {"id": r.id, "assignment_id": r.assignment_id, "round": r.round, "result_class": r.result_class,
            "content": r.content, "signed_by": r.signed_by, "on_time": r.on_time, "at": r.at.isoformat(),
            "contact_before": r.contact_before, "follow_up_of": r.follow_up_of}


def apply_evaluation(tx, rating: Evaluated, settings: Settings = DEFAULTS) -> None:
    a = tx.scalar(select(Assignment).where(Assignment.id == rating.assignment_id).with_for_update())
    if a is None or a.round != rating.round or a.state != "replied":
        return  # a stale or repeated rating changes nothing
    a.state = domain.after_evaluation(rating.satisfaction, rating.final)
    at = now()
    if a.state == "rehandling":
        a.round += 1
        a.due_at = domain.rehandling_due(at, settings.deadlines)
        tx.flush()
        tx.publish(event_payload(tx, a, RehandlingOpened, actor="system", note="不满意，重新办理"))
    else:
        a.closed_at = at
        tx.flush()
        tx.publish(event_payload(tx, a, Closed, actor="system", note="办结"))
