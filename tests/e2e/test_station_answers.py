"""The station area's answers hold to the OpenAPI document: every route of stations, opinions and the
roster's per-deputy routes is called as a front end would, with real rows, and each answer is
validated (types, nullability, enums, date and date-time formats) against the schema the document
gives for that operation and status."""
import uuid
from datetime import datetime, timedelta, timezone


import pytest

from gateway.answers.stations import DeputyAnswer, DeputyPage
from tests.e2e.contract import Contract
from tests.e2e.client import OFFICE, token

TODAY = (datetime.now(timezone.utc) + timedelta(hours=8)).date()  # China's calendar
EIGHT = dict.fromkeys(("site", "sign", "staff", "rules", "funds", "activities", "records", "results"), True)


def model_schema(model) -> dict:
    return model.model_json_schema(mode="serialization", ref_template="#/components/schemas/{model}")


def walk(api, contract: Contract) -> None:
    """Every station-area route, with answers that exercise null and non-null fields alike."""
    c, call, v1 = contract.check, api.call, "/api/v1"
    district = f"答案区{uuid.uuid4().hex[:6]}"
    old = {"name": "老站", "type": "station", "region": f"{district}/老街道", "address": "老路1号",
           "established_on": "2019-06-01"}
    station = c(call("POST", v1 + "/stations", OFFICE, old), "POST", "/api/v1/stations", 201)
    sid = station["id"]
    assert station["established_on"] == "2019-06-01" and station["standards_set_at"] is None
    point = c(call("POST", v1 + "/stations", OFFICE, {"name": "点", "type": "point", "region": f"{district}/老街道",
                                                      "address": "点路2号", "parent_id": sid}),
              "POST", "/api/v1/stations", 201)
    assert point["parent_id"] == sid and point["established_on"] is None

    # the roster: POST /deputies (DeputyAnswer, wired in routes/reference.py), then its per-deputy routes
    one = c(call("POST", v1 + "/deputies", OFFICE, {"name": "答甲", "level": "city", "delegation": "东城代表团",
                                                    "station_id": sid, "phone": "010-1234567"}),
            "POST", "/api/v1/deputies", 201, model_schema(DeputyAnswer))
    two = c(call("POST", v1 + "/deputies", OFFICE, {"name": "答乙", "level": "township", "delegation": "东城代表团"}),
            "POST", "/api/v1/deputies", 201, model_schema(DeputyAnswer))
    assert one["station_ids"] == [sid] and two["email"] is None
    c(call("GET", v1 + f"/deputies?station_id={sid}", OFFICE), "GET", "/api/v1/deputies", 200,
      model_schema(DeputyPage))
    deputy_path = "/api/v1/deputies/{deputy_id}"
    one_tok = token("deputy", sub=f"deputy-{one['id']}", deputy_id=one["id"])
    staff = token("station", sub=f"station-{sid}", station_id=sid)
    c(call("GET", v1 + f"/deputies/{one['id']}", one_tok), "GET", deputy_path, 200)
    c(call("GET", v1 + f"/deputies/{one['id']}", staff), "GET", deputy_path, 200)
    patched = c(call("PATCH", v1 + f"/deputies/{one['id']}", OFFICE, {"phone": None, "email": "a@b.cn"}),
                "PATCH", deputy_path, 200)
    assert patched["phone"] is None and patched["email"] == "a@b.cn"
    c(call("PUT", v1 + f"/deputies/{two['id']}", OFFICE, {"active": True}), "PUT", deputy_path, 200)

    members = "/api/v1/stations/{station_id}/deputies"
    joined = c(call("POST", v1 + f"/stations/{sid}/deputies", staff, {"deputy_id": two["id"]}), "POST", members, 201)
    assert joined["deputy"]["station_ids"] == [sid]
    c(call("POST", v1 + f"/stations/{point['id']}/deputies", OFFICE, {"deputy_id": two["id"]}), "POST", members, 201)
    left = c(call("DELETE", v1 + f"/stations/{point['id']}/deputies/{two['id']}", OFFICE),
             "DELETE", members + "/{deputy_id}", 200)
    assert left["station_ids"] == [sid]

    # registry: standards, inspections, the QR link
    path = "/api/v1/stations/{station_id}"
    c(call("GET", v1 + f"/stations/{sid}", staff), "GET", path, 200)  # no inspection yet: null
    c(call("PUT", v1 + f"/stations/{sid}/standards", staff, {**EIGHT, "funds": False}), "PUT", path + "/standards")
    inspection = {"inspectors": ["检甲"], "scores": {"阵地": 40.5, "制度": 38}, "stars": 2, "note": "互检",
                  "date": (TODAY - timedelta(days=3)).isoformat()}
    recorded = c(call("POST", v1 + f"/stations/{sid}/inspections", OFFICE, inspection), "POST", path + "/inspections")
    assert recorded["station_stars"] == 2 and recorded["total"] == 78.5
    c(call("POST", v1 + f"/stations/{sid}/inspections", OFFICE, {"inspectors": ["检乙"], "stars": 1}),
      "POST", path + "/inspections", 201)  # no scores, no date: today, total 0
    detail = c(call("GET", v1 + f"/stations/{sid}", one_tok), "GET", path, 200)
    assert detail["latest_inspection"]["stars"] == 1 and detail["standards"]["funds"] is False
    assert c(call("GET", v1 + f"/stations/{sid}/inspections?limit=1", OFFICE), "GET", path + "/inspections",
             200)["total"] == 2
    rotated = c(call("POST", v1 + f"/stations/{sid}/qr-token", staff), "POST", path + "/qr-token", 200)
    public = c(call("GET", v1 + f"/public/stations/{rotated['qr_token']}"), "GET", "/api/v1/public/stations/{token}",
               200)
    assert public == {k: station[k] for k in ("id", "name", "type", "region", "address")}
    c(call("GET", v1 + f"/stations?region={district}", one_tok), "GET", "/api/v1/stations", 200)

    # activities and the points they earn
    activity = {"type": "reception", "date": TODAY.isoformat(), "deputy_ids": [one["id"]], "visitors": 12,
                "summary": "接待选民"}
    logged = c(call("POST", v1 + f"/stations/{sid}/activities", one_tok, activity), "POST", path + "/activities", 201)
    c(call("GET", v1 + f"/stations/{sid}/activities?from={TODAY}", OFFICE), "GET", path + "/activities", 200)
    points = c(call("GET", v1 + f"/deputies/{one['id']}/points", one_tok), "GET", deputy_path + "/points", 200)
    assert points["points"] == 2 and points["items"][0]["source_id"] == str(logged["id"])

    # opinions: recorded by staff, sent by the public, and disposed of three ways
    opinions = path + "/opinions"
    recorded = [c(call("POST", v1 + f"/stations/{sid}/opinions", tok, body), "POST", opinions, 201)
                for tok, body in ((staff, {"content": "路灯坏了", "contact": "138"}),
                                  (one_tok, {"content": "公交太少", "activity_id": logged["id"]}),
                                  (staff, {"content": "垃圾分类"}))]
    assert recorded[0]["disposition"] is None and recorded[1]["channel"] == "deputy"
    receipt = c(call("POST", v1 + f"/stations/{sid}/opinions", None, {"content": "扫码意见",
                                                                      "qr_token": rotated["qr_token"]}),
                "POST", opinions, 201)
    assert set(receipt) == {"id", "station_id", "status", "received_at"}
    disposal = "/api/v1/opinions/{opinion_id}/disposition"
    for opinion, body in zip(recorded, ({"action": "resolved", "note": "已修复"},
                                        {"action": "forwarded", "note": "转交", "unit_name": "市交通局"},
                                        {"action": "escalated", "note": "转为建议", "deputy_id": two["id"]})):
        done = c(call("POST", v1 + f"/opinions/{opinion['id']}/disposition", staff, body), "POST", disposal, 200)
        assert done["disposition"]["action"] == body["action"]
    c(call("GET", v1 + f"/opinions/{receipt['id']}", one_tok), "GET", "/api/v1/opinions/{opinion_id}", 200)
    listed = c(call("GET", v1 + f"/stations/{sid}/opinions", OFFICE), "GET", opinions, 200)
    assert listed["total"] == 4

    # figures
    stats = c(call("GET", v1 + f"/stations/{sid}/stats?from={TODAY - timedelta(days=30)}", staff),
              "GET", path + "/stats", 200)
    assert stats["handled_rate"] == 0.75 and stats["from"] == str(TODAY - timedelta(days=30)) and stats["to"] is None
    empty = c(call("GET", v1 + f"/stations/{point['id']}/stats", OFFICE), "GET", path + "/stats", 200)
    assert empty["handled_rate"] is None
    region = c(call("GET", v1 + f"/stations/stats?region={district}", OFFICE), "GET", "/api/v1/stations/stats", 200)
    assert region["stations"] == 2 and region["stations_by_stars"] == {"0": 1, "1": 1}
    c(call("GET", v1 + "/stations/stats?type=home", OFFICE), "GET", "/api/v1/stations/stats", 200)
    missed = "/api/v1/stations/missed-receptions"
    past = c(call("GET", v1 + f"/stations/missed-receptions?month=2020-01&region={district}", OFFICE),
             "GET", missed, 200)
    assert past["pending"] is False and [s["id"] for s in past["items"]] == [sid]
    ahead = c(call("GET", v1 + "/stations/missed-receptions?month=2099-01", OFFICE), "GET", missed, 200)
    assert ahead["pending"] is True and ahead["items"] == []


