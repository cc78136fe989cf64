"""Pure rules of evaluation: who may rate, when, and what a rating means."""
from services.common.errors import Conflict, Forbidden

SATISFACTION = {"satisfied": "满意", "basic": "基本满意", "dissatisfied": "不满意"}


def check_rating(actor_deputy_id: int | None, lead_deputy_id: int | None, state: str,
                 already_rated: bool) -> None:
    if actor_deputy_id is None or actor_deputy_id != lead_deputy_id:
        raise Forbidden("only the lead deputy of the suggestion rates its reply")
    if state != "replied":
        raise Conflict(f"nothing to rate: the assignment is {state}")
    if already_rated:
        raise Conflict("this reply has already been rated")


def reply_may_be_pending(state: str, reopened: bool = False) -> bool:
    """Whether the projection may lag a reply the assignment service already has.

    Not while it shows a reply, nor after a rating that closes the assignment: asking
    then would make a repeated rating wait on (or fail with) the assignment service.
    """
    if state == "evaluated":
        return reopened
    return state not in ("replied", "closed")


def reopens(satisfaction: str, final: bool) -> bool:
    """A first dissatisfied rating opens rehandling (a new round to rate)."""
    return satisfaction == "dissatisfied" and not final


def is_final(round_: int) -> bool:
    """The rating after rehandling (round 2 and later) is final."""
    return round_ >= 2
