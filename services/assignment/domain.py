"""Pure rules of assignment: deadlines, states, who may do what."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from services.common.errors import Conflict, Forbidden, field_error
from services.common.localtime import due_after, local_date, zone
from services.common.people import is_person, refusal

# DESIGN.md defaults, in days; overridable with DEADLINES in config.yml.
DEFAULT_DEADLINES = {"reply": 90, "co_opinion": 30, "dispute": 10, "rehandling": 30, "max_extension": 180}
RESULT_CLASSES = {"A": "已解决或基本解决", "B": "正在解决或列入计划解决", "C": "因条件限制或其他原因暂不能解决"}
FOLLOW_UP_CLASSES = ("B",)  # replies that get a follow-up reply once solved (跟踪办理)

# the states themselves are the contract's: services/assignment/schemas.py State
REPLYABLE = ("signed", "rehandling")
HANDLING = ("assigned", "signed", "rehandling")  # no reply yet in this round: the due date runs
REROUTABLE = ("assigned", "signed")
OFFICE_ZONE = zone()  # the default; the service passes its OFFICE_TIMEZONE (Rules.zone)


# Deadlines end with the office's local day (services/common/localtime.py): assigned at any hour
# on 1 March, a 90-day reply is due at 23:59:59 local time on 30 May.
def reply_due(assigned_at: datetime, deadlines: dict = DEFAULT_DEADLINES, tz: ZoneInfo = OFFICE_ZONE) -> datetime:
    return due_after(assigned_at, deadlines["reply"], tz)


def rehandling_due(opened_at: datetime, deadlines: dict = DEFAULT_DEADLINES, tz: ZoneInfo = OFFICE_ZONE) -> datetime:
    return due_after(opened_at, deadlines["rehandling"], tz)


def co_opinion_due(routed_at: datetime, deadlines: dict = DEFAULT_DEADLINES, tz: ZoneInfo = OFFICE_ZONE) -> datetime:
    return due_after(routed_at, deadlines["co_opinion"], tz)


def dispute_until(routed_at: datetime, deadlines: dict = DEFAULT_DEADLINES, tz: ZoneInfo = OFFICE_ZONE) -> datetime:
    return due_after(routed_at, deadlines["dispute"], tz)


DUE_AT_RANGE = timedelta(days=3660)  # a given due date lies within ten years of now, either way


def check_due_at(due_at: datetime | None, at: datetime) -> None:
    """An explicit due date (a past one is allowed: assignments entered after the fact)."""
    if due_at is not None and not (at - DUE_AT_RANGE <= due_at <= at + DUE_AT_RANGE):
        raise field_error("due_at", "must be within ten years of now")


def is_overdue(state: str, due_at: datetime, at: datetime) -> bool:
    return state in HANDLING and due_at < at


def days_late(due_at: datetime, at: datetime, tz: ZoneInfo = OFFICE_ZONE) -> int:
    """Days past the due date in the office's local calendar days, not 24-hour periods (0 when not
    late): due at the end of 27 November, one second into the 28th is 1 day late, the 29th is 2."""
    if at <= due_at:
        return 0
    return max((local_date(at, tz) - local_date(due_at, tz)).days, 0)


def check_units(lead_unit_id: int, co_unit_ids: list[int]) -> None:
    if lead_unit_id in co_unit_ids:
        raise field_error("co_unit_ids", "the lead unit cannot also be a co-unit")
    if len(set(co_unit_ids)) != len(co_unit_ids):
        raise field_error("co_unit_ids", "co-units must be distinct")


def check_reply(state: str, is_lead: bool, lead_signed: bool) -> None:
    if not is_lead:
        raise Forbidden("only the lead unit replies")
    if not lead_signed:
        raise Conflict("the lead unit must sign before replying")
    if state not in REPLYABLE:
        raise Conflict(f"cannot reply in state {state}")


def check_result_class(result_class: str, classes: dict) -> None:
    if result_class not in classes:
        raise field_error("result_class", f"must be one of {', '.join(classes)}")


def check_follow_up(state: str, is_lead: bool, last_class: str | None, followed_up: bool,
                    follow_up_classes=FOLLOW_UP_CLASSES) -> None:
    """A follow-up reply: by the lead unit, on a reply of a follow-up class, once."""
    if not is_lead:
        raise Conflict("only the lead unit gives the follow-up reply")
    if state not in ("replied", "evaluated", "closed") or last_class is None:
        raise Conflict("there is no reply to follow up yet")
    if last_class not in follow_up_classes:
        raise Conflict(f"a {last_class}-class reply needs no follow-up "
                       f"(only {', '.join(follow_up_classes)})")
    if followed_up:
        raise Conflict("this reply was already followed up")


def check_dispute(state: str, at: datetime, until: datetime, already_open: bool) -> None:
    if state not in REROUTABLE:
        raise Conflict(f"cannot dispute in state {state}")
    if at > until:
        raise Conflict(f"the dispute window ended at {until.isoformat()}")
    if already_open:
        raise Conflict("this unit already has an open dispute")


def check_reroute(state: str) -> None:
    if state not in REROUTABLE:
        raise Conflict(f"cannot reroute in state {state}")


def check_co_opinion(state: str, is_lead: bool) -> None:
    if is_lead:
        raise Conflict("the lead unit replies; co-units give opinions")
    if state not in HANDLING:
        raise Conflict(f"opinions go to the lead unit before it replies (state {state})")


def check_extension_request(state: str, is_lead: bool, days: int, granted_days: int, pending: bool,
                            deadlines: dict = DEFAULT_DEADLINES) -> None:
    if not is_lead:
        raise Conflict("only the lead unit asks for an extension")
    if state not in HANDLING:
        raise Conflict(f"cannot ask for an extension in state {state}")
    if pending:
        raise Conflict("an extension request is already waiting for the office")
    room = deadlines["max_extension"] - granted_days
    if days > room:
        raise field_error("days", f"at most {room} more days (extensions total up to "
                                  f"{deadlines['max_extension']} days)")


def check_urge(state: str) -> None:
    if state not in HANDLING:
        raise Conflict(f"nothing to urge in state {state}")


def supervisors(leaders: list[dict], leader: str | None, committee: str | None) -> list[dict]:
    """Who supervises (重点督办): the leaders ({sub, name}), ``leader`` being a one-leader shorthand
    (not with ``leaders``), and/or a committee; at least one of them, each leader once."""
    if leader is not None:
        if leaders:
            raise field_error("leader", "give leaders, or leader as a one-leader shorthand, not both")
        leaders = [{"sub": leader, "name": None}]
    if not leaders and not committee:
        raise field_error("leaders", "name at least one leader, or a committee")
    subs = [entry["sub"] for entry in leaders]
    if len(set(subs)) != len(subs):
        raise field_error("leaders", "each leader once")
    return [{"sub": entry["sub"], "name": entry.get("name")} for entry in leaders]


def named_leaders(leaders: list[dict], people: dict, shorthand: bool = False) -> list[dict]:
    """The supervising leaders checked against the identity service's people (issue 16): a person's
    sub (``person-<id>``) must be a known, enabled account holding the leader role (else 422 naming
    ``leaders[i].sub``, or ``leader`` for the shorthand); a name not given is their display name.
    Development subs (not ``person-``) are taken as given. ``people``: sub -> projection row."""
    named = []
    for i, entry in enumerate(leaders):
        if not is_person(entry["sub"]):
            named.append(entry)
            continue
        row = people.get(entry["sub"])
        why = refusal(row, "leader")
        if why:
            raise field_error("leader" if shorthand else f"leaders[{i}].sub", f"{entry['sub']}: {why}")
        named.append({"sub": entry["sub"], "name": entry.get("name") or row.name})
    return named


def supervision_note(leaders: list[dict], committee: str | None) -> str:
    """The timeline's words: 列为重点督办，张副主任、李副主任领衔督办（教科文卫委员会）."""
    names = "、".join(entry.get("name") or entry["sub"] for entry in leaders)
    if names:
        return f"列为重点督办，{names}领衔督办" + (f"（{committee}）" if committee else "")
    return f"列为重点督办，{committee}督办"


