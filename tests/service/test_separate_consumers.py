"""分办 beyond the assignment service (issue 15): the suggestion service's status, timeline, replies
and export, and notify's recipients and texts, for a separate assignment whose units reply on
their own. Suggestion, assignment and notify services on real PostgreSQL and RabbitMQ."""
import base64
import io
from datetime import datetime, timedelta

from openpyxl import load_workbook

from services.assignment.service import AssignmentService
from services.common.clock import now
from services.notify.service import NotifyService
from tests.service.assignment_world import REPLY, fresh_db, unit_actor
from tests.service.conftest import truncate
from tests.service.helpers import scalar, wait_for
from tests.service.notify_support import NOTIFY_TABLES
from tests.service.test_suggestion_intake import OFFICE, submit

TITLE = "关于改善老旧小区出行条件的建议"


def test_a_separate_assignment_as_the_deputy_and_the_units_see_it(service, start_service, rpc, db):
    assignment_db = fresh_db(db)
    truncate(db("notify"), *NOTIFY_TABLES)
    start_service(AssignmentService, DEADLINE_INTERVAL=0)
    start_service(NotifyService, DIGEST_INTERVAL=0)
    transport, finance = [rpc.assignment.register_unit(OFFICE, {"name": name, "code": code, "duties": duties})["id"]
                          for name, code, duties in (("市交通运输局", "JT", "公共交通"), ("市财政局", "CZ", "财政资金"))]
    s = submit(rpc, 1, TITLE)
    rpc.suggestion.screen(OFFICE, s["id"], {"decision": "accept"})
    wait_for(lambda: scalar(assignment_db, "select 1 from suggestion_facts where suggestion_id=:s", {"s": s["id"]}),
             what="accepted suggestion projected")
    assigned_at = now() - timedelta(days=10)
    a = rpc.assignment.assign(OFFICE, s["id"], {"mode": "separate", "unit_ids": [transport, finance],
                                                 "assigned_at": assigned_at.isoformat()})

    # every unit is told, in a text naming both units
    def notices(unit_id, word):
        return [n for n in rpc.notify.inbox(unit_actor(unit_id), {})["items"] if word in n["body"]]
    for unit_id in (transport, finance):
        wait_for(lambda: notices(unit_id, TITLE), what=f"unit {unit_id} told of the assignment")
        assert "市交通运输局、市财政局分别办理（分办）" in notices(unit_id, TITLE)[0]["body"]

    rpc.assignment.sign(unit_actor(transport), a["id"])
    rpc.assignment.reply(unit_actor(transport), a["id"], REPLY)
    # one unit replied: the suggestion still waits for the other's reply
    wait_for(lambda: "replied" in [t["type"] for t in rpc.suggestion.get(OFFICE, s["id"])["timeline"]],
             what="first reply in the timeline")
    assert rpc.suggestion.get(OFFICE, s["id"])["status"] == "assigned"  # the other unit has not signed

    rpc.assignment.sign(OFFICE, a["id"], {"unit_id": finance, "signed_at": (now() - timedelta(days=1)).isoformat()})
    replied_at = now() - timedelta(hours=2)
    rpc.assignment.reply(OFFICE, a["id"], {**REPLY, "result_class": "B", "unit_id": finance,
                                           "replied_at": replied_at.isoformat()})
    wait_for(lambda: rpc.suggestion.get(OFFICE, s["id"])["status"] == "replied", what="both replies")
    detail = rpc.suggestion.get(OFFICE, s["id"])
    assert detail["assignment"]["mode"] == "separate" and detail["assignment"]["lead_unit_id"] is None
    assert sorted(detail["assignment"]["handling_unit_ids"]) == sorted([transport, finance])
    replies = {r["unit_name"]: r for r in detail["replies"]}
    assert {k: r["result_class"] for k, r in replies.items()} == {"市交通运输局": "A", "市财政局": "B"}
    assert datetime.fromisoformat(replies["市财政局"]["at"]) == replied_at
    assigned_step = next(t for t in detail["timeline"] if t["type"] == "assigned")
    assert datetime.fromisoformat(assigned_step["at"]) == assigned_at
    assert assigned_step["note"] == "分办：市交通运输局、市财政局"

    # a unit of a separate assignment sees the suggestion and finds it by its unit_id
    assert rpc.suggestion.get(unit_actor(finance), s["id"])["id"] == s["id"]
    assert [i["id"] for i in rpc.suggestion.list(OFFICE, {"unit_id": finance})["items"]] == [s["id"]]

    # the deputy is told of each reply, naming the replying unit
    deputy = {"role": "deputy", "deputy_id": 1, "sub": "deputy-1"}
    wait_for(lambda: len([n for n in rpc.notify.inbox(deputy, {})["items"] if "答复（" in n["body"]]) == 2,
             what="two reply notices")
    bodies = [n["body"] for n in rpc.notify.inbox(deputy, {})["items"] if "答复（" in n["body"]]
    assert any("已由市财政局答复（B类）" in b for b in bodies)
    assert any("已由市交通运输局答复（A类）" in b for b in bodies)

    # the export's 主办单位 cell lists a separate assignment's units
    sheet = load_workbook(io.BytesIO(base64.b64decode(rpc.suggestion.export(OFFICE, {})))).active
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[header.index("标题")] == TITLE)
    assert row[header.index("主办单位")] == "市交通运输局、市财政局（分办）"
