"""Pure rules of evaluation: who may rate, when, and what a rating means."""
from datetime import datetime

from services.common.errors import Conflict, Forbidden, field_error

SATISFACTION = {"satisfied": "满意", "basic": "基本满意", "dissatisfied": "不满意"}


def check_rater(actor: dict, lead_deputy_id: int | None) -> int:
    """Who may rate: the suggestion's lead deputy, or the office recording the deputy's paper
    rating form. Returns the deputy the rating is of (the lead deputy)."""
    role = actor.get("role")
    if role == "office":
        if lead_deputy_id is None:
            raise Conflict("the suggestion's lead deputy is not known yet: nothing to record a rating for")
        return lead_deputy_id
    if role != "deputy" or actor.get("deputy_id") is None or actor.get("deputy_id") != lead_deputy_id:
        raise Forbidden("only the lead deputy of the suggestion rates its reply (or the office records the "
                        "deputy's rating form)")
    return actor["deputy_id"]


def check_rating(state: str, already_rated: bool) -> None:
    if state != "replied":
        raise Conflict(f"nothing to rate: the reply is {state}")
    if already_rated:
        raise Conflict("this reply has already been rated")


def handling_units(mode: str | None, handling_unit_ids: list | None, lead_unit_id: int | None) -> list[int]:
    """The units that reply (分办 contract): each unit of a separate assignment, else the lead unit
    (older events carry no handling_unit_ids: they mean a lead assignment)."""
    if handling_unit_ids:
        return list(dict.fromkeys(int(u) for u in handling_unit_ids))
    if mode == "separate" or lead_unit_id is None:
        return []
    return [int(lead_unit_id)]


def rated_unit(mode: str, handling: list[int], unit_id: int | None) -> int:
    """The handling unit whose reply a rating is of: ``unit_id`` is required when the assignment is
    separate and must be one of its handling units; a lead assignment's is its lead."""
    if unit_id is None:
        if mode == "separate":
            raise field_error("unit_id", "required: the assignment is handled separately (分办); name the unit "
                                         "whose reply is rated")
        return handling[0]
    if unit_id not in handling:
        raise field_error("unit_id", f"unit {unit_id} is not a handling unit of this assignment")
    return unit_id


def check_evaluated_at(role: str | None, evaluated_at: datetime | None, now: datetime,
                       replied_at: datetime | None) -> datetime:
    """The real date of a rating (office only: a paper form recorded later): not in the future, not
    before the reply. Returns the time the rating counts from."""
    if evaluated_at is None:
        return now
    if role != "office":
        raise Forbidden("evaluated_at: only the office records the real date of a rating",
                        [{"field": "evaluated_at", "message": "only the office records the real date of a rating"}])
    if evaluated_at > now:
        raise field_error("evaluated_at", "is in the future")
    if replied_at is not None and evaluated_at < replied_at:
        raise field_error("evaluated_at", f"is before the reply ({replied_at.isoformat()})")
    return evaluated_at


# the state a handling unit of a separate assignment is in after a step of its own (the event's
# ``state`` summarises the whole assignment); steps not listed leave it as it was
UNIT_STEP_STATES = {"assigned": "assigned", "signed": "signed", "replied": "replied",
                    "rehandling_opened": "rehandling", "closed": "closed"}


def unit_state(step: str, mode: str, event_state: str | None) -> str | None:
    """A reply row's state after an assignment event: a lead assignment's row follows the
    assignment; a separately-handling unit's row its own steps (facts asked of the assignment
    service for that unit say its state). None: unchanged."""
    if mode != "separate" or step == "facts_fetched":
        return event_state
    return UNIT_STEP_STATES.get(step)


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


CHOICES = tuple(SATISFACTION)
LEVELS = ("national", "provincial", "city", "county", "township")
RESULT_CLASSES = ("A", "B", "C")


def rate(numerator: int, denominator: int) -> float | None:
    """A rate as a fraction 0..1 rounded to 4 places; None when there is nothing to divide by."""
    return round(numerator / denominator, 4) if denominator else None


