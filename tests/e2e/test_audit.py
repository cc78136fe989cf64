"""The audit trail over HTTP (issue 16, part C): a deputy submits, the office accepts, a unit is
refused; the auditor finds each with who, what, when, from where and the request id, exports them,
and no one (the auditor included) can change or delete a record through the API."""
import io
import uuid

import pytest
from openpyxl import load_workbook

from tests.e2e.client import OFFICE, World, token
from tests.e2e.contract import Contract
from tests.polling import wait_for

AUDITOR = token("auditor", sub="auditor-e2e")


def found(api, query: str, tok: str = AUDITOR) -> list[dict]:
    return api.get(f"/audit?{query}", tok, expect=200).json()["items"]


def one(api, query: str) -> dict:
    items = wait_for(lambda: found(api, query), timeout=20, what=f"an audit record for {query}")
    assert len(items) == 1, items
    return items[0]


@pytest.fixture(scope="module")
def story(system):
    """A deputy submits, the office accepts, a unit tries to screen (403): three request ids."""
    api = system.api
    world = World(api)
    ids = {name: f"e2e-{name}-{uuid.uuid4().hex[:8]}" for name in ("submit", "accept", "denied")}
    suggestion = api.post("/suggestions", world.deputy_token, {
        "title": "关于增设公交站点的建议", "body": "该小区距最近公交站两公里。", "category": "transport",
        "kind": "session", "session": "十六届三次", "source": "research", "co_signer_ids": []},
        expect=201, headers={"X-Request-Id": ids["submit"], "User-Agent": "deputy-app/2"}).json()
    api.post(f"/suggestions/{suggestion['id']}/screening", OFFICE, {"decision": "accept"}, expect=200,
             headers={"X-Request-Id": ids["accept"]})
    refused = api.post(f"/suggestions/{suggestion['id']}/screening", world.unit_token, {"decision": "accept"},
                       headers={"X-Request-Id": ids["denied"]})
    assert refused.status_code == 403
    return {"api": api, "world": world, "suggestion": suggestion, "ids": ids}


def test_the_auditor_finds_the_submission_with_who_what_and_where(story):
    api, world, s = story["api"], story["world"], story["suggestion"]
    record = one(api, f"request_id={story['ids']['submit']}&service=suggestion")
    assert record["sub"] == f"deputy-{world.lead['id']}" and record["role"] == "deputy"
    assert record["action"] == "POST /api/v1/suggestions" and record["path"] == "/api/v1/suggestions"
    assert record["outcome"] == "ok" and record["targets"]["suggestion_id"] == [s["id"]]
    assert record["client"] == "127.0.0.1" and record["user_agent"] == "deputy-app/2"
    assert record["at"].endswith("+00:00")


def test_the_answer_keeps_its_documented_shape(story, system):
    api = story["api"]
    one(api, f"request_id={story['ids']['denied']}")
    # the submission's and the acceptance's records come through events: wait for them too
    wait_for(lambda: len(found(api, f"target_type=suggestion_id&target_id={story['suggestion']['id']}")) >= 3,
             timeout=20, what="the suggestion's three audit records")
    answer = api.get(f"/audit?target_type=suggestion_id&target_id={story['suggestion']['id']}", AUDITOR)
    body = Contract(api.url).check(answer, "GET", "/api/v1/audit", 200)
    assert body["total"] >= 3 and body["limit"] == 50 and body["offset"] == 0


def test_the_acceptance_is_found_by_its_target(story):
    api, s = story["api"], story["suggestion"]
    record = one(api, f"request_id={story['ids']['accept']}&service=suggestion")
    assert record["sub"] == "office-1" and record["role"] == "office"
    assert record["action"] == "POST /api/v1/suggestions/{suggestion_id}/screening"
    assert record["targets"]["suggestion_id"] == [s["id"]]
    by_target = found(api, f"target_type=suggestion_id&target_id={s['id']}&service=suggestion")
    assert {r["request_id"] for r in by_target} >= {story["ids"]["submit"], story["ids"]["accept"]}
    assert [r["at"] for r in by_target] == sorted((r["at"] for r in by_target), reverse=True)  # newest first


