"""Pure rules of notify: who is told of what, and the text they get."""
from datetime import datetime, timedelta
from pathlib import Path
from string import Formatter

import yaml

from services.common import localtime

TEMPLATES_FILE = Path(__file__).with_name("templates.yml")
MISSING = ""  # what a variable the event did not carry renders as
TIMEZONE = localtime.DEFAULT_ZONE  # dates in texts are local dates (OFFICE_TIMEZONE)


def deputy(i) -> str:
    return f"deputy:{i}"


def unit(i) -> str:
    return f"unit:{i}"


OFFICE = "role:office"
# the leaders' shared desk: only notices addressed to no named leader (key supervision by a committee
# alone, events from before leaders were people); a named leader is told in ``person:<sub>``
LEADER = "role:leader"
MAX_SUB = 100  # a longer sub (a development token's) has no person inbox


def person(sub) -> str | None:
    """A person's own inbox (issue 16): ``person:<sub>``, the sub of their token."""
    return f"person:{sub}" if isinstance(sub, str) and sub.strip() and len(sub) <= MAX_SUB else None


def leader_subs(p: dict) -> list[str]:
    """The subs of the leaders a supervision_set payload names (``leaders: [{sub, name}]``)."""
    return [e["sub"] for e in p.get("leaders") or [] if isinstance(e, dict) and isinstance(e.get("sub"), str)]


def supervisors(subs) -> list[str]:
    """Where the supervising leaders are told: each named leader's own inbox; none named (a
    committee alone, or an event from before leaders were named by sub): the leaders' desk."""
    keys = [k for k in (person(s) for s in subs or []) if k]
    return keys or [LEADER]


def recipients(event_type: str, p: dict, supervised: bool = False, leaders=None) -> list[str]:
    """Recipient keys for an event (API.md, Notifications: who is told, at least).

    ``supervised``: the assignment is under key supervision (from notify's own
    projection, or the event says so): its leaders hear when it is overdue, each in their own
    inbox (``leaders``: their subs, from the projection; none: the leaders' desk).
    """
    lead_unit = [unit(p["lead_unit_id"])] if p.get("lead_unit_id") else []
    units = lead_unit + [unit(u) for u in p.get("co_unit_ids") or []] if lead_unit else []
    if p.get("mode") == "separate":  # 分办: every unit hears of the assignment; a unit's step, that unit
        units = [unit(u) for u in p.get("handling_unit_ids") or []]
        lead_unit = [unit(p["unit_id"])] if p.get("unit_id") else units
    elif p.get("unit_id") and event_type == "evaluation.evaluated":
        lead_unit = [unit(p["unit_id"])]  # the unit whose reply was rated
    lead = [deputy(p["lead_deputy_id"])] if p.get("lead_deputy_id") else []
    co_signers = [deputy(d) for d in p.get("co_signer_ids") or []]
    supervised = supervised or bool(p.get("supervised") or p.get("key_supervision"))
    dissatisfied = p.get("satisfaction") == "dissatisfied"
    rules = {
        "suggestion.submitted": [OFFICE],
        "suggestion.accepted": lead,
        "suggestion.returned": lead,
        "suggestion.merged": lead,
        "suggestion.converted": lead,
        "suggestion.withdrawn": [OFFICE],
        "assignment.assigned": units + lead,
        "assignment.rerouted": units,
        "assignment.urged": [unit(p["unit_id"])] if p.get("unit_id") else lead_unit,  # the unit urged
        "assignment.due_soon": lead_unit,
        "assignment.overdue": lead_unit + [OFFICE] + (supervisors(leaders) if supervised else []),
        "assignment.disputed": [OFFICE],
        "assignment.replied": lead + co_signers,
        "assignment.extension_requested": [OFFICE],
        "assignment.extension_decided": lead_unit,
        "assignment.supervision_set": lead_unit + supervisors(leader_subs(p)),
        "assignment.rehandling_opened": lead_unit,
        "evaluation.evaluated": ([OFFICE] + lead_unit) if dissatisfied else [],
        "station.opinion_escalated": [deputy(p["deputy_id"])] if p.get("deputy_id") else [],
    }
    seen: list[str] = []
    for key in rules.get(event_type, []):
        if key not in seen:
            seen.append(key)
    return seen


def inbox_keys(actor: dict) -> list[str]:
    """What the caller reads: their own inbox ``person:<sub>`` and their role's desk where one exists
    (deputy:<id>, unit:<id>, station:<id>, role:office, role:admin). The first key is the inbox
    whose preferences they set: the desk's where there is one, else their own. A leader reads their
    own inbox first, and the leaders' desk for what is addressed to no named leader."""
    role = actor.get("role")
    if role in (None, "public"):
        return []
    own = [k for k in (person(actor.get("sub")),) if k]
    if role == "leader":
        return own + [LEADER]
    desk = []
    if role == "deputy" and actor.get("deputy_id") is not None:
        desk = [deputy(actor["deputy_id"])]
    elif role == "unit" and actor.get("unit_id") is not None:
        desk = [unit(actor["unit_id"])]
    elif role == "station" and actor.get("station_id") is not None:
        desk = [f"station:{actor['station_id']}"]
    elif role in ("office", "admin"):
        desk = [f"role:{role}"]
    return desk + own


