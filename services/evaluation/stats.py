"""Rates from the projection (DESIGN.md "Rates"), aggregated in SQL with FILTER clauses.

One row per reply due (assignment_facts: per handling unit of an assignment, DESIGN.md "Rates");
a row counts for its replying unit (the current lead of a lead assignment, each unit of a
separate one), its suggestion's session and category, and its lead deputy's level.
- assigned: assignments (one row of each counts it); replies_due: the rows;
- replied: a reply was given (its latest reply counts: result class, after a follow-up its new
  class, on time);
- completed (a final reply): state replied/evaluated/closed and no rehandling pending
  (its latest rating is not a first-round "dissatisfied" of the current round);
- evaluated: it has a rating (its latest rating counts: after rehandling, the final one);
- overdue: no reply in the current round (assigned/signed/rehandling) and its due date has
  passed by ``now`` or an assignment.overdue event of this round said so.
"""
from datetime import datetime, time, timezone

from sqlalchemy import text

from services.common.errors import Forbidden, ValidationFailed
from services.common.validation import parse
from services.evaluation import domain
from services.evaluation.schemas import StatsFilter
from services.evaluation.store import unit_names

UNREPLIED = "state IN ('assigned', 'signed', 'rehandling')"
OVERDUE = f"{UNREPLIED} AND (due_at < :now OR overdue_round = round)"
# the same rows as two parts that each read their own partial index's range (ix_facts_unreplied from
# its oldest due date up to now; ix_facts_reported_overdue, the few reported late but not yet due by
# the clock): with the OR in one statement PostgreSQL reads every unreplied row (30 ms at 200,000)
OVERDUE_PARTS = (f"{UNREPLIED} AND due_at < :now",
                 f"{UNREPLIED} AND overdue_round = round AND NOT coalesce(due_at < :now, false)")
REOPENED = "coalesce(satisfaction = 'dissatisfied' AND NOT rating_final AND rating_round = round, false)"
# What a facts row counts for; the trigger rate_cells_sync (migrations 6b9869a7d538, c4d2e8f1a9b3; its
# deltas applied at commit since 5d1f0c7b9e42) keeps the same definitions in rate_cells, and rebuild.py
# recomputes the cells with these (the tests compare them).
CELL_COUNTS = {
    "assigned": "count(*) FILTER (WHERE counts_assignment)",
    "replies_due": "count(*)",
    "replied": "count(*) FILTER (WHERE result_class IS NOT NULL)",
    "completed": f"count(*) FILTER (WHERE state IN ('replied', 'evaluated', 'closed') AND NOT {REOPENED})",
    "on_time": "count(*) FILTER (WHERE on_time AND result_class IS NOT NULL)",
    "evaluated": "count(*) FILTER (WHERE satisfaction IS NOT NULL)",
    "satisfied": "count(*) FILTER (WHERE satisfaction = 'satisfied')",
    "basic": "count(*) FILTER (WHERE satisfaction = 'basic')",
    "dissatisfied": "count(*) FILTER (WHERE satisfaction = 'dissatisfied')",
}
_KEYS = "coalesce(session, ''), unit_id, coalesce(category, ''), coalesce(level, '')"
CELL_KEYS = f"{_KEYS}, coalesce(result_class, '')"
SUMMED = (*CELL_COUNTS, "overdue")
# unreplied_cells (migration 9b2e7c4d1f60): the unreplied rows per cell and due day (UTC), kept by the
# same trigger; overdue by the clock = the days before today's + the rows due earlier today
UNREPLIED_KEYS = f"{_KEYS}, (due_at AT TIME ZONE 'UTC')::date"


def cells_from_facts(schema: str = "public") -> tuple[str, str]:
    """The INSERTs that fill an empty ``schema``.rate_cells and unreplied_cells from its assignment_facts,
    one GROUP BY each: what the trigger keeps, computed at once (rebuild.py; a bulk load with the trigger off)."""
    return (f'INSERT INTO "{schema}".rate_cells SELECT {CELL_KEYS}, {", ".join(CELL_COUNTS.values())} '
            f'FROM "{schema}".assignment_facts GROUP BY {CELL_KEYS}',
            f'INSERT INTO "{schema}".unreplied_cells SELECT {UNREPLIED_KEYS}, count(*) '
            f'FROM "{schema}".assignment_facts WHERE {UNREPLIED} AND due_at IS NOT NULL GROUP BY {UNREPLIED_KEYS}')


GROUPS = {"unit": "unit_id", "category": "category", "session": "session"}
# groups only assignment_facts can answer: the suggestion's kind, and the local month of the unit's reply
FACT_GROUPS = {
    "kind": "(SELECT kind FROM suggestion_facts s WHERE s.suggestion_id = assignment_facts.suggestion_id)",
    "month": "to_char(replied_at AT TIME ZONE :zone, 'YYYY-MM')",
}
BY = ("unit", "category", "session", "kind", "month")