@pytest.fixture
def contract(system):
    return Contract(system.url)


def test_every_station_answer_matches_its_schema(api, contract):
    walk(api, contract)
    station_area = {(m.upper(), p) for p, item in contract.document["paths"].items() for m, op in item.items()
                    if set(op["tags"]) & {"stations", "opinions"} or p.startswith("/api/v1/deputies/{")
                    or p.startswith("/api/v1/public/stations")}
    station_area.discard(("GET", "/api/v1/stations/{station_id}/qr.png"))  # a PNG
    # the identity service's: a deputy's account (tests/e2e/test_accounts.py, schemathesis)
    station_area.discard(("POST", "/api/v1/deputies/{deputy_id}/account"))
    assert station_area - contract.checked == set()


def test_a_broken_answer_is_caught(contract):
    """The check itself can fail: a station without its qr_token, a bad enum, a time without "T"."""
    class Fake:
        status_code = 200

        def __init__(self, body):
            self.body, self.text = body, str(body)

        def json(self):
            return self.body

    good = {"id": 1, "name": "站", "type": "station", "region": "区", "address": "路", "parent_id": None,
            "qr_token": "t", "stars": 0, "standards": {}, "standards_met": 0, "standards_set_by": None,
            "standards_set_at": "2026-01-01T08:00:00+08:00", "established_on": None}
    contract.check(Fake(good), "POST", "/api/v1/stations/{station_id}/qr-token")
    for broken in ({k: v for k, v in good.items() if k != "qr_token"}, {**good, "type": "office"},
                   {**good, "standards_set_at": "2026-01-01 08:00:00+08:00"}, {**good, "stars": 4}):
        with pytest.raises(AssertionError, match="breaks its schema"):
            contract.check(Fake(broken), "POST", "/api/v1/stations/{station_id}/qr-token")


def test_period_filters_are_dates_to_the_last_day(api):
    """from/to are calendar dates (422 naming them otherwise); the last day a date can name is no 500."""
    station = api.post("/stations", OFFICE, {"name": "边界站", "type": "point", "region": "边界区",
                                             "address": "边界路1号"}, expect=201).json()
    for path in (f"/stations/{station['id']}/stats", "/stations/stats", f"/stations/{station['id']}/activities"):
        assert api.get(f"{path}?from=0001-01-01&to=9999-12-31", OFFICE).status_code == 200
        wrong = api.get(f"{path}?from=2026-01-02&to=2026-01-01", OFFICE)
        assert wrong.status_code == 422 and wrong.json()["error"]["details"][0]["field"] == "from"
        bad = api.get(f"{path}?to=2026-01-01T05:00", OFFICE)
        assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "to"
