"""Every row of a past year's workbook checked against the API's rules and the other sheets (pure).

``check`` reports every bad cell as {sheet, row, field (the column header), message}; a row of
交办 whose mode or units are bad is reported once, not again for its replies and ratings.
"""
from dataclasses import dataclass, field
from datetime import date
from time import sleep
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from services.suggestion.history_workbook import (
    MODES, SATISFACTION, SHEETS, YIELD_EVERY, cell_text, parse_day, parse_number)
from services.suggestion.importing import KINDS, SOURCES, split_people
from services.suggestion.schemas import SuggestionIn
from services.suggestion.taxonomy import code_for


@dataclass
class Lookups:
    """What the checks need to know of the world (the suggestion service's projections)."""
    deputies_by_name: dict[str, list[int]]  # name -> ids (several: ambiguous)
    deputy_ids: set[int]  # registered, active
    units_by_name: dict[str, list[int]]
    unit_ids: set[int]
    categories: dict[str, str]
    taken_numbers: set[tuple[str, int]]  # (session, number) already in the system
    result_classes: tuple[str, ...]
    today: date  # the office's local day
    tz: ZoneInfo


@dataclass
class Checked:
    errors: list[dict] = field(default_factory=list)
    suggestions: dict[int, dict] = field(default_factory=dict)  # 编号 -> fields
    assignments: dict[int, dict] = field(default_factory=dict)
    replies: dict[tuple[int, int], dict] = field(default_factory=dict)  # (编号, unit) -> reply
    evaluations: dict[tuple[int, int], dict] = field(default_factory=dict)

    def bad(self, sheet: str, row: int, column: str, message: str) -> None:
        self.errors.append({"sheet": sheet, "row": row, "field": column, "message": message})

    def counts(self) -> dict:
        return {"suggestions": len(self.suggestions), "assignments": len(self.assignments),
                "replies": len(self.replies), "evaluations": len(self.evaluations)}


def check(sheets: dict[str, list[tuple[int, dict]]], world: Lookups) -> Checked:
    """Every row of every sheet, against the rules of the API and the other sheets."""
    out = Checked()
    for row, values in sheets["建议"]:
        if row % YIELD_EVERY == 0:
            sleep(0)
        _suggestion(out, row, values, world)
    for row, values in sheets["交办"]:
        _assignment(out, row, values, world)
    for row, values in sheets["答复"]:
        _reply(out, row, values, world)
    for row, values in sheets["评价"]:
        _evaluation(out, row, values, world)
    out.errors.sort(key=lambda e: (list(SHEETS).index(e["sheet"]), e["row"]))
    return out


def _day(out: Checked, sheet: str, row: int, column: str, value, world: Lookups,
         not_before: tuple[str, date | None] | None = None, required: bool = True,
         future: bool = False) -> date | None:
    if not cell_text(value):
        if required:
            out.bad(sheet, row, column, "required")
        return None
    day = parse_day(value)
    if day is None:
        out.bad(sheet, row, column, f"not a date: {cell_text(value)!r} (2024-03-01, 2024/3/1 or 2024年3月1日)")
    elif day > world.today and not future:
        out.bad(sheet, row, column, "cannot be in the future")
    elif not_before and not_before[1] and day < not_before[1]:
        out.bad(sheet, row, column, f"cannot be before {not_before[0]} ({not_before[1].isoformat()})")
    else:
        return day
    return None


def _people(names: list[str], world: Lookups) -> tuple[list[int], list[str]]:
    ids, errors = [], []
    for name in names:
        if name.isdigit():
            (ids.append(int(name)) if int(name) in world.deputy_ids
             else errors.append(f"{name}: no registered, active deputy has this id"))
            continue
        found = world.deputies_by_name.get(name, [])
        if len(found) == 1:
            ids.append(found[0])
        else:
            errors.append(f"{name}: " + ("no such deputy" if not found else "several deputies have this name; give the id"))
    return ids, errors


def _units(text: str, world: Lookups) -> tuple[list[int], list[str]]:
    ids, errors = [], []
    for name in split_people(text):
        if name.isdigit() and int(name) in world.unit_ids:
            ids.append(int(name))
            continue
        found = world.units_by_name.get(name, [])
        if len(found) == 1:
            ids.append(found[0])
        else:
            errors.append(f"{name}: " + ("no such handling unit" if not found else "several units have this name; give the id"))
    return ids, errors


