"""Use cases of the suggestion service (提): intake, drafts, withdrawal.

Each runs inside the caller's transaction; events go to the outbox with it.
"""
from typing import NamedTuple

from sqlalchemy import select, text

from services.common.clock import now
from services.common.errors import ValidationFailed, field_error
from services.common.validation import parse
from services.station.events import OpinionEscalated
from services.suggestion import catalog as catalogs
from services.suggestion import domain
from services.suggestion.events import Submitted, Withdrawn
from services.suggestion.models import Suggestion
from services.suggestion.rules import Rules
from services.suggestion.schemas import DraftUpdate, SuggestionIn, WithdrawIn
from services.suggestion.schemes import Catalog
from services.suggestion.store import (actor_name, add_submitted, add_timeline, co_signer_ids, event_payload,
                                       load_own, set_co_signers)
from services.suggestion.text import search_terms


def next_number(tx, session: str, series: str = "") -> int:
    """The next number of the session's series ("": the one series of all; else a kind's). Its
    counter row stays locked until commit, so numbers are gapless and unique; callers take it
    last to keep the wait short."""
    return tx.execute(text(
        "INSERT INTO number_sequences (session, series, last) VALUES (:s, :series, 1) "
        "ON CONFLICT (session, series) DO UPDATE SET last = number_sequences.last + 1 RETURNING last"),
        {"s": session, "series": series}).scalar_one()


def check_form(form, lead: int | None, known_deputies, load_catalog) -> None:
    """The rules a pydantic model cannot check alone: the category scheme of its session, the roster.
    The roster is asked first, then ``load_catalog()``: the roster's statement brings the schemes'
    token along (roster.ACTIVE_AMONG), so the schemes cost no read of their own."""
    details = []
    if lead is None:
        details.append({"field": "lead_deputy_id", "message": "required when the office submits on a deputy's behalf"})
        people = []
    else:
        people = domain.people_errors(lead, form.co_signer_ids, known_deputies([lead, *form.co_signer_ids]))
    scheme = load_catalog().in_force(form.session)
    problem = scheme.category_error(form.category, form.session)
    if problem:
        details.append({"field": "category", "message": problem, "allowed": list(scheme.active)})
    details.extend({"field": f, "message": m} for f, m in people)
    if details:
        raise ValidationFailed("validation failed", details)


DRAFT_SESSION = "待定"  # a draft from a station opinion: the deputy sets the session


def keep_number(tx, session: str, number: int, series: str = "") -> int:
    """A number the office gives (a past year's 编号): its series' counter moves past it, never back."""
    tx.execute(text(
        "INSERT INTO number_sequences (session, series, last) VALUES (:s, :series, :n) "
        "ON CONFLICT (session, series) DO UPDATE SET last = GREATEST(number_sequences.last, :n)"),
        {"s": session, "series": series, "n": number})
    return number


def lead_of(actor: dict, requested: int | None) -> int | None:
    return actor.get("deputy_id") if actor.get("role") == "deputy" else requested


def give_number(tx, s: Suggestion, actor: str, rules: Rules, at=None, number: int | None = None,
                co_signers: list[int] | None = None) -> None:
    """Draft or new → submitted: the number (of its series, rules.numbering), the timeline step and the event.

    ``at``: the real date of submission (office, checked by domain.real_date), else now; the
    event's ``at`` and the timeline carry it. ``number``: a number kept from a past year's workbook.
    ``co_signers``: known to the caller (a new suggestion's), else read."""
    s.status, s.status_at = "submitted", at or now()
    s.submitted_at = s.status_at
    add_timeline(tx, s.id, "submitted", actor, at=s.status_at)
    tx.flush()
    # concurrent submissions of a session queue on its counter until commit: take it last, with
    # what the event needs read before (one round trip fewer while the counter is held)
    if co_signers is None:
        co_signers = co_signer_ids(tx, s.id)
    s.number_series, s.number_prefix = rules.number_series(s.kind)
    s.number = (keep_number(tx, s.session, number, s.number_series) if number
                else next_number(tx, s.session, s.number_series))
    tx.publish(event_payload(tx, s, Submitted, co_signers=co_signers))


class Created(NamedTuple):
    suggestion: Suggestion
    co_signers: list[int]   # as co_signer_ids would read them back


def submit(tx, actor: dict, data: dict, known_deputies, rules: Rules, catalog: Catalog | None = None,
           number: int | None = None) -> Suggestion:
    """Create a suggestion (or a draft): ``create``'s suggestion."""
    return create(tx, actor, data, known_deputies, rules, catalog, number).suggestion


