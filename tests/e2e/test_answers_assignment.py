"""The answers of assignment and evaluation routes match their documented schemas (issue 8).

One walk through 交办, 办, 督 and 评 that fills every list of an assignment's answer, each answer
checked against the schema GET /api/v1/openapi.json gives for its operation and status (formats
too: date-times must be RFC 3339), so a field the service drops, renames or nulls fails here.
"""
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from tests.e2e.contract import Contract

from tests.e2e.client import OFFICE, World, token
from tests.polling import wait_for

LEADER = token("leader", sub="leader-1")
JSON = "application/json"


@pytest.fixture
def check(system):
    contract = Contract(system.url)

    def check_answer(method: str, path: str, response) -> dict:
        return contract.check(response, method, path)
    check_answer.checked = contract.checked
    return check_answer


def accepted(world: World) -> dict:
    s = world.submit()
    world.api.post(f"/suggestions/{s['id']}/screening", OFFICE, {"decision": "accept"}, expect=200)
    return s


A = "/api/v1/assignments/{assignment_id}"
S = "/api/v1/suggestions/{suggestion_id}"


def test_assignment_answers_match_the_document(api, check):
    world = World(api)
    other = api.post("/units", OFFICE, {"name": "市规划和自然资源委员会", "code": f"GH-{uuid.uuid4().hex[:6]}",
                                        "duties": "规划", "keywords": [], "categories": []}, expect=201).json()
    other_token = token("unit", sub=f"unit-{other['id']}", unit_id=other["id"])
    s = accepted(world)
    routing = check("GET", S + "/routing", api.get(f"/suggestions/{s['id']}/routing", OFFICE, expect=200))
    assert routing["candidates"]
    a = check("POST", S + "/assignment", api.post(
        f"/suggestions/{s['id']}/assignment", OFFICE, {"lead_unit_id": other["id"],
                                                       "co_unit_ids": [world.co_unit["id"]]}, expect=201))
    path = f"/assignments/{a['id']}"
    check("POST", A + "/dispute", api.post(path + "/dispute", other_token, {"reason": "不属于我委职责"}, expect=200))
    check("POST", A + "/reroute", api.post(path + "/reroute", OFFICE, {
        "lead_unit_id": world.unit["id"], "co_unit_ids": [world.co_unit["id"]], "reason": "职责调整"}, expect=200))
    signed = check("POST", A + "/sign", api.post(path + "/sign", world.unit_token, expect=200))
    assert signed["state"] == "signed"
    check("POST", A + "/contacts", api.post(path + "/contacts", world.unit_token,
                                            {"stage": "before", "method": "visit", "note": "上门走访"}, expect=201))
    check("POST", A + "/opinions", api.post(path + "/opinions", world.co_unit_token, {"content": "同意。"},
                                            expect=201))
    asked = check("POST", A + "/extension", api.post(path + "/extension", world.unit_token,
                                                     {"days": 30, "reason": "需协调资金"}, expect=201))
    assert asked["status"] == "pending" and asked["decided_at"] is None
    decided = check("POST", A + "/extension", api.post(path + "/extension", OFFICE, {"approve": True}, expect=200))
    assert decided["status"] == "approved" and decided["new_due_at"]
    phone = check("POST", A + "/urge", api.post(path + "/urge", LEADER, {"method": "phone"}, expect=201))
    assert phone["letter"] is None and phone["note"] is None
    check("POST", A + "/urge", api.post(path + "/urge", OFFICE, {"method": "letter", "note": "请加快"},
                                        expect=201))
    check("GET", A + "/letter", api.get(path + "/letter", OFFICE, expect=200))
    check("POST", S + "/supervision", api.post(f"/suggestions/{s['id']}/supervision", OFFICE,
                                               {"leader": "张副主任", "reason": "群众关注"}, expect=201))
    check("POST", A + "/reply", api.post(path + "/reply", world.unit_token,
                                         {"result_class": "B", "content": "已列入计划。", "signed_by": "张局长"},
                                         expect=201))
    follow = check("POST", A + "/follow-up", api.post(path + "/follow-up", world.unit_token,
                                                      {"content": "已建成。", "signed_by": "张局长"}, expect=201))
    assert follow["follow_up_of"] is not None

    detail = check("GET", A, api.get(path, world.unit_token, expect=200))
    for part in ("units", "replies", "contacts", "opinions", "urgings", "extensions", "disputes", "reroutes"):
        assert detail[part], f"{part} is empty: its items were not checked"
    assert detail["supervision"] is not None
    listed = check("GET", "/api/v1/assignments", api.get("/assignments?supervised=true", OFFICE, expect=200))
    assert a["id"] in [x["id"] for x in listed["items"]]
    rating = check("POST", A + "/evaluation", api.post(path + "/evaluation", world.deputy_token,
                                                       {"satisfaction": "basic"}, expect=201))
    assert rating["comment"] is None and rating["final"] is False

    # an overdue assignment for the overdue list and the rates
    late = accepted(world)
    past = (datetime.now(timezone.utc) - timedelta(days=3)).isoformat()
    api.post(f"/suggestions/{late['id']}/assignment", OFFICE, {"lead_unit_id": world.unit["id"], "due_at": past},
             expect=201)
    overdue = wait_for(lambda: (o := api.get("/stats/overdue", world.unit_token, expect=200)).json()["items"] and o,
                       what="the overdue assignment in the list")
    assert check("GET", "/api/v1/stats/overdue", overdue)["items"][0]["days_late"] >= 3
    mine = wait_for(lambda: (r := api.get("/stats/rates", world.unit_token, expect=200)).json()["evaluated"] and r,
                    what="the unit's rating in its rates")
    assert check("GET", "/api/v1/stats/rates", mine)["filters"] == {"unit_id": world.unit["id"]}
    check("GET", "/api/v1/stats/rates", api.get("/stats/rates?level=city&session=十六届三次", OFFICE, expect=200))
    ranking = check("GET", "/api/v1/stats/units", api.get("/stats/units", LEADER, expect=200))
    assert [u["rank"] for u in ranking["items"]] == list(range(1, ranking["total"] + 1))


