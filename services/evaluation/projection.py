"""The statistics projection: every consumed event is logged, then applied.

``record`` writes the event to ``event_log`` and applies it in the caller's transaction,
so the projection is exactly the replay of the log (see rebuild.py). ``apply`` uses only
the event (never the clock), and every field it sets is guarded by the event's time or
handling round, so events applied concurrently (the consumer runs several workers) or
out of order give the same rows as a replay in log order.

Events applied (others are logged and ignored):
- assignment.* with an assignment_id: the assignment's current facts (state, round, units,
  due date ...), a later event wins (``updated_at`` = the event's occurred_at);
  replied adds the latest reply (result class, on time), overdue the days late,
  supervision_set the supervising leader and committee;
- evaluation.evaluated (this service's own), evaluation.facts_fetched (facts asked of the
  assignment service when its event had not arrived): the latest rating / the facts;
- assignment.unit_registered: unit names; station.deputy_registered/updated: deputy levels;
- suggestion.*: the suggestion's number, title, session, category, kind and status.
"""
import uuid
from datetime import datetime

from sqlalchemy import case, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from services.evaluation.projection_models import AssignmentFacts, DeputyLevel, EventLog, SuggestionFacts, UnitName

FACT_FIELDS = ("suggestion_id", "lead_deputy_id", "lead_unit_id", "session", "category", "number", "title",
               "state", "round", "due_at")
REQUIRED = ("suggestion_id", "lead_unit_id", "state")


def record(tx, type_: str, payload: dict, occurred_at: datetime, event_id: str | None = None) -> None:
    """Log the event and apply it to the projection, in the caller's transaction."""
    tx.execute(insert(EventLog).values(event_id=event_id or str(uuid.uuid4()), type=type_,
                                       occurred_at=occurred_at, payload=payload))
    apply(tx, type_, payload, occurred_at)


def apply(conn, type_: str, payload: dict, at: datetime) -> None:
    """Apply one event to the projection tables (``conn`` may carry a schema_translate_map)."""
    producer, _, name = type_.partition(".")
    if type_ == "assignment.unit_registered":
        _unit(conn, payload.get("id"), payload.get("name"), payload.get("code"), authoritative=True)
    elif producer == "assignment" or type_ == "evaluation.facts_fetched":
        if payload.get("assignment_id") is None:
            return
        _facts(conn, payload, at)
        _unit(conn, payload.get("lead_unit_id"), payload.get("lead_unit_name"), None, authoritative=False)
        if name == "replied":
            _reply(conn, payload, at)
        elif name == "overdue":
            _overdue(conn, payload)
        elif name == "supervision_set":
            _supervision(conn, payload)
    elif type_ == "evaluation.evaluated":
        _rating(conn, payload, at)
    elif type_ in ("station.deputy_registered", "station.deputy_updated"):
        _deputy(conn, payload, at)
    elif producer == "suggestion" and payload.get("suggestion_id") is not None:
        _suggestion(conn, payload, at)


def _when(value) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None


# column widths: a longer text from an event is cut, never a handler failure (and a dead letter)
WIDTHS = {"session": 50, "leader": 100, "committee": 200, "kind": 10, "category": 30, "number": 20, "title": 200, "name": 100, "level": 20, "delegation": 100,
          "status": 20, "code": 50}


def _fit(values: dict) -> dict:
    for key, width in WIDTHS.items():
        if isinstance(values.get(key), str):
            values[key] = values[key][:width]
    return values


def _facts(conn, payload: dict, at: datetime) -> None:
    values = {k: payload[k] for k in FACT_FIELDS if payload.get(k) is not None}
    _fit(values)
    if "due_at" in values:
        values["due_at"] = _when(values["due_at"])
    if "lead_deputy_id" in values:  # the level the deputy has now (_deputy updates it when it changes)
        values["level"] = (select(DeputyLevel.level).where(DeputyLevel.deputy_id == values["lead_deputy_id"])
                           .scalar_subquery())
    values["updated_at"] = at
    aid = payload["assignment_id"]
    if all(k in values for k in REQUIRED):
        stmt = pg_insert(AssignmentFacts).values(assignment_id=aid, **values)
        conn.execute(stmt.on_conflict_do_update(
            index_elements=[AssignmentFacts.assignment_id],
            set_={k: stmt.excluded[k] for k in values},
            where=AssignmentFacts.updated_at <= stmt.excluded.updated_at))
    else:  # an event without the full facts: update what it says of a known assignment
        conn.execute(update(AssignmentFacts).where(AssignmentFacts.assignment_id == aid,
                                                   AssignmentFacts.updated_at <= at).values(**values))


