"""Hostile input over real HTTP: body size (413), JSON depth/strings/numbers/Unicode (400/422),
media types (415), unknown fields, integer overflow and negative paging, the public routes'
rate limit (429) and CORS. The rate limit and CORS are checked on a second gateway replica
started here with its own settings (the suite's gateway has a rate no test reaches)."""
import json
import subprocess
import time
import urllib.error
import urllib.request
import uuid

import pytest
import requests

from tests.conftest import ROOT
from tests.e2e.client import OFFICE, Api

MIB = 1024 * 1024
ORIGIN = "https://app.example"
UNICODE = "😀 e\u0301 שלום 𠀀𪚥 ＡＢＣ１２３ 中文"  # emoji, a combining mark, RTL, CJK ext. B, full-width


def deputy(**fields) -> dict:
    return {"name": "王建国", "level": "city", "delegation": "东城代表团", **fields}


def error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, f"{response.status_code} {response.text[:300]}"
    err = response.json()["error"]
    if code:
        assert err["code"] == code, err
    return err


def fields(response) -> list[str]:
    return [d.get("field") for d in error(response, 422, "validation_failed")["details"]]


def raw(api, method, path, data: bytes, content_type: str | None = "application/json", tok=OFFICE, headers=None,
        **kw):
    headers = {**({"Content-Type": content_type} if content_type else {}), **(headers or {})}
    return api.call(method, "/api/v1" + path, tok, data=data, headers=headers, **kw)


@pytest.fixture(scope="module")
def station(system):
    return system.api.post("/stations", OFFICE, {"name": "测试联络站", "type": "station", "region": f"测试区{uuid.uuid4().hex[:6]}",
                                          "address": "一号"}, expect=201).json()