def create(tx, actor: dict, data: dict, known_deputies, rules: Rules, catalog: Catalog | None = None,
           number: int | None = None) -> Created:
    """Create a suggestion (or a draft) and say its co-signers, so that the answer needs no read-back.
    ``known_deputies(ids)`` says which ids are active deputies; ``catalog``: the category schemes, if
    the caller has read them already. ``number``: kept from a past year's workbook (the history
    import), else the series' next."""
    form = parse(SuggestionIn, data)
    submitted_at = domain.real_date("submitted_at", form.submitted_at, actor.get("role"), now())
    if submitted_at and form.draft:
        raise field_error("submitted_at", "a draft is not submitted yet; give it when submitting")
    lead = lead_of(actor, form.lead_deputy_id)
    check_form(form, lead, known_deputies, lambda: catalog or catalogs.load(tx, rules.categories))
    at = now() if form.draft else (submitted_at or now())
    values = dict(
        session=form.session, title=form.title, body=form.body, category=form.category,
        kind=form.kind, source=form.source, lead_deputy_id=lead, status="draft" if form.draft else "submitted",
        status_at=at, submitted_at=None if form.draft else at,
        station_opinion_id=form.station_opinion_id, created_by=actor_name(actor),
        search_terms=search_terms(form.title, form.body),
    )
    if not form.draft and number is None:
        # a new submission: numbered, with its co-signers and timeline step, in one statement
        values["number_series"], values["number_prefix"] = rules.number_series(form.kind)
        co_signers = sorted(set(form.co_signer_ids))
        s = add_submitted(tx, values, co_signers, actor_name(actor))
        tx.publish(event_payload(tx, s, Submitted, co_signers=co_signers))
        return Created(s, co_signers)
    s = Suggestion(**values)
    tx.add(s)
    tx.flush()
    co_signers = set_co_signers(tx, s.id, form.co_signer_ids, new=True)
    if form.draft:
        add_timeline(tx, s.id, "draft", actor_name(actor), at=s.status_at)
    else:
        give_number(tx, s, actor_name(actor), rules, at, number, co_signers)
    return Created(s, co_signers)


def submit_draft(tx, actor: dict, suggestion_id: int, data: dict, known_deputies, rules: Rules) -> Suggestion:
    """A draft (perhaps from a station opinion) is completed and submitted: it gets its number."""
    s, form = _draft_changed(tx, actor, suggestion_id, data, known_deputies, rules)
    submitted_at = domain.real_date("submitted_at", form.submitted_at, actor.get("role"), now())
    give_number(tx, s, actor_name(actor), rules, submitted_at)
    return s


def update_draft(tx, actor: dict, suggestion_id: int, data: dict, known_deputies, rules: Rules) -> Suggestion:
    """A draft's changes saved: it stays a draft, with no number, and nobody else hears of it."""
    if data.get("submitted_at") is not None:
        raise field_error("submitted_at", "only when the draft is submitted (POST /suggestions/{id}/submit)")
    s, _ = _draft_changed(tx, actor, suggestion_id, data, known_deputies, rules)
    s.status_at = now()
    return s


def _draft_changed(tx, actor: dict, suggestion_id: int, data: dict, known_deputies, rules: Rules):
    """The caller's own draft with the changes applied, checked as a whole suggestion."""
    s = load_own(tx, actor, suggestion_id)
    domain.check_draft(s.status)
    current = {"title": s.title, "body": s.body, "category": s.category, "kind": s.kind,
               "session": s.session, "source": s.source, "co_signer_ids": co_signer_ids(tx, s.id)}
    form = parse(SuggestionIn, {**current, **parse(DraftUpdate, data).model_dump(exclude_unset=True)})
    check_form(form, s.lead_deputy_id, known_deputies, lambda: catalogs.load(tx, rules.categories))
    for field in ("title", "body", "category", "kind", "session", "source"):
        setattr(s, field, getattr(form, field))
    s.search_terms = search_terms(form.title, form.body)
    set_co_signers(tx, s.id, form.co_signer_ids)
    return s, form


def withdraw(tx, actor: dict, suggestion_id: int, data: dict) -> Suggestion:
    form = parse(WithdrawIn, data)
    s = load_own(tx, actor, suggestion_id)
    domain.check_withdraw(s.status)
    was_draft = s.status == "draft"
    s.status, s.status_at, s.withdraw_reason = "withdrawn", now(), form.reason
    add_timeline(tx, s.id, "withdrawn", actor_name(actor), form.reason, at=s.status_at)
    if not was_draft:  # nobody else has heard of a draft
        tx.publish(event_payload(tx, s, Withdrawn, reason=form.reason))
    return s


def create_draft_from_opinion(tx, opinion: OpinionEscalated, rules: Rules) -> Suggestion | None:
    """station.opinion_escalated: a draft owned by the deputy, linked to the opinion (once)."""
    if tx.scalar(select(Suggestion.id).where(Suggestion.station_opinion_id == opinion.opinion_id)) is not None:
        return None
    title = domain.draft_title(opinion.title, opinion.content)
    allowed = catalogs.load(tx, rules.categories).in_force(DRAFT_SESSION).active
    category = domain.draft_category(opinion.category, list(allowed))
    s = Suggestion(
        session=DRAFT_SESSION, title=title, body=opinion.content or title,  # the deputy sets the session
        category=category, kind="recess", source="station", lead_deputy_id=opinion.deputy_id,
        status="draft", status_at=now(), station_opinion_id=opinion.opinion_id,
        created_by=opinion.actor or "station", search_terms=[],
    )
    s.search_terms = search_terms(s.title, s.body)
    tx.add(s)
    tx.flush()
    note = f"{opinion.station_name or '联络站'}群众意见转为建议草稿"
    add_timeline(tx, s.id, "draft", opinion.actor, note, at=s.status_at)
    return s

