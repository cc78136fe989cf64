"""Loading and locking of the assignment service's rows, and what every use case writes beside
its own change: the suggestion facts it keeps, the routing precedents, and an event's common facts."""
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from services.assignment import domain
from services.assignment.events import AssignmentEvent
from services.assignment.models import Assignment, AssignmentUnit, DeputyContact, Precedent, SuggestionFacts, Unit
from services.common.errors import NotFound, field_error
from services.common.store import load_or_404


def load(tx, assignment_id: int, lock: bool = False) -> Assignment:
    return load_or_404(tx, Assignment, assignment_id, "assignment", lock)


def hidden(assignment_id: int) -> NotFound:
    """What a caller who may not see an assignment gets: the answer for one that does not exist."""
    return NotFound(f"no such assignment: {assignment_id}")


def my_unit(tx, actor: dict, a: Assignment) -> AssignmentUnit:
    """The acting unit's place on the assignment; 404 if it has none (not visible to it)."""
    place = tx.get(AssignmentUnit, (a.id, actor.get("unit_id")))
    if place is None:
        raise hidden(a.id)
    return place


def acting_place(tx, actor: dict, a: Assignment, unit_id: int | None) -> AssignmentUnit:
    """The place of the unit a step is for: a unit acts for itself (naming another is 403); the
    office records a unit's step on its behalf and must name a unit of the assignment."""
    wanted = domain.acting_unit(actor, unit_id)
    if actor.get("role") != "office":
        return my_unit(tx, actor, a)
    place = tx.get(AssignmentUnit, (a.id, wanted))
    if place is None:
        raise field_error("unit_id", f"unit {wanted} is not a unit of assignment {a.id}")
    return place


def routed(a: Assignment):
    """When the current units got the assignment (the real date of 交办, or the latest reroute)."""
    return a.routed_at or a.assigned_at or a.created_at


def on_behalf(actor: dict) -> bool:
    return actor.get("role") == "office"


def by_office(actor: dict) -> str:
    return "（交办机构代为录入）" if on_behalf(actor) else ""


def places(tx, a: Assignment) -> list[AssignmentUnit]:
    """The assignment's units: the lead first, then by unit id."""
    return list(tx.scalars(select(AssignmentUnit).where(AssignmentUnit.assignment_id == a.id)
                           .order_by(AssignmentUnit.is_lead.desc(), AssignmentUnit.unit_id)))


def handling_places(tx, a: Assignment) -> list[AssignmentUnit]:
    return [p for p in places(tx, a) if p.role in domain.HANDLING_ROLES]


def summarise(tx, a: Assignment) -> None:
    """The assignment's state, round, due date, reply and closing from its handling units'
    (lead mode: exactly the lead's). Call after changing a handling unit's place."""
    tx.flush()
    handling = handling_places(tx, a)
    a.state = domain.summarise([p.state for p in handling])
    a.round = max(p.round for p in handling)
    a.due_at = domain.summary_due([(p.state, p.due_at) for p in handling])
    replied = [p.replied_at for p in handling]
    a.replied_at = max(replied) if all(replied) else None
    closed = [p.closed_at for p in handling]
    a.closed_at = max(closed) if all(closed) else None


def check_units(tx, form) -> tuple[str, int | None, list[int], list[int]]:
    """(mode, lead_unit_id, co_unit_ids, handling unit ids) of an assign or reroute form, every unit
    existing; errors name the field."""
    mode = form.mode or "lead"
    if mode == "separate":
        for field in ("lead_unit_id", "co_unit_ids"):
            if getattr(form, field):
                raise field_error(field, "not for a separate assignment (分办): give unit_ids")
        domain.check_separate_units(form.unit_ids)
        found = set(tx.scalars(select(Unit.id).where(Unit.id.in_(form.unit_ids))))
        missing = [u for u in form.unit_ids if u not in found]
        if missing:
            raise field_error("unit_ids", f"units do not exist: {missing}")
        return mode, None, [], list(form.unit_ids)
    if form.unit_ids:
        raise field_error("unit_ids", "only for a separate assignment (mode separate)")
    if form.lead_unit_id is None:
        raise field_error("lead_unit_id", "required for a lead assignment (主办)")
    check_units_exist(tx, form.lead_unit_id, form.co_unit_ids)
    return mode, form.lead_unit_id, list(form.co_unit_ids), [form.lead_unit_id]


def check_units_exist(tx, lead_unit_id: int, co_unit_ids: list[int]) -> None:
    domain.check_units(lead_unit_id, co_unit_ids)
    found = set(tx.scalars(select(Unit.id).where(Unit.id.in_([lead_unit_id, *co_unit_ids]))))
    if lead_unit_id not in found:
        raise field_error("lead_unit_id", f"unit {lead_unit_id} does not exist")
    missing = [u for u in co_unit_ids if u not in found]
    if missing:
        raise field_error("co_unit_ids", f"units do not exist: {missing}")