def rates(counts: dict) -> dict:
    """DESIGN.md "Rates" from the counts of one group of reply rows (stats.CELL_COUNTS): counted per
    reply (per handling unit per assignment); ``assigned`` counts assignments."""
    replied, evaluated = counts["replied"], counts["evaluated"]
    due = counts.get("replies_due", counts["assigned"])
    classes = {c: 0 for c in RESULT_CLASSES}
    classes.update(counts.get("classes", {}))
    return {
        "assigned": counts["assigned"], "replies_due": due, "replied": replied, "completed": counts["completed"],
        "evaluated": evaluated, "satisfied": counts["satisfied"], "basic": counts["basic"],
        "dissatisfied": counts["dissatisfied"], "on_time": counts["on_time"], "overdue": counts["overdue"],
        "classes": classes,
        "completion_rate": rate(counts["completed"], due),
        "resolution_rate": rate(classes.get("A", 0), replied),
        "solved_or_planned_rate": rate(classes.get("A", 0) + classes.get("B", 0), replied),
        "satisfaction_rate": rate(counts["satisfied"], evaluated),
        "satisfied_or_basic_rate": rate(counts["satisfied"] + counts["basic"], evaluated),
        "on_time_rate": rate(counts["on_time"], replied),
    }


def ranking_key(row: dict):
    """Units ranked by satisfaction, then completion, resolution, on-time rate (higher first;
    a unit with no rating/reply yet after those with one), then fewer overdue, then unit id;
    units with no reply due (only 会办 work) after all others, by co-opinions on time."""
    def desc(value):
        return (value is None, -(value or 0))
    return (row.get("replies_due", 1) == 0, *desc(row["satisfaction_rate"]),
            *desc(row["completion_rate"]), *desc(row["resolution_rate"]), *desc(row["on_time_rate"]),
            row["overdue"], *desc(row.get("co_opinion_on_time_rate")), row["unit_id"])


CO_COUNTS = ("co_assigned", "co_opinions", "co_opinions_on_time")


def co_rates(counts: dict | None) -> dict:
    """A unit's 会办 figures: assignments it is a co-unit of, its opinions given, on time."""
    counts = {k: 0 for k in CO_COUNTS} | (counts or {})
    return {**{k: counts[k] for k in CO_COUNTS},
            "co_opinion_on_time_rate": rate(counts["co_opinions_on_time"], counts["co_assigned"])}


def unit_rows(replies: dict, co: dict, names: dict) -> list[dict]:
    """Every unit with work, ranked (``rank`` from 1): the units that reply (lead or separate) with
    their reply rates, and units that only did 会办 work with their co-unit figures and no reply."""
    empty = {"assigned": 0, "replies_due": 0, "replied": 0, "completed": 0, "evaluated": 0, "satisfied": 0,
             "basic": 0, "dissatisfied": 0, "on_time": 0, "overdue": 0, "classes": {}}
    items = [{"unit_id": unit_id, "unit_name": names.get(unit_id), **rates(replies.get(unit_id, empty)),
              **co_rates(co.get(unit_id))}
             for unit_id in sorted(set(replies) | set(co), key=lambda u: (u is None, u or 0)) if unit_id is not None]
    items.sort(key=ranking_key)
    for rank, item in enumerate(items, start=1):
        item["rank"] = rank
    return items


ABSTAIN = "abstain"  # 弃权
BALLOT_CHOICES = (*CHOICES, ABSTAIN)
BALLOT_LABELS = {**SATISFACTION, ABSTAIN: "弃权"}


def check_test(subject: str, unit_ids: list[int]) -> None:
    """A units test names at least one unit; a report test may name none (the report as a whole,
    and the units listed beside it); each unit once."""
    from services.common.errors import field_error

    if subject == "units" and not unit_ids:
        raise field_error("unit_ids", "a test of units names at least one unit (or subject \"report\")")
    if len(set(unit_ids)) != len(unit_ids):
        raise field_error("unit_ids", "units must be distinct")


