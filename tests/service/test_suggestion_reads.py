"""Search, filters, timeline, public disclosure, import and export of the suggestion service,
on real PostgreSQL and RabbitMQ."""
import base64
import io
from datetime import datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook

from services.common.errors import Conflict, NotFound, ValidationFailed
from tests.service.helpers import envelope, publish, scalar, wait_for
from tests.service.test_suggestion_intake import OFFICE, deputy, submit
from tests.sheets import xlsx


def ids(page: dict) -> list[int]:
    return [s["id"] for s in page["items"]]


def assign(amqp, rpc, s: dict, lead_unit: int, co_units: list[int], due: datetime, **extra) -> None:
    publish(amqp, envelope("assignment.assigned", {
        "suggestion_id": s["id"], "assignment_id": s["id"] + 100, "lead_unit_id": lead_unit,
        "lead_unit_name": "市交通运输局", "co_unit_ids": co_units, "due_at": due.isoformat(),
        "actor": "office-1", "note": "交市交通运输局主办", **extra}))
    wait_for(lambda: rpc.suggestion.get(OFFICE, s["id"])["status"] == "assigned", what="assigned")


def test_keyword_search_finds_chinese_words_anywhere_newest_first(service, rpc):
    bus = submit(rpc, 1, "关于解决某小区居民公交出行问题的建议")
    school = submit(rpc, 2, "关于加大城区幼儿园建设力度的建议", body="建议新建公办幼儿园，缓解入园难。")
    lift = submit(rpc, 1, "关于老旧小区加装电梯的建议", body="推广5G智慧社区，方便老人出行。")
    assert ids(rpc.suggestion.list(OFFICE, {"q": "公交"})) == [bus["id"]]
    assert ids(rpc.suggestion.list(OFFICE, {"q": "幼儿园"})) == [school["id"]]
    assert ids(rpc.suggestion.list(OFFICE, {"q": "入园难"})) == [school["id"]]  # in the body
    assert ids(rpc.suggestion.list(OFFICE, {"q": "出行"})) == [lift["id"], bus["id"]]  # newest first
    assert ids(rpc.suggestion.list(OFFICE, {"q": "老旧小区 电梯"})) == [lift["id"]]
    assert ids(rpc.suggestion.list(OFFICE, {"q": "5g"})) == [lift["id"]]
    assert ids(rpc.suggestion.list(OFFICE, {"q": "梯"})) == [lift["id"]]  # one character: titles only
    # all bigrams present (公交, 交通) is not enough: the page is exact, the count an upper bound
    submit(rpc, 3, "关于优化线路的建议", body="公交线路少，交通不便。")
    apart = rpc.suggestion.list(OFFICE, {"q": "公交通"})
    assert apart["items"] == [] and apart["total_exact"] is False
    assert rpc.suggestion.list(OFFICE, {"q": "公交"})["total_exact"] is True
    assert rpc.suggestion.list(OFFICE, {"q": "%"})["total"] == 0


def test_a_deputy_lists_what_they_lead_or_co_signed_and_public_items(service, rpc):
    mine = submit(rpc, 1, "关于增设公交站点的建议")
    cosigned = submit(rpc, 2, "关于治理河道污染的建议", co_signer_ids=[1])
    other = submit(rpc, 3, "关于规范共享单车停放的建议")
    public = submit(rpc, 4, "关于增加社区养老服务的建议")
    rpc.suggestion.screen(OFFICE, public["id"], {"decision": "accept"})
    rpc.suggestion.publish(OFFICE, public["id"], {})
    assert ids(rpc.suggestion.list(deputy(1), {})) == [public["id"], cosigned["id"], mine["id"]]
    assert ids(rpc.suggestion.list(deputy(1), {"deputy_id": 2})) == [cosigned["id"]]
    with pytest.raises(NotFound):
        rpc.suggestion.get(deputy(1), other["id"])
    assert ids(rpc.suggestion.list({"role": "unit", "unit_id": 1}, {})) == [public["id"]]


def test_unit_and_overdue_filters_follow_assignment_events(service, rpc, amqp):
    now = datetime.now(timezone.utc)
    late = submit(rpc, 1, "关于增设公交站点的建议")
    on_time = submit(rpc, 2, "关于治理河道污染的建议")
    for s in (late, on_time):
        rpc.suggestion.screen(OFFICE, s["id"], {"decision": "accept"})
    assign(amqp, rpc, late, 9, [11], now - timedelta(days=2))
    assign(amqp, rpc, on_time, 10, [9], now + timedelta(days=30))
    assert ids(rpc.suggestion.list(OFFICE, {"unit_id": 9})) == [on_time["id"], late["id"]]
    assert ids(rpc.suggestion.list(OFFICE, {"unit_id": 11})) == [late["id"]]
    assert ids(rpc.suggestion.list(OFFICE, {"overdue": True})) == [late["id"]]
    assert ids(rpc.suggestion.list(OFFICE, {"overdue": False})) == [on_time["id"]]
    assert rpc.suggestion.get(OFFICE, late["id"])["overdue"] is True
    # a unit sees the suggestions it handles, as lead or co-unit (and public ones), no others
    assert ids(rpc.suggestion.list({"role": "unit", "unit_id": 9}, {})) == [on_time["id"], late["id"]]
    assert ids(rpc.suggestion.list({"role": "unit", "unit_id": 11}, {})) == [late["id"]]
    assert rpc.suggestion.get({"role": "unit", "unit_id": 11}, late["id"])["id"] == late["id"]
    with pytest.raises(NotFound):
        rpc.suggestion.get({"role": "unit", "unit_id": 11}, on_time["id"])


