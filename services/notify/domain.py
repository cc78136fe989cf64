"""Pure rules of notify: who is told of what, and the text they get."""
from pathlib import Path
from string import Formatter

import yaml

TEMPLATES_FILE = Path(__file__).with_name("templates.yml")


def deputy(i) -> str:
    return f"deputy:{i}"


def unit(i) -> str:
    return f"unit:{i}"


OFFICE = "role:office"


def recipients(event_type: str, p: dict) -> list[str]:
    """Recipient keys for an event (API.md, Notifications: who is told, at least)."""
    units = [unit(p["lead_unit_id"])] + [unit(u) for u in p.get("co_unit_ids") or []] \
        if p.get("lead_unit_id") else []
    lead = [deputy(p["lead_deputy_id"])] if p.get("lead_deputy_id") else []
    rules = {
        "suggestion.submitted": [OFFICE],
        "suggestion.accepted": lead,
        "suggestion.returned": lead,
        "assignment.assigned": units + lead,
        "assignment.rerouted": units,
        "assignment.urged": units[:1],
        "assignment.due_soon": units[:1],
        "assignment.overdue": units[:1] + [OFFICE],
        "assignment.disputed": [OFFICE],
        "assignment.replied": lead + [deputy(d) for d in p.get("co_signer_ids") or []],
        "evaluation.evaluated": [OFFICE] + ([unit(p["lead_unit_id"])] if p.get("lead_unit_id") else [])
        if p.get("satisfaction") == "dissatisfied" else [],
        "station.opinion_escalated": [deputy(p["deputy_id"])] if p.get("deputy_id") else [],
    }
    seen: list[str] = []
    for key in rules.get(event_type, []):
        if key not in seen:
            seen.append(key)
    return seen


def inbox_keys(actor: dict) -> list[str]:
    role = actor.get("role")
    if role == "deputy":
        return [deputy(actor["deputy_id"])]
    if role == "unit":
        return [unit(actor["unit_id"])]
    if role == "station":
        return [f"station:{actor['station_id']}"]
    if role in ("office", "leader", "admin"):
        return [f"role:{role}"]
    return []


class _Blank(dict):
    def __missing__(self, key):
        return ""


def load_templates(path: Path = TEMPLATES_FILE) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def template_key(event_type: str, payload: dict) -> str:
    """A final dissatisfied rating closes the assignment: its text must not promise rehandling."""
    if event_type == "evaluation.evaluated" and payload.get("final"):
        return "evaluation.evaluated_final"
    return event_type


def render(templates: dict, event_type: str, payload: dict) -> tuple[str, str]:
    template = templates.get(template_key(event_type, payload)) or {"title": event_type, "body": ""}
    values = _Blank({k: ("" if v is None else v) for k, v in payload.items()})
    values["due_date"] = (payload.get("due_at") or "")[:10]
    values["number"] = payload.get("number_label") or payload.get("number") or ""
    formatter = Formatter()
    return formatter.vformat(template["title"], (), values), formatter.vformat(template["body"], (), values)
