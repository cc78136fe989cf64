"""The office's registries, disclosure and rates in the console, in headless Chromium: a deputy registered,
found and given an account, a unit registered and found, a station created, a category scheme's category
renamed; an accepted suggestion published after the masked preview and withdrawn with a reason; the rates
by category, kind and month. Each effect asserted over the API. Screenshots: .run/screenshots/
console-office-data-*.png (the driver: tests/e2e/console_driver.py)."""
import time
import uuid

from tests.e2e import browser
from tests.e2e.client import OFFICE
from tests.e2e.console_driver import ADMIN, Console, field, person, q, row_with


def closed(c: Console, name: str) -> None:
    """Waits for the dialog holding the field to be gone (saved), so typing goes to the page again."""
    c.wait("![...document.querySelectorAll('.el-overlay')].some(o => "
           "getComputedStyle(o).display !== 'none') && !" + field(name) + "?.offsetParent", f"the {name} dialog closed")


def test_the_office_keeps_its_registries_and_discloses_in_the_console(system, console_url, tmp_path):
    api = system.api
    tag = uuid.uuid4().hex[:6]
    lead = api.post("/deputies", OFFICE, {"name": f"赵敏{tag}", "level": "city", "delegation": "南岗代表团"},
                    expect=201).json()
    time.sleep(1)  # the suggestion service hears of the deputy
    s = api.post("/suggestions", OFFICE, {
        "title": f"关于整治背街小巷环境卫生的建议{tag}", "body": "请联系我13900001111了解情况。", "category": "transport",
        "kind": "session", "session": "十六届三次", "source": "research", "lead_deputy_id": lead["id"]}, expect=201).json()
    api.post(f"/suggestions/{s['id']}/screening", OFFICE, {"decision": "accept"}, expect=200)

    office = person(api, {"role": "office"}, "代表工委孙伟")
    page = browser.Page(tmp_path / "profile", console_url + "/login", timeout=60)
    started = time.monotonic()
    try:
        c = Console(page, console_url, journey="console-office-data")
        page.send("Page.enable", page.session)
        page.send("DOM.enable", page.session)
        c.viewport(1366, 900)
        c.watch_messages()

        # 代表名册: register a deputy, find them, open their account (the one-time password shown once)
        c.as_person(office, "/office/deputies")
        c.click(q('[data-test="new-deputy"]'), "the register button")
        c.type(field("deputy-name"), f"钱进{tag}", "the name")
        c.type(field("deputy-delegation"), "道外代表团", "the delegation")
        c.click(q('[data-test="save-deputy"]'), "save")
        closed(c, "deputy-name")
        c.type(field("deputy-q"), f"钱进{tag}", "the name filter")
        c.press_enter()
        rows = '[data-test="deputies"] .el-table__row'
        c.wait(f"document.querySelectorAll('{rows}').length === 1 && {row_with(rows, f'钱进{tag}')}", "the new deputy found")
        c.click(row_with(rows, f"钱进{tag}", '[data-test="open-account"]'), "开通账号")
        c.wait(q('[data-test="initial-password"]') + "?.innerText.length > 8", "the one-time password")
        c.shot("1-deputy-account")
        c.click("[...document.querySelectorAll('.el-dialog button')].find(b => b.innerText.includes('我已记下'))", "我已记下")
        c.wait("![...document.querySelectorAll('.el-overlay')].some(o => "
               "getComputedStyle(o).display !== 'none')", "the account dialog closed")
        c.click(row_with(rows, f"钱进{tag}", "button"), "编辑")
        c.wait(field("deputy-delegation") + "?.value === '道外代表团'", "the deputy's form filled")
        c.click(field("deputy-delegation"), "the delegation")
        c.js(field("deputy-delegation") + ".select(); true")
        c.page.send("Input.insertText", c.page.session, text="香坊代表团")
        c.click(q('[data-test="save-deputy"]'), "save the edit")
        closed(c, "deputy-name")
        c.wait(row_with(rows, "香坊代表团"), "the edited deputy listed")
        [deputy] = api.get(f"/deputies?q=钱进{tag}", OFFICE, expect=200).json()["items"]
        assert deputy["delegation"] == "香坊代表团"
        assert api.get(f"/accounts?q=钱进{tag}", ADMIN, expect=200).json()["total"] == 1

        # 承办单位: register a unit, then find it by a part of its code
        c.as_person(office, "/office/units")
        c.click(q('[data-test="new-unit"]'), "the register button")
        c.type(field("unit-name"), f"市城市管理局{tag}", "the name")
        c.type(field("unit-code"), f"CG-{tag}", "the code")
        c.click(q('[data-test="save-unit"]'), "save")
        closed(c, "unit-name")
        c.type(field("unit-q"), f"CG-{tag}", "the code filter")
        c.press_enter()
        rows = '[data-test="units"] .el-table__row'
        c.wait(f"document.querySelectorAll('{rows}').length === 1 && {row_with(rows, f'市城市管理局{tag}')}", "the unit found")
        c.shot("2-unit")
        assert [u["name"] for u in api.get(f"/units?q=CG-{tag}", OFFICE, expect=200).json()["items"]] == [f"市城市管理局{tag}"]

        # 联络站名录: a new station
        c.as_person(office, "/office/stations")
        c.click(q('[data-test="new-station"]'), "the new station button")
        c.type(field("station-name"), f"南岗区代表联络站{tag}", "the name")
        c.type("document.querySelector('.el-dialog input[aria-label=\"区域\"]')", f"南岗{tag}", "the region")
        c.type("document.querySelector('.el-dialog input[aria-label=\"地址\"]')", "学府路1号", "the address")
        c.click(q('[data-test="save-station"]'), "save")
        closed(c, "station-name")
        c.wait(row_with('[data-test="stations"] .el-table__row', f"南岗区代表联络站{tag}"), "the station listed")
        c.shot("3-station")
        assert api.get(f"/stations?region=南岗{tag}", OFFICE, expect=200).json()["total"] == 1

        # 建议分类: a scheme of the congress's own, from the default as its template, one category renamed
        congress = f"测试{tag}届"
        c.as_person(office, "/office/categories")
        c.watch_messages()
        c.wait(q('[data-test="builtin"]') + " || " + q('[data-test="scheme-default"]'), "the default scheme")
        c.click(q('[data-test="new-scheme"]'), "the new scheme button")
        c.type(field("scheme-name"), f"测试分类{tag}", "the scheme's name")
        c.type(field("scheme-congress"), congress, "the congress")
        c.click(q('[data-test="create-scheme"]'), "新建")
        closed(c, "scheme-name")
        c.wait(f"document.querySelector('[data-test=\"scheme-{congress}\"].is-active')", "the new scheme shown")
        first = "document.querySelector('[data-test=\"categories\"] .el-table__row input[aria-label=\"类别名称\"]')"
        c.wait(first, "the categories")
        before = c.js(first + ".value")
        c.click(first, "the first category's name")
        c.js(first + ".select(); true")
        c.page.send("Input.insertText", c.page.session, text=f"{before}{tag[:2]}")
        c.click(q('[data-test="save-scheme"]'), "save the scheme")
        c.wait("(window.__messages || []).some(m => m.includes('分类方案已保存'))", "the scheme saved")
        c.shot("4-categories")
        mine = api.get(f"/categories?session={congress}一次", OFFICE, expect=200).json()
        assert mine["scheme"]["congress"] == congress and f"{before}{tag[:2]}" in [x["name"] for x in mine["items"]]

        # 建议公开: the masked preview, published, then withdrawn with a reason
        c.as_person(office, "/office/disclosure")
        c.type(field("disclosure-q"), tag, "the keyword")
        c.press_enter()
        rows = '[data-test="disclosure"] .el-table__row'
        c.click(row_with(rows, tag, '[data-test="open-publish"]'), "预览并公开")
        c.wait(q('[data-test="preview-正文"]') + "?.innerText.includes('139****1111')", "the masked preview")
        c.shot("5-preview")
        c.click(q('[data-test="publish"]'), "确认公开")
        c.wait(row_with(rows, tag, '[data-test="public-state"]') + "?.innerText === '已公开'", "published")
        public = api.get(f"/public/suggestions/{s['id']}", None, expect=200).json()
        assert "139****1111" in public["body"] and "13900001111" not in public["body"]
        c.click(row_with(rows, tag, '[data-test="open-unpublish"]'), "撤回公开")
        c.type(field("unpublish-reason"), "涉及个人隐私", "the reason")
        c.click(q('[data-test="unpublish"]'), "撤回")
        c.wait(row_with(rows, tag, '[data-test="public-state"]') + "?.innerText === '已撤回'", "withdrawn")
        c.shot("6-withdrawn")
        assert api.get(f"/suggestions/{s['id']}", OFFICE, expect=200).json()["unpublish_reason"] == "涉及个人隐私"

        # 办理情况统计: the rates by category, kind and month
        c.as_person(office, "/office/rates")
        c.wait(q('[data-test="groups-category"]'), "the rates by category")
        c.click(q("#tab-kind"), "the kind tab")
        c.wait(q('[data-test="groups-kind"]'), "the rates by kind")
        c.click(q("#tab-month"), "the month tab")
        c.wait(q('[data-test="groups-month"]'), "the rates by month")
        c.shot("7-rates-by-month")
    finally:
        print(f"console office data journey: {time.monotonic() - started:.1f} s")
        page.close()