@pytest.fixture(scope="module")
def replica(system):
    """A second gateway on the same system: public rate 6/min (burst 3), CORS for ORIGIN, 4 KiB bodies."""
    port = int(system.env["GATEWAY_ADDRESS"].rsplit(":", 1)[1]) + 20
    env = {**system.env, "GATEWAY_ADDRESS": f"127.0.0.1:{port}", "GATEWAY_METRICS_ADDRESS": f"127.0.0.1:{port + 1}",
           "GATEWAY_PUBLIC_RATE": "6",
           "GATEWAY_PUBLIC_BURST": "3", "GATEWAY_CORS_ORIGINS": f"{ORIGIN}, http://localhost:5173",
           "GATEWAY_MAX_BODY_BYTES": "4096"}
    with open(f"{system.env['RUN_DIR']}/gateway-replica.log", "ab") as log:
        proc = subprocess.Popen(["bash", "-c", '. scripts/env.sh && exec "$VENV/bin/nameko" run $(svc_target gateway)'],
                                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(url + "/healthz", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, "the replica gateway did not start"
            time.sleep(0.3)
        api = Api(url)
        api.metrics_url = f"http://127.0.0.1:{port + 1}/metrics"
        yield api
    finally:
        proc.terminate()
        proc.wait(timeout=15)


# body size

def test_a_body_over_the_limit_is_413_by_length_and_while_reading_chunks(api):
    big = json.dumps(deputy(name="x" * (MIB + 10))).encode()
    error(raw(api, "POST", "/deputies", big), 413, "too_large")

    def chunks(data: bytes, size: int = 64 * 1024):
        for i in range(0, len(data), size):
            yield data[i:i + size]

    error(raw(api, "POST", "/deputies", chunks(big)), 413, "too_large")  # no Content-Length
    # a chunked body within the limit is read (werkzeug alone would see an empty body)
    created = raw(api, "POST", "/deputies", chunks(json.dumps(deputy(name="分块")).encode(), 7))
    assert created.status_code == 201, created.text
    assert created.json()["name"] == "分块"


@pytest.mark.parametrize("client", ["urllib", "requests"])
def test_a_body_over_the_limit_sent_whole_gets_the_413_not_a_reset(system, client):
    # urllib and requests send the whole body before reading (curl waits for 100 Continue);
    # urllib says Connection: close, and the gateway closed on the unread rest: a reset
    url = system.url + "/api/v1/deputies"
    big = b'{"name": "' + b"x" * (8 * MIB) + b'"}'  # past what loopback's socket buffers absorb
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {OFFICE}"}
    if client == "urllib":
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(urllib.request.Request(url, data=big, headers=headers), timeout=30)
        status, answer = refused.value.code, json.loads(refused.value.read())
    else:
        response = requests.post(url, data=big, headers={**headers, "Connection": "close"}, timeout=30)
        status, answer = response.status_code, response.json()
    assert (status, answer["error"]["code"]) == (413, "too_large"), answer


def test_the_import_route_keeps_its_10_mb_and_the_public_route_its_16_kib(api, station):
    files = {"file": ("big.csv", b"x" * (2 * MIB), "text/csv")}
    assert api.call("POST", "/api/v1/suggestions/import", OFFICE, files=files).status_code not in (413, 415, 500)
    files = {"file": ("huge.csv", b"x" * (11 * 1024 * 1024), "text/csv")}
    error(api.call("POST", "/api/v1/suggestions/import", OFFICE, files=files), 413, "too_large")
    padded = {"content": "x", "qr_token": station["qr_token"], "pad": "x" * 20000}
    error(api.post(f"/stations/{station['id']}/opinions", None, padded), 413, "too_large")


def test_the_body_limit_is_a_setting(api, replica):
    body = deputy(delegation="代" * 1500)  # ~4.5 KB of UTF-8: over the replica's 4 KiB
    error(replica.post("/deputies", OFFICE, body), 413, "too_large")
    assert api.post("/deputies", OFFICE, body).status_code == 422  # the main gateway: the model's own limit


# JSON shape

def test_nesting_is_limited_and_never_a_500(api):
    nested = "x"
    for _ in range(25):
        nested = {"k": nested}
    name = fields(api.post("/deputies", OFFICE, deputy(name=nested)))[0]
    assert name.startswith("name.k.k")
    assert fields(raw(api, "POST", "/deputies", b'{"name": ' + b"[" * 100_000 + b"}")) == ["body"]
    assert fields(raw(api, "POST", "/deputies", b'{"a": ' + b'{"a": ' * 50_000 + b"1" + b"}" * 50_001)) == ["body"]


def test_hostile_bodies_with_an_idempotency_key_are_refused_the_same_way(api):
    key = {"Idempotency-Key": uuid.uuid4().hex}
    assert fields(raw(api, "POST", "/deputies", b'{"name": ' + b"[" * 100_000 + b"}", headers=key)) == ["body"]
    surrogate = b'{"name": "\\ud800", "level": "city", "delegation": "x"}'
    assert fields(raw(api, "POST", "/deputies", surrogate, headers={"Idempotency-Key": uuid.uuid4().hex})) == ["name"]


def test_strings_over_100000_characters_are_refused_naming_the_field(api):
    response = api.post("/deputies", OFFICE, deputy(delegation="长" * 100_001))
    assert fields(response) == ["delegation"] and "100000" in response.json()["error"]["message"]


def test_unknown_fields_and_unknown_query_parameters_are_refused(api):
    assert fields(api.post("/deputies", OFFICE, deputy(nickname="老王"))) == ["nickname"]
    # a filter the route does not take is never silently ignored: 400 naming it
    answer = api.get("/deputies?nickname=x&limit=1", OFFICE)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["code"] == "unknown_parameter" and "nickname" in answer.json()["error"]["message"]


# media types

@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded",
                                          "application/json; charset=iso-8859-1"])
def test_a_body_that_is_not_utf8_json_is_415(api, content_type):
    response = raw(api, "POST", "/deputies", json.dumps(deputy()).encode(), content_type)
    error(response, 415, "unsupported_media_type")


def test_json_suffix_types_and_empty_bodies_are_taken(api, station):
    created = api.post("/deputies", OFFICE, deputy(), expect=201).json()
    patched = raw(api, "PATCH", f"/deputies/{created['id']}", '{"delegation": "西城代表团"}'.encode(),
                  "application/merge-patch+json; charset=utf-8")
    assert patched.status_code == 200 and patched.json()["delegation"] == "西城代表团"
    fresh = raw(api, "POST", f"/stations/{station['id']}/qr-token", b"", None)  # no body, no type
    assert fresh.status_code == 200, fresh.text
    station["qr_token"] = fresh.json()["qr_token"]


def test_the_import_route_takes_multipart_only(api):
    error(raw(api, "POST", "/suggestions/import", b'{"file": "x"}'), 415, "unsupported_media_type")


# numbers

@pytest.mark.parametrize("query,field", [("limit=-1", "limit"), ("offset=-5", "offset"), ("limit=0", "limit"),
                                         ("limit=99999999999999999999", "limit"), ("offset=1e3", "offset"),
                                         ("station_id=9223372036854775808", "station_id")])