# the part a unit plays on an assignment (the shared 分办 contract's unit roles), as a letter says it
UNIT_ROLES = {"lead": "主办", "co": "会办", "separate": "分办"}


def urge_targets(mode: str, lead_unit_id: int | None, units: list[tuple[int, bool]],
                 unit_id: int | None) -> list[int]:
    """The units an urging goes to. ``units``: (unit_id, still handling) of every unit of the
    assignment. A named unit must be one of them (lead, co-unit or separately handling unit), else
    422 naming unit_id. Omitted: the lead unit; for a separate assignment (分办) every unit still
    handling (409 when none is)."""
    known = [u for u, _ in units]
    if unit_id is not None:
        if unit_id not in known:
            raise field_error("unit_id", f"unit {unit_id} is not a unit of this assignment")
        return [unit_id]
    if mode == "separate":
        handling = [u for u, still in units if still]
        if not handling:
            raise Conflict("no unit of this assignment is still handling it")
        return handling
    return [lead_unit_id]


def state_after_sign(state: str, is_lead: bool) -> str:
    if state == "assigned" and is_lead:
        return "signed"
    return state


def state_after_reroute(lead_signed: bool) -> str:
    return "signed" if lead_signed else "assigned"


def after_evaluation(satisfaction: str, final: bool) -> str:
    """'rehandling' for a first dissatisfied rating, else the assignment is closed."""
    return "rehandling" if satisfaction == "dissatisfied" and not final else "closed"


