"""A past year's workbook (历年建议导入): its layout and reading it (pure); the checks are in
history_checks.py, the steps in history_plan.py.

Layout (docs/suggestions.md "Past-year import"): one .xlsx with four sheets, first row = headers,
any column order:

    建议  编号 | 标题 | 内容 | 类别 (code or name) | 类型 (大会/闭会) | 届次 | 领衔代表 (name or id) |
          联名代表 (names or ids, 、，,; or spaces) | 提交日期 | 立案日期 | 来源 (optional)
    交办  建议编号 | 方式 (主办/分办) | 主办单位 | 会办单位 | 分办单位 (units: names or ids) |
          交办日期 | 答复期限 (optional: the rules' due date) | 签收日期 (optional: the 交办日期)
    答复  建议编号 | 答复单位 (optional for 主办: the lead unit) | 类别 (A/B/C) | 答复日期 | 答复内容 | 签发人
    评价  建议编号 | 答复单位 (optional for 主办) | 满意度 (满意/基本满意/不满意) | 评价日期

Dates are the office's local days (a date cell, or 2024-03-01, 2024/3/1, 2024年3月1日); each step is
entered at 12:00 local time of its day. ``check`` reports every bad row as {sheet, row, field,
message} and, when there is none, ``plan`` lists the steps in the order they are entered.
"""
import hashlib
import io
import re
from datetime import date, datetime, time
from time import sleep
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

MAX_ROWS = 20000  # per sheet: a national congress's year is ~9,000 suggestions
YIELD_EVERY = 500  # rows between pauses that let a service's other green threads run (eventlet)
STEP_TIME = time(12, 0)
SHEETS = {
    "建议": {"编号": "number", "标题": "title", "内容": "body", "类别": "category", "类型": "kind",
           "届次": "session", "领衔代表": "lead_deputy", "联名代表": "co_signers", "提交日期": "submitted_on",
           "立案日期": "accepted_on", "来源": "source"},
    "交办": {"建议编号": "number", "方式": "mode", "主办单位": "lead_unit", "会办单位": "co_units",
           "分办单位": "units", "交办日期": "assigned_on", "答复期限": "due_on", "签收日期": "signed_on"},
    "答复": {"建议编号": "number", "答复单位": "unit", "类别": "result_class", "答复日期": "replied_on",
           "答复内容": "content", "签发人": "signed_by"},
    "评价": {"建议编号": "number", "答复单位": "unit", "满意度": "satisfaction", "评价日期": "evaluated_on"},
}
REQUIRED = {
    "建议": ("编号", "标题", "内容", "类别", "类型", "届次", "领衔代表", "提交日期", "立案日期"),
    "交办": ("建议编号", "方式", "交办日期"),
    "答复": ("建议编号", "类别", "答复日期", "答复内容", "签发人"),
    "评价": ("建议编号", "满意度", "评价日期"),
}
MODES = {"主办": "lead", "分办": "separate"}
SATISFACTION = {"满意": "satisfied", "基本满意": "basic", "不满意": "dissatisfied"}
_NUMBER = re.compile(r"^(?:第)?0*(\d{1,6})(?:号)?$")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")


class BadWorkbook(ValueError):
    """The file as a whole cannot be read (not .xlsx, a sheet or a column missing, too many rows)."""


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def read(content: bytes) -> dict[str, list[tuple[int, dict]]]:
    """{sheet: [(spreadsheet row, {column header: cell value})]} of the four sheets (评价 may be absent)."""
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the caller's error
        raise BadWorkbook(f"not a readable .xlsx workbook: {exc.__class__.__name__}") from None
    found = {ws.title.strip(): ws for ws in book.worksheets}
    if "建议" not in found:
        raise BadWorkbook("the workbook has no sheet 建议 (sheets: 建议, 交办, 答复, 评价)")
    return {name: rows_of(name, found[name]) if name in found else [] for name in SHEETS}


def rows_of(name: str, sheet) -> list[tuple[int, dict]]:
    table = sheet.iter_rows(values_only=True)
    header = [cell_text(h) for h in next(table, ())]
    missing = [c for c in REQUIRED[name] if c not in header]
    if missing:
        raise BadWorkbook(f"sheet {name}: missing columns {', '.join(missing)}")
    rows = []
    for number, raw in enumerate(table, start=2):
        if number % YIELD_EVERY == 0:
            sleep(0)  # under eventlet (monkey-patched) a yield to the hub; elsewhere nothing
        values = {h: v for h, v in zip(header, raw) if h in SHEETS[name]}
        if any(cell_text(v) for v in values.values()):
            rows.append((number, values))
        if len(rows) > MAX_ROWS:
            raise BadWorkbook(f"sheet {name}: at most {MAX_ROWS} rows")
    return rows


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_day(value) -> date | None:
    """A date cell or text (2024-03-01, 2024/3/1, 2024年3月1日); None when it is not one."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = _DATE.match(cell_text(value))
    if not match:
        return None
    try:
        return date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def parse_number(value) -> int | None:
    match = _NUMBER.match(cell_text(value))
    return int(match.group(1)) if match and int(match.group(1)) > 0 else None


def instant(day: date, tz: ZoneInfo) -> str:
    """The step's time: 12:00 local time of its day, ISO 8601 with the offset."""
    return datetime.combine(day, STEP_TIME, tzinfo=tz).isoformat()
