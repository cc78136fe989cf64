"""The statistics projection: every consumed event is logged, then applied.

``record`` writes the event to ``event_log`` and applies it in the caller's transaction,
so the projection is exactly the replay of the log (see rebuild.py). ``apply`` uses only
the event (never the clock), and every field it sets is guarded by the event's time or
handling round, so events applied concurrently (the consumer runs several workers) or
out of order give the same rows as a replay in log order.

Events applied (others are logged and ignored):
- assignment.* with an assignment_id: the assignment's common facts and shape (mode, handling
  units, co-units: assignment_common), and its reply rows (assignment_facts, one per handling
  unit: the lead of a lead assignment, each unit of a separate one, 分办) with the concerned
  unit's state, round and due date; a later event wins (``updated_at`` = the event's occurred_at);
  ``unit_id`` names the handling unit of a per-unit step (None in older events: the lead);
  replied adds the unit's latest reply (result class, on time), followed_up its new class
  (跟踪办理; the first class kept), overdue the days late, supervision_set the supervising leader
  and committee, co_opinion_added a co-unit's opinion;
- evaluation.evaluated (this service's own), evaluation.facts_fetched (facts asked of the
  assignment service when its event had not arrived): the latest rating of a unit's reply / the facts;
- assignment.unit_registered: unit names; station.deputy_registered/updated: deputy levels;
- suggestion.*: the suggestion's number, title, session, category, kind and status.
"""
import uuid
from datetime import datetime, timezone

from sqlalchemy import and_, bindparam, case, delete, func, insert, literal, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import aliased

from services.common.db import WROTE
from services.evaluation import domain
from services.evaluation.projection_models import (
    AssignmentCommon,
    AssignmentFacts,
    CoOpinion,
    DeputyLevel,
    EventLog,
    SuggestionFacts,
    UnitName,
)

# the assignment's own facts, shared by all its reply rows (kept in assignment_common)
COMMON_FIELDS = ("suggestion_id", "lead_deputy_id", "lead_unit_id", "session", "category", "number", "title")
# a reply row made by an event that is not its unit's own step (in a separate assignment) is a
# placeholder: older than any event, so the unit's own steps win whatever order they arrive in
PLACEHOLDER_AT = datetime(1970, 1, 1, tzinfo=timezone.utc)

def record(tx, type_: str, payload: dict, occurred_at: datetime, event_id: str | None = None) -> None:
    """Log the event and apply it to the projection, in the caller's transaction.

    The statements are Core statements run on the session's connection, not through the ORM
    session (whose bulk-persistence path took almost a quarter of the evaluation process's samples
    under the baseline bench, bench/README.md "Evaluation's lane"): pending ORM changes are flushed
    first, and the session is marked as having written (services/common/db.py WROTE), as an ORM
    write would.
    ``tx`` may also be a plain Connection (tests, scripts)."""
    session = getattr(tx, "session", None)
    if session is None:
        conn = tx
    else:
        session.flush()
        session.info[WROTE] = True
        conn = session.connection()
    line = {"event_id": event_id or str(uuid.uuid4()), "type": type_, "occurred_at": occurred_at, "payload": payload}
    if session is None:
        conn.execute(LOG, line)
    else:  # nothing in the transaction reads the log: a batch's lines in one statement at its commit
        tx.run_at_commit(LOG, line)
    apply(conn, type_, payload, occurred_at)


def apply(conn, type_: str, payload: dict, at: datetime) -> None:
    """Apply one event to the projection tables (``conn`` may carry a schema_translate_map)."""
    producer, _, name = type_.partition(".")
    if type_ in ("assignment.unit_registered", "assignment.unit_updated"):
        _unit(conn, payload.get("id"), payload.get("name"), payload.get("code"), authoritative=True)
    elif producer == "assignment" or type_ == "evaluation.facts_fetched":
        if payload.get("assignment_id") is None:
            return
        common = _facts(conn, payload, at, name)
        _unit(conn, payload.get("lead_unit_id"), payload.get("lead_unit_name"), None, authoritative=False)
        if common is None:
            return
        unit = _reply_unit(common, payload)
        if name == "replied" and unit is not None:
            _reply(conn, payload, at, unit)
        elif name == "followed_up" and unit is not None:
            _follow_up(conn, payload, at, unit)
        elif name == "overdue" and unit is not None:
            _overdue(conn, payload, unit)
        elif name == "supervision_set":
            _supervision(conn, payload)
        elif name == "co_opinion_added":
            _co_opinion(conn, payload, at)
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