# -- a reply's files (issue 15) ---------------------------------------------------------
STAFF = ("office", "leader", "admin")


def check_reply_file(actor: dict, reply_unit_id: int, on_assignment: bool) -> None:
    """A reply's file is attached by the unit that gave the reply (while it is on the assignment)
    or by the office (the paper letter brought in)."""
    if actor.get("role") == "office":
        return
    if actor.get("role") != "unit" or actor.get("unit_id") != reply_unit_id or not on_assignment:
        raise Forbidden("only the unit that gave the reply, or the office, attaches its files")


def reply_files_visible_to(actor: dict, unit_ids: list[int], lead_deputy_id: int | None,
                           co_signer_ids: list[int]) -> bool:
    """Who may read a reply's files: staff, the units on the assignment (while they are on it), and the
    deputies of the suggestion (its lead deputy and co-signers, who read the reply). Never the public:
    a signed letter is not reviewed for personal data as the published texts are."""
    role = actor.get("role")
    if role in STAFF:
        return True
    if role == "unit":
        return actor.get("unit_id") in unit_ids
    if role == "deputy":
        me = actor.get("deputy_id")
        return me is not None and (me == lead_deputy_id or me in co_signer_ids)
    return False


# -- 分办 (separate handling) and the real dates of steps ------------------------------------
MODES = ("lead", "separate")
HANDLING_ROLES = ("lead", "separate")  # units that reply; a co-unit ("co") only gives opinions


def check_separate_units(unit_ids: list[int]) -> None:
    if len(unit_ids) != len(set(unit_ids)):
        raise field_error("unit_ids", "units must be distinct")
    if len(unit_ids) < 2:
        raise field_error("unit_ids", "a separate assignment (分办) needs at least two units")


def summarise(states: list[str]) -> str:
    """The assignment's state from its handling units' states (one for lead mode: the lead's own).

    All closed → closed. Else, while any unit still owes a reply in its round: rehandling if one
    is being handled again, else assigned if one has not signed, else signed. Else (every unit
    has replied in its round): replied while a reply waits for its rating, else evaluated.
    """
    if not states:
        raise ValueError("an assignment has at least one handling unit")
    if len(states) == 1:
        return states[0]
    if all(s == "closed" for s in states):
        return "closed"
    waiting = [s for s in states if s in HANDLING]
    if waiting:
        for state in ("rehandling", "assigned"):
            if state in waiting:
                return state
        return "signed"
    return "replied" if "replied" in states else "evaluated"


def summary_due(units: list[tuple[str, datetime]]) -> datetime:
    """The assignment's due date: the earliest of its units still owing a reply, else the latest."""
    waiting = [due for state, due in units if state in HANDLING]
    return min(waiting) if waiting else max(due for _, due in units)


def check_office_only(actor: dict, field: str) -> None:
    """Real dates of steps (paper work, a past year) are the office's to record."""
    if actor.get("role") != "office":
        raise Forbidden(f"{field}: only the office records the real date of a step",
                        [{"field": field, "message": "only the office records the real date of a step"}])


def check_step_date(field: str, value: datetime | None, at: datetime, not_before: datetime | None) -> datetime:
    """A real date given for a step: aware, not in the future (nor over ten years ago), not before
    the step it follows.
    Returns the date the step takes (``at``, now, when none is given)."""
    if value is None:
        return at
    if value.tzinfo is None:
        raise field_error(field, "must have an offset")
    if value > at:
        raise field_error(field, "must not be in the future")
    if value < at - DUE_AT_RANGE:
        raise field_error(field, "must be within ten years of now")
    if not_before is not None and value < not_before:
        raise field_error(field, f"must not be before {not_before.isoformat()} (the step it follows)")
    return value


def acting_unit(actor: dict, unit_id: int | None) -> int:
    """Which unit a step is for: the office names it (recording on the unit's behalf);
    a unit acts for itself (it may name itself, another → 403)."""
    if actor.get("role") == "office":
        if unit_id is None:
            raise field_error("unit_id", "required when the office records a step on behalf of a unit")
        return unit_id
    own = actor.get("unit_id")
    if unit_id is not None and unit_id != own:
        raise Forbidden("unit_id: a unit acts only for itself",
                        [{"field": "unit_id", "message": "a unit acts only for itself"}])
    return own
