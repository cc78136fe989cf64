"""Routing in the assignment service (issue 18), on real PostgreSQL and RabbitMQ: units' kind (recognised
from the name), level and region, corrected by the office; the office's jurisdiction (OFFICE_LEVEL,
OFFICE_REGION) in the recommendation; co-unit recommendations (会办) learned from precedents; and a
past year's import that reaches the precedents so an office starts warm."""
import json
import uuid

import pytest
from sqlalchemy import text

from services.assignment.service import AssignmentService
from services.common.errors import NotFound, ValidationFailed
from tests.service.assignment_world import OFFICE, SID, fresh_db
from tests.service.helpers import envelope, publish, scalar, wait_for

BUS = {"duties": "负责城市公共交通、公交线路和站点的规划管理", "keywords": ["公交", "公交站点"], "categories": ["transport"]}


@pytest.fixture
def assignment_db(db, amqp):
    return fresh_db(db)


def unit(rpc, name, code, **fields):
    return rpc.assignment.register_unit(OFFICE, {"name": name, "code": code, "duties": "", **fields})


def accept(amqp, engine, sid, title="关于增设公交站点的建议", category="transport"):
    publish(amqp, envelope("suggestion.accepted", {
        "suggestion_id": sid, "number_label": f"第{sid:04d}号", "session": "十六届三次", "title": title,
        "category": category, "kind": "session", "lead_deputy_id": 77, "co_signer_ids": [], "status": "accepted"}))
    wait_for(lambda: scalar(engine, "select 1 from suggestion_facts where suggestion_id=:s", {"s": sid}),
             what=f"suggestion {sid} projected")
    return sid


def test_a_unit_has_a_kind_recognised_from_its_name_a_level_and_a_region(start_service, rpc, assignment_db):
    start_service(AssignmentService)
    housing = unit(rpc, "曲靖市沾益区住建局", "ZJ", level="county", region="云南省曲靖市沾益区")
    assert (housing["kind"], housing["level"], housing["region"]) == ("housing", "county", "云南省曲靖市沾益区")
    office = unit(rpc, "市红十字会", "HSH")  # not a kind the data knows: null, never a guess
    assert (office["kind"], office["level"], office["region"]) == (None, None, None)
    named = unit(rpc, "市住建局", "ZJ2", kind="urban_management", level="city")  # the office's word wins
    assert named["kind"] == "urban_management"
    with pytest.raises(ValidationFailed):
        unit(rpc, "市某局", "X1", kind="no_such_kind")
    with pytest.raises(ValidationFailed):
        unit(rpc, "市某局", "X2", level="galactic")
    listed = {u["code"]: u for u in rpc.assignment.list_units(OFFICE, 50, 0)["items"]}
    assert listed["ZJ"]["region"] == "云南省曲靖市沾益区" and listed["HSH"]["kind"] is None
    assert rpc.assignment.recognise_unit(OFFICE, "哈尔滨市交通运输局")["kind"] == "transport"
    assert rpc.assignment.recognise_unit(OFFICE, "市红十字会")["kind"] is None


def test_the_office_corrects_a_unit_and_routing_uses_it_at_once(start_service, rpc, amqp, assignment_db):
    start_service(AssignmentService)
    other = unit(rpc, "市财政局", "CZ", duties="财政资金管理", keywords=["资金"])
    bus = unit(rpc, "市交运局", "JT", duties="交通")
    sid = accept(amqp, assignment_db, SID)
    before = rpc.assignment.routing(OFFICE, sid)["candidates"]
    assert not before or before[0]["unit_id"] != bus["id"] or before[0]["score"] < 0.5
    changed = rpc.assignment.update_unit(OFFICE, bus["id"], {"name": "市交通运输局", **BUS, "level": "city",
                                                            "region": "云南省曲靖市"})
    assert (changed["name"], changed["kind"], changed["level"]) == ("市交通运输局", "transport", "city")
    assert changed["keywords"] == BUS["keywords"]
    after = rpc.assignment.routing(OFFICE, sid)["candidates"]
    assert after[0]["unit_id"] == bus["id"], after
    cleared = rpc.assignment.update_unit(OFFICE, bus["id"], {"region": None, "kind": None})
    assert (cleared["region"], cleared["kind"], cleared["duties"]) == (None, None, BUS["duties"])
    with pytest.raises(ValidationFailed):
        rpc.assignment.update_unit(OFFICE, bus["id"], {"name": None})
    with pytest.raises(ValidationFailed):
        rpc.assignment.update_unit(OFFICE, bus["id"], {"code": "NEW"})  # the code is the unit's identity
    with pytest.raises(NotFound):
        rpc.assignment.update_unit(OFFICE, 999999, {"duties": "x"})
    assert other["id"]


def test_a_city_congress_gets_its_own_citys_unit_first(start_service, rpc, amqp, assignment_db):
    start_service(AssignmentService, OFFICE_LEVEL="city", OFFICE_REGION="云南省曲靖市")
    # the same duties in another city, registered first (a tie would go to it)
    elsewhere = unit(rpc, "昭通市交通运输局", "ZT-JT", level="city", region="云南省昭通市", **BUS)
    own = unit(rpc, "曲靖市交通运输局", "QJ-JT", level="city", region="云南省曲靖市", **BUS)
    county = unit(rpc, "曲靖市沾益区交通运输局", "ZY-JT", level="county", region="云南省曲靖市沾益区", **BUS)
    sid = accept(amqp, assignment_db, SID + 1)
    ranked = [c["unit_id"] for c in rpc.assignment.routing(OFFICE, sid)["candidates"]]
    assert ranked[0] == own["id"], ranked
    # another city's bureau, and a county's for a city congress, come after every unit in scope
    assert ranked.index(elsewhere["id"]) > 0 and ranked.index(county["id"]) > 0, ranked
    provincial = unit(rpc, "云南省交通运输厅", "YN-JT", level="provincial", region="云南省", **BUS)
    sid = accept(amqp, assignment_db, SID + 2)
    ranked = [c["unit_id"] for c in rpc.assignment.routing(OFFICE, sid)["candidates"]]
    assert set(ranked[:2]) == {own["id"], provincial["id"]}, ranked  # above the city is in scope