def scoped_filters(actor: dict, filters: dict | None) -> dict:
    """The filters a caller may use: a unit sees only its own unit's rates."""
    wanted = parse(StatsFilter, filters or {}).model_dump(exclude_none=True)
    role = actor.get("role")
    if role == "unit":
        wanted["unit_id"] = actor.get("unit_id")
    elif role not in ("office", "leader", "admin"):
        raise Forbidden(f"role {role} may not see the rates")
    return wanted


# filters only assignment_facts can answer (rate_cells are not kept by kind or supervision)
FACT_FILTERS = {
    "kind": "suggestion_id IN (SELECT suggestion_id FROM suggestion_facts WHERE kind = :kind)",
    "supervised": "supervised = :supervised",
    "leader": ":leader = ANY(leaders)",  # any of the supervising leaders, by sub
    "committee": "committee = :committee",
}


def _where(filters: dict, cells: bool = False) -> str:
    """Filters on rate_cells (``cells``) or assignment_facts (same column names; NULL keys are ''
    in the cells)."""
    parts = ["true"]
    for name, column in (("session", "session"), ("unit_id", "unit_id"), ("category", "category"),
                         ("level", "level")):
        if name in filters:
            parts.append(f"{column} = :{name}")
    if not cells:
        parts += [condition for name, condition in FACT_FILTERS.items() if name in filters]
    return " AND ".join(parts)


def _source(filters: dict, key: str, facts: bool = False) -> str:
    """Counts per (group, result class): summed cells, or, for a filter or group (``facts``) the
    cells do not keep, counted on the facts rows themselves (a few thousand a session)."""
    if not facts and not any(name in filters for name in FACT_FILTERS):
        inner = ", ".join(f"sum({k}) AS {k}" for k in CELL_COUNTS)
        return f"SELECT {key} AS grp, result_class, {inner} FROM rate_cells WHERE {_where(filters, cells=True)} " \
               f"GROUP BY 1, 2"
    inner = ", ".join(f"{expr} AS {k}" for k, expr in CELL_COUNTS.items())
    return f"SELECT {key} AS grp, coalesce(result_class, '') AS result_class, {inner} FROM assignment_facts " \
           f"WHERE {_where(filters)} GROUP BY 1, 2"


def _overdue(filters: dict, key: str, facts: bool = False) -> str:
    """Overdue rows per group: from unreplied_cells (the days before today) and the facts due earlier
    today, or, for a filter or group the cells do not keep (``facts``), all counted on the facts;
    plus, either way, the rows reported late but not yet due by the clock."""
    rows = f"SELECT {key} AS grp, count(*) AS n FROM assignment_facts WHERE {{}} " \
           f"AND {_where(filters)} GROUP BY 1"
    if facts or any(name in filters for name in FACT_FILTERS):
        parts = [rows.format(part) for part in OVERDUE_PARTS]
    else:
        parts = [f"SELECT {key} AS grp, sum(unreplied) AS n FROM unreplied_cells "
                 f"WHERE due_day < :today AND {_where(filters, cells=True)} GROUP BY 1",
                 rows.format(f"{UNREPLIED} AND due_at >= :today_start AND due_at < :now"),
                 rows.format(OVERDUE_PARTS[1])]
    return "SELECT grp, sum(n)::int FROM (" + " UNION ALL ".join(parts) + ") late GROUP BY grp"


def counts(session, filters: dict, now: datetime, group: str | None = None, zone: str = "Asia/Shanghai") -> dict:
    """{group value (None when not grouped): counts, with counts per result class folded in}.

    Sums of the trigger-kept cells (a few per unit and category, not one per assignment);
    overdue depends on the clock: the unreplied cells of the days before today plus the rows due
    earlier today (a partial index's range) and those reported late (_overdue).
    ``zone`` (the office's) makes a reply's month.
    """
    key = (GROUPS.get(group) or FACT_GROUPS[group]) if group else "NULL"
    today = now.astimezone(timezone.utc).date()
    params = {**filters, "now": now, "zone": zone, "today": today,
              "today_start": datetime.combine(today, time(), timezone.utc)}
    facts = group in FACT_GROUPS
    outer = ", ".join(f"sum({k})::int" for k in CELL_COUNTS)
    padding = ", ".join(["NULL::int"] * (len(CELL_COUNTS) - 1) + ["NULL::jsonb"])
    # one statement, one round trip: the counts per group, then the overdue rows per group
    rows = session.execute(text(
        f"SELECT false AS late, grp, {outer}, jsonb_object_agg(result_class, replied) FILTER (WHERE result_class <> '') "
        f"FROM ({_source(filters, key, facts)}) cells GROUP BY grp "
        f"UNION ALL SELECT true, grp, n, {padding} FROM ({_overdue(filters, key, facts)}) late (grp, n)"), params).all()
    result: dict = {}
    for late, grp, *values, classes in sorted(rows, key=lambda row: row[0]):
        grp = None if grp == "" else grp  # (a cell's '' and a facts row's NULL are the same group)
        if late:
            result.setdefault(grp, {**{k: 0 for k in SUMMED}, "classes": {}})["overdue"] += values[0]
        else:
            result[grp] = {**dict(zip(CELL_COUNTS, values)), "overdue": 0,
                           "classes": {c: int(n) for c, n in (classes or {}).items()}}
    if group == "unit" or "unit_id" in filters:  # a unit's assignments are its reply rows
        for c in result.values():
            c["assigned"] = c["replies_due"]
    return result


