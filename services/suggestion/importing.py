"""Reading a secretariat's batch (.xlsx or .csv) into rows of suggestion fields (pure).

Column layout (first row = headers, Chinese or English, any order):

    标题 title | 内容 body | 类别 category (code or name) | 类型 kind (大会/闭会) |
    届次 session | 领衔代表 lead_deputy (id or name) | 联名代表 co_signers (ids or
    names separated by 、，,; or spaces) | 来源 source (调研/视察/小组/走访/联络站/其他)
"""
import csv
import io
import re

from openpyxl import load_workbook

from services.suggestion import taxonomy

MAX_ROWS = 5000
HEADERS = {
    "标题": "title", "内容": "body", "正文": "body", "类别": "category", "类型": "kind", "届次": "session",
    "领衔代表": "lead_deputy", "联名代表": "co_signers", "附议代表": "co_signers", "来源": "source",
}
FIELDS = set(HEADERS.values())
KINDS = {"大会": "session", "闭会": "recess", "大会期间": "session", "闭会期间": "recess"}
SOURCES = {"调研": "research", "视察": "inspection", "小组": "group", "走访": "visit",
           "联络站": "station", "其他": "other"}
_SEPARATORS = re.compile(r"[、，,；;\s]+")


class BadFile(ValueError):
    """The file as a whole cannot be read (wrong type, no header, too many rows)."""


def read_table(filename: str, content: bytes) -> list[list]:
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the caller's error
            raise BadFile(f"not a readable .xlsx workbook: {exc.__class__.__name__}") from None
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    if name.endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK
            try:
                text = content.decode(encoding)
            except UnicodeDecodeError:
                continue
            if "\x00" in text:  # PostgreSQL cannot store it (and no spreadsheet writes it)
                raise BadFile("not a readable .csv file: it contains NUL characters")
            try:
                return list(csv.reader(io.StringIO(text)))
            except csv.Error as exc:  # e.g. a cell over csv's 131,072 characters
                raise BadFile(f"not a readable .csv file: {exc}") from None
        raise BadFile("the .csv file is neither UTF-8 nor GBK")
    raise BadFile("file must be .xlsx or .csv")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def rows_of(table: list[list]) -> list[tuple[int, dict]]:
    """(spreadsheet row number, {field: text}) for each non-empty data row."""
    if not table:
        raise BadFile("the file is empty")
    columns = [HEADERS.get(_cell(h), _cell(h)) for h in table[0]]
    missing = {"title", "body", "category", "kind", "session", "lead_deputy"} - set(columns)
    if missing:
        raise BadFile(f"missing columns: {', '.join(sorted(missing))}")
    rows = []
    for number, raw in enumerate(table[1:], start=2):
        values = {col: _cell(v) for col, v in zip(columns, raw) if col in FIELDS}
        if any(values.values()):
            rows.append((number, values))
    if len(rows) > MAX_ROWS:
        raise BadFile(f"at most {MAX_ROWS} rows per file")
    return rows


def split_people(text: str) -> list[str]:
    return [p for p in _SEPARATORS.split(text or "") if p]


def to_fields(values: dict, categories: dict[str, str]) -> dict:
    """Spreadsheet words → the API's codes (``categories``: the taxonomy); people are resolved by the caller."""
    category = values.get("category", "")
    return {
        "title": values.get("title", ""), "body": values.get("body", ""),
        "category": taxonomy.code_for(categories, category) or category,
        "kind": KINDS.get(values.get("kind", ""), values.get("kind", "")),
        "session": values.get("session", ""),
        "source": SOURCES.get(values.get("source", ""), values.get("source") or "other"),
    }