def _suggestion(out: Checked, row: int, v: dict, world: Lookups) -> None:
    sheet = "建议"
    number = parse_number(v.get("编号"))
    if number is None:
        out.bad(sheet, row, "编号", "a positive number (12, 0012 or 第0012号)")
    elif number in out.suggestions:
        out.bad(sheet, row, "编号", f"number {number} is already on row {out.suggestions[number]['row']}")
    session = cell_text(v.get("届次"))
    if number is not None and (session, number) in world.taken_numbers:
        out.bad(sheet, row, "编号", f"{session} 第{number:04d}号 is already in the system")
    category = cell_text(v.get("类别"))
    kind_text, source_text = cell_text(v.get("类型")), cell_text(v.get("来源"))
    if kind_text not in KINDS:
        out.bad(sheet, row, "类型", "大会 or 闭会")
    if source_text and source_text not in SOURCES:
        out.bad(sheet, row, "来源", f"one of {'、'.join(SOURCES)}")
    if not code_for(world.categories, category):
        out.bad(sheet, row, "类别", f"unknown category {category!r}")
    lead_names = split_people(cell_text(v.get("领衔代表")))[:1]
    leads, lead_errors = _people(lead_names, world) if lead_names else ([], ["required"])
    co, co_errors = _people(split_people(cell_text(v.get("联名代表"))), world)
    for message in lead_errors:
        out.bad(sheet, row, "领衔代表", message)
    for message in co_errors:
        out.bad(sheet, row, "联名代表", message)
    if leads and leads[0] in co:
        out.bad(sheet, row, "联名代表", "the lead deputy cannot also be a co-signer")
    submitted = _day(out, sheet, row, "提交日期", v.get("提交日期"), world)
    accepted = _day(out, sheet, row, "立案日期", v.get("立案日期"), world, ("提交日期", submitted))
    fields = {"title": cell_text(v.get("标题")), "body": cell_text(v.get("内容")),
              "category": code_for(world.categories, category) or "other",
              "kind": KINDS.get(kind_text, "session"), "session": session,
              "source": SOURCES.get(source_text, "other"), "co_signer_ids": sorted(set(co))}
    columns = {"title": "标题", "body": "内容", "session": "届次", "co_signer_ids": "联名代表"}
    try:
        SuggestionIn(**fields)
    except ValidationError as exc:
        for err in exc.errors():
            out.bad(sheet, row, columns.get(str(err["loc"][0]), str(err["loc"][0])), err["msg"])
    if number is not None and number not in out.suggestions:
        out.suggestions[number] = {"row": row, "fields": fields, "lead": leads[0] if leads else None,
                                   "submitted": submitted, "accepted": accepted}


def _assignment(out: Checked, row: int, v: dict, world: Lookups) -> None:
    sheet = "交办"
    number = parse_number(v.get("建议编号"))
    s = out.suggestions.get(number) if number else None
    if s is None:
        out.bad(sheet, row, "建议编号", f"no suggestion numbered {cell_text(v.get('建议编号'))!r} on sheet 建议")
    elif number in out.assignments:
        out.bad(sheet, row, "建议编号", f"already assigned on row {out.assignments[number]['row']}")
    mode = MODES.get(cell_text(v.get("方式")))
    lead, co, units = None, [], []
    if mode is None:
        out.bad(sheet, row, "方式", "主办 or 分办")
    elif mode == "lead":
        found, errors = _units(cell_text(v.get("主办单位")), world)
        for message in errors or ([] if len(found) == 1 else ["exactly one lead unit"]):
            out.bad(sheet, row, "主办单位", message)
        lead = found[0] if len(found) == 1 else None
        co, errors = _units(cell_text(v.get("会办单位")), world)
        for message in errors:
            out.bad(sheet, row, "会办单位", message)
        if lead in co or len(set(co)) != len(co):
            out.bad(sheet, row, "会办单位", "co-units must be distinct and not the lead unit")
    else:
        units, errors = _units(cell_text(v.get("分办单位")), world)
        for message in errors:
            out.bad(sheet, row, "分办单位", message)
        if len(set(units)) < 2 or len(set(units)) != len(units):
            out.bad(sheet, row, "分办单位", "分办 needs at least two distinct units")
    accepted = s["accepted"] if s else None
    assigned = _day(out, sheet, row, "交办日期", v.get("交办日期"), world, ("立案日期", accepted))
    due = _day(out, sheet, row, "答复期限", v.get("答复期限"), world, ("交办日期", assigned), required=False,
               future=True)
    signed = _day(out, sheet, row, "签收日期", v.get("签收日期"), world, ("交办日期", assigned), required=False)
    if s is not None and number not in out.assignments:
        handling = [u for u in ([lead] if mode == "lead" else units) if u is not None]
        # a row whose mode or units are bad is reported once, here: its replies and ratings are not
        # reported again for the units it could not name
        out.assignments[number] = {"row": row, "mode": mode, "lead": lead, "co": co, "units": units,
                                   "handling": handling, "bad": mode is None or not handling,
                                   "assigned": assigned, "due": due, "signed": signed or assigned}