def check_ballot(unit_ids: list[int], votes: list[dict], subject: str = "units") -> None:
    """A ballot names units of the test (and, in a report test, the report: a vote without unit_id),
    each at most once (ValidationFailed naming the vote)."""
    from services.common.errors import field_error

    seen = set()
    for i, vote in enumerate(votes):
        unit_id = vote.get("unit_id")
        if unit_id is None and subject != "report":
            raise field_error(f"votes.{i}.unit_id", "required: this test is of units, not of the report")
        if unit_id is not None and unit_id not in unit_ids:
            raise field_error(f"votes.{i}.unit_id", f"unit {unit_id} is not in this test")
        if unit_id in seen:
            what = f"unit {unit_id}" if unit_id is not None else "the report"
            raise field_error(f"votes.{i}.unit_id", f"{what} is voted on twice")
        seen.add(unit_id)


def check_ballot_allowed(status: str, ballots: int, voter_count: int) -> None:
    if status != "open":
        raise Conflict("the test is closed")
    if ballots >= voter_count:
        raise Conflict(f"all {voter_count} voters have voted")


def _counts(ballots: list[list[dict]], subject_id) -> dict:
    c = {choice: 0 for choice in BALLOT_CHOICES}
    for votes in ballots:
        for vote in votes:
            if vote.get("unit_id") == subject_id and vote.get("choice") in c:
                c[vote["choice"]] += 1
    return c


def tally_of(c: dict) -> dict:
    """Counts of each choice and the rates. Abstentions (弃权) are counted apart: ``votes`` are the
    votes cast for a rating (satisfied + basic + dissatisfied), the rates' denominator; ``cast``
    adds the abstentions. Rates: satisfied / votes, (satisfied + basic) / votes."""
    votes = c["satisfied"] + c["basic"] + c["dissatisfied"]
    return {**c, "votes": votes, "cast": votes + c[ABSTAIN],
            "satisfaction_rate": rate(c["satisfied"], votes),
            "satisfied_or_basic_rate": rate(c["satisfied"] + c["basic"], votes)}


def tally(unit_ids: list[int], ballots: list[list[dict]], names: dict | None = None) -> list[dict]:
    """Per-unit tallies (``tally_of``)."""
    names = names or {}
    return [{"unit_id": u, "unit_name": names.get(u), **tally_of(_counts(ballots, u))} for u in unit_ids]


def tally_report(ballots: list[list[dict]]) -> dict:
    """The tally of the government's handling report as a whole (the votes without a unit)."""
    return tally_of(_counts(ballots, None))


def sample(population: list[int], size: int, seed: int) -> list[int]:
    """A reproducible random sample: the same population (any order) and seed give the same ids."""
    import random

    ordered = sorted(set(population))
    return sorted(random.Random(seed).sample(ordered, min(size, len(ordered))))


def summary(scores: list[int]) -> dict:
    if not scores:
        return {"count": 0, "mean": None, "min": None, "max": None}
    return {"count": len(scores), "mean": round(sum(scores) / len(scores), 2), "min": min(scores),
            "max": max(scores)}


STAFF = ("office", "leader", "admin")


def check_assessors(subs: list[str], people: dict | None = None) -> None:
    """Each assessor once; a person's sub (``person-<id>``) must be a known, enabled account holding
    the assessor role (422 naming ``assessors[i]``); development subs are taken as given.
    ``people``: sub -> the identity projection's row (services/common/people.py)."""
    from services.common.errors import field_error
    from services.common.people import is_person, refusal

    if len(set(subs)) != len(subs):
        raise field_error("assessors", "each assessor once")
    for i, sub in enumerate(subs):
        why = refusal((people or {}).get(sub), "assessor") if is_person(sub) else None
        if why:
            raise field_error(f"assessors[{i}]", f"{sub}: {why}")


def may_see_assessment(actor: dict, assessors: list[str]) -> bool:
    """Staff see every assessment; an assessor only those they are named on."""
    if actor.get("role") in STAFF:
        return True
    return actor.get("role") == "assessor" and actor.get("sub") in (assessors or [])


def may_score(actor: dict, assessors: list[str]) -> bool:
    """An assessor named on the assessment scores; the office records a score as before (its own sub)."""
    return actor.get("role") == "office" or (actor.get("role") == "assessor" and actor.get("sub") in (assessors or []))
