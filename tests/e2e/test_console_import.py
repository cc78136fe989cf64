"""The office's workbooks in the console, in headless Chromium: a suggestions workbook with bad rows is
uploaded, the errors name each row and column, the fixed rows go in and show up in the work queue; a past
year's workbook is checked (its errors by sheet, row and column), then entered as a job whose progress the
page follows to the end; the filtered export is downloaded with the bearer token and read back.
Screenshots: .run/screenshots/console-import-*.png (the driver: tests/e2e/console_driver.py)."""
import copy
import io
import json
import time
import uuid

from openpyxl import load_workbook

from scripts.history_year import book, deputy_names, unit_names, year_sheets
from tests.e2e import browser
from tests.e2e.client import OFFICE
from tests.e2e.console_driver import Console, field, person, q, row_with
from tests.polling import wait_for
from tests.sheets import xlsx

HEADERS = ["标题", "内容", "类别", "类型", "届次", "领衔代表", "联名代表", "来源"]
YEAR = {"suggestions": 3, "assignments": 2, "separate": 0, "a_replies": 2, "deputies": 2, "units": 4}


def texts(c: Console, name: str) -> list[str]:
    return c.js(f"[...document.querySelectorAll('[data-test=\"{name}\"]')].map(e => e.innerText.trim())")