def _handling_unit(out: Checked, sheet: str, row: int, v: dict, world_units: dict | None = None):
    """(编号, the handling unit) a reply or rating row names, or None after reporting why."""
    number = parse_number(v.get("建议编号"))
    a = out.assignments.get(number) if number else None
    if a is None:
        out.bad(sheet, row, "建议编号", f"suggestion {cell_text(v.get('建议编号'))!r} has no row on sheet 交办")
        return None
    if a["bad"]:
        return None
    given = cell_text(v.get("答复单位"))
    if not given:
        if a["mode"] == "separate":
            out.bad(sheet, row, "答复单位", "required for 分办: which unit's reply")
            return None
        return number, a["lead"]
    matches = [u for u in a["handling"] if str(u) == given or u in (world_units or {}).get(given, [])]
    if len(matches) != 1:
        out.bad(sheet, row, "答复单位", f"{given}: not a handling unit of suggestion {number} "
                                    "(the lead unit for 主办, one of the 分办单位)")
        return None
    return number, matches[0]


def _reply(out: Checked, row: int, v: dict, world: Lookups) -> None:
    sheet = "答复"
    found = _handling_unit(out, sheet, row, v, world.units_by_name)
    result_class = cell_text(v.get("类别")).upper().removesuffix("类")
    if result_class not in world.result_classes:
        out.bad(sheet, row, "类别", f"one of {'/'.join(world.result_classes)}")
    for column, limit in (("答复内容", 20000), ("签发人", 100)):
        if not cell_text(v.get(column)):
            out.bad(sheet, row, column, "required")
        elif len(cell_text(v.get(column))) > limit:
            out.bad(sheet, row, column, f"at most {limit} characters")
    a = out.assignments.get(found[0]) if found else None
    replied = _day(out, sheet, row, "答复日期", v.get("答复日期"), world, ("签收日期", a["signed"] if a else None))
    if found is None:
        return
    if found in out.replies:
        out.bad(sheet, row, "答复单位", f"this unit's reply is already on row {out.replies[found]['row']}")
        return
    out.replies[found] = {"row": row, "result_class": result_class, "replied": replied,
                          "content": cell_text(v.get("答复内容")), "signed_by": cell_text(v.get("签发人"))}


def _evaluation(out: Checked, row: int, v: dict, world: Lookups) -> None:
    sheet = "评价"
    found = _handling_unit(out, sheet, row, v, world.units_by_name)
    if found is not None and found not in out.replies:
        # a rating needs the reply it rates; unit names were matched against the reply sheet already
        out.bad(sheet, row, "答复单位", "no reply of this unit on sheet 答复 to rate")
    satisfaction = SATISFACTION.get(cell_text(v.get("满意度")))
    if satisfaction is None:
        out.bad(sheet, row, "满意度", "满意, 基本满意 or 不满意")
    reply = out.replies.get(found) if found else None
    evaluated = _day(out, sheet, row, "评价日期", v.get("评价日期"), world,
                     ("答复日期", reply["replied"] if reply else None))
    if found is None or found not in out.replies:
        return
    if found in out.evaluations:
        out.bad(sheet, row, "答复单位", f"this reply is already rated on row {out.evaluations[found]['row']}")
        return
    out.evaluations[found] = {"row": row, "satisfaction": satisfaction, "evaluated": evaluated}
