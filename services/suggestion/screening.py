"""Screening by the office (筛选把关): accept, return with a reason, merge (并案), or convert to
another form with a reason: 转为代表来信 (convert_letter) or 转作参考材料 (convert_reference)."""
from services.common.clock import now
from services.common.errors import field_error
from services.common.validation import parse
from services.suggestion import domain
from services.suggestion.events import SCREENED
from services.suggestion.models import Suggestion
from services.suggestion.schemas import ScreeningIn
from services.suggestion.store import actor_name, add_timeline, co_signer_ids, event_payload, load, set_co_signers


def screen(tx, actor: dict, suggestion_id: int, data: dict) -> Suggestion:
    form = parse(ScreeningIn, data)
    if form.decision in domain.NEEDS_REASON and not form.reason:
        raise field_error("reason", f"a reason is required for the decision {form.decision}")
    if form.decision == "merge" and not form.merge_into_id:
        raise field_error("merge_into_id", "required to merge")
    # lock in id order, so two merges of the same pair cannot deadlock
    ids = sorted({suggestion_id, form.merge_into_id or suggestion_id})
    rows = {i: load(tx, i, lock=True) for i in ids}
    s = rows[suggestion_id]
    decided_at = real_decision_date(form, actor, s)
    s.status = domain.screening_status(s.status, form.decision)
    s.status_at = decided_at or now()
    if s.status == "accepted":
        s.accepted_at = s.status_at
    note = form.reason
    if form.decision == "return":
        s.return_reason = form.reason
    converted_to = domain.CONVERSIONS.get(s.status)
    if converted_to:
        s.conversion_reason = form.reason
    if form.decision == "merge":
        target = rows[form.merge_into_id]
        domain.check_merge(s.id, s.session, target.id, target.session, target.status)
        note = merge(tx, actor, s, target)
    add_timeline(tx, s.id, s.status, actor_name(actor), note, at=s.status_at)
    extra = {"converted_to": converted_to} if converted_to else {}
    tx.publish(event_payload(tx, s, SCREENED[s.status], reason=form.reason, merged_into_id=s.merged_into_id,
                             **extra))
    return s


def real_decision_date(form: ScreeningIn, actor: dict, s: Suggestion):
    """``accepted_at`` (accept only) or ``decided_at`` (any decision): the decision's real date, if given."""
    if form.accepted_at and form.decision != "accept":
        raise field_error("accepted_at", "only with decision accept (decided_at for return or merge)")
    if form.accepted_at and form.decided_at and form.accepted_at != form.decided_at:
        raise field_error("decided_at", "give accepted_at or decided_at, not two different dates")
    field = "accepted_at" if form.accepted_at else "decided_at"
    return domain.real_date(field, form.accepted_at or form.decided_at, actor.get("role"), now(),
                            not_before=s.submitted_at)


def merge(tx, actor: dict, s: Suggestion, target: Suggestion) -> str:
    """The co-signers of ``s`` (and its lead) join ``target``; both timelines point to each other."""
    s.merged_into_id = target.id
    joined = domain.merged_co_signers(target.lead_deputy_id, co_signer_ids(tx, target.id),
                                      s.lead_deputy_id, co_signer_ids(tx, s.id))
    set_co_signers(tx, target.id, joined)
    add_timeline(tx, target.id, "merged_in", actor_name(actor),
                 f"{domain.number_label(s.number, s.number_prefix)}《{s.title}》并入本件", at=s.status_at)
    return f"并入{domain.number_label(target.number, target.number_prefix)}《{target.title}》"

