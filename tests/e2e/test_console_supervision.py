"""The console in headless Chromium: the office's screening and supervision, and the leader. The office
merges a suggestion into the similar one the screening hints at and converts another to reference material,
puts an assigned one under key supervision by a leader, sees it on the supervision board as due soon and
approves the unit's extension request there, reroutes a disputed one (改办); the leader sees it on their dashboard and own list and urges
the unit by phone. Screenshots: .run/screenshots/console-supervision-*.png."""
import json
import time
import uuid
from datetime import datetime, timedelta, timezone

from tests.e2e import browser
from tests.polling import wait_for
from tests.e2e.client import OFFICE, token
from tests.e2e.console_driver import Console, field, person, q, row_with

NO_DIALOG = "![...document.querySelectorAll('.el-overlay')].some(o => getComputedStyle(o).display !== 'none')"


def test_screening_key_supervision_the_board_and_the_leader_in_the_console(system, console_url, tmp_path):
    api = system.api
    tag = uuid.uuid4().hex[:6]
    lead = api.post("/deputies", OFFICE, {"name": f"孙丽华{tag}", "level": "city", "delegation": "道里代表团"},
                    expect=201).json()
    unit = api.post("/units", OFFICE, {"name": f"市水务局{tag}", "code": f"SW-{tag}", "duties": "供水排水",
                                       "keywords": ["供水", "管网"], "categories": ["urban"]}, expect=201).json()
    deputy_token = token("deputy", sub=f"deputy-{lead['id']}", deputy_id=lead["id"])
    unit_token = token("unit", sub=f"unit-{unit['id']}", unit_id=unit["id"])
    session = f"十六届{tag}"

    def submitted(title: str) -> dict:
        return api.post("/suggestions", deputy_token, {
            "title": title, "body": "老旧供水管网漏损严重，建议尽快改造。", "category": "urban",
            "kind": "session", "session": session, "source": "research"}, expect=201).json()

    first = submitted(f"关于改造老旧小区供水管网的建议{tag}")
    api.post(f"/suggestions/{first['id']}/screening", OFFICE, {"decision": "accept"}, expect=200)
    again = submitted(f"关于改造老旧小区供水管网的建议{tag}（二）")
    other = submitted(f"关于举办社区读书节的建议{tag}")

    disputed = submitted(f"关于整治河道黑臭水体的建议{tag}")
    api.post(f"/suggestions/{disputed['id']}/screening", OFFICE, {"decision": "accept"}, expect=200)
    env = api.post("/units", OFFICE, {"name": f"市生态环境局{tag}", "code": f"HB-{tag}", "duties": "水污染防治",
                                      "keywords": ["黑臭水体"], "categories": ["urban"]}, expect=201).json()
    disputed_aid = api.post(f"/suggestions/{disputed['id']}/assignment", OFFICE, {"lead_unit_id": unit["id"]},
                            expect=201).json()["id"]
    api.post(f"/assignments/{disputed_aid}/dispute", unit_token, {"reason": "黑臭水体整治属生态环境部门职责"},
             expect=200)
    office = person(api, {"role": "office"}, "督办处李强")
    leader = person(api, {"role": "leader"}, f"张副主任{tag}")

    page = browser.Page(tmp_path / "profile", console_url + "/login", timeout=60)
    try:
        c = Console(page, console_url, journey="console-supervision")
        page.send("Page.enable", page.session)
        page.send("DOM.enable", page.session)
        c.viewport(1366, 900)

        # 并案: the screening hints at the similar suggestion; the office merges into it
        c.as_person(office, f"/office/suggestions/{again['id']}")
        c.wait(q('[data-test="similar"]') + f".innerText.includes({json.dumps(first['title'])})", "the similar hint")
        c.click(q(f'[data-test="merge-into-{first["id"]}"]'), "并入此件")
        c.wait(field("reason") + ".value.includes('并案')", "the proposed reason")
        c.shot("1-office-similar")
        c.click(q('[data-test="screen"]'), "确定")
        c.wait(q('[data-test="status"]') + ".innerText.includes('已并案')", "status merged")
        merged = api.get(f"/suggestions/{again['id']}", OFFICE, expect=200).json()
        assert merged["status"] == "merged" and merged["merged_into_id"] == first["id"]

        # 转作参考材料, with the reason
        c.as_person(office, f"/office/suggestions/{other['id']}")
        c.click(q('[data-test="decision-convert_reference"]'), "转作参考材料")
        c.click(q('[data-test="screen"]'), "确定 without a reason")
        c.wait("document.body.innerText.includes('请填写理由')", "the reason asked for")
        c.type(field("reason"), "属于一般性工作建议，转作参考。", "the reason")
        c.click(q('[data-test="screen"]'), "确定")
        c.wait(q('[data-test="status"]') + ".innerText.includes('转作参考')", "status converted")
        assert api.get(f"/suggestions/{other['id']}", OFFICE, expect=200).json()["status"] == "converted_reference"

        # 重点督办: assigned (over the API) with three days left, the office names the leader
        due = (datetime.now(timezone.utc) + timedelta(days=3)).isoformat()
        aid = api.post(f"/suggestions/{first['id']}/assignment", OFFICE, {"lead_unit_id": unit["id"], "due_at": due},
                       expect=201).json()["id"]
        c.as_person(office, f"/office/suggestions/{first['id']}")
        c.choose("leaders", leader["account"]["display_name"], "the leader")
        c.type(field("supervision-reason"), "群众反映强烈，列为重点督办。", "the supervision reason")
        c.shot("2-office-key-supervision")
        c.click(q('[data-test="supervise"]'), "列为重点督办")
        c.wait(q('[data-test="supervised"]'), "supervised")
        supervision = api.get(f"/assignments/{aid}", OFFICE, expect=200).json()["supervision"]
        assert [x["sub"] for x in supervision["leaders"]] == [leader["account"]["sub"]]

        # the board: due soon; the unit's extension request approved there
        c.as_person(office, "/office/supervision")
        c.wait(row_with('[data-test="board"] .el-table__row', first["title"]), "due soon on the board")
        c.wait(row_with('[data-test="board"] .el-table__row', "重点督办"), "the key supervision tag")
        c.shot("3-office-board-due")
        api.post(f"/assignments/{aid}/sign", unit_token, expect=200)
        api.post(f"/assignments/{aid}/extension", unit_token, {"days": 30, "reason": "需协调管网改造资金"}, expect=201)
        c.click(q("#tab-extension"), "the 申请延期 tab")
        c.click(row_with('[data-test="board"] .el-table__row', first["title"], '[data-test="review-extension"]'), "审批延期")
        c.wait(q('[data-test="extension-dialog"]') + ".innerText.includes('需协调管网改造资金')", "the request")
        c.shot("4-office-extension")
        c.click(q('[data-test="approve-extension"]'), "同意")
        c.wait(f"!{row_with('[data-test=board] .el-table__row', first['title'])}", "the request decided")
        # the row also leaves the board while it reloads: the decision is read from the API until it is there
        wait_for(lambda: [(e["status"], e["days"]) for e in api.get(f"/assignments/{aid}", OFFICE, expect=200)
                          .json()["extensions"]] == [("approved", 30)], what="the extension approved")

        # 申请调整: the unit disputes another assignment; the office reroutes it to the right unit
        c.wait(NO_DIALOG, "the extension dialog closed")
        c.click(q("#tab-disputed"), "the 申请调整 tab")
        c.click(row_with('[data-test="board"] .el-table__row', disputed["title"], '[data-test="reroute"]'), "改办")
        c.wait(q('[data-test="reroute-dialog"]') + ".innerText.includes('属生态环境部门职责')", "the dispute's reason")
        c.choose("reroute-lead", env["name"], "the environment bureau")
        c.type(field("reroute-reason"), "按职责改由生态环境局主办。", "the reroute reason")
        c.shot("5-office-reroute")
        c.click(q('[data-test="reroute-submit"]'), "确定改办")
        c.wait(f"!{row_with('[data-test=board] .el-table__row', disputed['title'])}", "the dispute resolved")
        rerouted = wait_for(lambda: (r := api.get(f"/assignments/{disputed_aid}", OFFICE, expect=200).json())
                            ["lead_unit_id"] == env["id"] and r, what="the assignment rerouted")
        assert all(d["resolved_at"] for d in rerouted["disputes"])

        # the leader: their dashboard and their own list, urging the unit by phone
        c.as_person(leader, "/leader/dashboard")
        c.wait(q('[data-test="count-total"]') + ".innerText.includes('1')", "one supervised item")
        c.wait("document.querySelectorAll('[data-test=\"leader-charts\"] canvas').length >= 2", "the charts")
        time.sleep(1)  # the charts' animation
        c.shot("6-leader-dashboard")
        c.as_person(leader, "/leader/supervision")
        c.click(row_with('[data-test="board"] .el-table__row', first["title"], '[data-test="urge"]'), "催办")
        c.click(q('[data-test="urge-phone"]'), "电话督办")
        c.type(field("urge-note"), "请加快推进管网改造。", "the note")
        c.shot("7-leader-urge")
        c.click(q('[data-test="urge-submit"]'), "确定催办")
        c.wait(q('[data-test="urged"]'), "urged")
        c.shot("8-leader-urged")
    finally:
        page.close()

    urgings = api.get(f"/assignments/{aid}", OFFICE, expect=200).json()["urgings"]
    assert [(u["unit_id"], u["method"], u["note"]) for u in urgings] == [(unit["id"], "phone", "请加快推进管网改造。")]
    assert urgings[0]["actor"] == leader["account"]["sub"]
