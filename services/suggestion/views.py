"""Read side of the suggestion service: what the API shows."""
from sqlalchemy import and_, false, or_, select

from services.common.clock import now
from services.common.errors import NotFound
from services.suggestion import domain, taxonomy
from services.suggestion.commands import count
from services.suggestion.models import CoSigner, ReplyEntry, Suggestion, TimelineEntry
from services.suggestion.roster import names_of
from services.suggestion.screening import similar
from services.suggestion.text import query_terms

MAX_LIMIT = 200
STAFF = ("office", "leader", "admin")


def _iso(value):
    return value.isoformat() if value else None


def to_dict(s: Suggestion, co_signers: list[int]) -> dict:
    return {
        "id": s.id, "number": domain.number_label(s.number), "seq": s.number, "session": s.session,
        "title": s.title, "body": s.body, "category": s.category,
        "category_name": taxonomy.categories().get(s.category), "kind": s.kind, "source": s.source,
        "lead_deputy_id": s.lead_deputy_id, "co_signer_ids": co_signers, "status": s.status,
        "public": s.public, "return_reason": s.return_reason, "withdraw_reason": s.withdraw_reason,
        "merged_into_id": s.merged_into_id, "station_opinion_id": s.station_opinion_id,
        "assignment": s.assignment, "due_at": _iso(s.due_at), "overdue": is_overdue(s),
        "created_at": _iso(s.created_at), "submitted_at": _iso(s.submitted_at),
        "published_at": _iso(s.published_at),
    }


def is_overdue(s: Suggestion) -> bool:
    return bool(s.due_at and s.status in domain.AWAITING_REPLY and s.due_at < now())


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


def replies(session, suggestion_ids: list[int]) -> dict[int, list[dict]]:
    result: dict[int, list[dict]] = {i: [] for i in suggestion_ids}
    for r in session.scalars(select(ReplyEntry).where(ReplyEntry.suggestion_id.in_(suggestion_ids))
                             .order_by(ReplyEntry.at, ReplyEntry.id)):
        result[r.suggestion_id].append({"unit_name": r.unit_name, "result_class": r.result_class,
                                        "round": r.round, "content": r.content, "at": r.at.isoformat()})
    return result


def get(session, actor: dict, suggestion_id: int) -> dict:
    s = session.get(Suggestion, suggestion_id)
    co = co_signers_of(session, [suggestion_id])[suggestion_id] if s else []
    if s is None or not domain.visible_to(actor, s.lead_deputy_id, co, s.public, s.status):
        raise NotFound(f"suggestion {suggestion_id} not found")
    result = to_dict(s, co)
    result["timeline"] = timeline(session, suggestion_id)
    result["replies"] = replies(session, [suggestion_id])[suggestion_id]
    result["merged_from_ids"] = list(session.scalars(
        select(Suggestion.id).where(Suggestion.merged_into_id == s.id).order_by(Suggestion.id)))
    names = names_of(session, [s.lead_deputy_id, *co])
    result["lead_deputy_name"] = names.get(s.lead_deputy_id)
    result["co_signer_names"] = [names.get(d) for d in co]
    if actor.get("role") in STAFF and s.status == "submitted":
        result["similar"] = similar(session, s)  # the hint shown at screening
    return result


def keyword_condition(q: str):
    """Every whitespace-separated keyword must occur in the title or the body.

    Bigrams (and Latin words) narrow the rows through the GIN index; the substring
    test makes the match exact. A lone Chinese character has no bigram: a scan.
    """
    conditions = []
    for word in q.split():
        exact, latin = query_terms(word)
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        substring = or_(Suggestion.title.ilike(pattern), Suggestion.body.ilike(pattern))
        terms = exact + latin
        conditions.append(and_(Suggestion.search_terms.contains(terms), substring) if terms else substring)
    return and_(*conditions) if conditions else None


def scope(query, actor: dict, filters: dict):
    role = actor.get("role")
    if role == "deputy":
        me = actor.get("deputy_id")
        cosigned = select(CoSigner.suggestion_id).where(CoSigner.deputy_id == me)
        mine = or_(Suggestion.lead_deputy_id == me,
                   and_(Suggestion.id.in_(cosigned), Suggestion.status != "draft"))
        return query.where(or_(mine, and_(Suggestion.public.is_(True), Suggestion.status != "draft")))
    if role in STAFF:
        # drafts are the deputies' own work in progress: listed only when asked for
        return query if filters.get("status") == "draft" else query.where(Suggestion.status != "draft")
    return query.where(Suggestion.public.is_(True))


def filtered(actor: dict, filters: dict):
    query = scope(select(Suggestion), actor, filters)
    for field in ("status", "category", "session"):
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
    if filters.get("q"):
        condition = keyword_condition(filters["q"])
        query = query.where(condition if condition is not None else false())
    return query


def page(session, query, limit: int, offset: int) -> tuple[list[Suggestion], int]:
    total = count(session, query)
    rows = list(session.scalars(query.order_by(Suggestion.id.desc()).limit(limit).offset(offset)))
    return rows, total


def list_(session, actor: dict, filters: dict, limit: int, offset: int, cap: int = MAX_LIMIT) -> dict:
    rows, total = page(session, filtered(actor, filters), min(limit, cap), offset)
    co = co_signers_of(session, [s.id for s in rows])
    return {"items": [to_dict(s, co[s.id]) for s in rows], "total": total, "limit": limit, "offset": offset}


def public_dict(s: Suggestion, names: dict, replies_: list[dict]) -> dict:
    """What the public site shows: no contact data, no internal notes."""
    return {"id": s.id, "number": domain.number_label(s.number), "session": s.session, "title": s.title,
            "body": s.body, "category": s.category, "category_name": taxonomy.categories().get(s.category),
            "kind": s.kind, "status": s.status, "lead_deputy_name": names.get(s.lead_deputy_id),
            "published_at": _iso(s.published_at), "replies": replies_}


def public_list(session, filters: dict, limit: int, offset: int) -> dict:
    wanted = {k: filters[k] for k in ("session", "q", "category") if filters.get(k)}
    query = filtered({"role": "public"}, wanted).where(Suggestion.status.in_(domain.PUBLISHABLE))
    rows, total = page(session, query, min(limit, MAX_LIMIT), offset)
    names = names_of(session, list({s.lead_deputy_id for s in rows}))
    answers = replies(session, [s.id for s in rows])
    return {"items": [public_dict(s, names, answers[s.id]) for s in rows], "total": total,
            "limit": limit, "offset": offset}


def public_get(session, suggestion_id: int) -> dict:
    s = session.get(Suggestion, suggestion_id)
    if s is None or not s.public or s.status not in domain.PUBLISHABLE:
        raise NotFound(f"suggestion {suggestion_id} not found")
    return public_dict(s, names_of(session, [s.lead_deputy_id]), replies(session, [s.id])[s.id])