def test_evaluation_answers_match_the_document(api, check):
    world = World(api)
    units = [world.unit["id"], world.co_unit["id"]]
    t = check("POST", "/api/v1/satisfaction-tests", api.post(
        "/satisfaction-tests", OFFICE, {"title": "2026年度测评", "unit_ids": units, "voter_count": 2}, expect=201))
    assert t["tallies"] is None and t["closed_at"] is None
    tpath = f"/satisfaction-tests/{t['id']}"
    T = "/api/v1/satisfaction-tests/{test_id}"
    check("POST", T + "/ballots", api.post(tpath + "/ballots", OFFICE, {"votes": [
        {"unit_id": units[0], "choice": "satisfied"}, {"unit_id": units[1], "choice": "dissatisfied"}]},
        expect=201))
    check("GET", T, api.get(tpath, LEADER, expect=200))
    closed = check("POST", T + "/close", api.post(tpath + "/close", OFFICE, expect=200))
    assert [x["votes"] for x in closed["tallies"]] == [1, 1] and closed["status"] == "closed"

    world.lifecycle()  # a replied suggestion of the session to sample
    create = {"sample_size": 1, "session": "十六届三次", "seed": 7}
    sample = wait_for(lambda: (r := api.post("/assessments", OFFICE, create)).status_code == 201 and r,
                      what="a replied suggestion to sample")
    assessment = check("POST", "/api/v1/assessments", sample)
    assert assessment["requested"] == 1 and assessment["summary"]["mean"] is None
    apath = f"/assessments/{assessment['id']}"
    check("POST", "/api/v1/assessments/{assessment_id}/scores", api.post(
        apath + "/scores", OFFICE, {"suggestion_id": assessment["suggestion_ids"][0], "score": 85}, expect=201))
    scored = check("GET", "/api/v1/assessments/{assessment_id}", api.get(apath, OFFICE, expect=200))
    assert "requested" not in scored and scored["scores"] and scored["items"][0]["summary"]["count"] == 1


def test_the_rates_workbook_survives_control_characters_in_a_filter(api):
    # a worksheet cannot hold them: they were a 500
    answer = api.get("/reports/rates.xlsx?session=a%01b", OFFICE, expect=200)
    assert answer.content[:2] == b"PK"
