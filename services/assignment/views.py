"""Read side of the assignment service (a unit sees only its own assignments), and the answers
every entrypoint gives: rows as dicts."""
import base64
from datetime import timedelta

from sqlalchemy import exists, func, or_, select

from services.assignment import domain
from services.assignment.models import (Assignment, AssignmentUnit, CoOpinion, Contact, DeputyContact, Dispute,
                                        Extension, Reply, ReplyAttachment, Reroute, SuggestionFacts, Supervision, Unit,
                                        Urging)
from services.assignment.rules import Rules
from services.assignment.store import deputy_contact, hidden, load
from services.common.clock import now
from services.common.errors import NotFound
from services.common.like import ESCAPE, contains_pattern


def _iso(t):
    return t.isoformat() if t else None


def unit_dict(u: Unit) -> dict:
    return {"id": u.id, "name": u.name, "code": u.code, "duties": u.duties, "keywords": u.keywords,
            "categories": u.categories, "email": u.email, "webhook_url": u.webhook_url,
            "kind": u.kind, "level": u.level, "region": u.region}


def reply_dict(r: Reply) -> dict:
    return {"id": r.id, "assignment_id": r.assignment_id, "unit_id": r.unit_id, "round": r.round,
            "result_class": r.result_class,
            "content": r.content, "signed_by": r.signed_by, "on_time": r.on_time, "at": r.at.isoformat(),
            "contact_before": r.contact_before, "follow_up_of": r.follow_up_of}


def dispute_dict(d: Dispute) -> dict:
    return {"id": d.id, "unit_id": d.unit_id, "reason": d.reason, "at": d.at.isoformat(),
            "resolved_at": d.resolved_at.isoformat() if d.resolved_at else None}


def reroute_dict(r: Reroute) -> dict:
    return {"id": r.id, "previous_lead_unit_id": r.previous_lead_unit_id,
            "previous_co_unit_ids": r.previous_co_unit_ids, "lead_unit_id": r.lead_unit_id,
            "co_unit_ids": r.co_unit_ids, "previous_unit_ids": r.previous_unit_ids or [],
            "unit_ids": r.unit_ids or [], "reason": r.reason, "actor": r.actor, "at": r.at.isoformat()}


def contact_dict(c: Contact) -> dict:
    return {"id": c.id, "unit_id": c.unit_id, "stage": c.stage, "method": c.method, "note": c.note,
            "at": c.at.isoformat()}


def opinion_dict(o: CoOpinion) -> dict:
    return {"id": o.id, "unit_id": o.unit_id, "round": o.round, "content": o.content, "on_time": o.on_time,
            "at": o.at.isoformat()}


def urging_dict(u: Urging, unit_name: str | None = None) -> dict:
    return {"id": u.id, "unit_id": u.unit_id, "unit_name": unit_name, "method": u.method, "note": u.note,
            "days_late": u.days_late, "letter": u.letter,
            "actor": u.actor, "at": u.at.isoformat()}


def supervision_dict(s: Supervision) -> dict:
    leaders = s.leaders or ([{"sub": s.leader, "name": None}] if s.leader else [])
    return {"assignment_id": s.assignment_id, "suggestion_id": s.suggestion_id, "leader": s.leader, "leaders": leaders,
            "committee": s.committee, "reason": s.reason, "actor": s.actor, "at": s.at.isoformat()}


def extension_dict(e: Extension) -> dict:
    return {"id": e.id, "unit_id": e.unit_id, "days": e.days, "reason": e.reason, "status": e.status,
            "requested_at": _iso(e.requested_at), "decided_at": _iso(e.decided_at), "decided_by": e.decided_by,
            "previous_due_at": _iso(e.previous_due_at), "new_due_at": _iso(e.new_due_at)}


