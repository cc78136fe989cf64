"""Read side of the suggestion service: what the API shows."""
import base64
import time
from datetime import datetime

from sqlalchemy import and_, false, func, or_, select, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.sql.visitors import InternalTraversal

from services.common.clock import now
from services.common.pgsettings import set_local, starts_with
from services.common.store import not_found
from services.common.like import ESCAPE, contains_pattern
from services.suggestion import catalog, domain
from services.suggestion.models import Attachment, CoSigner, Deputy, ReplyEntry, Suggestion, TimelineEntry
from services.suggestion.redaction import redact, shown
from services.suggestion.roster import names_of
from services.suggestion.schemes import Catalog
from services.suggestion.store import count, load, replies_of
from services.suggestion.text import cjk_runs, most_similar, query_terms, token_runs

MAX_LIMIT = 200
STAFF = ("office", "leader", "admin")


def _iso(value):
    return value.isoformat() if value else None


def shown_publicly(s: Suggestion, at=None) -> bool:
    """Published, not withdrawn and not past its end date: what the public site shows now (``at``)."""
    return domain.disclosed(s.public, s.public_ends_at, at or now())


def disclosed_now():
    """The SQL condition of shown_publicly."""
    return and_(Suggestion.public.is_(True),
                or_(Suggestion.public_ends_at.is_(None), Suggestion.public_ends_at >= now()))


def disclosure(s: Suggestion) -> dict:
    """The disclosure's end date and its latest withdrawal (every step is in the timeline)."""
    return {"public_until": s.public_until.isoformat() if s.public_until else None,
            "unpublished_at": _iso(s.unpublished_at), "unpublished_by": s.unpublished_by,
            "unpublish_reason": s.unpublish_reason}


def to_dict(s: Suggestion, co_signers: list[int], categories: Catalog, at=None) -> dict:
    """A suggestion (or a row of ITEM) as the API shows it, its deadline and disclosure as of
    ``at`` (now; a list page passes one instant for all its rows)."""
    at = at or now()
    return {
        "id": s.id, "number": domain.number_label(s.number, s.number_prefix), "seq": s.number,
        "session": s.session,
        "title": s.title, "body": s.body, "category": s.category,
        "category_name": categories.name(s.session, s.category), "kind": s.kind, "source": s.source,
        "lead_deputy_id": s.lead_deputy_id, "co_signer_ids": co_signers, "status": s.status,
        "public": shown_publicly(s, at), "return_reason": s.return_reason, "withdraw_reason": s.withdraw_reason,
        "conversion_reason": s.conversion_reason, "merged_into_id": s.merged_into_id,
        "station_opinion_id": s.station_opinion_id,
        "assignment": s.assignment, "due_at": _iso(s.due_at), "overdue": is_overdue(s, at),
        "created_at": _iso(s.created_at), "submitted_at": _iso(s.submitted_at),
        "accepted_at": _iso(s.accepted_at),
        "published_at": _iso(s.published_at), **disclosure(s),
    }


def handling_units(s: Suggestion) -> list[int]:
    return ([s.lead_unit_id] if s.lead_unit_id else []) + list(s.co_unit_ids or [])


def is_overdue(s: Suggestion, at=None) -> bool:
    return bool(s.due_at and s.status in domain.AWAITING_REPLY and s.due_at < (at or now()))


def co_signers_of(session, ids: list[int]) -> dict[int, list[int]]:
    """Co-signers of many suggestions in one query."""
    result: dict[int, list[int]] = {i: [] for i in ids}
    for sid, deputy_id in session.execute(select(CoSigner.suggestion_id, CoSigner.deputy_id)
                                          .where(CoSigner.suggestion_id.in_(ids))
                                          .order_by(CoSigner.deputy_id)):
        result[sid].append(deputy_id)
    return result


def timeline(session, suggestion_id: int) -> list[dict]:
    rows = session.scalars(select(TimelineEntry).where(TimelineEntry.suggestion_id == suggestion_id)
                           .order_by(TimelineEntry.at, TimelineEntry.id))
    return [{"type": t.type, "at": t.at.isoformat(), "actor": t.actor, "note": t.note} for t in rows]


