"""Gateway core: auth and roles, the error format, request ids, health, readiness, metrics."""
import json
import urllib.request
import uuid

import requests

from tests.e2e.client import OFFICE, World, token
from tests.polling import wait_for


def test_health_and_readiness(system):
    assert requests.get(system.url + "/healthz", timeout=5).status_code == 200
    ready = requests.get(system.url + "/readyz", timeout=10)
    assert ready.status_code == 200 and ready.json()["status"] == "ready"
    # the pod's own readiness (Kubernetes' probe) on the metrics port: its broker, no database
    own = requests.get(system.metrics_url("gateway").replace("/metrics", "/readyz"), timeout=10)
    assert own.status_code == 200, own.text
    assert own.json()["service"] == "gateway" and own.json()["checks"] == {"broker": "ok"}


def test_auth_errors_and_roles(api):
    assert api.get("/units").status_code == 401
    assert api.get("/units", "not-a-jwt").status_code == 401
    expired = token("office")
    forged = expired[:-4] + ("AAAA" if not expired.endswith("AAAA") else "BBBB")
    assert api.get("/units", forged).status_code == 401
    deputy = token("deputy", deputy_id=1)
    denied = api.post("/units", deputy, {"name": "x", "code": "y"})
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "forbidden"
    assert api.get("/units", token("deputy")).status_code == 401  # a deputy token needs deputy_id


def signed(**claims) -> str:
    """A token signed with the running gateway's key, with these claims (None: left out)."""
    import time

    import jwt

    from gateway.tokens import secret

    now = int(time.time())
    claims = {"sub": "deputy-5", "role": "deputy", "deputy_id": 5, "iat": now, "exp": now + 600, **claims}
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, secret(), algorithm="HS256")


def unauthorized(response, says: str) -> None:
    assert response.status_code == 401, response.text
    error = response.json()["error"]
    assert error["code"] == "unauthorized" and says in error["message"], error


def test_a_token_living_too_long_is_a_401_naming_why(api):
    api.get("/notifications", signed(), expect=200)
    unauthorized(api.get("/notifications", signed(exp=32503680000)), "at most 43200 s")  # exp in 2999
    unauthorized(api.get("/notifications", signed(iat=None)), "iat")
    unauthorized(api.get("/units", token("office", ttl=13 * 3600)), "at most 43200 s")


def test_claims_of_the_wrong_type_are_a_401_not_a_500(api):
    unauthorized(api.get("/notifications", signed(deputy_id="abc")), "deputy_id")
    unauthorized(api.get("/notifications", signed(deputy_id=2**63)), "deputy_id")
    unauthorized(api.get("/units", signed(role="office", unit_id=-1)), "unit_id")
    unauthorized(api.get("/units", signed(role="office", sub="")), "sub")
    unauthorized(api.get("/units", signed(role=["office"])), "role")


def test_error_format(api):
    bad = api.post("/deputies", OFFICE, {"name": "", "level": "galactic", "delegation": "x"})
    assert bad.status_code == 422
    fields = {d["field"] for d in bad.json()["error"]["details"]}
    assert fields == {"name", "level"}
    malformed = api.call("POST", "/api/v1/deputies", OFFICE, data=b"{not json",
                         headers={"Content-Type": "application/json"})
    assert malformed.status_code == 400 and malformed.json()["error"]["code"] == "malformed"
    missing = api.get("/suggestions/999999999", OFFICE)
    assert missing.status_code == 404 and "error" in missing.json()
    assert api.get("/no/such/route", OFFICE).status_code == 404
    assert api.get("/suggestions?limit=1000", OFFICE).status_code == 422


