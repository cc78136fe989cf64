"""Property-based API testing: schemathesis against /api/v1/openapi.json over the running system.

One run per caller (the seven roles and public), each over the operations that caller may call
(their `x-roles`), so generated requests get past the role check and reach the services. Any
5xx, an undocumented status or content type, or an answer that breaks its schema fails the run.
"""
import json
import os
import subprocess

import pytest
import requests

from tests.conftest import ROOT
from tests.e2e.client import OFFICE, token

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
EXAMPLES = os.environ.get("SCHEMATHESIS_EXAMPLES", "12")
ROLES = ("office", "admin", "leader", "assessor", "deputy", "unit", "station", "public")
# Writes whose random success would change what every later test of the shared system relies on:
# a generated category scheme for congress "十" (or a PUT on the default scheme) would make every
# 十六届… suggestion's "transport" a 422. Their validation is covered by the service tests
# (tests/service/test_suggestion_schemes.py) and tests/e2e/test_suggestions.py.
SHARED_REFERENCE_WRITES = {("post", "/api/v1/category-schemes"), ("put", "/api/v1/category-schemes/{scheme_id}")}


def for_caller(document: dict, role: str) -> dict:
    """The document with only the operations `role` may call (public: also health and readiness),
    without the writes of shared reference data (SHARED_REFERENCE_WRITES)."""
    paths = {}
    for path, item in document["paths"].items():
        kept = {m: op for m, op in item.items()
                if (m, path) not in SHARED_REFERENCE_WRITES
                and (role in op["x-roles"] or (role == "public" and not op["x-roles"]))}
        if kept:
            paths[path] = kept
    return {**document, "paths": paths}


@pytest.fixture(scope="module")
def callers(system):
    """Tokens whose ids name real rows, so generated requests can reach them."""
    api = system.api
    deputy = api.post("/deputies", OFFICE, {"name": "模糊测试代表", "level": "city", "delegation": "东城代表团"},
                      expect=201).json()
    unit = api.post("/units", OFFICE, {"name": "模糊测试单位", "code": "FUZZ-1", "duties": "测试",
                                       "keywords": [], "categories": []}, expect=201).json()
    station = api.post("/stations", OFFICE, {"name": "模糊测试联络站", "type": "station", "region": "东城区",
                                             "address": "测试路1号"}, expect=201).json()
    return {
        "office": token("office", sub="fuzz-office"), "admin": token("admin", sub="fuzz-admin"),
        "leader": token("leader", sub="fuzz-leader"), "assessor": token("assessor", sub="fuzz-assessor"),
        "deputy": token("deputy", sub=f"deputy-{deputy['id']}", deputy_id=deputy["id"]),
        "unit": token("unit", sub=f"unit-{unit['id']}", unit_id=unit["id"]),
        "station": token("station", sub=f"station-{station['id']}", station_id=station["id"]),
        "public": None,
    }


@pytest.mark.parametrize("role", ROLES)
def test_no_server_errors_and_answers_match_the_schema(system, callers, role, tmp_path):
    document = requests.get(system.url + "/api/v1/openapi.json", timeout=10).json()
    schema = tmp_path / f"openapi-{role}.json"
    schema.write_text(json.dumps(for_caller(document, role), ensure_ascii=False))
    command = [str(ROOT / ".venv/bin/schemathesis"), "run", str(schema), "--url", system.url,
               "--checks", CHECKS, "--max-examples", EXAMPLES, "--seed", "20261123",
               "--generation-database", "none", "--no-color", "--workers", "1",
               "--request-timeout", "30", "--report", "junit", "--report-dir", str(tmp_path)]
    if callers[role]:
        command += ["--header", f"Authorization: Bearer {callers[role]}"]
    run = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=1200)
    assert run.returncode == 0, f"schemathesis as {role}:\n{failures(run.stdout)}\n{run.stderr[-3000:]}"


def failures(output: str) -> str:
    """The failures section (with curl lines to reproduce) and the summary, not the progress bars."""
    start = output.find("= FAILURES =")
    return output[start - 30:][:20000] if start >= 0 else output[-12000:]