def test_co_units_are_recommended_from_the_offices_past_choices(start_service, rpc, amqp, assignment_db):
    start_service(AssignmentService)
    bus = unit(rpc, "市交通运输局", "JT", **BUS)
    police = unit(rpc, "市公安局交通警察支队", "JJ", duties="道路交通安全管理、交通秩序", keywords=["交通秩序"])
    unit(rpc, "市财政局", "CZ", duties="财政资金管理", keywords=["资金"])
    for i in range(3):
        sid = accept(amqp, assignment_db, SID + 10 + i, title=f"关于优化公交站点设置保障交通安全的建议（{i}）")
        rpc.assignment.assign(OFFICE, sid, {"lead_unit_id": bus["id"], "co_unit_ids": [police["id"]]})
    assert scalar(assignment_db, "select count(*) from precedents where co_unit_ids = CAST(:c AS jsonb)",
                  {"c": json.dumps([police["id"]])}) == 3
    sid = accept(amqp, assignment_db, SID + 20, title="关于增设公交站点的建议")
    answer = rpc.assignment.routing(OFFICE, sid)
    assert answer["candidates"][0]["unit_id"] == bus["id"]
    co = {c["unit_id"]: c for c in answer["co_candidates"]}
    assert police["id"] in co, answer["co_candidates"]
    assert co[police["id"]]["unit_name"] == "市公安局交通警察支队" and co[police["id"]]["reasons"]
    assert bus["id"] not in co  # the lead is never its own co-unit


def test_a_past_years_import_reaches_the_precedents_once(start_service, rpc, amqp, db, suggestion_db):
    """The history import enters its assignments through assign with their real date: each becomes a
    precedent (with its co-units) dated then, a re-run makes none twice, and routing starts warm."""
    from services.station.service import StationService
    from services.suggestion.service import SuggestionService
    from tests.service.conftest import truncate
    from tests.service.test_suggestion_history import SESSION, deputies, empty_roster, job_of  # noqa: F401

    assignment_db = fresh_db(db)
    truncate(assignment_db, "idempotency_keys")
    truncate(db("station"), "deputies")
    start_service(StationService)
    start_service(AssignmentService)
    start_service(SuggestionService, HISTORY_IMPORT_INTERVAL=0.2)
    from tests.service.suggestion_support import register_deputy
    register_deputy(amqp, suggestion_db, 1, "王建国")
    tourism = unit(rpc, "市文化和旅游局", "WL", duties="文化和旅游")["id"]
    transport = unit(rpc, "市交通运输局", "JT", duties="交通")["id"]
    unit(rpc, "市财政局", "CZ", duties="财政资金管理", keywords=["资金"])
    fields = {"title": "关于开通冰雪旅游专线的建议", "body": "建议开通冰雪旅游专线。", "category": "urban",
              "kind": "session", "session": SESSION, "source": "other", "co_signer_ids": [],
              "lead_deputy_id": 1, "submitted_at": "2024-01-10T12:00:00+08:00"}
    plan = [{"key": "suggestion:1", "kind": "suggestion", "number": 1, "data": fields,
             "accepted_at": "2024-01-25T12:00:00+08:00"},
            {"key": "assign:1", "kind": "assign", "number": 1,
             "data": {"lead_unit_id": tourism, "co_unit_ids": [transport],
                      "assigned_at": "2024-02-01T10:00:00+08:00"}}]
    with suggestion_db.begin() as conn:
        job_id = conn.execute(text(
            "INSERT INTO history_imports (sha256, status, counts, plan, total, done, attempts, created_by) "
            "VALUES (:sha, 'queued', '{}', CAST(:plan AS jsonb), 2, 0, 0, 'office-1') RETURNING id"),
            {"sha": uuid.uuid4().hex * 2, "plan": json.dumps(plan, ensure_ascii=False)}).scalar()
    first = job_of(rpc, job_id, "done", "failed")
    assert first["status"] == "done", first["error"]
    row = "select unit_id, co_unit_ids, source, to_char(at at time zone 'UTC', 'YYYY-MM-DD HH24') from precedents"
    with assignment_db.connect() as conn:
        assert [tuple(r) for r in conn.execute(text(row))] == [(tourism, [transport], "assigned", "2024-02-01 02")]
    with suggestion_db.begin() as conn:  # as if the worker died before recording the assign step
        conn.exec_driver_sql("delete from history_import_steps where key = 'assign:1'")
        conn.exec_driver_sql("update history_imports set status = 'queued', done = 1, finished_at = null")
    assert job_of(rpc, job_id, "done", "failed")["status"] == "done"
    assert scalar(assignment_db, "select count(*) from precedents") == 1
    sid = accept(amqp, assignment_db, SID + 30, title="关于打造冰雪旅游专线的建议", category="urban")
    answer = rpc.assignment.routing(OFFICE, sid)
    assert answer["candidates"][0]["unit_id"] == tourism, answer
    assert transport in [c["unit_id"] for c in answer["co_candidates"]], answer