def test_a_refused_attempt_is_recorded_as_denied(story):
    api, world, s = story["api"], story["world"], story["suggestion"]
    record = one(api, f"request_id={story['ids']['denied']}")
    assert record["outcome"] == "denied" and record["status"] == 403 and record["service"] == "gateway"
    assert record["sub"] == f"unit-{world.unit['id']}" and record["role"] == "unit"
    assert record["targets"] == {"suggestion_id": [s["id"]]}
    assert found(api, f"request_id={story['ids']['denied']}&outcome=ok") == []


def test_a_failed_write_is_recorded_as_failed(story):
    api, s = story["api"], story["suggestion"]
    rid = f"e2e-conflict-{uuid.uuid4().hex[:8]}"
    answer = api.post(f"/suggestions/{s['id']}/screening", OFFICE, {"decision": "sideways"},
                      headers={"X-Request-Id": rid})
    assert answer.status_code == 422
    record = one(api, f"request_id={rid}")
    assert record["outcome"] == "failed" and record["status"] == 422 and record["sub"] == "office-1"


def test_the_export_opens_with_chinese_headers(story):
    api = story["api"]
    one(api, f"request_id={story['ids']['submit']}&service=suggestion")
    answer = api.get(f"/audit/export?request_id={story['ids']['submit']}", AUDITOR, expect=200)
    assert answer.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(answer.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("时间", "人员", "角色", "操作", "路径", "对象", "结果", "状态码", "客户端地址", "请求编号", "说明")
    submitted = [r for r in rows[1:] if r[3] == "POST /api/v1/suggestions"]
    assert submitted and submitted[0][6] == "成功" and submitted[0][9] == story["ids"]["submit"]
    assert f"suggestion_id={story['suggestion']['id']}" in submitted[0][5]


def test_the_auditors_own_searches_are_recorded(story):
    api = story["api"]
    rid = f"e2e-search-{uuid.uuid4().hex[:8]}"
    api.get("/audit?outcome=denied", AUDITOR, expect=200, headers={"X-Request-Id": rid})
    record = one(api, f"request_id={rid}")
    assert record["action"] == "audit.search" and record["sub"] == "auditor-e2e" and record["role"] == "auditor"
    assert record["detail"] == "outcome=denied" and record["path"] == "/api/v1/audit"


@pytest.mark.parametrize("role", ["admin", "office", "leader", "security_admin", "public"])
def test_only_the_auditor_reads_the_trail(story, role):
    tok = None if role == "public" else token(role, sub=f"{role}-probe")
    for path in ("/audit", "/audit/export"):
        assert story["api"].get(path, tok).status_code == (401 if role == "public" else 403)


@pytest.mark.parametrize("method, path", [("PUT", "/audit/1"), ("PATCH", "/audit/1"), ("DELETE", "/audit/1"),
                                          ("DELETE", "/audit"), ("POST", "/audit"), ("PUT", "/audit")])
def test_no_route_changes_a_record(story, method, path):
    for tok in (AUDITOR, OFFICE, token("admin", sub="admin-probe")):
        answer = story["api"].call(method, "/api/v1" + path, tok, json={"outcome": "ok"})
        assert answer.status_code in (404, 405), (method, path, answer.status_code)


def test_bad_filters_name_the_filter(story):
    api = story["api"]
    answer = api.get("/audit?target_type=suggestion_id", AUDITOR, expect=422)
    assert answer.json()["error"]["details"][0]["field"] == "target_id"
    assert api.get("/audit?outcome=maybe", AUDITOR, expect=422).json()["error"]["details"][0]["field"] == "outcome"
    assert api.get("/audit?from=2026-12-02&to=2026-12-01", AUDITOR, expect=422).json()["error"]["details"][0]["field"] \
        == "from"