def test_hostile_values_are_answered_never_500(api):
    too_big = 2**64
    assert api.get(f"/suggestions/{too_big}", OFFICE).status_code == 404
    assert api.get(f"/suggestions?deputy_id={too_big}", OFFICE).status_code == 422
    nul = api.post("/deputies", OFFICE, {"name": "王\u0000五", "level": "city", "delegation": "东城"})
    assert nul.status_code == 422 and nul.json()["error"]["details"][0]["field"] == "name"
    assert api.get("/suggestions?q=%00", OFFICE).status_code == 422
    big = api.post("/suggestions", OFFICE, {"title": "关于测试超大编号的建议", "body": "x", "category": "other",
                                            "kind": "session", "session": "s", "lead_deputy_id": too_big})
    assert big.status_code == 422 and big.json()["error"]["details"][0]["field"] == "lead_deputy_id"
    unit = api.post("/suggestions/1/assignment", OFFICE, {"lead_unit_id": 1, "co_unit_ids": [too_big]})
    assert unit.status_code == 422 and unit.json()["error"]["details"][0]["field"].startswith("co_unit_ids")
    for body in ([], "x", 5):
        assert api.post("/deputies", OFFICE, body).status_code == 400


def test_request_id_travels_through_rpc_and_events(system, api):
    world = World(api)
    request_id = f"e2e-{uuid.uuid4().hex}"
    response = api.post("/suggestions", world.deputy_token, {
        "title": "关于加大城区幼儿园建设力度的建议", "body": "幼儿园学位紧张。", "category": "edu",
        "kind": "session", "session": "十六届三次"}, headers={"X-Request-Id": request_id})
    assert response.status_code == 201 and response.headers["X-Request-Id"] == request_id

    def logged(name):
        lines = [json.loads(line) for line in system.log(name).splitlines() if line.startswith("{")]
        return any(line.get("request_id") == request_id for line in lines)
    wait_for(lambda: logged("suggestion"), what="request id in the suggestion service's log")
    wait_for(lambda: logged("notify"), what="request id in the notify log, carried by the event")


def test_every_service_serves_metrics(system, api):
    api.get("/categories", OFFICE, expect=200)
    for service in ("suggestion", "assignment", "station", "evaluation", "notify"):
        text = requests.get(system.metrics_url(service), timeout=5).text
        assert f"{service}_rpc_requests_total" in text, service
        assert f'lianxin_outbox_backlog{{service="{service}"}}' in text, service
    assert 'suggestion_rpc_requests_total{method_name="categories"}' in \
        requests.get(system.metrics_url("suggestion"), timeout=5).text
    from prometheus_client.parser import text_string_to_metric_families

    gateway = requests.get(system.metrics_url("gateway"), timeout=5).text
    samples = [s for family in text_string_to_metric_families(gateway) for s in family.samples
               if s.name == "gateway_http_requests_total"]
    assert any(s.labels == {"http_method": "GET", "endpoint": "/api/v1/categories", "status_code": "200"}
               and s.value >= 1 for s in samples), samples


def test_metrics_answer_a_client_that_sends_no_accept_header(system):
    # urllib sends no Accept; nameko-prometheus answered it 500 (KeyError: 'HTTP_ACCEPT')
    for process in ("gateway", "suggestion", "assignment", "station", "evaluation", "notify"):
        with urllib.request.urlopen(system.metrics_url(process), timeout=5) as answer:
            assert answer.status == 200, process
            assert answer.headers["Content-Type"].startswith("text/plain"), process
            assert b"_requests_total" in answer.read(), process


def test_the_public_port_does_not_serve_the_gateways_metrics(system):
    public = requests.get(system.url + "/metrics", timeout=5)
    assert public.status_code == 404 and public.json()["error"]["code"] == "not_found"
    assert "gateway_http_requests_total" not in public.text
    assert requests.get(system.metrics_url("gateway").replace("/metrics", "/healthz"), timeout=5).status_code == 200


def test_answers_carry_security_headers(system, api):
    signed_in = api.get("/categories", OFFICE, expect=200)
    public = api.get("/public/suggestions", expect=200)
    refused = requests.request("TRACE", system.url + "/healthz", timeout=5)  # werkzeug's router: 405
    assert refused.status_code == 405
    for answer in (signed_in, public, refused):
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Cache-Control"] == "no-store"
        assert answer.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]
        assert answer.headers["Referrer-Policy"] == "no-referrer"
        assert "Strict-Transport-Security" not in answer.headers  # plain http, no trusted proxy here
    page = requests.get(system.url + "/docs", timeout=5)
    assert page.headers["Cache-Control"] == "no-cache" and "script-src 'self'" in page.headers["Content-Security-Policy"]
