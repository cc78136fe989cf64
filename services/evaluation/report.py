"""The rates workbook (GET /reports/rates.xlsx): overall, per unit, per category, overdue list."""
import io
from datetime import datetime
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from services.common.localtime import DATE_FORMAT, local_date, zone
from services.common.sheets import format_columns
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


def _append(ws, row: list) -> None:
    """A row of cells; control characters (which a worksheet cannot hold) are dropped from texts,
    so a filter or a title carrying one still gives a workbook, not an error."""
    ws.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])


def _header(ws, titles: list[str]) -> None:
    _append(ws, titles)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)


def _rate_cells(row: dict) -> list:
    return [row[k] for k, _ in RATE_COLUMNS] + [row["classes"].get(c, 0) for c, _ in CLASS_COLUMNS]


def _format(ws, first_col: int) -> None:
    """Rates as percentages (the rate columns follow ``first_col`` leading columns)."""
    rate_cols = [first_col + i + 1 for i, (k, _) in enumerate(RATE_COLUMNS) if k.endswith("_rate")]
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if cell.column in rate_cols and cell.value is not None:
                cell.number_format = PERCENT


def workbook(session, actor: dict, filters: dict, now: datetime, tz: ZoneInfo | None = None) -> bytes:
    """``tz``: the office's zone; the overdue list's 答复期限 is a date cell of its local date."""
    overall = stats.rates(session, actor, filters, now)
    wanted = overall["filters"]
    ranked = stats.units(session, actor, wanted, now)["items"]
    wb = Workbook()
    ws = wb.active
    ws.title = SHEETS[0]
    _header(ws, ["届次"] + [t for _, t in RATE_COLUMNS] + [t for _, t in CLASS_COLUMNS])
    _append(ws, [wanted.get("session", "全部")] + _rate_cells(overall))
    _format(ws, 1)

    ws = wb.create_sheet(SHEETS[1])
    _header(ws, ["排名", "单位编号", "承办单位"] + [t for _, t in RATE_COLUMNS] + [t for _, t in CLASS_COLUMNS]
            + [t for _, t in CO_COLUMNS])
    for item in ranked:
        _append(ws, [item["rank"], item["unit_id"], item["unit_name"] or f"单位{item['unit_id']}"]
                + _rate_cells(item) + [item[k] for k, _ in CO_COLUMNS])
    _format(ws, 3)
    co_rate = 3 + len(RATE_COLUMNS) + len(CLASS_COLUMNS) + len(CO_COLUMNS)
    for row in ws.iter_rows(min_row=2, min_col=co_rate, max_col=co_rate):
        for cell in row:
            if cell.value is not None:
                cell.number_format = PERCENT

    ws = wb.create_sheet(SHEETS[2])
    _header(ws, ["类别代码", "类别"] + [t for _, t in RATE_COLUMNS] + [t for _, t in CLASS_COLUMNS])
    for item in stats.categories(session, wanted, now):
        code = item["category"]
        _append(ws, [code, CATEGORY_NAMES.get(code, code or "未分类")] + _rate_cells(item))
    _format(ws, 2)

    ws = wb.create_sheet(SHEETS[3])
    _header(ws, OVERDUE_HEADERS)
    for row in stats.overdue(session, wanted, now):
        _append(ws, [row["assignment_id"], row["number"], row["title"], row["session"],
                   row["unit_name"] or f"单位{row['unit_id']}", row["state"], row["round"],
                   local_date(row["due_at"], tz or zone()), row["days_late"]])
    format_columns(ws, {OVERDUE_HEADERS.index("答复期限") + 1: DATE_FORMAT})
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
