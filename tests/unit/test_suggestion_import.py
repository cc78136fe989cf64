"""Reading a secretariat's batch file, and the export workbook."""
import io
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from services.suggestion import batch, importing
from services.suggestion.rules import Rules
from services.suggestion.schemes import Catalog, Category, Scheme, builtin
from tests.sheets import xlsx

CATEGORIES = Rules().categories
CATALOG = Catalog(fallback=builtin(CATEGORIES))  # the built-in taxonomy, no stored scheme

HEADER = ["标题", "内容", "类别", "类型", "届次", "领衔代表", "联名代表", "来源"]
ROW = ["关于增设公交站点的建议", "小区距公交站两公里。", "交通邮电", "大会", "十六届三次", "王建国", "李红梅、3", "调研"]


def test_xlsx_rows_keep_their_spreadsheet_numbers_and_skip_blank_rows():
    table = importing.read_table("batch.xlsx", xlsx(HEADER, ROW, [None] * 8, ROW))
    rows = importing.rows_of(table)
    assert [n for n, _ in rows] == [2, 4]
    assert rows[0][1]["lead_deputy"] == "王建国"


def test_csv_in_gbk_as_excel_saves_it_is_read():
    content = ("\n".join(",".join(r) for r in (HEADER, ROW))).encode("gb18030")
    [(number, values)] = importing.rows_of(importing.read_table("batch.CSV", content))
    assert number == 2 and values["title"] == "关于增设公交站点的建议"


def test_spreadsheet_words_become_codes():
    fields = importing.to_fields(dict(zip(["title", "body", "category", "kind", "session", "source"],
                                          ["t", "b", "交通邮电", "闭会", "s", "走访"])), CATEGORIES)
    assert (fields["category"], fields["kind"], fields["source"]) == ("transport", "recess", "visit")
    assert importing.split_people("李红梅、3，张三; 王五 ") == ["李红梅", "3", "张三", "王五"]


@pytest.mark.parametrize("name,content,message", [
    ("batch.txt", b"x", ".xlsx or .csv"),
    ("batch.xlsx", b"not a zip", "not a readable"),
    ("batch.csv", "标题,内容\nx,y".encode(), "missing columns"),
    ("batch.csv", b"", "empty"),
    ("batch.csv", b"x" * 200_000, "not a readable .csv"),  # one cell past csv's field limit
    ("batch.csv", "标题,内容\nx\0,y".encode(), "not a readable .csv"),
])
def test_unreadable_files_are_refused_as_a_whole(name, content, message):
    with pytest.raises(importing.BadFile, match=message):
        importing.rows_of(importing.read_table(name, content))


