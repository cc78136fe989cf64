"""Pure rules of suggestions: statuses, numbering, screening, visibility, disclosure, real dates."""
from datetime import date, datetime

from services.common.errors import Conflict, Forbidden, field_error
from services.suggestion.schemas import PUBLISHABLE  # the statuses are the contract's (Status, PublicStatus)

SCREENING_DECISIONS = {"accept": "accepted", "return": "returned", "merge": "merged",
                       "convert_letter": "converted_letter", "convert_reference": "converted_reference"}
# a conversion to another form (not a suggestion any more): status -> what it became (suggestion.converted)
CONVERSIONS = {"converted_letter": "letter", "converted_reference": "reference"}
# decisions that must give their reason (the deputy is told it)
NEEDS_REASON = ("return", "convert_letter", "convert_reference")
# the statuses of each screening outcome, as GET /stats/screening counts them: accepted counts
# every suggestion accepted, wherever its handling now is
SCREENING_OUTCOMES = ("accepted", "returned", "merged", "converted_letter", "converted_reference")

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


def number_label(number: int | None, prefix: str | None = "") -> str | None:
    """第0001号, or with its series' prefix 闭会第0001号."""
    return None if number is None else f"{prefix or ''}第{number:04d}号"


# How a session's suggestions are numbered (config.yml NUMBERING): one series for all, or a
# series per kind, 大会 (session) and 闭会 (recess), each labelled with its prefix.
NUMBERING_MODES = ("single", "by_kind")
MAX_PREFIX = 8  # a label must fit other services' 20 characters


def number_series(kind: str, numbering: str, prefixes: dict[str, str]) -> tuple[str, str]:
    """(series, prefix) a new number of this kind is taken from: ("", "") when one series runs."""
    if numbering == "by_kind":
        return kind, prefixes.get(kind, "")
    return "", ""


def check_numbering(numbering: str, prefixes: dict[str, str]) -> None:
    """The numbering rules are read at start-up: a wrong one stops the service, never a request."""
    if numbering not in NUMBERING_MODES:
        raise ValueError(f"NUMBERING must be one of {', '.join(NUMBERING_MODES)}, not {numbering!r}")
    if numbering == "by_kind" and prefixes.get("session", "") == prefixes.get("recess", ""):
        raise ValueError("separate series for session and recess suggestions need different prefixes")
    for kind, prefix in prefixes.items():
        if len(prefix or "") > MAX_PREFIX:
            raise ValueError(f"the number prefix of {kind} suggestions may have at most {MAX_PREFIX} characters")


def screening_counts(by_status: dict[str, int]) -> dict[str, int]:
    """Counts of screening outcomes from counts per status (drafts left out by the caller)."""
    counts = {"pending": by_status.get("submitted", 0), "withdrawn": by_status.get("withdrawn", 0)}
    counts.update({o: by_status.get(o, 0) for o in SCREENING_OUTCOMES})
    counts["accepted"] += sum(by_status.get(s, 0) for s in PUBLISHABLE if s != "accepted")
    counts["screened"] = sum(counts[o] for o in SCREENING_OUTCOMES)
    counts["total"] = sum(by_status.values())
    return counts


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


def check_until(until: date | None, today: date) -> None:
    """A disclosure's end (its last local day) may not be before today (the office's local day)."""
    if until is not None and until < today:
        raise field_error("until", f"the last day of disclosure may not be before today ({today.isoformat()})")


def disclosed(public: bool, ends_at: datetime | None, at: datetime) -> bool:
    """Whether the public site shows a suggestion at ``at``: published, not withdrawn, not past its end."""
    return bool(public) and (ends_at is None or at <= ends_at)


# A lead deputy attaches photos and documents while the suggestion is still theirs to change.
DEPUTY_ATTACHES = ("draft", "submitted")


def check_attach(role: str | None, status: str) -> None:
    """The lead deputy attaches while it is a draft or submitted; the office at any time (paper
    brought in, or on the deputy's behalf)."""
    if role == "deputy" and status not in DEPUTY_ATTACHES:
        raise Conflict(f"files can be attached only to a draft or a submitted suggestion (status is {status})")


def files_visible_to(actor: dict, lead_deputy_id: int, co_signer_ids: list[int], status: str,
                     unit_ids: list[int] = ()) -> bool:
    """Who may see a suggestion's attached files: who may see the suggestion, except through its
    disclosure: photos and documents are never public (they are not reviewed for personal data)."""
    return visible_to(actor, lead_deputy_id, co_signer_ids, False, status, unit_ids)


def check_unpublish(public: bool) -> None:
    if not public:
        raise Conflict("only a published suggestion can be withdrawn from disclosure")


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


# A separate assignment's (分办) step moves the suggestion to the assignment's summary state
# (services/assignment/domain.summarise), not to what one unit did.
SEPARATE_STATUS = ("assigned", "signed", "replied", "evaluated", "rehandling", "closed")


def separate_status(assignment_state: str | None) -> str | None:
    return assignment_state if assignment_state in SEPARATE_STATUS else None


def draft_title(suggested: str | None, content: str) -> str:
    """A title of 5–100 characters for a draft made from a constituent's opinion."""
    title = (suggested or "").strip()
    if not 5 <= len(title) <= 100:
        gist = " ".join(content.split())[:40] or "群众意见"
        title = f"关于{gist}的建议"
    return title[:100]


def draft_category(suggested: str | None, allowed: list[str]) -> str:
    """A draft's category from a constituent's opinion: the one suggested if the scheme has it,
    else "other" if it has that, else its first (the deputy changes it before submitting)."""
    if suggested in allowed:
        return suggested
    return "other" if "other" in allowed or not allowed else allowed[0]


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