def co_counts(session, filters: dict) -> dict:
    """{unit id: 会办 counts}: assignments the unit is a co-unit of (filtered as the rates, the unit
    filter naming the co-unit), its opinions given and those on time."""
    unit = "AND co.unit_id = :unit_id" if "unit_id" in filters else ""
    wanted = {k: v for k, v in filters.items() if k != "unit_id"}
    rows = session.execute(text(
        f"SELECT co.unit_id, count(*), count(o.unit_id), count(o.unit_id) FILTER (WHERE o.on_time) "
        f"FROM (SELECT assignment_id FROM assignment_facts WHERE counts_assignment AND {_where(wanted)}) a "
        f"JOIN assignment_common c ON c.assignment_id = a.assignment_id "
        f"CROSS JOIN LATERAL unnest(c.co_unit_ids) AS co(unit_id) "
        f"LEFT JOIN co_opinions o ON o.assignment_id = a.assignment_id AND o.unit_id = co.unit_id "
        f"WHERE true {unit} GROUP BY co.unit_id"), wanted | ({"unit_id": filters["unit_id"]} if unit else {}))
    return {unit_id: dict(zip(domain.CO_COUNTS, values)) for unit_id, *values in rows}


def rates(session, actor: dict, filters: dict | None, now: datetime) -> dict:
    wanted = scoped_filters(actor, filters)
    grouped = counts(session, wanted, now)
    empty = {**{k: 0 for k in SUMMED}, "classes": {}}
    return {**domain.rates(grouped.get(None, empty)), "filters": wanted}


def units(session, actor: dict, filters: dict | None, now: datetime) -> dict:
    """Every unit with work ranked (domain.ranking_key), each with its reply rates and 会办 figures
    (a unit with only 会办 work has no reply rates and comes after those that reply); ``rank`` from 1."""
    wanted = scoped_filters(actor, filters)
    items = domain.unit_rows(counts(session, wanted, now, "unit"), co_counts(session, wanted), unit_names(session))
    return {"items": items, "total": len(items), "filters": wanted}


def groups(session, actor: dict, filters: dict | None, by: str, now: datetime, zone: str) -> dict:
    """The rates per unit, category, session, kind (大会/闭会) or month of the reply (the office's
    local YYYY-MM; replies not yet given are the group null), in the order of their keys."""
    if by not in BY:
        raise ValidationFailed(f"by: one of {', '.join(BY)}", [{"field": "by", "message": f"one of {', '.join(BY)}"}])
    wanted = scoped_filters(actor, filters)
    grouped = counts(session, wanted, now, by, zone)
    keys = sorted(grouped, key=lambda k: (k is None, str(k) if k is not None else ""))
    items = [{"key": None if k is None else str(k), **domain.rates(grouped[k])} for k in keys]
    return {"by": by, "items": items, "total": len(items), "filters": wanted}


def categories(session, filters: dict, now: datetime) -> list[dict]:
    grouped = counts(session, filters, now, "category")
    return [{"category": c, **domain.rates(grouped[c])} for c in sorted(grouped, key=lambda c: c or "")]


def overdue(session, filters: dict, now: datetime, limit: int | None = None) -> list[dict]:
    """Overdue replies (a unit of an assignment that has not replied by its due date), most late
    first, with their days late; ``unit_id`` the unit that owes the reply."""
    rows = session.execute(text(
        f"SELECT assignment_id, suggestion_id, number, title, session, category, unit_id, lead_unit_id, state, round, "
        f"due_at, CASE WHEN overdue_round = round THEN days_late END AS reported_days "
        f"FROM assignment_facts WHERE {_where(filters)} AND {OVERDUE} ORDER BY due_at, assignment_id, unit_id"
        + (" LIMIT :limit" if limit else "")), {**filters, "now": now, "limit": limit}).mappings()
    names = unit_names(session)
    result = []
    for row in rows:
        by_clock = max(0, (now - row["due_at"]).days) if row["due_at"] else 0
        days = max(by_clock, row["reported_days"] or 0)
        result.append({**{k: v for k, v in row.items() if k != "reported_days"},
                       "due_at": row["due_at"].isoformat() if row["due_at"] else None,
                       "unit_name": names.get(row["unit_id"]), "days_late": days})
    return result
