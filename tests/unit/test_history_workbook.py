"""The past year's workbook: reading, every bad row reported, and the plan of steps (pure)."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from scripts.history_year import book, year_sheets
from services.suggestion import history_checks, history_plan, history_workbook as hw
from services.suggestion.rules import Rules

TZ = ZoneInfo("Asia/Shanghai")


def world(**changes) -> history_checks.Lookups:
    deputies = {f"代表{i:03d}": [i] for i in range(1, 6)}
    units = {f"单位{i:02d}": [100 + i] for i in range(1, 31)}
    values = dict(deputies_by_name={**deputies, "张伟": [7, 8]}, deputy_ids={1, 2, 3, 4, 5, 7, 8},
                  units_by_name=units, unit_ids={100 + i for i in range(1, 31)}, categories=Rules().categories,
                  taken_numbers=set(), result_classes=("A", "B", "C"), today=date(2026, 11, 29), tz=TZ)
    return history_checks.Lookups(**{**values, **changes})


def small_year() -> dict:
    return year_sheets(suggestions=6, assignments=5, separate=2, a_replies=6, deputies=5, units=30)


def checked(sheets: dict, **changes) -> history_checks.Checked:
    return history_checks.check(hw.read(book(sheets)), world(**changes))


def test_a_good_year_has_no_errors_and_plans_every_step_in_order():
    result = checked(small_year())
    assert result.errors == []
    assert result.counts() == {"suggestions": 6, "assignments": 5, "replies": 7, "evaluations": 7}
    steps = history_plan.plan(result, TZ)
    kinds = [s["kind"] for s in steps]
    assert kinds.count("suggestion") == 6 and kinds.count("assign") == 5
    assert kinds.count("sign") == kinds.count("reply") == kinds.count("evaluate") == 7
    assert len({s["key"] for s in steps}) == len(steps)
    first = steps[0]
    assert first["key"] == "suggestion:1" and first["data"]["lead_deputy_id"] == 2
    assert first["data"]["submitted_at"] == "2024-01-09T12:00:00+08:00"
    assert first["accepted_at"] == "2024-01-29T12:00:00+08:00"
    assign = next(s for s in steps if s["key"] == "assign:1")
    assert assign["data"]["mode"] == "separate" and assign["data"]["unit_ids"] == [102, 109]
    assert assign["data"]["assigned_at"] == "2024-02-08T12:00:00+08:00"
    lead = next(s for s in steps if s["key"] == "assign:3")
    assert lead["data"]["lead_unit_id"] == 104 and lead["data"]["co_unit_ids"] == [107]
    assert lead["data"]["due_at"] == "2024-05-10T23:59:59+08:00"
    rating = next(s for s in steps if s["key"] == "evaluate:1:109")
    assert rating["data"]["unit_id"] == 109  # 分办: which unit's reply
    assert "unit_id" not in next(s for s in steps if s["key"] == "evaluate:3:104")["data"]
    # each unit's steps follow each other: sign, reply, evaluate
    keys = [s["key"] for s in steps]
    assert keys.index("sign:1:102") < keys.index("reply:1:102") < keys.index("evaluate:1:102") < keys.index("sign:1:109")


def test_every_bad_row_is_reported_with_sheet_row_and_column():
    sheets = small_year()
    sheets["建议"][1][6] = "无名氏"  # row 2: unknown lead deputy
    sheets["建议"][2][8] = date(2030, 1, 1)  # row 3: submitted in the future
    sheets["建议"][3][9] = date(2023, 12, 1)  # row 4: accepted before submitted
    sheets["建议"][4][3] = "天文"  # row 5: unknown category
    sheets["建议"][5][6] = "张伟"  # row 6: two deputies share the name
    sheets["建议"][6][6] = None  # row 7: no lead deputy
    sheets["交办"][1][4] = "单位02"  # row 2: 分办 with one unit
    sheets["交办"][3][2] = "不存在的局"  # row 4: unknown lead unit
    sheets["答复"][3][2] = "D"  # row 4: unknown class
    sheets["答复"][4][3] = "2024年13月1日"  # row 5: not a date
    sheets["答复"].append([99, None, "A", date(2024, 5, 1), "答复。", "主任"])  # row 9: no such suggestion
    sheets["评价"][6][2] = "很好"  # row 7: unknown satisfaction
    errors = checked(sheets).errors
    found = {(e["sheet"], e["row"], e["field"]) for e in errors}
    for expected in [("建议", 2, "领衔代表"), ("建议", 3, "提交日期"), ("建议", 4, "立案日期"), ("建议", 5, "类别"),
                     ("建议", 6, "领衔代表"), ("建议", 7, "领衔代表"), ("交办", 2, "分办单位"), ("交办", 4, "主办单位"), ("答复", 4, "类别"),
                     ("答复", 5, "答复日期"), ("答复", 9, "建议编号"), ("评价", 7, "满意度")]:
        assert expected in found, (expected, errors)
    assert all(e["message"] for e in errors)
    assert [e["sheet"] for e in errors] == sorted((e["sheet"] for e in errors), key=list(hw.SHEETS).index)


def test_numbers_dates_and_references_between_sheets():
    assert hw.parse_number("第0012号") == hw.parse_number("0012") == hw.parse_number(12.0) == 12
    assert hw.parse_number("十二") is None and hw.parse_number(0) is None
    assert hw.parse_day("2024/3/1") == hw.parse_day("2024年3月1日") == hw.parse_day(datetime(2024, 3, 1, 9)) \
        == date(2024, 3, 1)
    assert hw.parse_day("2024-02-30") is None
    sheets = small_year()
    sheets["建议"].append(sheets["建议"][1][:])  # the same number twice
    sheets["评价"].append([6, None, "满意", date(2024, 6, 1)])  # suggestion 6 was never assigned
    sheets["答复"].append([3, "单位05", "A", date(2024, 5, 1), "答复。", "主任"])  # not a unit of suggestion 3
    errors = {(e["sheet"], e["field"]) for e in checked(sheets, taken_numbers={("十五届五次", 2)}).errors}
    assert {("建议", "编号"), ("评价", "建议编号"), ("答复", "答复单位")} <= errors
    taken = checked(small_year(), taken_numbers={("十五届五次", 2)}).errors
    assert [(e["row"], e["field"]) for e in taken] == [(3, "编号")]


def test_a_rating_before_its_reply_and_a_reply_before_the_assignment_are_refused():
    sheets = small_year()
    sheets["评价"][1][3] = date(2024, 1, 2)
    sheets["答复"][2][3] = date(2024, 1, 2)
    errors = {(e["sheet"], e["row"], e["field"]) for e in checked(sheets).errors}
    assert ("评价", 2, "评价日期") in errors and ("答复", 3, "答复日期") in errors


@pytest.mark.parametrize("content,message", [
    (b"not a workbook", "not a readable .xlsx"),
    (book({"Sheet": [["编号"]]}), "no sheet 建议"),
    (book({"建议": [["编号", "标题"]]}), "missing columns"),
])
def test_a_workbook_that_cannot_be_read_says_why(content, message):
    with pytest.raises(hw.BadWorkbook, match=message):
        hw.read(content)


def test_the_harbin_shaped_year_has_583_replies_and_568_a():
    sheets = year_sheets()
    replies = sheets["答复"][1:]
    assert len(sheets["交办"]) - 1 == 564 and len(replies) == 583
    assert sum(1 for r in replies if r[2] == "A") == 568
    people = {f"代表{i:03d}": [i] for i in range(1, 41)}
    result = checked(sheets, deputies_by_name=people, deputy_ids=set(range(1, 41)))
    assert result.errors == [] and result.counts()["replies"] == 583
    assert len(history_plan.plan(result, TZ)) == 600 + 564 + 3 * 583  # suggestions, assignments, sign-reply-rate


def test_a_bad_assignment_row_is_reported_once_not_again_for_its_replies():
    sheets = small_year()
    sheets["交办"][3][1] = "协办"  # suggestion 3: neither 主办 nor 分办
    errors = [(e["sheet"], e["row"], e["field"]) for e in checked(sheets).errors]
    assert errors == [("交办", 4, "方式")]
