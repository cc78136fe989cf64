"""The console in headless Chromium, a station's journey by the people who do it: a constituent opens the
station's QR link on a phone and leaves an opinion (no sign-in); the station's clerk adds a deputy to the
station, ticks the eight standards, logs a reception day, sees the QR poster and turns the opinion into that
deputy's suggestion (escalation); the office sees the station in its overview; the public searches the
disclosed suggestions. Each step's effect is checked over the API. Screenshots: .run/screenshots/console-station-*.png
(the driver and the people: tests/e2e/console_driver.py)."""
import json
import time
import uuid
from urllib.parse import urlparse

from tests.e2e import browser
from tests.e2e.client import OFFICE, token
from tests.e2e.console_driver import Console, field, person, q, row_with
from tests.polling import wait_for


def test_a_constituents_opinion_becomes_a_deputys_suggestion_in_the_console(system, console_url, tmp_path):
    api = system.api
    tag = uuid.uuid4().hex[:6]
    station = api.post("/stations", OFFICE, {"name": f"观音桥街道代表联络站{tag}", "type": "station",
                                             "region": "江北区/观音桥街道", "address": "江北区建新北路88号"},
                       expect=201).json()
    sid = station["id"]
    deputy = api.post("/deputies", OFFICE, {"name": f"陈志强{tag}", "level": "county", "delegation": "江北区代表团"},
                      expect=201).json()
    deputy_tok = token("deputy", sub=f"deputy-{deputy['id']}", deputy_id=deputy["id"])
    staff_tok = token("station", sub=f"station-{sid}", station_id=sid)

    # a disclosed suggestion for the public to find (submitted, accepted and published over the API)
    author = api.post("/deputies", OFFICE, {"name": f"周丽{tag}", "level": "county", "delegation": "江北区代表团"},
                      expect=201).json()
    public_title = f"关于完善老旧小区加装电梯补贴政策的建议{tag}"
    disclosed = api.post("/suggestions", token("deputy", sub=f"deputy-{author['id']}", deputy_id=author["id"]), {
        "title": public_title, "body": "建议简化加装电梯审批流程，提高补贴标准。", "category": "urban",
        "kind": "session", "session": "十六届三次", "source": "research"}, expect=201).json()
    api.post(f"/suggestions/{disclosed['id']}/screening", OFFICE, {"decision": "accept"}, expect=200)
    api.post(f"/suggestions/{disclosed['id']}/publish", OFFICE, expect=200)

    clerk = person(api, {"role": "station", "station_id": sid}, "联络站工作人员赵敏")
    office = person(api, {"role": "office"}, "联络委刘洋")

    # the station's QR code carries PUBLIC_BASE_URL/s/<qr_token>: the constituent opens that path here
    qr = api.get(f"/stations/{sid}/qr.png", staff_tok, expect=200)
    link = urlparse(qr.headers["X-Qr-Url"])
    assert link.path == f"/s/{station['qr_token']}"

    page = browser.Page(tmp_path / "profile", console_url + "/login", timeout=60)
    started = time.monotonic()
    try:
        c = Console(page, console_url, journey="console-station")
        page.send("Page.enable", page.session)
        page.send("DOM.enable", page.session)

        # a constituent on a phone: the QR link, no sign-in, the opinion and a contact
        c.viewport(390, 844, mobile=True)
        c.js(f"sessionStorage.clear(); location.href = {json.dumps(console_url + link.path)}; true")
        c.wait(q('[data-test="intake-station"]') + f".innerText.includes({json.dumps(station['name'])})",
               "the station's name on the intake page")
        c.shot("1-public-intake")
        c.click(q('[data-test="intake-submit"]'), "submit with nothing typed")
        c.wait("document.body.innerText.includes('请填写您的意见或建议')", "the content field's error")
        c.shot("1-public-intake-error")
        content = f"小区南门外人行道地砖破损多处，雨天积水，老人出行容易摔倒，希望尽快修复。{tag}"
        c.type(field("intake-content"), content, "the opinion")
        c.type(field("intake-contact"), "13800138000", "the contact")
        c.shot("2-public-intake-filled")
        c.click(q('[data-test="intake-submit"]'), "the submit button")
        c.wait(q('[data-test="intake-done"]'), "the receipt")
        c.shot("3-public-intake-done")
        opinion = wait_for(lambda: next((o for o in api.get(f"/stations/{sid}/opinions", staff_tok, expect=200)
                                         .json()["items"] if o["content"] == content), None), what="the opinion")
        assert opinion["channel"] == "qr" and opinion["contact"] == "13800138000" and opinion["status"] == "open"

        # the station's clerk: the record — a deputy joins the station, two of the eight standards
        c.viewport(1366, 900)
        c.as_person(clerk, "/station")
        c.wait(q('[data-test="station-info"]') + f".innerText.includes({json.dumps(station['name'])})",
               "the station's record")
        c.type(field("member-id"), str(deputy["id"]), "the deputy's number")
        c.click(q('[data-test="add-member"]'), "the add deputy button")
        c.wait(row_with('[data-test="members"] .el-table__row', deputy["name"]), "the deputy in the members")
        c.click(q('[data-test="std-site"]'), "有场所")
        c.click(q('[data-test="std-sign"]'), "有标牌")
        c.click(q('[data-test="save-standards"]'), "save the standards")
        c.wait("document.body.innerText.includes('2 / 8')", "two standards met")
        c.shot("4-station-record")
        record = api.get(f"/stations/{sid}", staff_tok, expect=200).json()
        assert [d["id"] for d in record["deputies"]] == [deputy["id"]]
        assert record["standards_met"] == 2 and record["standards"]["site"] and record["standards"]["sign"]

        # a reception day with the deputy present
        c.as_person(clerk, "/station/activities")
        c.click(q('[data-test="new-activity"]'), "the new activity button")
        c.click(field("activity-visitors"), "the visitors field")
        c.js(field("activity-visitors") + ".select(); true")
        page.send("Input.insertText", page.session, text="12")
        c.choose("activity-deputies", deputy["name"], "our deputy")
        c.click(q('[data-test="activity-dialog"] .el-dialog__title'), "the dialog's title (closes the list)")
        summary = f"接待选民12人次，收集停车、道路等方面意见。{tag}"
        c.type(field("activity-summary"), summary, "the summary")
        c.shot("5-station-activity")
        c.click(q('[data-test="save-activity"]'), "the save activity button")
        c.wait(row_with('[data-test="activities"] .el-table__row', tag), "the activity listed")
        activities = api.get(f"/stations/{sid}/activities", staff_tok, expect=200).json()["items"]
        assert [(a["type"], a["deputy_ids"], a["visitors"], a["summary"]) for a in activities] == [
            ("reception", [deputy["id"]], 12, summary)]

        # the QR poster with its link
        c.as_person(clerk, "/station/qr")
        c.wait(q('[data-test="qr-image"]') + "?.complete && " + q('[data-test="qr-image"]') + ".naturalWidth > 0",
               "the QR code drawn")
        c.wait(q('[data-test="qr-url"]') + f"?.innerText.endsWith({json.dumps(link.path)})", "the QR link shown")
        c.wait(q('[data-test="poster-name"]') + f".innerText.includes({json.dumps(station['name'])})", "the poster's name")
        c.shot("6-station-qr-poster")
        page.send("Emulation.setEmulatedMedia", page.session, media="print")  # what 打印 prints: the poster alone
        c.wait("getComputedStyle(document.querySelector('.el-aside')).display === 'none' && "
               "getComputedStyle(document.querySelector('.toolbar')).display === 'none'", "the print layout")
        c.shot("6-station-qr-print")
        page.send("Emulation.setEmulatedMedia", page.session, media="")
        # a new link: the poster shows it, the old one stops working
        c.click(q('[data-test="rotate-qr"]'), "更换二维码")
        c.click(q(".el-message-box__btns .el-button--primary"), "the confirm button")
        shown = q('[data-test="qr-url"]')
        c.wait(f"{shown}?.innerText && !{shown}.innerText.endsWith({json.dumps(link.path)})", "the new link shown")
        fresh = api.get(f"/stations/{sid}", staff_tok, expect=200).json()["qr_token"]
        assert fresh != station["qr_token"]
        assert c.js(q('[data-test="qr-url"]') + ".innerText").endswith(f"/s/{fresh}")
        assert api.get(f"/public/stations/{station['qr_token']}").status_code == 404

        # the opinion, turned into the deputy's suggestion
        c.as_person(clerk, "/station/opinions")
        c.click(row_with('[data-test="opinions"] .el-table__row', tag, '[data-test="dispose-open"]'),
                "处理 on our opinion")
        c.wait(q('[data-test="disposition-content"]') + f"?.innerText.includes({json.dumps(tag)})", "the dialog")
        c.click(q('[data-test="action-escalated"]'), "转为代表建议")
        c.choose("deputy", deputy["name"], "our deputy")
        title = f"关于修复观音桥小区南门人行道的建议{tag}"
        c.type(field("suggestion-title"), title, "the suggestion's title")
        c.type(field("disposition-note"), "群众反映集中，转请陈代表形成建议。", "the note")
        c.shot("7-station-escalate")
        c.watch_messages()
        c.click(q('[data-test="dispose"]'), "the confirm button")
        c.wait("document.body.innerText.includes('已转为代表建议草稿')", "the escalation acknowledged")
        ours = row_with('[data-test="opinions"] .el-table__row', tag)
        c.wait(f"!{ours}", "the opinion no longer open")
        c.shot("8-station-escalated")

        done = api.get(f"/opinions/{opinion['id']}", staff_tok, expect=200).json()
        assert done["status"] == "escalated" and done["disposition"]["deputy_id"] == deputy["id"]
        draft = wait_for(lambda: next((s for s in api.get("/suggestions?status=draft", deputy_tok, expect=200)
                                       .json()["items"] if s.get("station_opinion_id") == opinion["id"]), None),
                         what="the deputy's suggestion draft", timeout=30)
        assert draft["title"] == title and draft["lead_deputy_id"] == deputy["id"]

        # the office's overview of the stations
        c.as_person(office, "/stations/overview")
        c.wait(q('[data-test="region-figures"]'), "the region's figures")
        c.type(field("overview-region"), "江北区", "the region")
        c.press_enter()
        c.wait(row_with('[data-test="stations"] .el-table__row', station["name"]), "our station in the list")
        c.wait("![...document.querySelectorAll('.el-loading-mask')].some(m => m.offsetParent !== null)", "loaded")
        c.shot("9-office-stations")

        # the public: disclosed suggestions, searched by keyword, one read with its replies
        c.viewport(390, 844, mobile=True)
        c.js(f"sessionStorage.clear(); location.href = {json.dumps(console_url + '/public')}; true")
        c.wait(q('[data-test="public-suggestions"]'), "the public list")
        c.type(field("public-q"), tag, "the keyword")
        c.press_enter()
        c.wait(row_with('[data-test="public-item"]', public_title), "the disclosed suggestion found")
        c.wait(q('[data-test="public-total"]') + ".innerText.includes('共 1 件')", "exactly one found")
        c.shot("10-public-search")
        c.click(row_with('[data-test="public-item"]', public_title), "the disclosed suggestion")
        c.wait(q('[data-test="public-title"]') + f"?.innerText.includes({json.dumps(public_title)})", "its page")
        c.shot("11-public-suggestion")
    finally:
        page.close()
        print(f"console-station journey: {time.monotonic() - started:.1f}s in the browser")