def _facts(conn, payload: dict, at: datetime, step: str):
    """The assignment's common facts (guarded by the event's time), its reply rows (one per handling
    unit of the latest known shape: rows of units no longer handling it go), the concerned row's
    state, round and due date. Returns the assignment_common row (None: unknown assignment)."""
    aid = payload["assignment_id"]
    mode = payload.get("mode") or "lead"
    handling = domain.handling_units(mode, payload.get("handling_unit_ids"), payload.get("lead_unit_id"))
    values = _fit({k: payload[k] for k in COMMON_FIELDS if payload.get(k) is not None})
    if mode == "separate":
        values["lead_unit_id"] = None
    c = AssignmentCommon
    common = None
    if handling and payload.get("suggestion_id") is not None and payload.get("state") is not None:
        shape = {**values, "mode": mode, "handling_unit_ids": handling,
                 "co_unit_ids": [int(u) for u in payload.get("co_unit_ids") or []], "updated_at": at}
        stmt = pg_insert(c).values(assignment_id=aid, **shape)
        # (the conflicting row is locked even when the guard fails: one assignment's events apply one
        # by one); its shape comes back unless the guard kept a later one
        common = conn.execute(stmt.on_conflict_do_update(index_elements=[c.assignment_id],
                                                         set_={k: stmt.excluded[k] for k in shape},
                                                         where=c.updated_at <= stmt.excluded.updated_at)
                              .returning(*SHAPE)).first()
    elif values:  # an event without the full facts: update what it says of a known assignment
        conn.execute(update(c).where(c.assignment_id == aid, c.updated_at <= at).values(**values))
    if common is None:
        # locked as the upsert locks it: an assignment's reply rows are added, moved and deleted
        # only under this lock, so the units read below stay true until the commit
        common = conn.execute(LOCKED_SHAPE, {"aid": aid}).first()
    if common is None:
        return None
    f = AssignmentFacts
    current = list(common.handling_unit_ids)
    target = _reply_unit(common, payload)
    state = domain.unit_state(step, common.mode, payload.get("state"))
    due_at, round_ = _when(payload.get("due_at")), payload.get("round") or 1
    # rows are moved, deleted or added only when the units that have one are not the shape's (the
    # assignment's first event, a reroute, a change of a separate assignment's units): one SELECT
    # instead of three statements or more for every other event
    if set(conn.execute(UNITS_WITH_ROWS, {"aid": aid}).scalars()) != set(current):
        if common.mode != "separate" and current:  # a rerouted lead assignment: its row moves to the new lead
            there = aliased(AssignmentFacts)
            moved = select(there.unit_id).where(there.assignment_id == aid, there.unit_id == current[0]).exists()
            conn.execute(update(f).where(f.assignment_id == aid, f.counts_assignment, f.unit_id != current[0],
                                         ~moved).values(unit_id=current[0]))
        conn.execute(delete(f).where(f.assignment_id == aid, f.unit_id.not_in(current)))
        for unit in current:  # rows the shape has and the table not yet
            own = unit == target and state is not None
            conn.execute(pg_insert(f).values(
                assignment_id=aid, unit_id=unit, suggestion_id=payload.get("suggestion_id") or 0,
                state=state if own else "assigned", round=round_ if unit == target else 1,
                due_at=due_at if unit == target or target is None else None,  # (not another unit's due date)
                updated_at=at if own else PLACEHOLDER_AT).on_conflict_do_nothing())
    if target is None and due_at and common.mode == "separate":  # the assignment's due date, until the unit's own
        conn.execute(update(f).where(f.assignment_id == aid, f.updated_at == PLACEHOLDER_AT).values(due_at=due_at))
    if target is not None:
        # a unit's step that leaves its state as it was (urged, followed up ...) is no later state
        # than the steps it follows: it moves the round and due date, not the row's time
        row = {"round": round_, **({"due_at": due_at} if due_at else {}),
               **({"state": state, "updated_at": at} if state else {})}
        conn.execute(update(f).where(f.assignment_id == aid, f.unit_id == target, f.updated_at <= at).values(**row))
    _copy_common(conn, aid)
    return common


