"""Read side of the assignment service; a unit sees only its own assignments."""
from sqlalchemy import func, select

from services.assignment.models import Assignment, AssignmentUnit, Reply, Unit
from services.common.clock import now
from services.common.errors import NotFound


def to_dict(a: Assignment) -> dict:
    return {"id": a.id, "suggestion_id": a.suggestion_id, "lead_unit_id": a.lead_unit_id,
            "co_unit_ids": a.co_unit_ids, "due_at": a.due_at.isoformat(), "state": a.state,
            "round": a.round, "overdue": a.state in ("assigned", "signed", "rehandling") and a.due_at < now(),
            "created_at": a.created_at.isoformat() if a.created_at else None}


def visible(session, actor: dict, a: Assignment) -> bool:
    if actor.get("role") in ("office", "leader", "admin"):
        return True
    if actor.get("role") == "unit":
        return session.get(AssignmentUnit, (a.id, actor.get("unit_id"))) is not None
    return False


def get(session, actor: dict, assignment_id: int) -> dict:
    a = session.get(Assignment, assignment_id)
    if a is None or not visible(session, actor, a):
        raise NotFound(f"assignment {assignment_id} not found")
    result = to_dict(a)
    units = session.scalars(select(AssignmentUnit).where(AssignmentUnit.assignment_id == a.id))
    result["units"] = [{"unit_id": u.unit_id, "is_lead": u.is_lead,
                        "signed_at": u.signed_at.isoformat() if u.signed_at else None} for u in units]
    replies = session.scalars(select(Reply).where(Reply.assignment_id == a.id).order_by(Reply.id))
    result["replies"] = [{"id": r.id, "round": r.round, "result_class": r.result_class, "content": r.content,
                          "signed_by": r.signed_by, "on_time": r.on_time, "at": r.at.isoformat()}
                         for r in replies]
    return result


def list_(session, actor: dict, filters: dict, limit: int, offset: int) -> dict:
    query = select(Assignment)
    unit_id = actor.get("unit_id") if actor.get("role") == "unit" else filters.get("unit_id")
    if unit_id:
        query = query.where(Assignment.id.in_(select(AssignmentUnit.assignment_id)
                                              .where(AssignmentUnit.unit_id == unit_id)))
    if filters.get("state"):
        query = query.where(Assignment.state == filters["state"])
    if filters.get("overdue") is not None:
        late = Assignment.state.in_(("assigned", "signed", "rehandling")) & (Assignment.due_at < now())
        query = query.where(late if filters["overdue"] else ~late)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(Assignment.id.desc()).limit(limit).offset(offset))
    return {"items": [to_dict(a) for a in rows], "total": total, "limit": limit, "offset": offset}


def list_units(session, limit: int, offset: int) -> dict:
    from services.assignment.commands import unit_dict

    total = session.scalar(select(func.count(Unit.id)))
    rows = session.scalars(select(Unit).order_by(Unit.id).limit(limit).offset(offset))
    return {"items": [unit_dict(u) for u in rows], "total": total, "limit": limit, "offset": offset}