def replies(session, suggestion_ids: list[int], public: bool = False) -> dict[int, list[dict]]:
    """Replies as staff read them, or (public) as published: reviewed or masked, never as written."""
    result: dict[int, list[dict]] = {i: [] for i in suggestion_ids}
    for r in session.execute(select(ReplyEntry.suggestion_id, ReplyEntry.unit_name, ReplyEntry.result_class,
                                    ReplyEntry.round, ReplyEntry.content, ReplyEntry.public_content,
                                    ReplyEntry.at)
                             .where(ReplyEntry.suggestion_id.in_(suggestion_ids))
                             .order_by(ReplyEntry.at, ReplyEntry.id)):
        content = shown(r.public_content, r.content) if public else r.content
        result[r.suggestion_id].append({"unit_name": r.unit_name, "result_class": r.result_class,
                                        "round": r.round, "content": content, "at": r.at.isoformat()})
    return result


def get(session, actor: dict, suggestion_id: int, categories: Catalog) -> dict:
    s = session.get(Suggestion, suggestion_id)
    co = co_signers_of(session, [suggestion_id])[suggestion_id] if s else []
    if s is None or not domain.visible_to(actor, s.lead_deputy_id, co, shown_publicly(s), s.status,
                                           handling_units(s)):
        raise not_found("suggestion", suggestion_id)
    result = to_dict(s, co, categories)
    result["timeline"] = timeline(session, suggestion_id)
    result["replies"] = replies(session, [suggestion_id])[suggestion_id]
    result["merged_from_ids"] = list(session.scalars(
        select(Suggestion.id).where(Suggestion.merged_into_id == s.id).order_by(Suggestion.id)))
    files_shown = domain.files_visible_to(actor, s.lead_deputy_id, co, s.status, handling_units(s))
    result["attachments"] = attachments(session, s.id) if files_shown else []
    names = names_of(session, [s.lead_deputy_id, *co])
    result["lead_deputy_name"] = names.get(s.lead_deputy_id)
    result["co_signer_names"] = [names.get(d) for d in co]
    if actor.get("role") in STAFF and s.status == "submitted":
        result["similar"] = similar(session, s)  # the hint shown at screening
    return result


def replies_by_suggestion(session, suggestion_ids: list[int]) -> dict[int, list[ReplyEntry]]:
    """Every reply (each unit's, each round's) of these suggestions, in reply order: the export."""
    result: dict[int, list[ReplyEntry]] = {}
    for r in session.scalars(select(ReplyEntry).where(ReplyEntry.suggestion_id.in_(suggestion_ids))
                             .order_by(ReplyEntry.suggestion_id, ReplyEntry.at, ReplyEntry.id)):
        result.setdefault(r.suggestion_id, []).append(r)
    return result


def attachment_dict(a: Attachment) -> dict:
    return {"id": a.id, "suggestion_id": a.suggestion_id, "filename": a.filename, "media_type": a.media_type,
            "size": a.size, "sha256": a.sha256, "uploaded_by": a.uploaded_by, "uploaded_at": a.uploaded_at.isoformat()}


def attachments(session, suggestion_id: int) -> list[dict]:
    return [attachment_dict(a) for a in session.scalars(
        select(Attachment).where(Attachment.suggestion_id == suggestion_id).order_by(Attachment.id))]


def download(session, actor: dict, suggestion_id: int, attachment_id: int) -> dict:
    """One attached file with its content (base64), for who may see the suggestion's files
    (domain.files_visible_to); to anyone else it does not exist (404)."""
    s = session.get(Suggestion, suggestion_id)
    co = co_signers_of(session, [suggestion_id])[suggestion_id] if s else []
    if s is None or not domain.files_visible_to(actor, s.lead_deputy_id, co, s.status, handling_units(s)):
        raise not_found("suggestion", suggestion_id)
    a = session.scalar(select(Attachment).where(Attachment.id == attachment_id,
                                                Attachment.suggestion_id == suggestion_id))
    if a is None:
        raise not_found("attachment", attachment_id)
    return {**attachment_dict(a), "content": base64.b64encode(a.content).decode()}


