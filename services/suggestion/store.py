"""Loading, locking and the timeline of suggestions, and their replies: what every use case and
consumer shares."""
from datetime import datetime

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import make_transient_to_detached

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


# A new submission in one round trip (issue 19): its series' next number, the row, its co-signers and
# its timeline step. The series' counter row stays locked from here to the commit, as next_number's:
# numbers stay gapless and unique; what the answer and the event need is returned, not read back.
_GIVEN = ("session", "title", "body", "category", "kind", "source", "lead_deputy_id", "status", "status_at",
          "submitted_at", "station_opinion_id", "created_by", "search_terms", "number_series", "number_prefix")
_RETURNED = [c.name for c in Suggestion.__table__.columns if c.name != "search_terms"]  # never read back
SUBMITTED = text(f"""
    WITH n AS (INSERT INTO number_sequences (session, series, last) VALUES (:session, :number_series, 1)
               ON CONFLICT (session, series) DO UPDATE SET last = number_sequences.last + 1 RETURNING last),
    s AS (INSERT INTO suggestions ({", ".join(_GIVEN)}, public, number)
          SELECT {", ".join(":" + name for name in _GIVEN)}, false, n.last FROM n RETURNING {", ".join(_RETURNED)}),
    c AS (INSERT INTO co_signers (suggestion_id, deputy_id)
          SELECT s.id, unnest(CAST(:co_signer_ids AS bigint[])) FROM s),
    t AS (INSERT INTO timeline (suggestion_id, type, at, actor) SELECT s.id, 'submitted', :status_at, :actor FROM s)
    SELECT * FROM s""")


def add_submitted(tx, values: dict, co_signers: list[int], actor: str) -> Suggestion:
    """A new suggestion written as submitted and numbered (``values``: the columns of ``_GIVEN``), in
    the session as if loaded: later changes in the transaction are flushed as usual."""
    row = tx.run(SUBMITTED, {**values, "co_signer_ids": co_signers, "actor": actor}, writes=True).mappings().one()
    s = Suggestion(**row)
    make_transient_to_detached(s)  # what the row holds, not pending changes; search_terms loads if asked
    tx.add(s)
    return s


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
