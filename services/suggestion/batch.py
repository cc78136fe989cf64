"""Batch import (all-or-nothing per row, with a report) and the Excel export."""
import io
from zoneinfo import ZoneInfo

from openpyxl import Workbook

from services.common.errors import LianxinError, ValidationFailed
from services.common.localtime import DATE_FORMAT, DATETIME_FORMAT, local_date, local_datetime, zone
from services.common.sheets import format_columns, sheet_row
from services.suggestion import catalog as catalogs
from services.suggestion import commands, domain, importing, roster
from services.suggestion.importing import BadFile
from services.suggestion.rules import Rules
from services.suggestion.schemes import Catalog

EXPORT_HEADERS = ("编号", "届次", "标题", "类别", "类型", "来源", "领衔代表", "联名代表", "状态",
                  "主办单位", "会办单位", "答复期限", "是否逾期", "是否公开", "提交时间", "立案时间")
STATUS_LABELS = {"draft": "草稿", "submitted": "待审查", "accepted": "已立案", "returned": "退回",
                 "merged": "并案", "converted_letter": "转为代表来信", "converted_reference": "转作参考材料",
                 "withdrawn": "已撤回", "assigned": "已交办", "signed": "已签收",
                 "replied": "已答复", "evaluated": "已评价", "rehandling": "重新办理", "closed": "已办结"}


def resolve_people(tx, names: list[str]) -> tuple[list[int], list[str]]:
    """Ids for deputies given as ids or names; errors for unknown or ambiguous names."""
    ids, errors = [], []
    by_name = roster.ids_by_name(tx, [n for n in names if not n.isdigit()])
    for name in names:
        if name.isdigit():
            ids.append(int(name))
        elif len(by_name[name]) == 1:
            ids.append(by_name[name][0])
        else:
            errors.append(f"{name}: " + ("no such deputy" if not by_name[name] else "several deputies have this name; give the id"))
    return ids, errors


def import_rows(tx, actor: dict, filename: str, content: bytes, known_deputies, rules: Rules) -> dict:
    try:
        rows = importing.rows_of(importing.read_table(filename, content))
    except BadFile as exc:
        raise ValidationFailed(str(exc), [{"field": "file", "message": str(exc)}]) from None
    imported, rejected = [], []
    catalog = catalogs.load(tx, rules.categories)
    for number, values in rows:
        lead, lead_errors = resolve_people(tx, importing.split_people(values.get("lead_deputy", ""))[:1] or [""])
        co, co_errors = resolve_people(tx, importing.split_people(values.get("co_signers", "")))
        errors = [{"field": "lead_deputy", "message": m} for m in lead_errors]
        errors += [{"field": "co_signers", "message": m} for m in co_errors]
        if errors:
            rejected.append({"row": number, "errors": errors})
            continue
        scheme = catalog.in_force(values.get("session"))  # a name is looked up in its session's scheme
        data = {**importing.to_fields(values, scheme.active), "lead_deputy_id": lead[0], "co_signer_ids": co}
        try:
            with tx.session.begin_nested():  # a rejected row leaves nothing behind
                s = commands.submit(tx, {**actor, "role": "office"}, data, known_deputies, rules, catalog)
            imported.append({"row": number, "id": s.id, "number": domain.number_label(s.number, s.number_prefix)})
        except LianxinError as exc:
            rejected.append({"row": number, "errors": exc.details or [{"field": "row", "message": exc.message}]})
    return {"imported": len(imported), "items": imported, "rejected": rejected}


REPLY_HEADERS = ("编号", "标题", "答复单位", "办理轮次", "答复类别", "答复日期", "满意度", "评价日期")
SATISFACTION_LABELS = {"satisfied": "满意", "basic": "基本满意", "dissatisfied": "不满意"}


def workbook(rows: list[dict], names: dict[int, str], unit_names: dict[int, str], categories: Catalog,
             tz: ZoneInfo | None = None, replies: dict[int, list] | None = None) -> bytes:
    """The export; 答复期限 and 提交时间 are date cells in the office's local time (``tz``). A second
    sheet 答复情况 has one row per reply (each unit's, each round's: 分办 gives several) with its result
    class, reply date and the deputy's rating."""
    tz = tz or zone()
    wb = Workbook()
    sheet = wb.active
    sheet.title = "代表建议"
    sheet.append(EXPORT_HEADERS)
    for s in rows:
        a = s["assignment"] or {}
        sheet.append(sheet_row([
            s["number"] or "", s["session"], s["title"], categories.name(s["session"], s["category"]) or s["category"],
            "大会" if s["kind"] == "session" else "闭会", importing_label(s["source"]),
            names.get(s["lead_deputy_id"], str(s["lead_deputy_id"])),
            "、".join(names.get(d, str(d)) for d in s["co_signer_ids"]),
            STATUS_LABELS.get(s["status"], s["status"]), handling_label(a, unit_names),
            "、".join(unit_names.get(u, str(u)) for u in (a.get("co_unit_ids") or [])),
            local_date(s["due_at"], tz), "是" if s["overdue"] else "否", "是" if s["public"] else "否",
            local_datetime(s["submitted_at"], tz), local_datetime(s.get("accepted_at"), tz),
        ]))
    format_columns(sheet, {EXPORT_HEADERS.index("答复期限") + 1: DATE_FORMAT,
                           EXPORT_HEADERS.index("提交时间") + 1: DATETIME_FORMAT,
                           EXPORT_HEADERS.index("立案时间") + 1: DATETIME_FORMAT})
    for column, width in zip("ABCDEFGHIJKLMNOP", (12, 12, 40, 14, 6, 8, 10, 24, 10, 18, 24, 12, 8, 8, 20, 20)):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    reply_sheet(wb, rows, replies or {}, tz)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def reply_sheet(wb, rows: list[dict], replies: dict[int, list], tz: ZoneInfo) -> None:
    sheet = wb.create_sheet("答复情况")
    sheet.append(REPLY_HEADERS)
    for s in rows:
        for r in replies.get(s.get("id"), []):
            sheet.append(sheet_row([
                s["number"] or "", s["title"], r.unit_name or "", r.round, r.result_class,
                local_date(r.at, tz), SATISFACTION_LABELS.get(r.satisfaction, r.satisfaction or ""),
                local_date(r.evaluated_at, tz),
            ]))
    format_columns(sheet, {REPLY_HEADERS.index("答复日期") + 1: DATE_FORMAT,
                           REPLY_HEADERS.index("评价日期") + 1: DATE_FORMAT})
    for column, width in zip("ABCDEFGH", (12, 40, 24, 8, 8, 12, 10, 12)):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"


def handling_label(a: dict, unit_names: dict[int, str]) -> str:
    """The 主办单位 cell: the lead unit, or a separate assignment's units (分办), which have no lead."""
    if a.get("mode") == "separate":
        return "、".join(unit_names.get(u, str(u)) for u in a.get("handling_unit_ids") or []) + "（分办）"
    return a.get("lead_unit_name") or ""


def importing_label(source: str) -> str:
    return {v: k for k, v in importing.SOURCES.items()}.get(source, source)