def similar(tx, s: Suggestion, limit: int = 5) -> list[dict]:
    """Suggestions of the same session whose titles look alike: the hint shown at screening."""
    rows = tx.execute(select(Suggestion.id, Suggestion.title, Suggestion.number, Suggestion.number_prefix,
                             Suggestion.status)
                      .where(Suggestion.session == s.session, Suggestion.id != s.id,
                             Suggestion.status.notin_(("draft", "withdrawn")))).all()
    by_id = {r.id: r for r in rows}
    hits = most_similar(s.title, [(r.id, r.title) for r in rows], limit=limit)
    return [{"id": i, "number": domain.number_label(by_id[i].number, by_id[i].number_prefix),
             "title": by_id[i].title, "status": by_id[i].status, "similarity": score} for i, score in hits]


def keyword_condition(q: str, recheck: bool = True):
    """Every whitespace-separated keyword must occur in the title or the body.

    The GIN index on bigrams (and Latin words) finds the rows. For a two-character word
    or a Latin word the index answer is already exact; a longer Chinese word also needs
    its bigrams in a row, so a substring test confirms those (LIKE: Chinese has no case).
    A lone Chinese character has no bigram: it is looked for in titles only, since a
    scan of every body would take seconds.
    """
    conditions = []
    for word in q.split():
        exact, latin = query_terms(word)
        terms = exact + latin
        if not terms:
            conditions.append(Suggestion.title.like(contains_pattern(word), escape=ESCAPE))
            continue
        condition = Suggestion.search_terms.contains(terms)
        if recheck and _needs_recheck(word):
            like = Suggestion.title.ilike if latin else Suggestion.title.like
            body_like = Suggestion.body.ilike if latin else Suggestion.body.like
            pattern = contains_pattern(word)
            condition = and_(condition, or_(like(pattern, escape=ESCAPE), body_like(pattern, escape=ESCAPE)))
        conditions.append(condition)
    return and_(*conditions) if conditions else None


def substring_condition(q: str):
    """The same search as keyword_condition as substring tests only, when every keyword is
    Chinese (a Chinese word is in a text exactly when it is a substring of it); None when a
    keyword has Latin letters or digits (an index term, a whole word, is not a substring)."""
    conditions = []
    for word in q.split():
        exact, latin = query_terms(word)
        if latin:
            return None
        pattern = contains_pattern(word)
        if not exact:  # as keyword_condition: no bigram (one character, 水。), titles only
            conditions.append(Suggestion.title.like(pattern, escape=ESCAPE))
        else:
            conditions.append(or_(Suggestion.title.like(pattern, escape=ESCAPE),
                                  Suggestion.body.like(pattern, escape=ESCAPE)))
    return and_(*conditions) if conditions else None


def _needs_recheck(word: str) -> bool:
    """Only one indexed term that is the whole word (公交, 5G) answers exactly without a recheck."""
    runs = token_runs(word)
    return len(runs) != 1 or runs[0] != word or (len(cjk_runs(word)) == 1 and len(word) > 2)


def scope(query, actor: dict, filters: dict):
    role = actor.get("role")
    if role == "deputy":
        me = actor.get("deputy_id")
        cosigned = select(CoSigner.suggestion_id).where(CoSigner.deputy_id == me)
        mine = or_(Suggestion.lead_deputy_id == me,
                   and_(Suggestion.id.in_(cosigned), Suggestion.status != "draft"))
        return query.where(or_(mine, and_(disclosed_now(), Suggestion.status != "draft")))
    if role in STAFF:
        # drafts are the deputies' own work in progress: listed only when asked for
        return query if filters.get("status") == "draft" else query.where(Suggestion.status != "draft")
    public = and_(disclosed_now(), Suggestion.status != "draft")
    if role == "unit" and actor.get("unit_id") is not None:  # and what it handles (domain.visible_to)
        me = actor["unit_id"]
        return query.where(or_(public, Suggestion.lead_unit_id == me, Suggestion.co_unit_ids.contains([me])))
    return query.where(public)