def place_dict(p: AssignmentUnit, name: str | None, at) -> dict:
    """A unit on the assignment; a handling unit (lead, separate) with its own state, round, due date."""
    return {"unit_id": p.unit_id, "name": name, "unit_name": name, "role": p.role, "is_lead": p.is_lead,
            "signed": p.signed_at is not None, "signed_at": _iso(p.signed_at), "state": p.state, "round": p.round,
            "due_at": _iso(p.due_at), "replied_at": _iso(p.replied_at), "closed_at": _iso(p.closed_at),
            "overdue": p.state is not None and domain.is_overdue(p.state, p.due_at, at)}


def places_of(session, assignment_ids: list[int]) -> dict[int, list]:
    """Each assignment's units (the lead first, then by unit id) with their names, in two queries."""
    rows = list(session.scalars(select(AssignmentUnit).where(AssignmentUnit.assignment_id.in_(assignment_ids))
                                .order_by(AssignmentUnit.is_lead.desc(), AssignmentUnit.unit_id)))
    names = dict(session.execute(select(Unit.id, Unit.name).where(Unit.id.in_({p.unit_id for p in rows}))).all())
    result: dict[int, list] = {i: [] for i in assignment_ids}
    for p in rows:
        result[p.assignment_id].append((p, names.get(p.unit_id)))
    return result


def to_dict(a: Assignment, at=None, places: list | None = None) -> dict:
    """The assignment; ``places``: its (unit place, name) pairs, for ``units``."""
    at = at or now()
    return {"id": a.id, "suggestion_id": a.suggestion_id, "mode": a.mode or "lead", "lead_unit_id": a.lead_unit_id,
            "co_unit_ids": a.co_unit_ids, "due_at": a.due_at.isoformat(), "state": a.state,
            "round": a.round, "overdue": domain.is_overdue(a.state, a.due_at, at),
            "supervised": bool(a.supervised), "created_at": _iso(a.created_at),
            "assigned_at": _iso(a.assigned_at or a.created_at),
            "units": [place_dict(p, name, at) for p, name in places or []]}


def answer(session, a: Assignment) -> dict:
    """What a write answers: the assignment with its units."""
    session.flush()
    return to_dict(a, now(), places_of(session, [a.id])[a.id])


def visible(session, actor: dict, a: Assignment) -> bool:
    if actor.get("role") in ("office", "leader", "admin"):
        return True
    if actor.get("role") == "unit":
        return session.get(AssignmentUnit, (a.id, actor.get("unit_id"))) is not None
    return False


def _rows(session, model, assignment_id: int, order=None):
    return session.scalars(select(model).where(model.assignment_id == assignment_id)
                           .order_by(order if order is not None else model.id))


def get(session, actor: dict, assignment_id: int, rules: Rules) -> dict:
    a = load(session, assignment_id)
    if not visible(session, actor, a):
        raise hidden(assignment_id)
    at = now()
    places = places_of(session, [a.id])[a.id]
    result = to_dict(a, at, places)
    facts = session.get(SuggestionFacts, a.suggestion_id)
    result.update(number=facts.number_label if facts else None, title=facts.title if facts else None,
                  category=facts.category if facts else None)
    # for 面商: whoever may read the assignment (staff, a unit while it is on it: visible above)
    lead = facts.lead_deputy_id if facts else None
    result["lead_deputy"] = deputy_contact(lead, session.get(DeputyContact, lead)) if lead else None
    open_disputes = {d.unit_id for d in _rows(session, Dispute, a.id) if d.resolved_at is None}
    names = {p.unit_id: name for p, name in places}
    result["lead_unit_name"] = names.get(a.lead_unit_id)
    for place in result["units"]:
        place["disputed"] = place["unit_id"] in open_disputes
    replies = [reply_dict(r) for r in _rows(session, Reply, a.id)]
    files = _files_by_reply(session, a.id)
    for r in replies:
        r["attachments"] = files.get(r["id"], [])
    result["replies"] = replies
    result["contacts"] = [contact_dict(c) for c in _rows(session, Contact, a.id)]
    result["opinions"] = [opinion_dict(o) for o in _rows(session, CoOpinion, a.id)]
    urgings = list(_rows(session, Urging, a.id))
    urged = {u.unit_id for u in urgings} - set(names)
    names.update(session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(urged))).all() if urged else [])
    result["urgings"] = [urging_dict(u, names.get(u.unit_id)) for u in urgings]
    result["extensions"] = [extension_dict(e) for e in _rows(session, Extension, a.id)]
    result["disputes"] = [dispute_dict(d) for d in _rows(session, Dispute, a.id)]
    result["reroutes"] = [reroute_dict(r) for r in _rows(session, Reroute, a.id)]
    supervision = session.get(Supervision, a.id)
    result["supervision"] = supervision_dict(supervision) if supervision else None
    result["no_contact_before"] = any(not r["contact_before"] for r in replies if r["follow_up_of"] is None)
    routed = a.routed_at or a.created_at
    result["routed_at"] = _iso(routed)
    result["dispute_until"] = _iso(domain.dispute_until(routed, rules.deadlines, rules.zone))
    result["co_opinion_due_at"] = _iso(domain.co_opinion_due(routed, rules.deadlines, rules.zone))
    result["days_late"] = domain.days_late(a.due_at, at, rules.zone) if result["overdue"] else 0
    return result