def _reply_unit(common, payload: dict) -> int | None:
    """The reply row an event concerns: a lead assignment's only row; in a separate assignment the
    handling unit named by ``unit_id`` (None: the event concerns the whole assignment)."""
    current = list(common.handling_unit_ids)
    if common.mode != "separate":
        return current[0] if current else None
    unit = payload.get("unit_id")
    return unit if unit in current else None


def _copy_common_statement():
    f, c = AssignmentFacts, AssignmentCommon
    aid = bindparam("aid")
    level = select(DeputyLevel.level).where(DeputyLevel.deputy_id == c.lead_deputy_id).scalar_subquery()
    first = c.handling_unit_ids[1]  # (PostgreSQL arrays count from 1)
    copied = {"suggestion_id": c.suggestion_id, "lead_deputy_id": c.lead_deputy_id, "lead_unit_id": c.lead_unit_id,
              "mode": c.mode, "session": c.session, "category": c.category, "number": c.number, "title": c.title,
              "counts_assignment": f.unit_id == first}
    return (update(f).where(f.assignment_id == aid, c.assignment_id == aid,
                            tuple_(*[getattr(f, k) for k in copied], f.level)
                            .is_distinct_from(tuple_(*copied.values(), level)))
            .values(**copied, level=level))


COPY_COMMON = _copy_common_statement()


def _copy_common(conn, aid: int) -> None:
    """The assignment's common facts onto each of its reply rows (only rows that differ are written)."""
    conn.execute(COPY_COMMON, {"aid": aid})


def _reply(conn, payload: dict, at: datetime, unit: int) -> None:
    round_ = payload.get("round") or 1
    replied_at = _when(payload.get("replied_at")) or at
    on_time = payload.get("on_time")
    if on_time is None:  # compute it from the reply time and the due date it carried
        due = _when(payload.get("due_at"))
        on_time = due is None or replied_at <= due
    f = AssignmentFacts
    # a follow-up of this very reply that arrived first keeps its class (the reply's is the first class)
    followed = and_(f.followed_up_at.is_not(None), f.reply_round == round_)
    conn.execute(update(f).where(f.assignment_id == payload["assignment_id"], f.unit_id == unit,
                                 (f.reply_round.is_(None)) | (f.reply_round <= round_))
                 .values(result_class=case((followed, f.result_class), else_=literal(payload.get("result_class"))),
                         first_result_class=case((followed, literal(payload.get("result_class"))), else_=None),
                         followed_up_at=case((followed, f.followed_up_at), else_=None),
                         on_time=bool(on_time), reply_round=round_, replied_at=replied_at))


def _follow_up(conn, payload: dict, at: datetime, unit: int) -> None:
    """跟踪办理: the follow-up's class is the reply's class from now on (a B solved later counts as A);
    the class it had first is kept in first_result_class (and the event log)."""
    round_ = payload.get("round") or 1
    f = AssignmentFacts
    same_reply = f.reply_round == round_
    first = case((and_(f.followed_up_at.is_not(None), same_reply), f.first_result_class),
                 (and_(f.followed_up_at.is_(None), same_reply), f.result_class), else_=None)
    conn.execute(update(f).where(f.assignment_id == payload["assignment_id"], f.unit_id == unit,
                                 (f.followed_up_at.is_(None)) | (f.followed_up_at <= at),
                                 (f.reply_round.is_(None)) | (f.reply_round <= round_))
                 .values(first_result_class=first, result_class=payload.get("result_class"), followed_up_at=at,
                         reply_round=round_))


