"""The console in headless Chromium: a dissatisfied rating and rehandling, by the people who do it. A
suggestion is assigned and replied over the API; in the browser the deputy rates the reply dissatisfied,
the office finds it on the supervision board (督办看板, 不满意重办), urges the unit with a 督办函 and opens
the letter to print, the unit clerk replies again, and the deputy rates the new reply satisfied.
Screenshots of each step go to .run/screenshots/console-rehandling-*.png."""
import json
import time
import uuid

from tests.e2e import browser
from tests.e2e.client import OFFICE, token
from tests.e2e.console_driver import Console, field, person, q, row_with
from tests.polling import wait_for

NO_DIALOG = "![...document.querySelectorAll('.el-overlay')].some(o => getComputedStyle(o).display !== 'none')"


def test_a_dissatisfied_rating_is_urged_and_rehandled_in_the_console(system, console_url, tmp_path):
    api = system.api
    tag = uuid.uuid4().hex[:6]
    lead = api.post("/deputies", OFFICE, {"name": f"赵志明{tag}", "level": "city", "delegation": "南岗代表团"},
                    expect=201).json()
    unit = api.post("/units", OFFICE, {"name": f"市住房和城乡建设局{tag}", "code": f"ZJ-{tag}",
                                       "duties": "老旧小区改造", "keywords": ["小区", "加装电梯"],
                                       "categories": ["urban"]}, expect=201).json()
    deputy_token = token("deputy", sub=f"deputy-{lead['id']}", deputy_id=lead["id"])
    unit_token = token("unit", sub=f"unit-{unit['id']}", unit_id=unit["id"])

    # set up over the API: submitted, accepted, assigned, signed and replied (C: left for reference)
    title = f"关于老旧小区加装电梯的建议{tag}"
    s = api.post("/suggestions", deputy_token, {
        "title": title, "body": "建议加快老旧小区加装电梯，方便老年居民出行。", "category": "urban",
        "kind": "session", "session": "十六届三次", "source": "research"}, expect=201).json()
    sid = s["id"]
    api.post(f"/suggestions/{sid}/screening", OFFICE, {"decision": "accept"}, expect=200)
    aid = api.post(f"/suggestions/{sid}/assignment", OFFICE, {"lead_unit_id": unit["id"]}, expect=201).json()["id"]
    api.post(f"/assignments/{aid}/sign", unit_token, expect=200)
    api.post(f"/assignments/{aid}/reply", unit_token, {"result_class": "C", "content": "受资金所限，暂不具备条件。",
                                                       "signed_by": "刘局长"}, expect=201)
    wait_for(lambda: api.get(f"/suggestions/{sid}", OFFICE, expect=200).json()["status"] == "replied",
             what="the suggestion replied")

    deputy = person(api, {"role": "deputy", "deputy_id": lead["id"]}, lead["name"])
    office = person(api, {"role": "office"}, "督办处王芳")
    clerk = person(api, {"role": "unit", "unit_id": unit["id"]}, "住建局办理员")

    page = browser.Page(tmp_path / "profile", console_url + "/login", timeout=60)
    try:
        c = Console(page, console_url, journey="console-rehandling")
        page.send("Page.enable", page.session)
        page.send("DOM.enable", page.session)

        # 评: the deputy, on a phone, is not satisfied with the reply and says why
        c.viewport(390, 844, mobile=True)
        c.as_person(deputy, f"/deputy/suggestions/{sid}")
        c.wait(q('[data-test="status"]') + ".innerText.includes('已答复')", "status replied")
        c.wait("document.body.innerText.includes('暂不具备条件')", "the reply's text")
        c.click(q('[data-test="rate-dissatisfied"]'), "不满意")
        c.type(field("comment"), "小区居民意见强烈，希望重新研究资金渠道。", "the comment")
        c.shot("1-deputy-dissatisfied")
        c.click(q('[data-test="submit-rating"]'), "the submit rating button")
        c.wait(q('[data-test="rated"]'), "the rating acknowledged")
        c.shot("2-deputy-rated")
        wait_for(lambda: api.get(f"/assignments/{aid}", OFFICE, expect=200).json()["state"] == "rehandling",
                 what="the assignment reopened for rehandling")

        # 督: the office finds it on the supervision board and urges the unit with a 督办函
        c.viewport(1366, 900)
        c.as_person(office, "/office/supervision")
        c.click(q("#tab-rehandling"), "the 不满意重办 tab")
        row = row_with('[data-test="board"] .el-table__row', title)
        c.wait(row, "the suggestion on the board")
        c.shot("3-office-board")
        c.watch_messages()
        c.click(row_with('[data-test="board"] .el-table__row', title, '[data-test="urge"]'), "催办")
        c.wait(q('[data-test="urge-dialog"]') + f".innerText.includes({json.dumps(unit['name'])})",
               "the unit in the urge dialog")
        c.type(field("urge-note"), "请于十五日内重新答复代表。", "the urging note")
        c.shot("4-office-urge")
        c.click(q('[data-test="urge-submit"]'), "确定催办")
        c.wait(q('[data-test="print-letter"]'), "the letter's link")
        c.wait(NO_DIALOG, "the urge dialog closed")
        urgings = api.get(f"/assignments/{aid}", OFFICE, expect=200).json()["urgings"]
        assert [(u["unit_id"], u["method"], u["note"]) for u in urgings] == [
            (unit["id"], "letter", "请于十五日内重新答复代表。")]
        assert unit["name"] in urgings[0]["letter"]

        c.click(q('[data-test="print-letter"]'), "查看并打印督办函")
        c.wait(f"location.pathname === '/office/letters/{aid}'", "the letter's page")
        c.wait(q('[data-test="letter-sheet"]') + f".innerText.includes({json.dumps(unit['name'])})",
               "the letter addressed to the unit")
        assert "请于十五日内重新答复代表" in c.js(q('[data-test="letter-sheet"]') + ".innerText")
        c.shot("5-office-letter")
        c.js("window.__printed = 0; window.print = () => { window.__printed += 1 }; true")
        c.click(q('[data-test="print"]'), "打印")
        assert c.js("window.__printed") == 1
        page.send("Emulation.setEmulatedMedia", page.session, media="print")
        c.wait("getComputedStyle(document.querySelector('.no-print')).display === 'none'", "the print layout")
        c.shot("6-office-letter-print")
        page.send("Emulation.setEmulatedMedia", page.session, media="")

        # 办: the unit clerk sees it reopened and replies again
        c.as_person(clerk, f"/unit/assignments/{aid}")
        c.wait(q('[data-test="rehandling"]'), "the rehandling notice")
        c.click(q('[data-test="class-A"]'), "result class A")
        c.type(field("content"), "经重新研究，已争取专项资金，年内完成加装电梯。", "the reply content")
        c.type(field("signed-by"), "刘局长", "signed by")
        c.shot("7-unit-rehandling")
        c.click(q('[data-test="submit-reply"]'), "the submit reply button")
        c.wait("document.querySelectorAll('[data-test=\"reply\"]').length === 2", "both replies listed")
        c.shot("8-unit-replied-again")
        replies = api.get(f"/assignments/{aid}", OFFICE, expect=200).json()["replies"]
        assert [(r["round"], r["result_class"]) for r in replies] == [(1, "C"), (2, "A")]

        # 评: the deputy reads the new reply and is satisfied
        c.viewport(390, 844, mobile=True)
        wait_for(lambda: api.get(f"/suggestions/{sid}", OFFICE, expect=200).json()["status"] == "replied",
                 what="the suggestion replied again")
        c.as_person(deputy, f"/deputy/suggestions/{sid}")
        c.wait("document.body.innerText.includes('年内完成加装电梯')", "the new reply's text")
        c.click(q('[data-test="rate-satisfied"]'), "满意")
        c.shot("9-deputy-satisfied")
        c.click(q('[data-test="submit-rating"]'), "the submit rating button")
        c.wait(q('[data-test="rated"]'), "the rating acknowledged")
        time.sleep(0.5)
        c.shot("10-deputy-rated")
    finally:
        page.close()

    closed = wait_for(lambda: (a := api.get(f"/assignments/{aid}", OFFICE, expect=200).json())["state"]
                      in ("evaluated", "closed") and a, what="the assignment closed")
    assert closed["round"] == 2
    final = wait_for(lambda: (x := api.get(f"/suggestions/{sid}", OFFICE, expect=200).json())["status"]
                     in ("evaluated", "closed") and x, what="the suggestion evaluated")
    steps = [t["type"] for t in final["timeline"]]
    assert steps.count("replied") == 2 and "urged" in steps and "rehandling_opened" in steps, steps