def test_bad_paging_and_ids_in_the_query_are_422(api, query, field):
    assert fields(api.get(f"/deputies?{query}", OFFICE)) == [field]


def test_path_ids_beyond_bigint_are_404_never_500(api):
    error(api.get(f"/deputies/{2**63}", OFFICE), 404)
    # past Python's 4,300-digit int limit werkzeug's router refuses the path itself (404, or 405
    # depending on the order it tried the rules), before any route: still the error format
    huge = api.get(f"/deputies/{'9' * 5000}", OFFICE)
    assert huge.status_code in (404, 405) and huge.json()["error"]["code"] in ("not_found", "method_not_allowed")
    api.get(f"/deputies/{2**63 - 1}", OFFICE, expect=404)


def test_paths_no_rule_can_match_answer_in_the_error_format(api):
    """A newline in a path escapes even the catch-all rule: werkzeug's router answers, as JSON."""
    answer = api.call("POST", "/api/v1/assignments/a%0Ab/follow-up", OFFICE)
    assert answer.status_code == 404 and answer.headers["Content-Type"] == "application/json"
    assert answer.json()["error"]["code"] == "not_found"


def test_integers_beyond_their_column_are_422_naming_the_field(api, station):
    sid = station["id"]
    activity = {"type": "research", "date": "2024-01-10", "summary": "调研"}
    for visitors in (2**31, 2**63, 10**30, -1):
        assert fields(api.post(f"/stations/{sid}/activities", OFFICE, {**activity, "visitors": visitors})) == ["visitors"]
    assert fields(api.post(f"/stations/{sid}/inspections", OFFICE, {"inspectors": ["张三"], "stars": 2**63})) == ["stars"]
    inspection = '{"inspectors": ["张三"], "stars": 1, "scores": {"场地": 1e999}}'.encode()
    assert fields(raw(api, "POST", f"/stations/{sid}/inspections", inspection)) == ["scores.场地"]
    assert fields(api.post("/satisfaction-tests", OFFICE, {"title": "测评", "unit_ids": [1],
                                                           "voter_count": 10**12})) == ["voter_count"]
    assert fields(api.post("/assessments", OFFICE, {"sample_size": 2**40})) == ["sample_size"]
    for seed in (2**63, -1):
        assert fields(api.post("/assessments", OFFICE, {"sample_size": 1, "seed": seed})) == ["seed"]
    assert fields(api.post("/deputies", OFFICE, deputy(station_id=2**64))) == ["station_id"]
    error(raw(api, "POST", "/deputies", b'{"name": NaN, "level": "city", "delegation": "x"}'), 400, "malformed")


# Unicode

def test_lone_surrogates_nul_and_invalid_utf8_are_refused(api):
    for name in (b'"\\ud800"', b'"a\\udfffb"', b'"\\ude00\\ud83d"'):
        body = b'{"name": ' + name + b', "level": "city", "delegation": "x"}'
        assert fields(raw(api, "POST", "/deputies", body)) == ["name"]
    assert fields(raw(api, "POST", "/deputies", b'{"name": "x", "level": "city", "delegation": "\\u0000"}')) == \
        ["delegation"]
    error(raw(api, "POST", "/deputies", b'{"name": "\xff\xfe", "level": "city", "delegation": "x"}'), 400, "malformed")
    error(raw(api, "POST", "/deputies", json.dumps(deputy()).encode("utf-16")), 400, "malformed")


def test_control_characters_do_not_break_spreadsheet_exports(api):
    world_title = "关于\x1b控制字符\x07的建议"
    lead = api.post("/deputies", OFFICE, deputy(name="王\x0b建国"), expect=201).json()
    api.post("/suggestions", OFFICE, {"title": world_title, "body": "内容", "category": "transport", "kind": "session",
                                      "session": "控制\x1b届", "lead_deputy_id": lead["id"]}, expect=201)
    report = api.get("/reports/rates.xlsx", OFFICE, params={"session": "控制\x1b届"})
    assert report.status_code == 200 and report.content[:2] == b"PK"
    export = api.get("/suggestions/export.xlsx", OFFICE, params={"session": "控制\x1b届"})
    assert export.status_code == 200 and export.content[:2] == b"PK"