def file_dict(f: ReplyAttachment) -> dict:
    return {"id": f.id, "assignment_id": f.assignment_id, "reply_id": f.reply_id, "unit_id": f.unit_id,
            "filename": f.filename, "media_type": f.media_type, "size": f.size, "sha256": f.sha256,
            "uploaded_by": f.uploaded_by, "uploaded_at": f.uploaded_at.isoformat()}


def _files_by_reply(session, assignment_id: int) -> dict[int, list[dict]]:
    result: dict[int, list[dict]] = {}
    for f in _rows(session, ReplyAttachment, assignment_id):
        result.setdefault(f.reply_id, []).append(file_dict(f))
    return result


def _files_readable(session, actor: dict, a: Assignment) -> bool:
    units = list(session.scalars(select(AssignmentUnit.unit_id).where(AssignmentUnit.assignment_id == a.id)))
    facts = session.get(SuggestionFacts, a.suggestion_id)
    return domain.reply_files_visible_to(actor, units, facts.lead_deputy_id if facts else None,
                                         list(facts.co_signer_ids or []) if facts else [])


def reply_files(session, actor: dict, assignment_id: int) -> dict:
    """Every file of the assignment's replies, for who may read them (domain.reply_files_visible_to)."""
    a = load(session, assignment_id)
    if not _files_readable(session, actor, a):
        raise hidden(assignment_id)
    items = [file_dict(f) for f in _rows(session, ReplyAttachment, a.id)]
    return {"items": items, "total": len(items), "limit": len(items), "offset": 0}


def reply_file(session, actor: dict, assignment_id: int, attachment_id: int) -> dict:
    """One file of a reply with its content (base64); 404 to whoever may not read it."""
    a = load(session, assignment_id)
    if not _files_readable(session, actor, a):
        raise hidden(assignment_id)
    f = session.scalar(select(ReplyAttachment).where(ReplyAttachment.id == attachment_id,
                                                     ReplyAttachment.assignment_id == a.id))
    if f is None:
        raise NotFound(f"assignment {a.id} has no attachment {attachment_id}")
    return {**file_dict(f), "content": base64.b64encode(f.content).decode()}


