"""One local time (issue 15): the export, the urging letter and the 交办 notice show one date for an
item assigned late in the UTC evening (already the next day in Beijing), and the due date ends
with that local day. Suggestion, assignment and notify services on real PostgreSQL and RabbitMQ."""
import base64
import io
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from services.assignment.service import AssignmentService
from services.common import clock
from services.notify.service import NotifyService
from tests.service.assignment_world import fresh_db, unit_actor
from tests.service.conftest import truncate
from tests.service.helpers import scalar, wait_for
from tests.service.notify_support import NOTIFY_TABLES
from tests.service.test_suggestion_intake import OFFICE, submit

BEIJING = ZoneInfo("Asia/Shanghai")


def test_export_letter_and_notice_show_the_same_local_due_date(service, start_service, rpc, db, monkeypatch):
    assignment_db = fresh_db(db)
    truncate(db("notify"), *NOTIFY_TABLES)
    start_service(AssignmentService, DEADLINE_INTERVAL=0)
    start_service(NotifyService, DIGEST_INTERVAL=0)
    # every service here runs in this process: their clock reads 16:30 UTC, 00:30 of the next day in Beijing
    real = datetime.now(timezone.utc)
    assigned_at = real.replace(hour=16, minute=30, second=0, microsecond=0)
    if assigned_at > real:  # the latest 16:30 UTC that has passed: with the clock moved into the future,
        assigned_at -= timedelta(days=1)  # a step's status_at (clock.now) outruns event envelopes (real time)
    monkeypatch.setattr(clock, "_offset", assigned_at - real)
    due_day = (assigned_at.astimezone(BEIJING) + timedelta(days=90)).date()
    assert due_day == assigned_at.date() + timedelta(days=91)

    unit = rpc.assignment.register_unit(OFFICE, {"name": "市交通运输局", "code": "JT", "duties": "公共交通",
                                                 "keywords": ["公交"], "categories": ["transport"]})["id"]
    s = submit(rpc, 1, "关于增设公交站点的建议")
    rpc.suggestion.screen(OFFICE, s["id"], {"decision": "accept"})
    wait_for(lambda: scalar(assignment_db, "select 1 from suggestion_facts where suggestion_id=:s", {"s": s["id"]}),
             what="accepted suggestion projected")
    a = rpc.assignment.assign(OFFICE, s["id"], {"lead_unit_id": unit})

    # the API answers in UTC with an offset; the instant is the end of the local due day
    assert a["due_at"].endswith("+00:00")
    assert datetime.fromisoformat(a["due_at"]) == datetime.combine(due_day, time(23, 59, 59), BEIJING)

    letter = rpc.assignment.letter(OFFICE, a["id"])["letter"]
    assert f"答复期限为{due_day.year}年{due_day.month}月{due_day.day}日" in letter

    wait_for(lambda: rpc.suggestion.get(OFFICE, s["id"])["status"] == "assigned", what="assignment projected")
    content = base64.b64decode(rpc.suggestion.export(OFFICE, {}))
    sheet = load_workbook(io.BytesIO(content)).active
    header = [c.value for c in sheet[1]]
    due_cell, submitted_cell = sheet.cell(2, header.index("答复期限") + 1), sheet.cell(2, header.index("提交时间") + 1)
    assert (due_cell.value, due_cell.number_format) == (datetime.combine(due_day, time()), "yyyy-mm-dd")
    assert isinstance(submitted_cell.value, datetime) and submitted_cell.number_format == "yyyy-mm-dd hh:mm"
    assert submitted_cell.value.date() == assigned_at.astimezone(BEIJING).date()  # local time, not UTC text

    def notice():
        items = rpc.notify.inbox(unit_actor(unit), {})["items"]
        return [n for n in items if "关于增设公交站点的建议" in n["body"]]
    wait_for(notice, what="交办 notice")
    assert f"答复期限{due_day.isoformat()}" in notice()[0]["body"]
