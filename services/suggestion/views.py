"""Read side of the suggestion service: what the API shows."""
from sqlalchemy import or_, select

from services.common.errors import NotFound
from services.suggestion import domain
from services.suggestion.commands import co_signer_ids, count
from services.suggestion.models import CoSigner, Suggestion, TimelineEntry

MAX_LIMIT = 200


def to_dict(s: Suggestion, co_signers: list[int]) -> dict:
    return {
        "id": s.id, "number": domain.number_label(s.number), "seq": s.number, "session": s.session,
        "title": s.title, "body": s.body, "category": s.category, "kind": s.kind, "source": s.source,
        "lead_deputy_id": s.lead_deputy_id, "co_signer_ids": co_signers, "status": s.status,
        "public": s.public, "return_reason": s.return_reason, "merged_into_id": s.merged_into_id,
        "station_opinion_id": s.station_opinion_id, "assignment": s.assignment,
        "created_at": s.created_at.isoformat() if s.created_at else None,
        "submitted_at": s.submitted_at.isoformat() if s.submitted_at else None,
    }


def timeline(session, suggestion_id: int) -> list[dict]:
    rows = session.scalars(select(TimelineEntry).where(TimelineEntry.suggestion_id == suggestion_id)
                           .order_by(TimelineEntry.at, TimelineEntry.id))
    return [{"type": t.type, "at": t.at.isoformat(), "actor": t.actor, "note": t.note} for t in rows]


def get(session, actor: dict, suggestion_id: int) -> dict:
    s = session.get(Suggestion, suggestion_id)
    co = co_signer_ids(session, suggestion_id) if s else []
    if s is None or not domain.visible_to(actor, s.lead_deputy_id, co, s.public):
        raise NotFound(f"suggestion {suggestion_id} not found")
    result = to_dict(s, co)
    result["timeline"] = timeline(session, suggestion_id)
    return result


def list_(session, actor: dict, filters: dict, limit: int, offset: int) -> dict:
    query = select(Suggestion)
    role = actor.get("role")
    if role == "deputy":
        me = actor.get("deputy_id")
        cosigned = select(CoSigner.suggestion_id).where(CoSigner.deputy_id == me)
        query = query.where(or_(Suggestion.lead_deputy_id == me, Suggestion.id.in_(cosigned),
                                Suggestion.public.is_(True)))
    elif role not in ("office", "leader", "admin"):
        query = query.where(Suggestion.public.is_(True))
    for field in ("status", "category", "session"):
        if filters.get(field):
            query = query.where(getattr(Suggestion, field) == filters[field])
    if filters.get("deputy_id"):
        query = query.where(Suggestion.lead_deputy_id == int(filters["deputy_id"]))
    if filters.get("q"):
        pattern = f"%{filters['q']}%"
        query = query.where(or_(Suggestion.title.ilike(pattern), Suggestion.body.ilike(pattern)))
    total = count(session, query)
    rows = session.scalars(query.order_by(Suggestion.id.desc()).limit(min(limit, MAX_LIMIT)).offset(offset))
    items = [to_dict(s, co_signer_ids(session, s.id)) for s in rows]
    return {"items": items, "total": total, "limit": limit, "offset": offset}