def filtered(actor: dict, filters: dict, recheck: bool = True, substrings: bool = False):
    """The query of what ``actor`` may see with ``filters``; ``substrings``: the keywords as
    substring tests (substring_condition; None when they cannot be)."""
    query = scope(select(Suggestion), actor, filters)
    for field in ("status", "category", "session", "kind"):
        if filters.get(field):
            query = query.where(getattr(Suggestion, field) == filters[field])
    if filters.get("deputy_id"):
        deputy = int(filters["deputy_id"])
        cosigned = select(CoSigner.suggestion_id).where(CoSigner.deputy_id == deputy)
        query = query.where(or_(Suggestion.lead_deputy_id == deputy, Suggestion.id.in_(cosigned)))
    if filters.get("unit_id"):
        unit = int(filters["unit_id"])
        query = query.where(or_(Suggestion.lead_unit_id == unit, Suggestion.co_unit_ids.contains([unit])))
    if filters.get("overdue") is not None:
        late = and_(Suggestion.status.in_(domain.AWAITING_REPLY), Suggestion.due_at < now())
        query = query.where(late if filters["overdue"] else ~late)
    if filters.get("public") is not None:
        query = query.where(disclosed_now() if filters["public"] else ~disclosed_now())
    if filters.get("q"):
        if substrings:
            condition = substring_condition(filters["q"])
            return None if condition is None else query.where(condition)
        condition = keyword_condition(filters["q"], recheck)
        query = query.where(condition if condition is not None else false())
    return query


# What a page's rows are read as: only the columns to_dict (ITEM) or public_dict (PUBLIC_ITEM)
# shows, as plain rows rather than ORM entities (no instance state or identity map per row,
# about a third of the service's CPU for a page of 20; bench/README.md "Fixed cost per read").
ITEM = tuple(getattr(Suggestion, name) for name in (
    "id", "number", "number_prefix", "session", "title", "body", "category", "kind", "source",
    "lead_deputy_id", "status", "public", "public_ends_at", "return_reason", "withdraw_reason",
    "conversion_reason", "merged_into_id", "station_opinion_id", "assignment", "due_at", "created_at",
    "submitted_at", "accepted_at", "published_at", "public_until", "unpublished_at", "unpublished_by",
    "unpublish_reason")) + (
    # the co-signers in the same statement (ARRAY of a correlated subquery), not one more round trip
    func.array(select(CoSigner.deputy_id).where(CoSigner.suggestion_id == Suggestion.id)
               .order_by(CoSigner.deputy_id).scalar_subquery()).label("co_signer_ids"),
    catalog.TOKEN_COLUMN)  # the schemes' token with the page: their labels cost no read (catalog.load)
PUBLIC_ITEM = tuple(getattr(Suggestion, name) for name in (
    "id", "number", "number_prefix", "session", "title", "public_title", "body", "public_body", "category",
    "kind", "status", "lead_deputy_id", "published_at", "public_until")) + (
    # the lead deputy's name from the roster projection in the same statement (not roster.names_of)
    select(Deputy.name).where(Deputy.id == Suggestion.lead_deputy_id).scalar_subquery().label("lead_deputy_name"),
    catalog.TOKEN_COLUMN)


_SELECTS: dict[tuple, object] = {}


def over(columns: tuple):
    """``select(*columns)``, built once per tuple: building it coerces each of ITEM's 29 columns
    anew (with_only_columns too), about a tenth of the service's CPU for a page."""
    built = _SELECTS.get(columns)
    if built is None:
        built = _SELECTS[columns] = select(*columns)
    return built


def with_columns(query, columns: tuple):
    """``query.with_only_columns(*columns)`` for a query of conditions only (``filtered``): the
    same SQL, from the prebuilt select of ``columns``."""
    return over(columns) if query.whereclause is None else over(columns).where(query.whereclause)


# A list counts its rows exactly up to LIST_COUNT_CAP, a keyword search (on index terms only, no
# substring recheck) up to SEARCH_COUNT_CAP; beyond, `total` is the planner's estimate and
# `total_exact` false: over a million suggestions an exact count costs more than the page itself
# (bench/README.md "Read benchmark").
LIST_COUNT_CAP = 1000
DEEP_OFFSET = 1000  # from here a page skips rows by their ids, not by reading them
SEARCH_COUNT_CAP = 1000