def _overdue(conn, payload: dict, unit: int) -> None:
    round_ = payload.get("round") or 1
    f = AssignmentFacts
    conn.execute(update(f).where(f.assignment_id == payload["assignment_id"], f.unit_id == unit,
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


def _co_opinion(conn, payload: dict, at: datetime) -> None:
    """A co-unit's first opinion on the assignment counts (on time or not, as the event says)."""
    if payload.get("unit_id") is None:
        return
    o = CoOpinion
    stmt = pg_insert(o).values(assignment_id=payload["assignment_id"], unit_id=payload["unit_id"],
                               on_time=bool(payload.get("on_time")), at=at)
    conn.execute(stmt.on_conflict_do_update(index_elements=[o.assignment_id, o.unit_id],
                                            set_={"on_time": stmt.excluded.on_time, "at": stmt.excluded.at},
                                            where=o.at > stmt.excluded.at))


def _rating(conn, payload: dict, at: datetime) -> None:
    round_ = payload.get("round") or 1
    f = AssignmentFacts
    unit = payload.get("unit_id") or payload.get("lead_unit_id")  # older ratings: of the lead's reply
    conn.execute(update(f).where(f.assignment_id == payload["assignment_id"], f.unit_id == unit,
                                 (f.rating_round.is_(None)) | (f.rating_round <= round_))
                 .values(satisfaction=payload["satisfaction"], rating_round=round_,
                         rating_final=bool(payload.get("final")),
                         state=case((f.updated_at <= at, "evaluated"), else_=f.state),
                         updated_at=func.greatest(f.updated_at, at)))


def _unit(conn, unit_id, name, code, authoritative: bool) -> None:
    if unit_id is None or (name is None and not authoritative):
        return
    conn.execute(UNIT_UPSERT if authoritative else UNIT_INSERT,
                 {"unit_id": unit_id, "name": name[:200] if isinstance(name, str) else None,
                  "code": code[:50] if isinstance(code, str) else None})


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


SUGGESTION_FIELDS = ("number", "title", "session", "category", "kind", "lead_deputy_id", "status", "updated_at")


def _suggestion(conn, payload: dict, at: datetime) -> None:
    values = {"number": payload.get("number_label"), "title": payload.get("title"),
              "session": payload.get("session"), "category": payload.get("category"),
              "kind": payload.get("kind"), "lead_deputy_id": payload.get("lead_deputy_id"), "status": payload.get("status"),
              "updated_at": at}
    _fit(values)
    conn.execute(SUGGESTION_UPSERT, {"suggestion_id": payload["suggestion_id"], **values})


# Statements of a fixed shape, built once (their parameters given at execution): building one per
# event cost more CPU than running it; rebuild.py's schema_translate_map applies to them as to any
LOG = insert(EventLog)
UNITS_WITH_ROWS = select(AssignmentFacts.unit_id).where(AssignmentFacts.assignment_id == bindparam("aid"))
SHAPE = (AssignmentCommon.mode, AssignmentCommon.handling_unit_ids, AssignmentCommon.lead_unit_id)
LOCKED_SHAPE = select(*SHAPE).where(AssignmentCommon.assignment_id == bindparam("aid")).with_for_update()
UNIT_INSERT = pg_insert(UnitName).on_conflict_do_nothing(index_elements=[UnitName.unit_id])
UNIT_UPSERT = (lambda stmt: stmt.on_conflict_do_update(
    index_elements=[UnitName.unit_id], set_={"name": stmt.excluded.name, "code": stmt.excluded.code}))(
    pg_insert(UnitName))
SUGGESTION_UPSERT = (lambda stmt: stmt.on_conflict_do_update(
    index_elements=[SuggestionFacts.suggestion_id],
    set_={k: stmt.excluded[k] for k in SUGGESTION_FIELDS},
    where=SuggestionFacts.updated_at <= stmt.excluded.updated_at))(pg_insert(SuggestionFacts))
