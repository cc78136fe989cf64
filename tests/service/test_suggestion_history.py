"""The past-year import inside the suggestion service: a dry run lists every bad row and writes
nothing; a job enters the suggestions with their 编号 and real dates; a job that failed half-way
goes on when the same workbook is sent again, without duplicates (real PostgreSQL and RabbitMQ)."""
import base64
import json
import uuid
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import text

from scripts.history_year import book
from services.common.errors import ValidationFailed
from services.station.service import StationService
from services.suggestion.service import SuggestionService
from tests.service.conftest import truncate
from tests.service.helpers import scalar, wait_for
from tests.service.suggestion_support import register_deputy

OFFICE = {"role": "office", "sub": "office-1"}
HEADER = ["编号", "标题", "内容", "类别", "类型", "届次", "领衔代表", "联名代表", "提交日期", "立案日期"]
SESSION = "十五届五次"


def year(rows: list[list]) -> str:
    return base64.b64encode(book({"建议": [HEADER, *rows]})).decode()


def row(number: int, lead: str, submitted=date(2024, 1, 10), accepted=date(2024, 1, 25), co: str = "") -> list:
    return [number, f"关于冰雪旅游线路的建议（{number}）", "建议完善冰雪旅游线路。", "城乡建设与管理", "大会", SESSION,
            lead, co, submitted, accepted]


GOOD = [row(3, "王建国", co="张伟"), row(5, "王建国"), row(8, "1"), row(9, "李红梅"), row(12, "王建国")]


@pytest.fixture(autouse=True)
def empty_roster(db):
    """The station service knows only this module's deputies: another test's roster (ids 1–3, active)
    must not answer for a deputy these tests remove or retire."""
    truncate(db("station"), "deputies")


@pytest.fixture
def deputies(amqp, suggestion_db):
    def register():
        for i, name in ((1, "王建国"), (2, "李红梅"), (3, "张伟")):
            register_deputy(amqp, suggestion_db, i, name)
    return register


def job_of(rpc, job_id: int, *statuses: str) -> dict:
    return wait_for(lambda: (j := rpc.suggestion.history_import(OFFICE, job_id))["status"] in statuses and j,
                    timeout=60, what=f"history import {job_id} {statuses}")


def test_a_dry_run_lists_every_bad_row_and_writes_nothing(start_service, deputies, rpc, suggestion_db):
    start_service(StationService)
    start_service(SuggestionService)
    deputies()
    bad = [row(1, "无名氏"), row(2, "王建国", submitted=date(2024, 2, 1), accepted=date(2024, 1, 1)),
           row(2, "王建国"), row(4, "王建国", submitted="去年")]
    report = rpc.suggestion.start_history_import(OFFICE, "2024.xlsx", year(bad), True)
    assert report["dry_run"] is True and report["valid"] is False
    assert [(e["sheet"], e["row"], e["field"]) for e in report["errors"]] == [
        ("建议", 2, "领衔代表"), ("建议", 3, "立案日期"), ("建议", 4, "编号"), ("建议", 5, "提交日期")]
    with pytest.raises(ValidationFailed) as err:  # a real run refuses, naming the same rows
        rpc.suggestion.start_history_import(OFFICE, "2024.xlsx", year(bad), False)
    assert len(err.value.details) == 4 and err.value.details[0]["sheet"] == "建议"
    assert scalar(suggestion_db, "select count(*) from suggestions") == 0
    assert scalar(suggestion_db, "select count(*) from history_imports") == 0
    good = rpc.suggestion.start_history_import(OFFICE, "2024.xlsx", year(GOOD), True)
    assert good["valid"] is True and good["counts"]["suggestions"] == 5 and good["errors"] == []
    assert scalar(suggestion_db, "select count(*) from history_imports") == 0


def test_a_failed_job_goes_on_when_the_workbook_is_sent_again_without_duplicates(
        start_service, deputies, rpc, amqp, suggestion_db):
    start_service(StationService)
    start_service(SuggestionService, HISTORY_IMPORT_INTERVAL=0)  # answers RPCs; runs no job
    deputies()
    content = year(GOOD)  # one file: a workbook saved again is other bytes (its properties hold the time)
    job = rpc.suggestion.start_history_import(OFFICE, "2024.xlsx", content, False)
    assert job["status"] == "queued" and job["total"] == 5 and job["done"] == 0
    # between the check and the run, 李红梅 drops out of the roster (the station service does not
    # know her either): the job stops at her suggestion
    with suggestion_db.begin() as conn:
        conn.exec_driver_sql("delete from deputies where id = 2")
    start_service(SuggestionService, HISTORY_IMPORT_INTERVAL=0.2)  # a worker that runs jobs
    failed = job_of(rpc, job["id"], "failed")
    assert failed["done"] == 3 and failed["error"]["key"] == "suggestion:9"
    assert scalar(suggestion_db, "select count(*) from suggestions") == 3

    register_deputy(amqp, suggestion_db, 2, "李红梅")
    again = rpc.suggestion.start_history_import(OFFICE, "2024-copy.xlsx", content, False)
    assert again["id"] == job["id"]  # the same workbook: the same job, resumed
    done = job_of(rpc, job["id"], "done")
    assert done["done"] == done["total"] == 5 and done["error"] is None and done["finished_at"]
    numbers = [r[0] for r in suggestion_db.connect().exec_driver_sql(
        "select number from suggestions order by number").all()]
    assert numbers == [3, 5, 8, 9, 12]  # the workbook's 编号, once each
    assert scalar(suggestion_db, "select last from number_sequences where session = :s", {"s": SESSION}) == 12
    listed = rpc.suggestion.list(OFFICE, {"session": SESSION})["items"]
    first = next(s for s in listed if s["seq"] == 3)
    assert first["status"] == "accepted" and first["co_signer_ids"] == [3]
    assert datetime.fromisoformat(first["submitted_at"]) == datetime(2024, 1, 10, 4, tzinfo=timezone.utc)
    assert datetime.fromisoformat(first["accepted_at"]) == datetime(2024, 1, 25, 4, tzinfo=timezone.utc)
    # the same workbook once more: the finished job, nothing new
    assert rpc.suggestion.start_history_import(OFFICE, "x.xlsx", content, False)["status"] == "done"
    assert scalar(suggestion_db, "select count(*) from suggestions") == 5
    # the year edited and saved again (other bytes): its numbers are taken, so it is refused, not entered twice
    with pytest.raises(ValidationFailed) as err:
        rpc.suggestion.start_history_import(OFFICE, "2024.xlsx", year([*GOOD[:4], row(12, "张伟")]), False)
    assert {d["field"] for d in err.value.details} == {"编号"} and len(err.value.details) == 5