# GET /suggestions?sort=: what a list may be ordered by (a leading "-": the other way); id breaks ties
SORTS = {"id": Suggestion.id, "number": Suggestion.number, "due_at": Suggestion.due_at,
         "status_at": Suggestion.status_at}


def order(sort: str | None) -> tuple:
    """The list's order: newest first unless sorted; a suggestion without a number or deadline last."""
    column = SORTS.get((sort or "-id").lstrip("-"), Suggestion.id)
    if column is Suggestion.id:  # never null: a plain order, which the primary key gives backwards
        return (Suggestion.id.desc(),) if (sort or "-id").startswith("-") else (Suggestion.id.asc(),)
    if (sort or "-id").startswith("-"):
        return column.desc().nulls_last(), Suggestion.id.desc()
    return column.asc().nulls_last(), Suggestion.id.asc()


def page(session, query, limit: int, offset: int, count_query=None, count_cap: int | None = None,
         sort: str | None = None, scan_query=None, columns: tuple = ITEM, terms: bool = False):
    """(rows, total, exact). The rows are counted up to ``count_cap`` (LIST_COUNT_CAP by
    default; a keyword search counts with ``count_query``, index terms only, an upper bound);
    more than that: the planner's estimate of ``count_query``, not exact. A Chinese keyword
    search (``scan_query``, its substring form) first reads the newest rows (_scan_newest).
    The rows are ``columns`` of the page's suggestions; ``terms``: the query tests index terms."""
    # The rows are in memory, not on a spinning disk: at the stock 4 the planner walks the whole
    # id order backwards for a session + status filter (660,000 rows, 580 ms) rather than read
    # the (session, status, id) index, whose rows are scattered in the table (0.4 ms). The
    # service's connections start with it (service.py); elsewhere (behind PgBouncer) it is set here.
    set_local(session, **PLANNER)
    top = None  # the newest id, read once for whichever newest-first paths run
    if scan_query is not None and (sort or "-id") == "-id":
        top = newest_id(session)
        rows = _scan_newest(session, scan_query, limit, offset, columns, top)
        if rows is not None:  # a common word: counting its matches would cost more than the page
            return rows, max(estimate(session, scan_query), offset + len(rows)), False
    cap = count_cap or LIST_COUNT_CAP
    counted = count_query if count_query is not None else query
    total = guess = None
    if terms:
        # For a capped count the planner expects to meet enough matches early in a
        # sequential scan, but each row's check then detoasts ~3 KB of terms (240 ms
        # over 100,000 rows); the GIN bitmap finds them in ~30 ms (bench/read.py).
        set_local(session, enable_seqscan="off")
    if terms or table_rows(session) > ESTIMATE_FIRST * cap:
        # far more matches than the cap (one index term's estimate is close: 5G 70,058 for
        # 70,816; an equality filter's comes from the column's statistics; several terms' is
        # low, so this errs towards counting): no count at all. A count past the cap would
        # have answered this estimate anyway; only a table too small for that counts first.
        guess = estimate(session, counted)
        if guess > ESTIMATE_FIRST * cap:
            total = guess
    if total is None:
        total = count(session, counted.with_only_columns(Suggestion.id).limit(cap + 1))
    if terms and (sort or "-id") == "-id" and total > cap:
        rows = None
        top = newest_id(session) if top is None else top
        if guess is not None and guess * SCAN_WINDOW >= 2 * (offset + limit) * table_rows(session):
            # a word in one row of ~30 or more (5G: one in fourteen): its page is among the newest
            # SCAN_WINDOW ids, read newest first, each row's terms tested (~10 µs) until the page
            # is full, not its index entries gathered into a bitmap (70,000 for 5G: ~10 ms)
            rows = _scan_newest(session, query, limit, offset, columns, top)
        if rows is None:
            rows = _newest_matches(session, query, limit, offset, columns, top)
    elif offset >= DEEP_OFFSET:
        # the skipped rows' ids from an index alone (ix_suggestions_listed …), then only the page's rows
        ids = query.with_only_columns(Suggestion.id).order_by(*order(sort)).limit(limit).offset(offset)
        rows = session.execute(over(columns).where(Suggestion.id.in_(ids.scalar_subquery()))
                               .order_by(*order(sort))).all()
    else:
        rows = session.execute(with_columns(query, columns).order_by(*order(sort))
                               .limit(limit).offset(offset)).all()
    exact = total <= cap
    if not exact:
        total = max(total if total > cap + 1 else estimate(session, counted), cap + 1, offset + len(rows))
    return rows, total, exact