@pytest.mark.parametrize("ensure_ascii", [True, False])
def test_unicode_edge_cases_round_trip(api, ensure_ascii):
    body = json.dumps(deputy(name=UNICODE, delegation="\u202e代表团\u202c"), ensure_ascii=ensure_ascii).encode()
    created = raw(api, "POST", "/deputies", body)
    assert created.status_code == 201, created.text
    again = api.get(f"/deputies/{created.json()['id']}", OFFICE, expect=200).json()
    assert (again["name"], again["delegation"]) == (UNICODE, "\u202e代表团\u202c")
    found = api.get("/deputies", OFFICE, expect=200, params={"q": UNICODE, "limit": 200}).json()["items"]
    assert again["id"] in [d["id"] for d in found]


# rate limit on public routes

def test_public_routes_are_rate_limited_per_address_on_each_replica(api, replica, station):
    for _ in range(3):  # the burst
        replica.get("/public/suggestions", expect=200)
    limited = replica.get(f"/public/stations/{station['qr_token']}")
    err = error(limited, 429, "rate_limited")
    wait = int(limited.headers["Retry-After"])
    assert 1 <= wait <= 10 and err["details"][0]["retry_after"] == wait
    error(replica.post(f"/stations/{station['id']}/opinions", None, {"content": "意见", "qr_token": station["qr_token"]}),
          429, "rate_limited")
    error(replica.call("GET", "/docs"), 429, "rate_limited")
    error(replica.call("GET", "/api/v1/openapi.json"), 429, "rate_limited")
    assert replica.call("GET", "/healthz").status_code == 200  # probes are never counted
    # with a token, or on a route that needs one, nothing is counted
    replica.get("/public/suggestions", OFFICE, expect=200)
    replica.get("/deputies?limit=1", OFFICE, expect=200)
    # the limit is per replica: the suite's gateway still answers this address
    api.get("/public/suggestions", expect=200)
    metrics = requests.get(replica.metrics_url, timeout=5).text
    assert any(line.startswith("lianxin_gateway_refused_total{") and 'code="rate_limited"' in line
               and 'status="429"' in line and float(line.split()[-1]) >= 2 for line in metrics.splitlines())


def test_the_suite_gateway_does_not_limit_these_tests(api):
    assert all(api.get("/public/suggestions?limit=1").status_code == 200 for _ in range(40))


# CORS

def test_no_cors_headers_unless_configured(api):
    pre = api.call("OPTIONS", "/api/v1/suggestions", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"})
    assert pre.status_code == 204 and "Access-Control-Allow-Origin" not in pre.headers
    assert "Access-Control-Allow-Origin" not in api.get("/public/suggestions", headers={"Origin": ORIGIN}).headers


def test_cors_preflight_and_answers_for_allowed_origins_only(replica):
    for path in ("/api/v1/suggestions", "/api/v1/deputies/12/points", "/api/v1/no/such/path"):
        pre = replica.call("OPTIONS", path, headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST",
                                                     "Access-Control-Request-Headers": "authorization,content-type"})
        assert pre.status_code == 204, (path, pre.status_code)
        assert pre.headers["Access-Control-Allow-Origin"] == ORIGIN
        assert {"POST", "PUT", "PATCH", "DELETE"} <= set(pre.headers["Access-Control-Allow-Methods"].split(", "))
        assert set(pre.headers["Access-Control-Allow-Headers"].split(", ")) == {
            "Authorization", "Content-Type", "Idempotency-Key", "X-Request-Id"}
        assert int(pre.headers["Access-Control-Max-Age"]) > 0 and "Origin" in pre.headers["Vary"]
    ok = replica.get("/deputies?limit=1", OFFICE, headers={"Origin": ORIGIN}, expect=200)
    denied = replica.get("/deputies?limit=1", headers={"Origin": ORIGIN})  # errors carry them too
    for response in (ok, denied):
        assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
        assert response.headers["Access-Control-Expose-Headers"] == "X-Request-Id, Retry-After"
        assert "Origin" in response.headers["Vary"]
    assert denied.status_code == 401
    evil = {"Origin": "https://evil.example", "Access-Control-Request-Method": "DELETE"}
    pre = replica.call("OPTIONS", "/api/v1/suggestions", headers=evil)
    assert pre.status_code == 204 and "Access-Control-Allow-Origin" not in pre.headers
    assert "Access-Control-Allow-Origin" not in replica.get("/deputies?limit=1", OFFICE, headers=evil).headers