def upsert_facts(tx, payload: dict, status: str) -> None:
    """The suggestion's facts as the suggestion service's event (or answer) gives them."""
    values = {"suggestion_id": payload["suggestion_id"], "number_label": payload.get("number_label"),
              "session": payload["session"], "title": payload["title"], "category": payload["category"],
              "kind": payload.get("kind"), "body": payload.get("body"),
              "lead_deputy_id": payload["lead_deputy_id"], "co_signer_ids": payload.get("co_signer_ids", []),
              "status": status}
    stmt = pg_insert(SuggestionFacts).values(**values)
    tx.execute(stmt.on_conflict_do_update(index_elements=[SuggestionFacts.suggestion_id], set_=values))


DEPUTY_FIELDS = ("name", "level", "delegation", "phone", "email")


def upsert_deputy(tx, deputy: dict) -> None:
    """The roster's projection (station.deputy_* events): a deputy as the event, or the station
    service's get_deputies, gives them. The units of an assignment read the lead deputy's contact
    details in it for 面商 (views.get)."""
    values = {"id": deputy["deputy_id"], **{f: deputy.get(f) for f in DEPUTY_FIELDS},
              "active": deputy.get("active", True)}
    stmt = pg_insert(DeputyContact).values(**values)
    tx.execute(stmt.on_conflict_do_update(index_elements=[DeputyContact.id], set_=values))


def deputy_contact(deputy_id: int, row: DeputyContact | dict | None) -> dict:
    """A deputy's contact as answers show it: id, name, phone, e-mail (null where the roster has
    none); ``known`` false while the roster's event has not arrived."""
    if isinstance(row, DeputyContact):
        row = {"deputy_id": row.id, **{f: getattr(row, f) for f in DEPUTY_FIELDS}, "active": row.active}
    row = row or {}
    return {"id": deputy_id, **{f: row.get(f) for f in DEPUTY_FIELDS}, "active": row.get("active"),
            "known": bool(row)}


def record_precedent(tx, a: Assignment, source: str, at, unit_ids: list[int], co_unit_ids=()) -> None:
    """The office's choice of handling units (the lead, or each unit of a separate assignment) and
    of the lead's co-units (会办) teaches routing; a reroute retires the earlier choice. A past year's
    import enters its assignments through assign (with their real ``assigned_at``), so they teach too."""
    facts = tx.get(SuggestionFacts, a.suggestion_id)
    if facts is None:
        return
    tx.execute(update(Precedent).where(Precedent.assignment_id == a.id, Precedent.superseded.is_(False))
               .values(superseded=True))
    for unit_id in unit_ids:
        tx.add(Precedent(assignment_id=a.id, suggestion_id=a.suggestion_id, title=facts.title,
                         category=facts.category, unit_id=unit_id, co_unit_ids=list(co_unit_ids),
                         source=source, at=at))


def event_payload(tx, a: Assignment, event: type[AssignmentEvent] = AssignmentEvent,
                  place: AssignmentUnit | None = None, **extra) -> AssignmentEvent:
    """The assignment's common facts as ``event`` (a class of events.py) with its ``extra`` fields:
    what consumers need to act and to notify (``actor`` and ``note`` make the suggestion's timeline).
    With the ``place`` of a handling unit (a per-unit step), ``state``, ``round`` and ``due_at`` are
    that unit's and ``unit_id`` names it; ``assignment_state`` is always the assignment's own."""
    facts = tx.get(SuggestionFacts, a.suggestion_id)
    handling = [p.unit_id for p in handling_places(tx, a)]
    wanted = {a.lead_unit_id, *a.co_unit_ids, *handling, *([place.unit_id] if place else [])} - {None}
    units = {u.id: u.name for u in tx.scalars(select(Unit).where(Unit.id.in_(wanted)))}
    payload = {
        "assignment_id": a.id, "suggestion_id": a.suggestion_id, "state": a.state, "round": a.round,
        "lead_unit_id": a.lead_unit_id, "lead_unit_name": units.get(a.lead_unit_id),
        "co_unit_ids": a.co_unit_ids, "due_at": a.due_at,
        "number": facts.number_label if facts else None, "title": facts.title if facts else None,
        "session": facts.session if facts else None, "category": facts.category if facts else None,
        "lead_deputy_id": facts.lead_deputy_id if facts else None,
        "co_signer_ids": facts.co_signer_ids if facts else [],
        "mode": a.mode or "lead", "handling_unit_ids": handling, "assignment_state": a.state,
        "handling_unit_names": [units.get(u) or "" for u in handling],
        "assignment_due_at": a.due_at,
    }
    if place is not None:
        payload.update(unit_id=place.unit_id, unit_name=units.get(place.unit_id))
        if place.role in domain.HANDLING_ROLES:
            payload.update(state=place.state, round=place.round, due_at=place.due_at)
    payload.update(extra)
    return event(**payload)