def test_a_past_years_deputy_who_has_since_left_office_may_lead(start_service, deputies, rpc, suggestion_db):
    start_service(StationService)
    start_service(SuggestionService, HISTORY_IMPORT_INTERVAL=0.2)
    deputies()
    with suggestion_db.begin() as conn:
        conn.exec_driver_sql("update deputies set active = false where id = 3")  # 张伟's term ended
    job = rpc.suggestion.start_history_import(OFFICE, "2024.xlsx", year([row(1, "张伟"), row(2, "王建国", co="张伟")]),
                                              False)
    assert job_of(rpc, job["id"], "done", "failed")["status"] == "done"
    leads = suggestion_db.connect().exec_driver_sql("select lead_deputy_id from suggestions order by number").all()
    assert [r[0] for r in leads] == [3, 1]
    with pytest.raises(ValidationFailed) as err:  # the API's intake still takes active deputies only
        rpc.suggestion.submit(OFFICE, {"title": "关于冰雪旅游线路的建议", "body": "内容。", "category": "urban",
                                       "kind": "session", "session": SESSION, "lead_deputy_id": 3})
    assert err.value.details[0]["field"] == "lead_deputy_id"


def test_a_remote_step_done_before_a_crash_is_not_done_twice(start_service, deputies, rpc, amqp, db, suggestion_db):
    """The Idempotency-Key of a step (the workbook's sha256 and the step's key) reaches the other
    service: a step it already did, whose record here was lost, answers as the first time."""
    from services.assignment.service import AssignmentService
    from tests.service.assignment_world import fresh_db
    from tests.service.conftest import truncate

    assignment_db = fresh_db(db)
    truncate(assignment_db, "idempotency_keys")
    start_service(StationService)
    start_service(AssignmentService)
    start_service(SuggestionService, HISTORY_IMPORT_INTERVAL=0.2)
    deputies()
    unit = rpc.assignment.register_unit(OFFICE, {"name": "市文化广电和旅游局", "code": "WL", "duties": "旅游",
                                                 "keywords": ["冰雪"], "categories": ["urban"]})["id"]
    fields = {"title": "关于冰雪旅游线路的建议", "body": "建议完善冰雪旅游线路。", "category": "urban",
              "kind": "session", "session": SESSION, "source": "other", "co_signer_ids": [],
              "lead_deputy_id": 1, "submitted_at": "2024-01-10T12:00:00+08:00"}
    plan = [{"key": "suggestion:1", "kind": "suggestion", "number": 1, "data": fields,
             "accepted_at": "2024-01-25T12:00:00+08:00"},
            # (the shared contract's assigned_at is left out: this branch's assignment service predates it)
            {"key": "assign:1", "kind": "assign", "number": 1, "data": {"lead_unit_id": unit, "co_unit_ids": []}}]
    with suggestion_db.begin() as conn:
        job_id = conn.execute(text(
            "INSERT INTO history_imports (sha256, status, counts, plan, total, done, attempts, created_by) "
            "VALUES (:sha, 'queued', '{}', CAST(:plan AS jsonb), 2, 0, 0, 'office-1') RETURNING id"),
            {"sha": uuid.uuid4().hex * 2, "plan": json.dumps(plan, ensure_ascii=False)}).scalar()
    first = job_of(rpc, job_id, "done", "failed")
    assert (first["status"], first["done"]) == ("done", 2), first["error"]
    assigned = scalar(suggestion_db, "select result->>'assignment_id' from history_import_steps where key = 'assign:1'")
    # as if the worker had died after the assignment service committed, before the step's record
    with suggestion_db.begin() as conn:
        conn.exec_driver_sql("delete from history_import_steps where key = 'assign:1'")
        conn.exec_driver_sql("update history_imports set status = 'queued', done = 1, finished_at = null")
    again = job_of(rpc, job_id, "done", "failed")
    assert (again["status"], again["done"], again["attempts"]) == ("done", 2, 2), again["error"]
    assert scalar(suggestion_db, "select result->>'assignment_id' from history_import_steps where key = 'assign:1'") \
        == assigned
    assert scalar(assignment_db, "select count(*) from assignments") == 1
    assert scalar(assignment_db, "select count(*) from idempotency_keys where scope = 'history-import'") == 1