PLANNER = {"random_page_cost": "1.1"}  # what a list's plans are made with


def needs_transaction(bind, filters: dict) -> bool:
    """Whether a list with ``filters`` on connections of ``bind`` sets anything for its transaction:
    a keyword search steers its plans per statement (SET LOCAL enable_…), and PLANNER is set per
    transaction where connections do not start with it (behind PgBouncer). Otherwise the list
    reads in autocommit (Db.read): no BEGIN and ROLLBACK round trips."""
    return bool(filters.get("q")) or not starts_with(bind, PLANNER)

# A Chinese keyword search first tests the newest SCAN_WINDOW ids' titles and bodies, newest
# first, until it has its page: a common word (公交 is in one suggestion of eight) answers
# after ~150 rows, ~10 µs each, where its index terms would list 125,000 matches over a
# million rows (30–60 ms before any row is read). A rarer word goes on to the index.
SCAN_WINDOW = 2000


def newest_id(session) -> int:
    """The highest suggestion id (0 when there is none): where the newest-first windows start."""
    return session.scalar(select(func.max(Suggestion.id))) or 0


def _scan_newest(session, query, limit: int, offset: int, columns: tuple, top: int) -> list | None:
    """The page of ``query`` newest first if the newest SCAN_WINDOW ids (up to ``top``) hold it,
    else None."""
    if top <= SCAN_WINDOW:  # a small table: the index path counts exactly at no cost
        return None
    set_local(session, enable_bitmapscan="off")  # the primary key, backwards
    rows = session.execute(with_columns(query, columns).where(Suggestion.id > top - SCAN_WINDOW)
                           .order_by(*order(None)).limit(limit).offset(offset)).all()
    set_local(session, enable_bitmapscan="on")
    return rows if len(rows) == limit else None


# A keyword search with many matches looks for its newest page among the newest ids first: a
# common word's page is in the first window, and only the window's matches are read and
# rechecked (the body's substring test reads its TOAST), not all of the table's (bench/README.md).
SEARCH_WINDOWS = (25_000, 250_000)


def _newest_matches(session, query, limit: int, offset: int, columns: tuple, top: int) -> list:
    """The page of ``query`` newest first, from the smallest window of newest ids (up to ``top``)
    that holds it."""
    newest = with_columns(query, columns).order_by(*order(None)).limit(limit).offset(offset)
    for window in SEARCH_WINDOWS:
        if window >= top:
            break
        # the planner would walk the primary key backwards through the window, testing every
        # row's terms; ANDing the window's and the word's bitmaps reads only the matches
        set_local(session, enable_indexscan="off")
        rows = session.execute(newest.where(Suggestion.id > top - window)).all()
        set_local(session, enable_indexscan="on")
        if len(rows) == limit:
            return rows
    return session.execute(newest).all()


class Explain(Executable, ClauseElement):
    """``EXPLAIN (FORMAT JSON) <select>`` as a statement SQLAlchemy compiles once per shape of the
    select and then takes from its cache, as it does the select itself (compiling it anew on
    every page was an eighth of the service's CPU for a list past its count cap)."""
    inherit_cache = True
    _traverse_internals = [("statement", InternalTraversal.dp_clauseelement)]

    _all_selected_columns = ()  # one row of plan, none of the select's columns

    def __init__(self, statement):
        self.statement = statement


@compiles(Explain)
def _compile_explain(element, compiler, **kw):
    sql = compiler.process(element.statement, **kw)
    compiler._result_columns = []  # the plan's column, not the select's: no result processing
    return "EXPLAIN (FORMAT JSON) " + sql


