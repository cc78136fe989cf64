"""The console in headless Chromium, the whole lifecycle by the people who do it: a deputy submits a
suggestion, the office accepts it and assigns it with the routing recommendation, the unit signs and
replies with its letter, the deputy rates the reply. Screenshots of each step go to .run/screenshots/
(the driver and the people: tests/e2e/console_driver.py)."""
import json
import time
import uuid

from tests.e2e import browser
from tests.e2e.client import OFFICE
from tests.e2e.console_driver import Console, field, person, q, row_with, select
from tests.polling import wait_for


def test_a_suggestion_from_draft_to_rating_in_the_console(system, console_url, tmp_path):
    api = system.api
    tag = uuid.uuid4().hex[:6]
    lead = api.post("/deputies", OFFICE, {"name": f"王建国{tag}", "level": "city", "delegation": "东城代表团"},
                    expect=201).json()
    cosigner = api.post("/deputies", OFFICE, {"name": f"李红梅{tag}", "level": "city", "delegation": "西城代表团"},
                        expect=201).json()
    unit = api.post("/units", OFFICE, {"name": f"市交通运输局{tag}", "code": f"JT-{tag}", "duties": "公共交通、定制客运",
                                       # many transport bureaus are registered by the other e2e tests, and
                                       # their suggestions (公交站点 …) are the office's history: this one's own
                                       # words, which no past title has, set it apart, as a unit's own text does
                                       "keywords": ["定制巴士", "夜间通勤"], "categories": ["transport"]}, expect=201).json()
    categories = api.get("/categories", OFFICE, expect=200).json()["items"]
    transport = next(c["name"] for c in categories if c["code"] == "transport")

    deputy = person(api, {"role": "deputy", "deputy_id": lead["id"]}, lead["name"])
    office = person(api, {"role": "office"}, "交办办公室刘敏")
    clerk = person(api, {"role": "unit", "unit_id": unit["id"]}, "交通局办理员")

    page = browser.Page(tmp_path / "profile", console_url + "/login", timeout=60)
    try:
        c = Console(page, console_url)
        page.send("Page.enable", page.session)
        page.send("DOM.enable", page.session)

        # 提: the deputy, on a phone, writes and submits with a co-signer
        c.viewport(390, 844, mobile=True)
        c.as_person(deputy, "/deputy/new")
        title = f"关于开通夜间通勤定制巴士的建议{tag}"
        c.type(field("title"), title, "the title field")
        c.type(field("body"), "夜班职工下班后回家不便，建议开通夜间通勤定制巴士。", "the body field")
        c.choose("category", transport, "the transport category")
        c.type(field("session"), "十六届三次", "the session field")
        c.type(field("cosigner"), str(cosigner["id"]), "the co-signer number")
        c.click(row_with(".cosigners button", "添加"), "the add co-signer button")
        c.wait(f"document.querySelector('.cosigners .el-tag')?.innerText.match(/{cosigner['id']}|{cosigner['name']}/)",
               "the co-signer's tag")
        c.shot("1-deputy-new")
        c.click(q('[data-test="submit"]'), "the submit button")
        c.wait("location.pathname.startsWith('/deputy/suggestions/')", "the suggestion's page")
        sid = int(c.js("location.pathname.split('/').pop()"))
        c.wait(q('[data-test="status"]') + ".innerText.includes('已提交')", "status submitted")
        c.shot("2-deputy-submitted")
        suggestion = api.get(f"/suggestions/{sid}", OFFICE, expect=200).json()
        assert suggestion["title"] == title and suggestion["co_signer_ids"] == [cosigner["id"]]

        # 交: the office finds it in the queue, accepts it and assigns it as the routing recommends
        c.viewport(1366, 900)
        c.as_person(office, "/office/queue")
        c.type(field("q"), tag, "the keyword filter")
        c.press_enter()
        c.click(row_with('[data-test="queue"] .el-table__row', title), "the suggestion in the queue")
        c.wait(f"location.pathname === '/office/suggestions/{sid}'", "the office's suggestion page")
        c.shot("3-office-screening")
        c.click(q('[data-test="screen"]'), "the accept button")
        c.wait(q('[data-test="status"]') + ".innerText.includes('已立案')", "status accepted")
        c.click(row_with('[data-test="routing"] .el-table__row', unit["name"], "button"), "our unit's 选用")
        c.wait(select("lead-unit") + f".innerText.includes({json.dumps(unit['name'])})", "the lead unit chosen")
        c.shot("4-office-routing")
        c.watch_messages()
        c.click(q('[data-test="assign"]'), "the assign button")
        c.wait(q('[data-test="status"]') + ".innerText.includes('已交办')", "status assigned")
        c.shot("5-office-assigned")
        assignment_id = api.get(f"/suggestions/{sid}", OFFICE, expect=200).json()["assignment"]["assignment_id"]
        assignment = api.get(f"/assignments/{assignment_id}", OFFICE, expect=200).json()
        assert assignment["lead_unit_id"] == unit["id"]

        # 办: the unit signs, records a contact with the deputy and replies with its letter
        c.as_person(clerk, "/unit/assignments")
        c.click(row_with('[data-test="assignments"] .el-table__row', title), "the assignment in the unit's list")
        c.wait(f"location.pathname === '/unit/assignments/{assignment_id}'", "the assignment page")
        c.click(q('[data-test="sign"]'), "the sign button")
        c.wait(q('[data-test="signed"]'), "signed")
        c.type(field("contact-note"), "电话联系代表了解诉求", "the contact note")
        c.click(q('[data-test="add-contact"]'), "the record contact button")
        c.wait("document.body.innerText.includes('电话联系代表了解诉求')", "the contact listed")
        c.click(q('[data-test="class-A"]'), "result class A")
        c.type(field("content"), "经调研，已开通两条夜间通勤定制巴士线路。", "the reply content")
        c.type(field("signed-by"), "张局长", "signed by")
        letter = tmp_path / "答复函.pdf"
        letter.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
        c.upload('[data-test="letter"]', letter)
        c.shot("6-unit-reply")
        c.click(q('[data-test="submit-reply"]'), "the submit reply button")
        c.wait(q('[data-test="reply"]'), "the reply listed")
        c.shot("7-unit-replied")
        wait_for(lambda: api.get(f"/assignments/{assignment_id}/attachments", OFFICE, expect=200).json()["total"] == 1,
                 what="the reply letter attached")

        # 评: the deputy reads the reply and rates it
        c.viewport(390, 844, mobile=True)
        c.as_person(deputy, f"/deputy/suggestions/{sid}")
        c.wait(q('[data-test="status"]') + ".innerText.includes('已答复')", "status replied", timeout=30)
        c.wait("document.body.innerText.includes('两条夜间通勤定制巴士线路')", "the reply's text")
        c.click(q('[data-test="rate-satisfied"]'), "满意")
        c.shot("8-deputy-rating")
        c.click(q('[data-test="submit-rating"]'), "the submit rating button")
        c.wait(q('[data-test="rated"]'), "the rating acknowledged")
        c.wait(q('[data-test="status"]') + ".innerText.match(/已评价|已办结/)", "status evaluated", timeout=30)
        c.shot("9-deputy-rated")

        # the rates dashboard counts it: charts and the units' ranking with our unit in it
        c.viewport(1366, 900)
        c.as_person(office, "/office/rates")
        c.wait(q('[data-test="rate-completion_rate"]'), "the completion rate")
        c.wait(row_with('[data-test="ranking"] .el-table__row', unit["name"]), "our unit in the ranking")
        c.wait("document.querySelectorAll('[data-test=\"rates\"] canvas').length >= 4", "the rate charts drawn")
        time.sleep(1)  # the charts' animation
        c.shot("10-office-rates")
    finally:
        page.close()

    final = wait_for(lambda: (s := api.get(f"/suggestions/{sid}", OFFICE, expect=200).json())["status"]
                     in ("evaluated", "closed") and s, what="the suggestion evaluated")
    steps = [t["type"] for t in final["timeline"]]
    for step in ("submitted", "accepted", "assigned", "signed", "replied", "evaluated"):
        assert step in steps, steps