def test_the_office_imports_workbooks_and_downloads_the_export(system, console_url, tmp_path):
    api = system.api
    tag = uuid.uuid4().hex[:6]
    session, past = "十六届三次", f"十五届五次{tag}"
    lead, cosigner = deputy_names(YEAR["deputies"], tag)
    for name in (lead, cosigner):
        api.post("/deputies", OFFICE, {"name": name, "level": "city", "delegation": "道里区代表团"}, expect=201)
    for i, name in enumerate(unit_names(YEAR["units"], tag)):
        api.post("/units", OFFICE, {"name": name, "code": f"IM{i}-{tag}", "duties": "城市管理", "keywords": ["冰雪"],
                                    "categories": ["urban"]}, expect=201)
    sheets = year_sheets(**YEAR, session=past, tag=tag)
    checked = {}

    def valid() -> bool:
        checked.update(api.post("/history/imports?dry_run=true", OFFICE, files={"file": ("y.xlsx", book(sheets))},
                                expect=200).json())
        return checked["valid"]
    assert wait_for(valid, timeout=30, interval=0.5, what="the deputies and units projected"), checked["errors"]
    category = next(c["name"] for c in api.get("/categories", OFFICE, expect=200).json()["items"]
                    if c["code"] == "transport")

    title = f"关于增设公交站点方便居民出行的建议{tag}"
    good = [title, "建议在小区东门增设公交站点。", category, "大会", session, lead, cosigner, "调研"]
    short = [f"短{tag[:2]}", "标题太短的建议。", category, "大会", session, lead, "", "走访"]
    stranger = [f"关于加快老旧小区加装电梯的建议{tag}", "建议加快加装电梯。", category, "闭会", session, f"查无此人{tag}", "", "其他"]
    first = tmp_path / "建议批量导入.xlsx"
    first.write_bytes(xlsx(HEADERS, good, short, stranger))

    office = person(api, {"role": "office"}, "代表工委王丽")
    page = browser.Page(tmp_path / "profile", console_url + "/login", timeout=60)
    started = time.monotonic()
    try:
        c = Console(page, console_url, journey="console-import")
        page.send("Page.enable", page.session)
        page.send("DOM.enable", page.session)
        c.viewport(1366, 900)

        # 建议导入: one good row goes in; the two bad rows are listed by row and column
        c.as_person(office, "/office/data")
        c.wait(q('[data-test="suggestions-file"]'), "the suggestions workbook picker")
        c.upload('[data-test="suggestions-file"]', first)
        c.click(q('[data-test="suggestions-import"]') + "?.disabled === false && " + q('[data-test="suggestions-import"]'),
                "the import button")
        c.wait(q('[data-test="suggestions-result"]'), "the import's result")
        c.wait(q('[data-test="import-errors"] [data-test="error-row"]'), "the error table")
        assert "已导入 1 件，2 行未导入" in c.text()
        assert texts(c, "error-row") == ["3", "4"]
        assert texts(c, "error-column") == ["标题", "领衔代表"]
        assert any("查无此人" in m for m in texts(c, "error-message"))
        c.shot("1-suggestions-errors")
        listed = api.get(f"/suggestions?q={tag}&limit=50", OFFICE, expect=200).json()["items"]
        assert [s["title"] for s in listed] == [title] and listed[0]["status"] == "submitted"

        # the office fixes the two rows and uploads them alone
        fixed = tmp_path / "建议批量导入-修改.xlsx"
        fixed.write_bytes(xlsx(HEADERS, [f"关于规范小区停车管理的建议{tag}", *short[1:]], [*stranger[:5], lead, cosigner, "其他"]))
        c.upload('[data-test="suggestions-file"]', fixed)
        c.click(q('[data-test="suggestions-import"]'), "the import button again")
        c.wait("document.body.innerText.includes('已导入 2 件')", "the fixed rows imported")
        assert not c.js(q('[data-test="import-errors"]'))
        assert c.js(q('[data-test="imported"]') + ".querySelectorAll('.el-table__row').length") == 2
        c.shot("2-suggestions-imported")
        assert len(api.get(f"/suggestions?q={tag}&status=submitted", OFFICE, expect=200).json()["items"]) == 3

        # ... and finds them in the work queue, waiting for screening
        c.click(q('[data-test="to-queue"]'), "the link to the queue")
        c.wait("location.pathname === '/office/queue'", "the work queue")
        c.type(field("q"), tag, "the keyword filter")
        c.press_enter()
        rows = '[data-test="queue"] .el-table__row'
        c.wait(f"document.querySelectorAll({json.dumps(rows)}).length === 3 && {row_with(rows, '加装电梯')}",
               "the three imported in the queue")
        # sorted by number on the server: the header's sort asks the API (sort=number, then -number)
        numbers = f"[...document.querySelectorAll({json.dumps(rows)})].map(r => r.cells[0].innerText.trim())"
        expected = [s["number"] for s in api.get(f"/suggestions?q={tag}&status=submitted&sort=number", OFFICE,
                                                 expect=200).json()["items"]]
        header = "[...document.querySelectorAll('[data-test=\"queue\"] th')].find(t => t.innerText.includes('编号'))"
        c.click(header, "the number column's header")
        c.wait(f"{numbers}.join('|') === {json.dumps('|'.join(expected))}", "sorted by number")
        c.click(header, "the number column's header again")
        c.wait(f"{numbers}.join('|') === {json.dumps('|'.join(expected[::-1]))}", "sorted by number, the other way")
        c.shot("3-queue")
        # the queue's own export, with its filters (submitted, the tag): the browser saves it
        downloads = tmp_path / "downloads"
        downloads.mkdir()
        page.send("Browser.setDownloadBehavior", behavior="allow", downloadPath=str(downloads))
        c.click(q('button[data-test="queue-export"]'), "the queue's export")
        [listed_file] = wait_for(lambda: list(downloads.glob("*.xlsx")), timeout=20, what="the queue's export saved")
        assert len(list(load_workbook(listed_file, read_only=True).worksheets[0].iter_rows())) == 1 + 3
        listed_file.unlink()

        # 历年导入: the check lists the bad cell by sheet, row and column; nothing is written
        bad = copy.deepcopy(sheets)
        bad["建议"][2][6] = f"查无此人{tag}"
        bad_file, good_file = tmp_path / "2024年建议-有误.xlsx", tmp_path / "2024年建议.xlsx"
        bad_file.write_bytes(book(bad))
        good_file.write_bytes(book(sheets))
        c.as_person(office, "/office/data?tab=history")
        c.wait(q('[data-test="history-file"]'), "the past-year picker")
        c.upload('[data-test="history-file"]', bad_file)
        c.click(q('[data-test="history-check"]'), "the check button")
        c.wait(q('[data-test="history-checked"]'), "the check's verdict")
        c.wait(q('[data-test="import-errors"] [data-test="error-row"]'), "the past-year errors")
        assert "校验未通过" in c.text()
        assert (texts(c, "error-row"), texts(c, "error-column")) == (["3"], ["领衔代表"])
        assert "建议" in c.js(q('[data-test="import-errors"]') + ".innerText")  # the sheet's name
        c.shot("4-history-errors")
        assert api.get(f"/suggestions?session={past}", OFFICE, expect=200).json()["total"] == 0

        # the good workbook: checked, then entered, its progress followed to the end
        c.upload('[data-test="history-file"]', good_file)
        c.click(q('[data-test="history-check"]'), "the check button")
        c.wait(q('[data-test="history-checked"]') + ".innerText.includes('校验通过')", "the workbook checked")
        c.click(q('[data-test="history-start"]'), "the start button")
        c.wait(q('[data-test="history-job"]'), "the job's progress")
        c.wait(q('[data-test="job-progress"][role="progressbar"]') + "?.getAttribute('aria-valuenow') !== null",
               "the progress bar")
        c.shot("5-history-running")
        c.wait(q('[data-test="job-status"]') + ".innerText === '已完成'", "the job done", timeout=120)
        assert c.js(q('[data-test="job-progress"]') + ".innerText").strip() == "100%"
        c.shot("6-history-done")
        job_id = int(c.js("new URLSearchParams(location.search).get('job')"))
        job = api.get(f"/history/imports/{job_id}", OFFICE, expect=200).json()
        assert job["status"] == "done" and job["done"] == job["total"] > 0
        entered = api.get(f"/suggestions?session={past}", OFFICE, expect=200).json()
        assert entered["total"] == YEAR["suggestions"]

        # 导出: the filtered list downloaded with the office's token, saved by the browser from the page's Blob
        c.click(q("#tab-export"), "the export tab")
        c.type(field("export-q"), tag, "the export's keyword")
        c.click(q('[data-test="export"]'), "the export button")
        c.wait(q('[data-test="export-link"]'), "the downloaded workbook's link")
        c.wait(q('[data-test="export-progress"]') + ".getAttribute('aria-valuenow') === '100'", "the download at 100%")
        c.shot("7-exported")
        saved = wait_for(lambda: [p for p in downloads.glob("*.xlsx")], timeout=20, what="the workbook saved")
        assert [p.name for p in saved] == ["suggestions.xlsx"]
        sheet = load_workbook(io.BytesIO(saved[0].read_bytes()), read_only=True).worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        assert "编号" in rows[0] and "标题" in rows[0]
        titles = {r[rows[0].index("标题")] for r in rows[1:]}
        assert titles == {title, f"关于规范小区停车管理的建议{tag}", f"关于加快老旧小区加装电梯的建议{tag}"}
    finally:
        print(f"console import journey: {time.monotonic() - started:.1f} s")
        page.close()