# How far above the cap the planner's estimate must be to answer it without counting: a
# tenfold misestimate of an equality filter or one index term is rare (bench/README.md "JSON by
# orjson, counted only near the cap").
ESTIMATE_FIRST = 10
TABLE_ROWS_TTL = 300.0  # seconds a process trusts its reading of the table's size
_table_rows: dict[str, float] = {}


def table_rows(session) -> float:
    """The planner's row count of the suggestions table (pg_class.reltuples, -1 before its first
    ANALYZE), read at most every TABLE_ROWS_TTL seconds: a table that cannot hold ESTIMATE_FIRST
    times the cap is counted without asking the planner first (one round trip fewer)."""
    at = time.monotonic()
    if at - _table_rows.get("at", -TABLE_ROWS_TTL) >= TABLE_ROWS_TTL:
        _table_rows.update(rows=session.execute(TABLE_ROWS).scalar() or -1.0, at=at)
    return _table_rows["rows"]


TABLE_ROWS = text("SELECT reltuples FROM pg_class WHERE oid = 'suggestions'::regclass")


# The planner estimates from statistics that change only when the table is analysed: the same
# list asked again within ESTIMATE_TTL seconds (the office's newest page, a common filter) reuses
# its estimate rather than a round trip to EXPLAIN it again.
ESTIMATE_TTL = 60.0
ESTIMATES_KEPT = 2000  # distinct queries remembered per process; more, and the oldest go
_estimates: dict[tuple, tuple[float, int]] = {}  # (statement's cache key, its values) -> (at, rows)


def estimate(session, query) -> int:
    """The planner's estimate of how many rows ``query`` gives (EXPLAIN, nothing is run), from
    memory for ESTIMATE_TTL seconds."""
    counted = query.with_only_columns(Suggestion.id).order_by(None)
    key = estimate_key(counted)
    at = time.monotonic()
    known = _estimates.get(key)
    if known is not None and at - known[0] < ESTIMATE_TTL:
        return known[1]
    plan = session.execute(Explain(counted)).scalar()
    rows = int(plan[0]["Plan"]["Plan Rows"])
    _estimates.pop(key, None)  # an expired entry, entered anew below
    if len(_estimates) >= ESTIMATES_KEPT:
        _estimates.pop(next(iter(_estimates)))  # the oldest entered
    _estimates[key] = (at, rows)
    return rows


def estimate_key(statement) -> tuple:
    """What identifies an estimate: the statement's shape (SQLAlchemy's cache key, which its
    execution computes anyway) and its values, an instant to the minute (a public list compares
    with now; the estimate of one minute serves the next)."""
    cache_key = statement._generate_cache_key()
    values = []
    for bind in cache_key.bindparams:
        value = bind.effective_value
        if isinstance(value, datetime):
            value = value.replace(second=0, microsecond=0)
        values.append(value)
    return cache_key.key, repr(values)


def list_(session, actor: dict, filters: dict, limit: int, offset: int, categories,
          cap: int = MAX_LIMIT) -> dict:
    """A page of the suggestions ``actor`` may see. ``categories(token)`` gives the category
    schemes as of the token the page's statement read (catalog.load); it is not called for an
    empty page."""
    search = bool(filters.get("q"))
    rows, total, exact = page(session, filtered(actor, filters), min(limit, cap), offset,
                              filtered(actor, filters, recheck=False) if search else None,
                              SEARCH_COUNT_CAP if search else None, filters.get("sort"),
                              filtered(actor, filters, substrings=True) if search else None,
                              terms=search and uses_terms(filters["q"]))
    at = now()
    schemes = categories(rows[0].catalog_token) if rows else None
    return {"items": [to_dict(s, s.co_signer_ids, schemes, at) for s in rows], **totals(total, exact, filters),
            "limit": limit, "offset": offset, "filters": {k: v for k, v in filters.items() if v is not None}}


def totals(total: int, exact: bool, filters: dict) -> dict:
    """A count beyond its cap is an estimate; a search's count, without the substring recheck,
    an upper bound for words that need one."""
    if filters.get("q") and any(_needs_recheck(w) for w in filters["q"].split()):
        exact = False
    return {"total": total, "total_exact": exact}


