"""The steps that enter a checked past year, in order, as the API's bodies (pure)."""
from datetime import datetime, time
from zoneinfo import ZoneInfo

from services.suggestion.history_checks import Checked
from services.suggestion.history_workbook import instant


def plan(checked: Checked, tz: ZoneInfo) -> list[dict]:
    """The steps that enter the year, in order, each with a key unique in the workbook
    (``suggestion:12``, ``assign:12``, ``sign:12:7``, ``reply:12:7``, ``evaluate:12:7``) and the body
    the API takes for it (real dates as ISO instants; units by id, on the office's behalf)."""
    steps = []
    for number, s in sorted(checked.suggestions.items(), key=lambda item: item[1]["row"]):
        data = {**s["fields"], "lead_deputy_id": s["lead"], "submitted_at": instant(s["submitted"], tz)}
        steps.append({"key": f"suggestion:{number}", "kind": "suggestion", "number": number, "data": data,
                      "accepted_at": instant(s["accepted"], tz)})
        a = checked.assignments.get(number)
        if a is None:
            continue
        body = ({"lead_unit_id": a["lead"], "co_unit_ids": a["co"]} if a["mode"] == "lead"
                else {"mode": "separate", "unit_ids": a["units"]})
        body["assigned_at"] = instant(a["assigned"], tz)
        if a["due"]:
            body["due_at"] = datetime.combine(a["due"], time(23, 59, 59), tzinfo=tz).isoformat()
        steps.append({"key": f"assign:{number}", "kind": "assign", "number": number, "data": body})
        for unit in a["handling"]:
            steps.append({"key": f"sign:{number}:{unit}", "kind": "sign", "number": number,
                          "data": {"unit_id": unit, "signed_at": instant(a["signed"], tz)}})
            reply = checked.replies.get((number, unit))
            if reply is None:
                continue
            steps.append({"key": f"reply:{number}:{unit}", "kind": "reply", "number": number,
                          "data": {"unit_id": unit, "result_class": reply["result_class"],
                                   "content": reply["content"], "signed_by": reply["signed_by"],
                                   "replied_at": instant(reply["replied"], tz)}})
            rating = checked.evaluations.get((number, unit))
            if rating is None:
                continue
            rated = {"satisfaction": rating["satisfaction"], "evaluated_at": instant(rating["evaluated"], tz)}
            if a["mode"] == "separate":  # the shared contract: which unit's reply (lead mode: the lead's)
                rated["unit_id"] = unit
            steps.append({"key": f"evaluate:{number}:{unit}", "kind": "evaluate", "number": number,
                          "data": rated})
    return steps