def test_export_has_chinese_headers_and_one_row_per_suggestion():
    rows = [{"number": "第0001号", "session": "十六届三次", "title": "关于增设公交站点的建议", "category": "transport",
             "kind": "session", "source": "research", "lead_deputy_id": 1, "co_signer_ids": [2], "status": "assigned",
             "assignment": {"lead_unit_name": "市交通运输局", "co_unit_ids": [9]}, "due_at": "2027-03-01T00:00:00+08:00",
             "overdue": False, "public": True, "submitted_at": "2026-11-23T10:00:00+08:00"}]
    content = batch.workbook(rows, {1: "王建国", 2: "李红梅"}, {9: "市公安局"}, CATALOG)
    sheet = load_workbook(io.BytesIO(content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == batch.EXPORT_HEADERS
    assert values[1][:9] == ("第0001号", "十六届三次", "关于增设公交站点的建议", "交通邮电", "大会", "调研", "王建国",
                             "李红梅", "已交办")
    assert values[1][9:12] == ("市交通运输局", "市公安局", datetime(2027, 3, 1))  # a date cell, the local date
    assert values[1][14] == datetime(2026, 11, 23, 10, 0)  # 提交时间: local wall-clock time


def test_export_dates_are_date_cells_of_the_office_local_day():
    rows = [{"number": "第0002号", "session": "十六届三次", "title": "关于增设公交站点的建议", "category": "transport",
             "kind": "session", "source": "research", "lead_deputy_id": 1, "co_signer_ids": [], "status": "assigned",
             "assignment": None, "due_at": "2026-11-26T16:30:00+00:00", "overdue": False, "public": False,
             "submitted_at": "2026-08-28T17:05:00+00:00"}]
    sheet = load_workbook(io.BytesIO(batch.workbook(rows, {1: "王建国"}, {}, CATALOG))).active
    due, submitted = sheet.cell(2, 12), sheet.cell(2, 15)
    assert (due.value, due.number_format, due.data_type) == (datetime(2026, 11, 27), "yyyy-mm-dd", "d")
    assert (submitted.value, submitted.number_format) == (datetime(2026, 8, 29, 1, 5), "yyyy-mm-dd hh:mm")
    utc = load_workbook(io.BytesIO(batch.workbook(rows, {1: "王建国"}, {}, CATALOG, ZoneInfo("UTC")))).active
    assert utc.cell(2, 12).value == datetime(2026, 11, 26)  # the configured zone decides the day


def test_export_survives_control_characters_in_stored_text():
    rows = [{"number": "", "session": "十六届\x1b三次", "title": "关于\x07增设\u200f公交站点的建议😀", "category": "transport",
             "kind": "session", "source": "other", "lead_deputy_id": 1, "co_signer_ids": [], "status": "submitted",
             "assignment": None, "due_at": None, "overdue": False, "public": False, "submitted_at": None}]
    sheet = load_workbook(io.BytesIO(batch.workbook(rows, {1: "王\x0b建国"}, {}, CATALOG))).active
    values = list(sheet.iter_rows(values_only=True))[1]
    assert values[1:3] == ("十六届三次", "关于增设\u200f公交站点的建议😀") and values[6] == "王建国"


def test_export_names_categories_by_their_sessions_scheme_and_conversions_in_chinese():
    shiyan = Scheme(2, "十堰分类", "十堰五届", (Category("economy", "经济建设"), Category("old", "旧类别", active=False)))
    catalog = Catalog((shiyan,), builtin(CATEGORIES))
    base = {"number": "第0001号", "title": "关于某事的建议", "kind": "recess", "source": "other", "lead_deputy_id": 1,
            "co_signer_ids": [], "assignment": None, "due_at": None, "overdue": False, "public": False,
            "submitted_at": None}
    rows = [{**base, "session": "十堰五届一次", "category": "economy", "status": "converted_letter"},
            {**base, "session": "十堰五届二次", "category": "old", "status": "converted_reference"},
            {**base, "session": "十六届三次", "category": "transport", "status": "returned"}]
    values = list(load_workbook(io.BytesIO(batch.workbook(rows, {1: "王建国"}, {}, catalog))).active
                  .iter_rows(values_only=True))[1:]
    assert [(v[3], v[8]) for v in values] == [("经济建设", "转为代表来信"), ("旧类别", "转作参考材料"),
                                              ("交通邮电", "退回")]


def test_export_has_a_row_per_reply_with_its_class_local_reply_date_and_rating():
    from types import SimpleNamespace

    rows = [{"id": 7, "number": "第0007号", "session": "十六届三次", "title": "关于增设公交站点的建议",
             "category": "transport", "kind": "session", "source": "research", "lead_deputy_id": 1,
             "co_signer_ids": [], "status": "evaluated",
             "assignment": {"mode": "separate", "handling_unit_ids": [3, 4]}, "due_at": None, "overdue": False,
             "public": False, "submitted_at": None}]
    utc = timezone.utc
    replies = {7: [SimpleNamespace(unit_name="市交通运输局", round=1, result_class="A",
                                   at=datetime(2024, 5, 7, 17, 0, tzinfo=utc), satisfaction="satisfied",
                                   evaluated_at=datetime(2024, 6, 1, 2, 0, tzinfo=utc)),
                   SimpleNamespace(unit_name="市公安局", round=1, result_class="B",
                                   at=datetime(2024, 5, 9, 2, 0, tzinfo=utc), satisfaction=None, evaluated_at=None)]}
    book = load_workbook(io.BytesIO(batch.workbook(rows, {1: "王建国"}, {3: "市交通运输局", 4: "市公安局"}, CATALOG,
                                                   replies=replies)))
    assert book.active.cell(2, 10).value == "市交通运输局、市公安局（分办）"
    sheet = book["答复情况"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == batch.REPLY_HEADERS
    assert values[1] == ("第0007号", "关于增设公交站点的建议", "市交通运输局", 1, "A", datetime(2024, 5, 8), "满意",
                         datetime(2024, 6, 1))  # 17:00 UTC on 7 May is 8 May in Beijing
    assert values[2][2:] == ("市公安局", 1, "B", datetime(2024, 5, 9), None, None)
    assert sheet.cell(2, 6).number_format == "yyyy-mm-dd" and sheet.cell(2, 6).data_type == "d"
