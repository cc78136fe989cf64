"""Pure rules of assignment: deadlines, states, who may do what."""
from datetime import datetime, timedelta

from services.common.errors import Conflict, Forbidden

# DESIGN.md defaults, in days; overridable with DEADLINES in config.yml.
DEFAULT_DEADLINES = {"reply": 90, "co_opinion": 30, "dispute": 10, "rehandling": 30, "max_extension": 180}
RESULT_CLASSES = {"A": "已解决或基本解决", "B": "正在解决或列入计划解决", "C": "因条件限制或其他原因暂不能解决"}

STATES = ("assigned", "signed", "replied", "evaluated", "rehandling", "closed")
REPLYABLE = ("signed", "rehandling")


def reply_due(assigned_at: datetime, deadlines: dict = DEFAULT_DEADLINES) -> datetime:
    return assigned_at + timedelta(days=deadlines["reply"])


def rehandling_due(opened_at: datetime, deadlines: dict = DEFAULT_DEADLINES) -> datetime:
    return opened_at + timedelta(days=deadlines["rehandling"])


def check_units(lead_unit_id: int, co_unit_ids: list[int]) -> None:
    from services.common.errors import field_error

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


def state_after_sign(state: str, is_lead: bool) -> str:
    if state == "assigned" and is_lead:
        return "signed"
    return state


def after_evaluation(satisfaction: str, final: bool) -> str:
    """'rehandling' for a first dissatisfied rating, else the assignment is closed."""
    return "rehandling" if satisfaction == "dissatisfied" and not final else "closed"