def uses_terms(q: str | None) -> bool:
    """Whether keyword_condition(q) tests index terms (a lone Chinese character is a title test)."""
    return any(any(query_terms(word)) for word in (q or "").split())


def public_dict(s: Suggestion, lead_deputy_name: str | None, replies_: list[dict], categories: Catalog) -> dict:
    """What the public site shows: the published (masked or reviewed) texts, no contact data, no internal notes."""
    return {"id": s.id, "number": domain.number_label(s.number, s.number_prefix), "session": s.session,
            "title": shown(s.public_title, s.title), "body": shown(s.public_body, s.body),
            "category": s.category, "category_name": categories.name(s.session, s.category), "kind": s.kind,
            "status": s.status, "lead_deputy_name": lead_deputy_name,
            "published_at": _iso(s.published_at),
            "public_until": s.public_until.isoformat() if s.public_until else None,
            "replies": replies_}


def public_list(session, filters: dict, limit: int, offset: int, categories) -> dict:
    """The public site's page; ``categories(token)`` as in ``list_``."""
    wanted = {k: filters[k] for k in ("session", "q", "category") if filters.get(k)}
    query = filtered({"role": "public"}, wanted).where(Suggestion.status.in_(domain.PUBLISHABLE))
    search = bool(wanted.get("q"))
    counted = filtered({"role": "public"}, wanted, recheck=False).where(Suggestion.status.in_(domain.PUBLISHABLE))
    scanned = filtered({"role": "public"}, wanted, substrings=True) if search else None
    if scanned is not None:
        scanned = scanned.where(Suggestion.status.in_(domain.PUBLISHABLE))
    rows, total, exact = page(session, query, min(limit, MAX_LIMIT), offset, counted if search else None,
                              SEARCH_COUNT_CAP if search else None, scan_query=scanned, columns=PUBLIC_ITEM,
                              terms=search and uses_terms(wanted["q"]))
    answers = replies(session, [s.id for s in rows], public=True) if rows else {}
    schemes = categories(rows[0].catalog_token) if rows else None
    return {"items": [public_dict(s, s.lead_deputy_name, answers[s.id], schemes) for s in rows],
            **totals(total, exact, wanted),
            "limit": limit, "offset": offset}


def public_get(session, suggestion_id: int, categories: Catalog) -> dict:
    s = session.get(Suggestion, suggestion_id)
    if s is None or not shown_publicly(s) or s.status not in domain.PUBLISHABLE:
        raise not_found("suggestion", suggestion_id)
    return public_dict(s, names_of(session, [s.lead_deputy_id]).get(s.lead_deputy_id),
                       replies(session, [s.id], public=True)[s.id], categories)


def part(original: str | None, published: str | None, public: bool) -> dict:
    """One text as the office reviews it before publishing: as written, masked, as published, each mask."""
    text, spans = redact(original)
    return {"original": original, "text": text, "published": shown(published, original) if public else None,
            "redactions": [{"kind": s.kind, "start": s.start, "end": s.end, "original": s.original,
                            "masked": s.masked} for s in spans]}


def preview(session, suggestion_id: int) -> dict:
    """The title, body and every reply as they would be published (publication.py publishes them)."""
    s = load(session, suggestion_id)
    return {"suggestion_id": s.id, "public": s.public, "published_at": s.published_at and s.published_at.isoformat(),
            "title": part(s.title, s.public_title, s.public), "body": part(s.body, s.public_body, s.public),
            "replies": [{"id": r.id, "unit_name": r.unit_name, "result_class": r.result_class, "round": r.round,
                         "at": r.at.isoformat(), **part(r.content, r.public_content, s.public)}
                        for r in replies_of(session, s.id)]}


def screening_stats(session, filters: dict) -> dict:
    """Counts by screening outcome of the submitted suggestions (drafts are not submitted yet)."""
    query = select(Suggestion.status, func.count()).where(Suggestion.status != "draft").group_by(Suggestion.status)
    wanted = {k: filters[k] for k in ("session", "kind") if filters.get(k)}
    for field, value in wanted.items():
        query = query.where(getattr(Suggestion, field) == value)
    counts = domain.screening_counts(dict(session.execute(query).all()))
    return {**counts, "filters": wanted}
