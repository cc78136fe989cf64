"""The rates workbook (GET /reports/rates.xlsx): overall, per unit, per category, overdue list."""
import io
from datetime import datetime
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from services.common.localtime import DATE_FORMAT, local_date, zone
from services.common.sheets import sheet_row
from services.evaluation import stats

# the suggestion service's taxonomy (codes are the contract; names only label the sheet)
CATEGORY_NAMES = {
    "edu": "教科文卫体", "transport": "交通邮电", "agri": "农林水利", "industry": "工业经济",
    "urban": "城乡建设与管理", "finance": "财政金融", "law": "政治法律", "civil": "民政社会",
    "eco": "生态环境", "other": "其他",
}
RATE_COLUMNS = [("assigned", "交办件数"), ("replies_due", "应答复件数"), ("replied", "答复件数"), ("completed", "办结件数"),
                ("evaluated", "测评件数"), ("overdue", "逾期件数"),
                ("completion_rate", "办结率"), ("resolution_rate", "办成率（A类）"),
                ("solved_or_planned_rate", "解决或列入计划率（A+B类）"), ("satisfaction_rate", "满意率"),
                ("satisfied_or_basic_rate", "满意和基本满意率"), ("on_time_rate", "按时答复率")]
CLASS_COLUMNS = [("A", "A类"), ("B", "B类"), ("C", "C类")]
# the units sheet: 会办 work (a unit with only co-unit work is listed too, with no reply rates)
CO_COLUMNS = [("co_assigned", "会办件数"), ("co_opinions", "会办意见件数"), ("co_opinions_on_time", "按时会办意见件数"),
              ("co_opinion_on_time_rate", "会办意见按时率")]
SHEETS = ("总体情况", "各单位", "各类别", "逾期清单")
OVERDUE_HEADERS = ["交办编号", "建议编号", "标题", "届次", "承办单位", "状态", "办理轮次", "答复期限", "逾期天数"]
PERCENT = "0.00%"
BOLD = Font(bold=True)


def _row(ws, values: list, formats: dict[int, str] | None = None, font: Font | None = None) -> None:
    """A row of a write-only sheet: texts cleared of what a worksheet cannot hold (sheet_row), a
    number format by column (0-based) on the cells that have a value, and a font for all of them."""
    formats = formats or {}
    cells = []
    for i, value in enumerate(sheet_row(values)):
        if font is None and (i not in formats or value is None):
            cells.append(value)
            continue
        cell = WriteOnlyCell(ws, value=value)
        if font is not None:
            cell.font = font
        if i in formats and value is not None:
            cell.number_format = formats[i]
        cells.append(cell)
    ws.append(cells)


def _rate_cells(row: dict) -> list:
    return [row[k] for k, _ in RATE_COLUMNS] + [row["classes"].get(c, 0) for c, _ in CLASS_COLUMNS]


def _percent(first: int) -> dict[int, str]:
    """The rate columns as percentages (they follow ``first`` leading columns), 0-based."""
    return {first + i: PERCENT for i, (k, _) in enumerate(RATE_COLUMNS) if k.endswith("_rate")}


def workbook(session, actor: dict, filters: dict, now: datetime, tz: ZoneInfo | None = None) -> bytes:
    """``tz``: the office's zone; the overdue list's 答复期限 is a date cell of its local date.
    Written in openpyxl's write-only mode: the overdue list may hold tens of thousands of rows, and
    with every cell kept in memory 50,000 of them took the process 188 MB more at its peak (72 MB
    streamed); either way openpyxl spends ~20 µs a cell (~13 s of CPU for those 50,000 rows)."""
    overall = stats.rates(session, actor, filters, now)
    wanted = overall["filters"]
    ranked = stats.units(session, actor, wanted, now)["items"]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEETS[0])
    _row(ws, ["届次"] + [t for _, t in RATE_COLUMNS] + [t for _, t in CLASS_COLUMNS], font=BOLD)
    _row(ws, [wanted.get("session", "全部")] + _rate_cells(overall), _percent(1))

    ws = wb.create_sheet(SHEETS[1])
    _row(ws, ["排名", "单位编号", "承办单位"] + [t for _, t in RATE_COLUMNS] + [t for _, t in CLASS_COLUMNS]
         + [t for _, t in CO_COLUMNS], font=BOLD)
    unit_formats = {**_percent(3), 3 + len(RATE_COLUMNS) + len(CLASS_COLUMNS) + len(CO_COLUMNS) - 1: PERCENT}
    for item in ranked:
        _row(ws, [item["rank"], item["unit_id"], item["unit_name"] or f"单位{item['unit_id']}"]
             + _rate_cells(item) + [item[k] for k, _ in CO_COLUMNS], unit_formats)

    ws = wb.create_sheet(SHEETS[2])
    _row(ws, ["类别代码", "类别"] + [t for _, t in RATE_COLUMNS] + [t for _, t in CLASS_COLUMNS], font=BOLD)
    for item in stats.categories(session, wanted, now):
        code = item["category"]
        _row(ws, [code, CATEGORY_NAMES.get(code, code or "未分类")] + _rate_cells(item), _percent(2))

    ws = wb.create_sheet(SHEETS[3])
    _row(ws, OVERDUE_HEADERS, font=BOLD)
    dates = {OVERDUE_HEADERS.index("答复期限"): DATE_FORMAT}
    for row in stats.overdue(session, wanted, now):
        _row(ws, [row["assignment_id"], row["number"], row["title"], row["session"],
                  row["unit_name"] or f"单位{row['unit_id']}", row["state"], row["round"],
                  local_date(row["due_at"], tz or zone()), row["days_late"]], dates)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