def list_(session, actor: dict, filters: dict, limit: int, offset: int) -> dict:
    query = select(Assignment)
    unit_id = actor.get("unit_id") if actor.get("role") == "unit" else filters.get("unit_id")
    if actor.get("role") == "unit" and filters.get("unit_id") not in (None, unit_id):
        unit_id = -1  # another unit's list: nothing a unit may see
    placed = [AssignmentUnit.unit_id == unit_id] if unit_id else []
    if filters.get("role"):  # the unit's role on it (lead, co, separate); without a unit: any unit's
        placed.append(AssignmentUnit.role == filters["role"])
    if placed:
        query = query.where(exists().where(AssignmentUnit.assignment_id == Assignment.id, *placed))
    if filters.get("state"):
        query = query.where(Assignment.state == filters["state"])
    if filters.get("overdue") is not None:
        late = Assignment.state.in_(domain.HANDLING) & (Assignment.due_at < now())
        query = query.where(late if filters["overdue"] else ~late)
    query = _supervision_filters(query, filters)
    query = _board_filters(query, filters)
    facts = {k: filters[k] for k in ("session", "kind") if filters.get(k)}
    if facts:  # the suggestion's session and kind, as its accepted event gave them
        query = query.where(exists().where(SuggestionFacts.suggestion_id == Assignment.suggestion_id,
                                           *(getattr(SuggestionFacts, k) == v for k, v in facts.items())))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = list(session.scalars(query.order_by(*_order(filters.get("sort"))).limit(limit).offset(offset)))
    places = places_of(session, [a.id for a in rows])
    at = now()
    applied = {k: v for k, v in filters.items() if v is not None}
    if actor.get("role") == "unit":  # a unit's list is always of one unit (its own unless it asked another)
        applied.setdefault("unit_id", actor.get("unit_id"))
    facts_of = {f.suggestion_id: f for f in session.scalars(
        select(SuggestionFacts).where(SuggestionFacts.suggestion_id.in_({a.suggestion_id for a in rows})))}
    items = []
    for a in rows:
        item, f = to_dict(a, at, places[a.id]), facts_of.get(a.suggestion_id)
        item.update(number=f.number_label if f else None, title=f.title if f else None)
        items.append(item)
    return {"items": items, "total": total, "limit": limit, "offset": offset, "filters": applied}


def _board_filters(query, filters: dict):
    """The supervision board's: due within N days (still handling, not yet late), an open dispute,
    a pending extension request."""
    if filters.get("due_within") is not None:
        at = now()
        query = query.where(Assignment.state.in_(domain.HANDLING), Assignment.due_at >= at,
                            Assignment.due_at < at + timedelta(days=int(filters["due_within"])))
    if filters.get("disputed") is not None:
        open_ = exists().where(Dispute.assignment_id == Assignment.id, Dispute.resolved_at.is_(None))
        query = query.where(open_ if filters["disputed"] else ~open_)
    if filters.get("extension_pending") is not None:
        waiting = exists().where(Extension.assignment_id == Assignment.id, Extension.status == "pending")
        query = query.where(waiting if filters["extension_pending"] else ~waiting)
    return query


def _order(sort: str | None) -> tuple:
    """The list's order: by deadline (nearest or latest first), else the newest assignment first."""
    if sort == "due_at":
        return Assignment.due_at.asc(), Assignment.id.asc()
    if sort == "-due_at":
        return Assignment.due_at.desc(), Assignment.id.desc()
    return (Assignment.id.desc(),)


def _supervision_filters(query, filters: dict):
    """supervised (any key supervision or none), and the supervising leader or committee."""
    if filters.get("supervised") is not None:
        query = query.where(Assignment.supervised.is_(bool(filters["supervised"])))
    named = []
    if filters.get("leader"):  # one of its leaders, by sub (rows from before: the one leader's name)
        sub = filters["leader"]
        named.append(Supervision.leaders.contains([{"sub": sub}]) | (Supervision.leader == sub))
    if filters.get("committee"):
        named.append(Supervision.committee == filters["committee"])
    if named:
        query = query.where(exists().where(Supervision.assignment_id == Assignment.id, *named))
    return query


def list_units(session, limit: int, offset: int, q: str | None = None) -> dict:
    """The units by id; ``q``: a part of the name or the code (either), case-insensitive."""
    wanted = select(Unit)
    if q:
        pattern = contains_pattern(q)
        wanted = wanted.where(or_(Unit.name.ilike(pattern, escape=ESCAPE), Unit.code.ilike(pattern, escape=ESCAPE)))
    total = session.scalar(select(func.count()).select_from(wanted.subquery()))
    rows = session.scalars(wanted.order_by(Unit.id).limit(limit).offset(offset))
    return {"items": [unit_dict(u) for u in rows], "total": total, "limit": limit, "offset": offset}