class _Blank(dict):
    def __missing__(self, key):
        return MISSING


def load_templates(path: Path | str | None = None) -> dict:
    return yaml.safe_load(Path(path or TEMPLATES_FILE).read_text(encoding="utf-8")) or {}


def template_key(event_type: str, payload: dict) -> str:
    """Variants of one event type: a final dissatisfied rating closes the assignment (its text
    must not promise rehandling); an extension is approved or refused; a suggestion is converted
    to a deputy's letter or to reference material; a separate assignment's (分办) texts name its units."""
    if event_type == "evaluation.evaluated" and payload.get("final"):
        return "evaluation.evaluated_final"
    if event_type == "assignment.extension_decided":
        return event_type + ("_approved" if payload.get("approved") else "_refused")
    if event_type == "suggestion.converted":  # 转为代表来信 or 转作参考材料: each has its own text
        return event_type + ("_letter" if payload.get("converted_to") == "letter" else "_reference")
    if payload.get("mode") == "separate" and event_type in SEPARATE_TEXTS:
        return event_type + "_separate"  # 分办: the text names the units, not a lead unit
    return event_type


# Texts that name the lead unit have a 分办 variant naming the unit(s) concerned (templates.yml).
SEPARATE_TEXTS = ("assignment.assigned", "assignment.rerouted", "assignment.replied", "assignment.overdue",
                  "assignment.extension_requested")


def local_date(value, tz: str = TIMEZONE) -> str:
    """"2024-06-08T16:30:00+00:00" -> "2024-06-09" in Asia/Shanghai; what is not a time stays as given."""
    if not value:
        return MISSING
    try:
        return localtime.local_date(value, localtime.zone(tz)).isoformat()
    except (ValueError, TypeError):
        return str(value)[:10]


# The real date a step's payload may carry (a step the office records later: paper work, a past
# year's import); suggestion.* events carry theirs in ``at``.
STEP_DATES = ("assigned_at", "signed_at", "replied_at", "evaluated_at", "closed_at", "opened_at", "at")


def is_history(payload: dict, occurred_at, history_days: int) -> bool:
    """A step recorded more than ``history_days`` after it happened is history, not news: entering a
    past year (or an old paper file) tells nobody of it. A paper reply entered within the horizon
    still reaches the deputy. ``history_days`` 0 turns this off."""
    if history_days <= 0 or occurred_at is None:
        return False
    for name in STEP_DATES:
        value = payload.get(name)
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                continue
        if isinstance(value, datetime) and value.tzinfo is not None:
            return occurred_at - value > timedelta(days=history_days)
    return False


def facts(payload) -> dict:
    """A validated payload (services/common/events.py) as the rules and templates see it: its
    fields, ``number`` being the suggestion's label (第0001号) for every producer (suggestion.*
    events carry the integer in ``number``, the label in ``number_label``)."""
    return {**payload.model_dump(mode="json"), "number": payload.label}


def variables(payload: dict, tz: str = TIMEZONE) -> dict:
    """The values a template may name: the payload's fields (see ``facts``) plus a few derived ones."""
    values = _Blank({k: (MISSING if v is None else v) for k, v in payload.items()})
    values["due_date"] = local_date(payload.get("due_at"), tz)
    if not values.get("unit_name"):  # the unit a step concerns; else the lead unit
        values["unit_name"] = payload.get("lead_unit_name") or MISSING
    values["unit_names"] = "、".join(payload.get("handling_unit_names") or []) or values["unit_name"]
    # key supervision: the leaders by name (their sub when no name is known), then the committee
    leaders = payload.get("leaders") if isinstance(payload.get("leaders"), list) else []
    named = [e.get("name") or e.get("sub") for e in leaders if isinstance(e, dict)] or [payload.get("leader")]
    named.append(payload.get("committee"))
    values["supervisors"] = "、".join(str(n) for n in named if n) or MISSING
    return values


def render(templates: dict, event_type: str, payload: dict, tz: str = TIMEZONE) -> tuple[str, str]:
    template = templates.get(template_key(event_type, payload)) or templates.get(event_type) \
        or {"title": event_type, "body": ""}
    values = variables(payload, tz)
    return _fill(template.get("title", event_type), values), _fill(template.get("body", ""), values)


def _fill(text: str, values: dict) -> str:
    """Fill {variables}; a template an operator broke (a stray brace) shows as written, never fails."""
    try:
        return Formatter().vformat(text, (), values)
    except (ValueError, IndexError, KeyError, AttributeError, TypeError):
        return text