def test_timeline_shows_every_step_in_order_and_public_page_shows_replies(service, rpc, amqp):
    s = submit(rpc, 1, "关于增设公交站点的建议", co_signer_ids=[2])
    with pytest.raises(Conflict):  # not accepted yet
        rpc.suggestion.publish(OFFICE, s["id"], {})
    rpc.suggestion.screen(OFFICE, s["id"], {"decision": "accept"})
    assign(amqp, rpc, s, 9, [], datetime.now(timezone.utc) + timedelta(days=90))
    base = {"suggestion_id": s["id"], "assignment_id": s["id"] + 100, "lead_unit_id": 9, "co_unit_ids": [],
            "lead_unit_name": "市交通运输局"}
    steps = [("assignment.signed", {"is_lead": True, "note": "市交通运输局签收"}),
             ("assignment.contact_added", {"stage": "before", "method": "visit"}),
             ("assignment.urged", {"method": "phone", "note": "电话督办"}),
             ("assignment.replied", {"result_class": "A", "content": "已在小区门口增设公交站点。", "round": 1}),
             ("evaluation.evaluated", {"satisfaction": "satisfied", "final": True})]
    for type_, extra in steps:
        if type_ == "assignment.replied":  # the timeline shows a step at its own date: a reply given now
            extra = {**extra, "replied_at": datetime.now(timezone.utc).isoformat()}
        publish(amqp, envelope(type_, {**base, **extra}))
        wait_for(lambda: rpc.suggestion.get(OFFICE, s["id"])["timeline"][-1]["type"] == type_.split(".")[1],
                 what=type_)
    detail = rpc.suggestion.get(OFFICE, s["id"])
    assert [t["type"] for t in detail["timeline"]] == [
        "submitted", "accepted", "assigned", "signed", "contact_added", "urged", "replied", "evaluated"]
    assert detail["timeline"][5]["note"] == "电话督办" and detail["timeline"][4]["note"] == "与代表见面沟通"
    assert detail["status"] == "evaluated"
    # the export's 答复情况: the reply with its unit, class, local date and the deputy's rating
    book = load_workbook(io.BytesIO(base64.b64decode(rpc.suggestion.export(OFFICE, {}))))
    [header, reply] = list(book["答复情况"].iter_rows(values_only=True))
    assert header[:5] == ("编号", "标题", "答复单位", "办理轮次", "答复类别")
    assert reply[2:5] == ("市交通运输局", 1, "A") and reply[6] == "满意" and isinstance(reply[5], datetime)

    rpc.suggestion.publish(OFFICE, s["id"], {})
    [item] = rpc.suggestion.public_list({"q": "公交"})["items"]
    assert item["replies"][0]["content"] == "已在小区门口增设公交站点。" and item["lead_deputy_name"] == "王建国"
    assert not {"lead_deputy_id", "co_signer_ids", "phone", "email", "timeline"} & set(item)
    assert rpc.suggestion.public_get(s["id"])["number"] == "第0001号"
    hidden = submit(rpc, 2, "关于治理河道污染的建议")
    with pytest.raises(NotFound):
        rpc.suggestion.public_get(hidden["id"])


def test_import_takes_good_rows_and_reports_each_rejected_one(service, rpc, suggestion_db):
    content = base64.b64encode(xlsx(
        ["标题", "内容", "类别", "类型", "届次", "领衔代表", "联名代表", "来源"],
        ["关于增设公交站点的建议", "小区距公交站两公里。", "交通邮电", "大会", "十六届三次", "王建国", "李红梅、3", "调研"],
        ["关于治理河道污染的建议", "河道发黑发臭。", "天文", "大会", "十六届三次", "王建国", "", ""],
        ["关于规范停车的建议", "乱停车严重。", "urban", "闭会", "十六届三次", "查无此人", "", ""],
        ["短", "内容", "其他", "大会", "十六届三次", "4", "4", ""],
    )).decode()
    report = rpc.suggestion.import_batch(OFFICE, "十六届三次.xlsx", content)
    assert report["imported"] == 1 and report["items"][0]["number"] == "第0001号"
    rejected = {r["row"]: {e["field"] for e in r["errors"]} for r in report["rejected"]}
    assert rejected == {3: {"category"}, 4: {"lead_deputy"}, 5: {"title"}}
    assert scalar(suggestion_db, "select count(*) from suggestions") == 1
    assert scalar(suggestion_db, "select count(*) from outbox") == 1
    [s] = rpc.suggestion.list(OFFICE, {})["items"]
    assert s["lead_deputy_id"] == 1 and s["co_signer_ids"] == [2, 3]
    with pytest.raises(ValidationFailed) as err:
        rpc.suggestion.import_batch(OFFICE, "notes.docx", content)
    assert err.value.details[0]["field"] == "file"


def test_export_is_a_workbook_of_the_filtered_list(service, rpc):
    submit(rpc, 1, "关于增设公交站点的建议", co_signer_ids=[2])
    submit(rpc, 3, "关于治理河道污染的建议", category="eco")
    content = base64.b64decode(rpc.suggestion.export(OFFICE, {"category": "transport"}))
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("编号", "届次", "标题") and len(rows) == 2
    assert rows[1][2] == "关于增设公交站点的建议" and rows[1][6:8] == ("王建国", "李红梅")
