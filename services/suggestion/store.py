"""Loading, locking and the timeline of suggestions, and their replies: what every use case and
consumer shares."""
from datetime import datetime

from sqlalchemy import delete, func, select

from services.common.clock import now
from services.common.errors import Forbidden
from services.common.store import load_or_404, not_found
from services.suggestion import domain
from services.suggestion.events import SuggestionEvent
from services.suggestion.models import CoSigner, ReplyEntry, Suggestion, TimelineEntry


def actor_name(actor: dict) -> str:
    return actor.get("sub") or actor.get("role") or "system"


def load(tx, suggestion_id: int, lock: bool = False) -> Suggestion:
    return load_or_404(tx, Suggestion, suggestion_id, "suggestion", lock)


def load_own(tx, actor: dict, suggestion_id: int) -> Suggestion:
    """The suggestion, locked, if the caller is its lead deputy (or staff acting for them)."""
    s = load(tx, suggestion_id, lock=True)
    if actor.get("role") == "deputy" and actor.get("deputy_id") != s.lead_deputy_id:
        shown = domain.disclosed(s.public, s.public_ends_at, now())
        visible = domain.visible_to(actor, s.lead_deputy_id, co_signer_ids(tx, s.id), shown, s.status)
        if not visible:
            raise not_found("suggestion", suggestion_id)
        raise Forbidden("only the lead deputy may do this")
    return s


def co_signer_ids(tx, suggestion_id: int) -> list[int]:
    return list(tx.scalars(select(CoSigner.deputy_id).where(CoSigner.suggestion_id == suggestion_id)
                           .order_by(CoSigner.deputy_id)))


def set_co_signers(tx, suggestion_id: int, deputy_ids: list[int], new: bool = False) -> list[int]:
    """The suggestion's co-signers become ``deputy_ids``; ``new``: it has none yet (nothing to
    delete). Returns them as co_signer_ids would read them back."""
    if not new:
        tx.execute(delete(CoSigner).where(CoSigner.suggestion_id == suggestion_id))
    ids = sorted(set(deputy_ids))
    for deputy_id in ids:
        tx.add(CoSigner(suggestion_id=suggestion_id, deputy_id=deputy_id))
    return ids


def replies_of(tx, suggestion_id: int) -> list[ReplyEntry]:
    return list(tx.scalars(select(ReplyEntry).where(ReplyEntry.suggestion_id == suggestion_id)
                           .order_by(ReplyEntry.at, ReplyEntry.id)))


def add_timeline(tx, suggestion_id: int, type_: str, actor: str | None, note: str | None = None,
                 at: datetime | None = None, event_id: str | None = None) -> None:
    tx.add(TimelineEntry(suggestion_id=suggestion_id, type=type_, at=at or now(), actor=actor,
                         note=note, event_id=event_id))


def event_payload(tx, s: Suggestion, event=SuggestionEvent, reason: str | None = None,
                  co_signers: list[int] | None = None, **extra) -> SuggestionEvent:
    """The suggestion as ``event`` (a class of events.py; the bare shape for RPC answers)."""
    return event(
        suggestion_id=s.id, number=s.number, number_label=domain.number_label(s.number, s.number_prefix),
        session=s.session, title=s.title, category=s.category, kind=s.kind, source=s.source,
        lead_deputy_id=s.lead_deputy_id, status=s.status,
        co_signer_ids=co_signer_ids(tx, s.id) if co_signers is None else co_signers,
        station_opinion_id=s.station_opinion_id, reason=reason, at=s.status_at, **extra,
    )


def count(tx, query) -> int:
    return tx.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