def _reply(conn, payload: dict, at: datetime) -> None:
    round_ = payload.get("round") or 1
    replied_at = _when(payload.get("replied_at")) or at
    on_time = payload.get("on_time")
    if on_time is None:  # compute it from the reply time and the due date it carried
        due = _when(payload.get("due_at"))
        on_time = due is None or replied_at <= due
    f = AssignmentFacts
    conn.execute(update(f).where(f.assignment_id == payload["assignment_id"],
                                 (f.reply_round.is_(None)) | (f.reply_round <= round_))
                 .values(result_class=payload.get("result_class"), on_time=bool(on_time), reply_round=round_,
                         replied_at=replied_at))


def _overdue(conn, payload: dict) -> None:
    round_ = payload.get("round") or 1
    f = AssignmentFacts
    conn.execute(update(f).where(f.assignment_id == payload["assignment_id"],
                                 (f.overdue_round.is_(None)) | (f.overdue_round <= round_))
                 .values(overdue_round=round_, days_late=payload.get("days_late")))


def _supervision(conn, payload: dict) -> None:
    """Key supervision: its leaders' subs (``leaders``; an old event's one ``leader``) and committee."""
    f = AssignmentFacts
    subs = [str(x["sub"])[:100] for x in payload.get("leaders") or [] if isinstance(x, dict) and x.get("sub")]
    if not subs and payload.get("leader"):
        subs = [str(payload["leader"])[:100]]
    conn.execute(update(f).where(f.assignment_id == payload["assignment_id"])
                 .values(leaders=subs, **_fit({"supervised": True, "leader": payload.get("leader"),
                                               "committee": payload.get("committee")})))


def _rating(conn, payload: dict, at: datetime) -> None:
    round_ = payload.get("round") or 1
    f = AssignmentFacts
    conn.execute(update(f).where(f.assignment_id == payload["assignment_id"],
                                 (f.rating_round.is_(None)) | (f.rating_round <= round_))
                 .values(satisfaction=payload["satisfaction"], rating_round=round_,
                         rating_final=bool(payload.get("final")),
                         state=case((f.updated_at <= at, "evaluated"), else_=f.state),
                         updated_at=func.greatest(f.updated_at, at)))


def _unit(conn, unit_id, name, code, authoritative: bool) -> None:
    if unit_id is None or (name is None and not authoritative):
        return
    stmt = pg_insert(UnitName).values(unit_id=unit_id, name=name[:200] if isinstance(name, str) else None,
                                      code=code[:50] if isinstance(code, str) else None)
    if authoritative:
        stmt = stmt.on_conflict_do_update(index_elements=[UnitName.unit_id],
                                          set_={"name": stmt.excluded.name, "code": stmt.excluded.code})
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=[UnitName.unit_id])
    conn.execute(stmt)


def _deputy(conn, payload: dict, at: datetime) -> None:
    deputy_id = payload.get("deputy_id") or payload.get("id")
    if deputy_id is None:
        return
    values = _fit({**{k: payload.get(k) for k in ("name", "level", "delegation")}, "updated_at": at})
    stmt = pg_insert(DeputyLevel).values(deputy_id=deputy_id, **values)
    conn.execute(stmt.on_conflict_do_update(index_elements=[DeputyLevel.deputy_id], set_=values,
                                            where=DeputyLevel.updated_at <= stmt.excluded.updated_at))
    f, d = AssignmentFacts, DeputyLevel
    conn.execute(update(f).where(f.lead_deputy_id == deputy_id, d.deputy_id == deputy_id,
                                 f.level.is_distinct_from(d.level)).values(level=d.level))


def _suggestion(conn, payload: dict, at: datetime) -> None:
    values = {"number": payload.get("number_label"), "title": payload.get("title"),
              "session": payload.get("session"), "category": payload.get("category"),
              "kind": payload.get("kind"), "lead_deputy_id": payload.get("lead_deputy_id"), "status": payload.get("status"),
              "updated_at": at}
    _fit(values)
    stmt = pg_insert(SuggestionFacts).values(suggestion_id=payload["suggestion_id"], **values)
    conn.execute(stmt.on_conflict_do_update(
        index_elements=[SuggestionFacts.suggestion_id], set_={k: stmt.excluded[k] for k in values},
        where=SuggestionFacts.updated_at <= stmt.excluded.updated_at))
