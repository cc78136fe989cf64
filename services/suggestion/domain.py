"""Pure rules of suggestions: statuses, numbering, screening, visibility, real dates."""
from datetime import datetime

from services.common.errors import Conflict, Forbidden, field_error
from services.suggestion.schemas import PUBLISHABLE  # the statuses are the contract's (Status, PublicStatus)

SCREENING_DECISIONS = {"accept": "accepted", "return": "returned", "merge": "merged"}

# Status each assignment/evaluation event moves a suggestion to.
STATUS_BY_EVENT = {
    "assignment.assigned": "assigned",
    "assignment.rerouted": "assigned",
    "assignment.signed": "signed",
    "assignment.replied": "replied",
    "assignment.rehandling_opened": "rehandling",
    "assignment.closed": "closed",
    "evaluation.evaluated": "evaluated",
}

# What the timeline says of a step whose event carries no note of its own.
STEP_LABELS = {
    "assignment.assigned": "交办", "assignment.rerouted": "改办", "assignment.signed": "签收",
    "assignment.disputed": "申请退回", "assignment.co_opinion_added": "会办意见",
    "assignment.contact_added": "与代表见面沟通", "assignment.replied": "答复",
    "assignment.followed_up": "跟踪办理答复", "assignment.extension_requested": "申请延期",
    "assignment.extension_decided": "延期审批", "assignment.urged": "督办",
    "assignment.supervision_set": "列为重点督办", "assignment.overdue": "逾期未答复",
    "assignment.rehandling_opened": "重新办理", "assignment.closed": "办结",
    "evaluation.evaluated": "代表评价",
}


def number_label(number: int | None) -> str | None:
    return None if number is None else f"第{number:04d}号"


def screening_status(current: str, decision: str) -> str:
    if current != "submitted":
        raise Conflict(f"only a submitted suggestion can be screened (status is {current})")
    return SCREENING_DECISIONS[decision]


def can_withdraw(status: str) -> bool:
    return status in ("draft", "submitted", "accepted")


def check_withdraw(status: str) -> None:
    if not can_withdraw(status):
        raise Conflict(f"only a suggestion not yet assigned can be withdrawn (status is {status})")


def check_draft(status: str) -> None:
    if status != "draft":
        raise Conflict(f"only a draft can be edited and submitted (status is {status})")


# Statuses in which a unit still owes a reply (an overdue item is one of these past its due date).
AWAITING_REPLY = ("assigned", "signed", "rehandling")
# A suggestion may be merged into one that is still alive.
MERGE_TARGETS = ("submitted", "accepted", "assigned", "signed", "replied", "evaluated", "rehandling")


def check_publish(status: str) -> None:
    if status not in PUBLISHABLE:
        raise Conflict(f"only an accepted suggestion can be made public (status is {status})")


def check_merge(source_id: int, source_session: str, target_id: int, target_session: str,
                target_status: str) -> None:
    if source_id == target_id:
        raise field_error("merge_into_id", "cannot merge a suggestion into itself")
    if target_status not in MERGE_TARGETS:
        raise Conflict(f"cannot merge into a suggestion whose status is {target_status}")
    if source_session != target_session:
        raise field_error("merge_into_id", "can only merge into a suggestion of the same session")


def merged_co_signers(target_lead: int, target_co: list[int], source_lead: int,
                      source_co: list[int]) -> list[int]:
    """并案: the merged suggestion's lead and co-signers join the target as co-signers."""
    joined = set(target_co) | {source_lead} | set(source_co)
    joined.discard(target_lead)
    return sorted(joined)


def people_errors(lead: int, co_signer_ids: list[int], known: set[int]) -> list[tuple[str, str]]:
    """(field, message) for each problem with the lead deputy and co-signers."""
    errors = []
    if lead not in known:
        errors.append(("lead_deputy_id", "not a registered, active deputy"))
    if lead in co_signer_ids:
        errors.append(("co_signer_ids", "the lead deputy cannot also be a co-signer"))
    unknown = [d for d in co_signer_ids if d not in known and d != lead]
    if unknown:
        errors.append(("co_signer_ids", f"not registered deputies: {unknown}"))
    return errors


def visible_to(actor: dict, lead_deputy_id: int, co_signer_ids: list[int], public: bool,
               status: str = "submitted", unit_ids: list[int] = ()) -> bool:
    """Who may see a suggestion; a draft is its lead deputy's (and the office's) alone.

    ``unit_ids``: the lead and co-units of its current assignment, who must read what they handle.
    """
    role = actor.get("role")
    if role in ("office", "leader", "admin"):
        return True
    if role == "deputy":
        me = actor.get("deputy_id")
        if status == "draft":
            return me == lead_deputy_id
        return public or me == lead_deputy_id or me in co_signer_ids
    if role == "unit" and actor.get("unit_id") is not None and actor["unit_id"] in unit_ids:
        return True
    return public and status != "draft"


def status_after_event(event_type: str, payload: dict) -> str | None:
    """The suggestion status an event implies (signed counts for the lead unit only)."""
    if event_type == "assignment.signed" and not payload.get("is_lead", True):
        return None
    if event_type == "evaluation.evaluated" and payload.get("satisfaction") == "dissatisfied" \
            and not payload.get("final"):
        return "rehandling"
    return STATUS_BY_EVENT.get(event_type)


def draft_title(suggested: str | None, content: str) -> str:
    """A title of 5–100 characters for a draft made from a constituent's opinion."""
    title = (suggested or "").strip()
    if not 5 <= len(title) <= 100:
        gist = " ".join(content.split())[:40] or "群众意见"
        title = f"关于{gist}的建议"
    return title[:100]


# Who may record the real date of a step entered later (paper intake, a past year's import).
RECORDS_REAL_DATES = ("office",)


def real_date(field: str, at: datetime | None, role: str | None, current: datetime,
              not_before: datetime | None = None, before_field: str = "submitted_at") -> datetime | None:
    """The real date of a step (``submitted_at``, ``accepted_at``, ``decided_at``) as given, checked:
    office only (403 naming the field), not in the future, not before the step it follows
    (422 naming the field). None when not given: the step happens now."""
    if at is None:
        return None
    if role not in RECORDS_REAL_DATES:
        raise Forbidden(f"{field}: only the office may record the real date of a step",
                        [{"field": field, "message": "only the office may record the real date of a step"}])
    if at > current:
        raise field_error(field, "cannot be in the future")
    if not_before is not None and at < not_before:
        raise field_error(field, f"cannot be before {before_field} ({not_before.isoformat()})")
    return at
