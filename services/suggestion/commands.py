"""Use cases of the suggestion service: each runs inside one transaction."""
from datetime import datetime

from sqlalchemy import func, select, text

from services.common.clock import now
from services.common.errors import NotFound, field_error
from services.common.validation import parse
from services.suggestion import domain
from services.suggestion.models import CoSigner, Deputy, Suggestion, TimelineEntry
from services.suggestion.schemas import ScreeningIn, SuggestionEvent, SuggestionIn


def actor_name(actor: dict) -> str:
    return actor.get("sub") or actor.get("role") or "system"


def next_number(tx, session: str) -> int:
    """The session's next number. Its counter row stays locked until commit, so
    numbers are gapless and unique; callers take it last to keep the wait short."""
    return tx.execute(text(
        "INSERT INTO number_sequences (session, last) VALUES (:s, 1) "
        "ON CONFLICT (session) DO UPDATE SET last = number_sequences.last + 1 RETURNING last"),
        {"s": session}).scalar_one()


def co_signer_ids(tx, suggestion_id: int) -> list[int]:
    return list(tx.scalars(select(CoSigner.deputy_id).where(CoSigner.suggestion_id == suggestion_id)
                           .order_by(CoSigner.deputy_id)))


def add_timeline(tx, suggestion_id: int, type_: str, actor: str | None, note: str | None = None,
                 at: datetime | None = None, event_id: str | None = None) -> None:
    tx.add(TimelineEntry(suggestion_id=suggestion_id, type=type_, at=at or now(), actor=actor,
                         note=note, event_id=event_id))


def event_payload(tx, s: Suggestion, reason: str | None = None,
                  co_signers: list[int] | None = None) -> SuggestionEvent:
    return SuggestionEvent(
        suggestion_id=s.id, number=s.number, number_label=domain.number_label(s.number),
        session=s.session, title=s.title, category=s.category, kind=s.kind,
        lead_deputy_id=s.lead_deputy_id, status=s.status,
        co_signer_ids=co_signer_ids(tx, s.id) if co_signers is None else co_signers,
        reason=reason, at=s.status_at,
    )


def submit(tx, actor: dict, data: dict, categories: dict, known_deputies) -> tuple[Suggestion, list[int]]:
    """Create a suggestion (or a draft) and return it with its co-signers.

    ``known_deputies(ids)`` returns which of the ids are active deputies.
    """
    form = parse(SuggestionIn, data)
    if actor.get("role") == "deputy":
        lead = actor.get("deputy_id")
    else:
        lead = form.lead_deputy_id
        if lead is None:
            raise field_error("lead_deputy_id", "required when the office submits on a deputy's behalf")
    if form.category not in categories:
        raise field_error("category", f"unknown category; one of {', '.join(categories)}")
    if lead in form.co_signer_ids:
        raise field_error("co_signer_ids", "the lead deputy cannot also be a co-signer")
    known = known_deputies([lead, *form.co_signer_ids])
    if lead not in known:
        raise field_error("lead_deputy_id", "not a registered, active deputy")
    unknown = [d for d in form.co_signer_ids if d not in known]
    if unknown:
        raise field_error("co_signer_ids", f"not registered deputies: {unknown}")
    status = "draft" if form.draft else "submitted"
    s = Suggestion(
        session=form.session, title=form.title, body=form.body, category=form.category,
        kind=form.kind, source=form.source, lead_deputy_id=lead, status=status, status_at=now(),
        station_opinion_id=form.station_opinion_id, created_by=actor_name(actor),
    )
    if not form.draft:
        s.submitted_at = s.status_at
    tx.add(s)
    tx.flush()
    for deputy_id in form.co_signer_ids:
        tx.add(CoSigner(suggestion_id=s.id, deputy_id=deputy_id))
    add_timeline(tx, s.id, status, actor_name(actor), at=s.status_at)
    tx.flush()
    co_signers = sorted(form.co_signer_ids)
    if not form.draft:
        # concurrent submissions of a session queue on its counter: take it last
        s.number = next_number(tx, s.session)
        tx.publish("submitted", event_payload(tx, s, co_signers=co_signers))
    return s, co_signers


def load(tx, suggestion_id: int, lock: bool = False) -> Suggestion:
    query = select(Suggestion).where(Suggestion.id == suggestion_id)
    if lock:
        query = query.with_for_update()
    s = tx.scalar(query)
    if s is None:
        raise NotFound(f"suggestion {suggestion_id} not found")
    return s


def screen(tx, actor: dict, suggestion_id: int, data: dict) -> Suggestion:
    form = parse(ScreeningIn, data)
    if form.decision == "return" and not form.reason:
        raise field_error("reason", "a reason is required to return a suggestion")
    if form.decision == "merge" and not form.merge_into_id:
        raise field_error("merge_into_id", "required to merge")
    s = load(tx, suggestion_id, lock=True)
    s.status = domain.screening_status(s.status, form.decision)
    s.status_at = now()
    note = form.reason
    if form.decision == "return":
        s.return_reason = form.reason
    if form.decision == "merge":
        if form.merge_into_id == s.id:
            raise field_error("merge_into_id", "cannot merge a suggestion into itself")
        target = load(tx, form.merge_into_id, lock=True)
        s.merged_into_id = target.id
        note = f"并入 {domain.number_label(target.number)}"
        add_timeline(tx, target.id, "merged_in", actor_name(actor),
                     f"{domain.number_label(s.number)} 并入本件")
    add_timeline(tx, s.id, s.status, actor_name(actor), note, at=s.status_at)
    tx.publish(s.status, event_payload(tx, s, reason=form.reason))
    return s


def known_from_projection(tx, ids: list[int]) -> set[int]:
    rows = tx.scalars(select(Deputy.id).where(Deputy.id.in_(ids), Deputy.active.is_(True)))
    return set(rows)


def upsert_deputy(tx, deputy: dict) -> None:
    from sqlalchemy.dialects.postgresql import insert as pg_insert

    values = {"id": deputy["deputy_id"], "name": deputy["name"], "level": deputy["level"],
              "delegation": deputy.get("delegation"), "active": deputy.get("active", True)}
    stmt = pg_insert(Deputy).values(**values)
    tx.execute(stmt.on_conflict_do_update(index_elements=[Deputy.id], set_=values))


def count(tx, query) -> int:
    return tx.scalar(select(func.count()).select_from(query.order_by(None).subquery()))

