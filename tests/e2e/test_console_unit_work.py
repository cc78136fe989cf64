"""The console in headless Chromium, a unit clerk's and a deputy's daily work (issue 17, part C).

A unit clerk disputes one assignment (申请退回/改办); on another the lead unit's clerk signs, records a
contact with the deputy (三见面) and asks for an extension, the co-unit's clerk gives its opinion
(会办意见), the lead replies with class B and later records the follow-up (跟踪办理), and opens the reply
letter to print. The deputy, on a phone, saves a draft, comes back to it through the menu drawer, saves
an edit, submits it, opens its performance points, sees the notification badge and reads a notification
(the badge follows without a reload). Every step is done in the browser by the person doing it; its
effect is asserted over the API. Screenshots: .run/screenshots/unit-work-*.png."""
import json
import time
import uuid

from tests.e2e import browser
from tests.e2e.client import OFFICE, token
from tests.e2e.console_driver import Console, field, person, q, row_with
from tests.polling import wait_for


def test_a_unit_clerks_and_a_deputys_daily_work_in_the_console(system, console_url, tmp_path):
    api = system.api
    tag = uuid.uuid4().hex[:6]
    deputy_row = api.post("/deputies", OFFICE, {"name": f"赵晓燕{tag}", "level": "city", "delegation": "南城代表团"},
                          expect=201).json()
    lead_unit = api.post("/units", OFFICE, {"name": f"市住房和城乡建设局{tag}", "code": f"ZJ-{tag}",
                                            "duties": "老旧小区改造", "keywords": ["加装电梯"],
                                            "categories": ["urban"]}, expect=201).json()
    co_unit = api.post("/units", OFFICE, {"name": f"市财政局{tag}", "code": f"CZ-{tag}", "duties": "财政资金",
                                          "keywords": ["补贴"], "categories": ["finance"]}, expect=201).json()
    categories = {c["code"]: c["name"] for c in api.get("/categories", OFFICE, expect=200).json()["items"]}
    deputy_token = token("deputy", sub=f"deputy-{deputy_row['id']}", deputy_id=deputy_row["id"])

    def assigned(title: str, **units) -> dict:
        s = api.post("/suggestions", deputy_token, {
            "title": title, "body": "老旧小区居民上下楼困难，建议加快加装电梯。", "category": "urban",
            "kind": "session", "session": "十六届三次", "source": "research"}, expect=201).json()
        api.post(f"/suggestions/{s['id']}/screening", OFFICE, {"decision": "accept"}, expect=200)
        return api.post(f"/suggestions/{s['id']}/assignment", OFFICE, units, expect=201).json() | {"title": title}

    wrong = assigned(f"关于整治小区周边夜市噪音的建议{tag}", lead_unit_id=lead_unit["id"])
    work = assigned(f"关于加快老旧小区加装电梯的建议{tag}", lead_unit_id=lead_unit["id"], co_unit_ids=[co_unit["id"]])
    lead_clerk = person(api, {"role": "unit", "unit_id": lead_unit["id"]}, "住建局办理员")
    co_clerk = person(api, {"role": "unit", "unit_id": co_unit["id"]}, "财政局办理员")
    deputy = person(api, {"role": "deputy", "deputy_id": deputy_row["id"]}, deputy_row["name"])

    def detail(assignment: dict) -> dict:
        return api.get(f"/assignments/{assignment['id']}", OFFICE, expect=200).json()

    page = browser.Page(tmp_path / "profile", console_url + "/login", timeout=60)
    try:
        c = Console(page, console_url, journey="console-unit-work")
        page.send("Page.enable", page.session)
        page.send("DOM.enable", page.session)
        c.viewport(1366, 900)

        # the lead unit's list, nearest deadline first; the noise item is not its duty: it disputes it
        c.as_person(lead_clerk, "/unit/assignments")
        c.wait(row_with('[data-test="assignments"] .el-table__row', wrong["title"]), "the disputed item listed")
        c.wait(row_with('[data-test="assignments"] .el-table__row', work["title"]), "the item to handle listed")
        c.choose("role-filter", "主办", "主办")
        c.click(q('[data-test="search"]'), "the search button")
        c.wait(row_with('[data-test="assignments"] .el-table__row', work["title"]), "the lead items after filtering")
        c.shot("1-unit-list")
        mine = api.get("/assignments?role=lead&sort=due_at", lead_clerk["access_token"], expect=200).json()
        assert {wrong["id"], work["id"]} <= {x["id"] for x in mine["items"]}
        assert mine["filters"] == {"role": "lead", "sort": "due_at", "unit_id": lead_unit["id"]}
        assert api.get("/assignments?role=co", lead_clerk["access_token"], expect=200).json()["total"] == 0
        c.click(row_with('[data-test="assignments"] .el-table__row', wrong["title"]), "the item to dispute")
        c.wait(f"location.pathname === '/unit/assignments/{wrong['id']}'", "the assignment page")
        c.click(q('[data-test="open-dispute"] .el-collapse-item__header'), "the dispute section")
        c.type(field("dispute-reason"), "夜市噪音整治属城市管理部门职责，请改交市城市管理局。", "the dispute reason")
        c.shot("2-unit-dispute")
        c.click(q('[data-test="submit-dispute"]'), "the dispute button")
        c.wait(q('[data-test="dispute"]'), "the dispute shown")
        disputes = detail(wrong)["disputes"]
        assert [d["unit_id"] for d in disputes] == [lead_unit["id"]] and "城市管理" in disputes[0]["reason"]

        # the other: sign, contact the deputy, ask for more time
        c.as_person(lead_clerk, f"/unit/assignments/{work['id']}")
        c.click(q('[data-test="sign"]'), "the sign button")
        c.wait(q('[data-test="signed"]'), "signed")
        c.choose("contact-method", "电话", "电话")
        c.type(field("contact-note"), "电话联系赵代表，了解加装电梯的难点", "the contact note")
        c.click(q('[data-test="add-contact"]'), "the record contact button")
        c.wait(row_with('[data-test="contacts"] .el-table__row', "加装电梯的难点"), "the contact listed")
        c.type(field("extension-reason"), "需与财政部门协调补贴资金，申请延期三十天。", "the extension reason")
        c.click(q('[data-test="submit-extension"]'), "the extension button")
        c.wait(q('[data-test="extension"]') + "?.innerText.includes('待审批')", "the extension request shown")
        c.shot("3-unit-signed-contact-extension")
        a = detail(work)
        assert [u["signed"] for u in a["units"] if u["unit_id"] == lead_unit["id"]] == [True]
        assert [(x["stage"], x["method"]) for x in a["contacts"]] == [("before", "phone")]
        assert [(e["days"], e["status"]) for e in a["extensions"]] == [(30, "pending")]

        # the co-unit's clerk gives its opinion to the lead unit
        c.as_person(co_clerk, "/unit/assignments")
        c.click(row_with('[data-test="assignments"] .el-table__row', work["title"]), "the co-unit's item")
        c.wait(q('[data-test="my-role"]') + ".innerText.includes('会办')", "the co-unit's role")
        c.type(field("opinion-content"), "市财政对加装电梯每台补贴十五万元，可纳入明年预算。", "the opinion")
        c.click(q('[data-test="submit-opinion"]'), "the opinion button")
        c.wait(q('[data-test="opinion"]'), "the opinion listed")
        c.shot("4-co-unit-opinion")
        assert [o["unit_id"] for o in detail(work)["opinions"]] == [co_unit["id"]]

        # the lead reads it and replies with class B, then follows it up when solved
        c.as_person(lead_clerk, f"/unit/assignments/{work['id']}")
        c.wait("document.body.innerText.includes('每台补贴十五万元')", "the co-unit's opinion seen by the lead")
        c.click(q('[data-test="class-B"]'), "result class B")
        c.type(field("content"), "已将加装电梯列入明年改造计划，财政补贴同步落实。", "the reply")
        c.type(field("signed-by"), "李局长", "signed by")
        c.click(q('[data-test="submit-reply"]'), "the reply button")
        c.wait(q('[data-test="reply"]'), "the reply listed")
        c.wait(q('[data-test="follow-up-content"]'), "the follow-up form for a B reply")
        replies = detail(work)["replies"]
        assert [(r["unit_id"], r["result_class"]) for r in replies] == [(lead_unit["id"], "B")]
        c.shot("5-unit-replied-B")
        c.type(field("follow-up-content"), "首批十二部电梯已完工投入使用。", "the follow-up")
        c.type(field("follow-up-signed-by"), "李局长", "the follow-up signer")
        c.click(q('[data-test="submit-follow-up"]'), "the follow-up button")
        c.wait(q('[data-test="follow-up"]'), "the follow-up listed")
        c.shot("6-unit-follow-up")
        replies = detail(work)["replies"]
        follow = [r for r in replies if r["follow_up_of"]]
        assert len(follow) == 1 and follow[0]["follow_up_of"] == replies[0]["id"] and follow[0]["result_class"] == "A"
        c.click(q('[data-test="reply-letter"]'), "the reply letter link")
        c.wait(q('[data-test="letter-text"]') + f"?.innerText.includes({json.dumps(deputy_row['name'] + '代表')})",
               "the reply letter addressed to the deputy")
        c.wait(q('[data-test="print"]'), "the print button")
        c.shot("7-reply-letter")

        # the deputy, on a phone: a draft saved, found again through the menu drawer, submitted
        c.viewport(390, 844, mobile=True)
        c.as_person(deputy, "/deputy/new")
        title = f"关于在社区增设老年食堂的建议{tag}"
        c.type(field("title"), title, "the title")
        c.type(field("body"), "社区老人就餐不便，建议增设老年食堂。", "the body")
        c.choose("category", categories["urban"], "the category")
        c.type(field("session"), "十六届三次", "the session")
        c.shot("8-deputy-draft")
        c.click(q('[data-test="save-draft"]'), "the save draft button")
        c.wait("location.pathname === '/deputy/drafts'", "the drafts page")
        c.wait(row_with('[data-test="draft"]', title), "the draft listed")
        drafts = api.get("/suggestions?status=draft", deputy_token, expect=200).json()["items"]
        draft = next(d for d in drafts if d["title"] == title)
        assert draft["status"] == "draft" and not draft.get("number")

        c.as_person(deputy, "/deputy")
        c.click(q('[data-test="menu-toggle"]'), "the menu button")
        c.wait(q('[data-test="drawer-menu"]') + "?.closest('.el-drawer').getBoundingClientRect().left === 0",
               "the drawer slid in")
        time.sleep(0.3)
        c.click(row_with('[data-test="drawer-menu"] .el-menu-item', "草稿箱"), "草稿箱 in the drawer")
        c.wait("location.pathname === '/deputy/drafts'", "the drafts page again")
        c.wait("[...document.querySelectorAll('.el-overlay')].every(o => getComputedStyle(o).display === 'none')",
               "the drawer closed")
        c.click(row_with('[data-test="draft"]', title), "the draft")
        c.wait(f"location.pathname === '/deputy/drafts/{draft['id']}'", "the draft's editor")
        c.wait(field("title") + f".value === {json.dumps(title)}", "the draft's title loaded")
        c.type(field("body"), "可利用社区闲置用房。", "more of the body")
        c.shot("9-deputy-edit-draft")
        c.click(q('[data-test="save-draft"]'), "the save draft button")
        c.wait("location.pathname === '/deputy/drafts'", "the drafts page after saving")
        saved = api.get(f"/suggestions/{draft['id']}", deputy_token, expect=200).json()
        assert saved["status"] == "draft" and not saved["number"] and "闲置用房" in saved["body"]
        c.click(row_with('[data-test="draft"]', title), "the draft, to submit it")
        c.wait(field("body") + ".value.includes('闲置用房')", "the saved edit loaded")
        c.click(q('[data-test="submit"]'), "the submit button")
        c.wait(f"location.pathname === '/deputy/suggestions/{draft['id']}'", "the submitted suggestion")
        c.wait(q('[data-test="status"]') + ".innerText.includes('已提交')", "status submitted")
        submitted = api.get(f"/suggestions/{draft['id']}", OFFICE, expect=200).json()
        assert submitted["status"] == "submitted" and submitted["number"] and "闲置用房" in submitted["body"]

        # the performance points the submissions earned, through the menu drawer
        points = wait_for(lambda: api.get(f"/deputies/{deputy_row['id']}/points", OFFICE, expect=200).json()["points"]
                          or None, what="the deputy's points")
        c.click(q('[data-test="menu-toggle"]'), "the menu button")
        c.wait(q('[data-test="drawer-menu"]') + "?.closest('.el-drawer').getBoundingClientRect().left === 0",
               "the drawer slid in")
        time.sleep(0.3)
        c.click(row_with('[data-test="drawer-menu"] .el-menu-item', "履职积分"), "履职积分 in the drawer")
        c.wait(q('[data-test="points-total"]') + f"?.innerText.trim() === '{points}'", "the points total")
        c.wait(q('[data-test="point-entry"]'), "the points' sources")
        c.wait("[...document.querySelectorAll('.el-overlay')].every(o => getComputedStyle(o).display === 'none')",
               "the drawer closed")
        c.shot("10-deputy-points")

        # the badge counts the deputy's unread notifications; reading one lowers it without a reload
        unread = wait_for(lambda: api.get("/notifications?unread=true&limit=200", deputy["access_token"],
                                          expect=200).json()["total"] or None, what="the deputy's notifications")
        c.wait(q('[data-test="badge"] sup') + f"?.innerText.trim() === '{unread}'", "the unread badge")
        c.wait("!document.querySelector('.el-message')",
               "the toast gone from over the header", timeout=10)
        c.shot("11-deputy-badge")
        c.click(q('[data-test="badge"] button'), "the notification button")
        c.wait("location.pathname === '/notifications'", "the notifications page")
        c.wait(q('[data-test="mark-read"]'), "an unread notification")
        first = c.js(q('[data-test="notification"] strong') + ".innerText")
        c.click(q('[data-test="mark-read"]'), "mark read")
        after = unread - 1
        badge = q('[data-test="badge"] sup')
        c.wait(f"{badge}?.innerText.trim() === '{after}'" if after else f"!{badge} || {badge}.offsetParent === null",
               "the badge lowered")
        c.shot("12-deputy-notification-read")
        inbox = api.get("/notifications?limit=200", deputy["access_token"], expect=200).json()
        assert sum(1 for n in inbox["items"] if not n["read"]) == after
        assert any(n["read"] and n["title"] == first for n in inbox["items"])
    finally:
        page.close()
