"""Liaison stations over HTTP: registry, standards, inspections, members, activities, the public QR
intake and its rate limit, dispositions and escalation, stats, missed receptions and points."""
import io
import os
import uuid
from datetime import datetime, timedelta, timezone

import requests
from PIL import Image

from services.station import qr
from tests.e2e.client import OFFICE, token
from tests.polling import wait_for

TODAY = (datetime.now(timezone.utc) + timedelta(hours=8)).date()  # China's calendar


class Site:
    """A fresh station (unique region) with two member deputies and one outsider, and their tokens."""

    def __init__(self, api, name="观音桥街道代表联络站"):
        self.api = api
        self.district = f"江北区{uuid.uuid4().hex[:6]}"
        self.station = api.post("/stations", OFFICE, {"name": name, "type": "station",
                                                      "region": f"{self.district}/观音桥街道",
                                                      "address": "观音桥步行街1号"}, expect=201).json()
        self.id = self.station["id"]
        self.one = api.post("/deputies", OFFICE, {"name": "王建国", "level": "county", "delegation": "江北代表团",
                                                  "station_id": self.id}, expect=201).json()
        self.two = api.post("/deputies", OFFICE, {"name": "李红梅", "level": "county", "delegation": "江北代表团"},
                            expect=201).json()
        self.outsider = api.post("/deputies", OFFICE, {"name": "赵外", "level": "county", "delegation": "渝中代表团"},
                                 expect=201).json()
        api.post(f"/stations/{self.id}/deputies", OFFICE, {"deputy_id": self.two["id"]}, expect=201)
        self.staff = token("station", sub=f"station-{self.id}", station_id=self.id)
        self.one_tok = token("deputy", sub=f"deputy-{self.one['id']}", deputy_id=self.one["id"])
        self.outsider_tok = token("deputy", sub=f"deputy-{self.outsider['id']}", deputy_id=self.outsider["id"])


def activity(type_="reception", deputy_ids=(), visitors=10, day=None):
    return {"type": type_, "date": (day or TODAY).isoformat(), "deputy_ids": list(deputy_ids), "visitors": visitors,
            "summary": "接待选民，收集意见建议。"}


def test_registry_standards_inspections_and_members(api):
    site = Site(api)
    point = api.post("/stations", OFFICE, {"name": "建新社区联络点", "type": "point", "parent_id": site.id,
                                           "region": f"{site.district}/观音桥街道/建新社区", "address": "建新路2号"},
                     expect=201).json()
    listed = api.get(f"/stations?region={site.district}", site.one_tok, expect=200).json()
    assert [s["id"] for s in listed["items"]] == [site.id, point["id"]]
    assert [s["id"] for s in api.get(f"/stations?region={site.district}&type=point", OFFICE).json()["items"]] \
        == [point["id"]]
    assert api.get("/stations?stars=5", OFFICE).status_code == 422
    assert api.post("/stations", site.staff, {"name": "x", "type": "home", "region": "x", "address": "x"}) \
        .status_code == 403

    eight = dict.fromkeys(("site", "sign", "staff", "rules", "funds", "activities", "records", "results"), True)
    set_ = api.call("PUT", f"/api/v1/stations/{site.id}/standards", site.staff, {**eight, "funds": False}, expect=200)
    assert set_.json()["standards_met"] == 7 and set_.json()["standards_set_by"] == f"station-{site.id}"
    other_staff = token("station", station_id=point["id"])
    assert api.call("PUT", f"/api/v1/stations/{site.id}/standards", other_staff, eight).status_code == 404
    assert api.call("PUT", f"/api/v1/stations/{site.id}/standards", site.one_tok, eight).status_code == 403

    inspection = {"inspectors": ["李检查", "王互检"], "scores": {"阵地": 40, "制度": 38}, "note": "交叉互检"}
    api.post(f"/stations/{site.id}/inspections", OFFICE, {**inspection, "stars": 3}, expect=201)
    latest = api.post(f"/stations/{site.id}/inspections", OFFICE, {**inspection, "stars": 2}, expect=201).json()
    assert latest["station_stars"] == 2 and latest["total"] == 78
    assert api.post(f"/stations/{site.id}/inspections", site.staff, {**inspection, "stars": 3}).status_code == 403
    got = api.get(f"/stations/{site.id}", site.one_tok, expect=200).json()
    assert got["stars"] == 2 and got["standards"]["funds"] is False
    assert {d["id"] for d in got["deputies"]} == {site.one["id"], site.two["id"]}
    assert api.get(f"/stations/{site.id}/inspections", OFFICE, expect=200).json()["total"] == 2
    assert [s["id"] for s in api.get(f"/stations?region={site.district}&stars=2", OFFICE).json()["items"]] \
        == [site.id]
    assert api.get(f"/stations/{site.id}", other_staff).status_code == 404

    api.post(f"/stations/{site.id}/deputies", site.staff, {"deputy_id": site.two["id"]}, expect=409)
    api.post(f"/stations/{point['id']}/deputies", OFFICE, {"deputy_id": site.one["id"]}, expect=201)
    one = api.get(f"/deputies/{site.one['id']}", site.one_tok, expect=200).json()
    assert one["station_ids"] == [site.id, point["id"]]
    api.call("DELETE", f"/api/v1/stations/{point['id']}/deputies/{site.one['id']}", OFFICE, expect=200)
    assert api.get(f"/deputies/{site.one['id']}", OFFICE).json()["station_ids"] == [site.id]


def test_deputy_update_through_the_gateway(api):
    site = Site(api)
    path = f"/api/v1/deputies/{site.two['id']}"
    updated = api.call("PATCH", path, OFFICE, {"phone": "13911112222", "level": "city"}, expect=200).json()
    assert (updated["phone"], updated["level"], updated["name"]) == ("13911112222", "city", "李红梅")
    assert api.call("PUT", path, OFFICE, {"active": False}, expect=200).json()["active"] is False
    assert api.call("PATCH", path, site.staff, {"active": True}).status_code == 403
    bad = api.call("PATCH", path, OFFICE, {"level": "village"})
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "level"
    assert api.call("PATCH", "/api/v1/deputies/99999999", OFFICE, {"name": "x"}).status_code == 404
    assert api.get(f"/deputies/{site.two['id']}", site.outsider_tok).status_code == 404


def test_activities_points_stats_and_missed_receptions(api):
    site = Site(api)
    one, two = site.one["id"], site.two["id"]
    reception = api.post(f"/stations/{site.id}/activities", site.one_tok,
                         activity("reception", [one, two], visitors=30), expect=201).json()
    api.post(f"/stations/{site.id}/activities", site.staff, activity("research", [one], visitors=4), expect=201)
    assert api.post(f"/stations/{site.id}/activities", site.outsider_tok, activity()).status_code == 403
    stranger = api.post(f"/stations/{site.id}/activities", site.staff, activity(deputy_ids=[site.outsider["id"]]))
    assert stranger.status_code == 422 and stranger.json()["error"]["details"][0]["field"] == "deputy_ids"
    listed = api.get(f"/stations/{site.id}/activities?from={TODAY.isoformat()}", site.one_tok, expect=200).json()
    assert listed["total"] == 2 and reception["id"] in [a["id"] for a in listed["items"]]
    assert api.get(f"/stations/{site.id}/activities?from=soon", OFFICE).status_code == 422

    points = api.get(f"/deputies/{one}/points", site.one_tok, expect=200).json()
    assert points["points"] == 5 and points["by_reason"] == {"reception": 2, "research": 3}
    assert {(p["source_type"], p["reason"]) for p in points["items"]} == {("activity", "reception"),
                                                                          ("activity", "research")}
    assert api.get(f"/deputies/{one}/points", token("deputy", deputy_id=two)).status_code == 403

    for text in ("路灯坏了", "噪音扰民"):
        api.post(f"/stations/{site.id}/opinions", site.staff, {"content": text}, expect=201)
    first = api.get(f"/stations/{site.id}/opinions", site.staff, expect=200).json()["items"][0]
    api.post(f"/opinions/{first['id']}/disposition", site.staff, {"action": "resolved", "note": "当场答复"},
             expect=200)
    stats = api.get(f"/stations/{site.id}/stats", site.one_tok, expect=200).json()
    assert {k: stats[k] for k in ("activities", "receptions", "visitors", "opinions", "handled_rate", "escalated")} \
        == {"activities": 2, "receptions": 1, "visitors": 34, "opinions": 2, "handled_rate": 0.5, "escalated": 0}
    region = api.get(f"/stations/stats?region={site.district}", OFFICE, expect=200).json()
    assert (region["stations"], region["visitors"], region["opinions"]) == (1, 34, 2)
    assert api.get(f"/stations/stats?region={site.district}", site.staff).status_code == 403

    # a station established long ago with no reception on last month's reception day is listed
    last_month = (TODAY.replace(day=1) - timedelta(days=1))
    month = last_month.strftime("%Y-%m")
    old = api.post("/stations", OFFICE, {"name": "老联络站", "type": "station", "region": f"{site.district}/五里店街道",
                                         "address": "五里店1号", "established_on": "2020-01-01"}, expect=201).json()
    held = api.post("/stations", OFFICE, {"name": "守时联络站", "type": "station", "region": f"{site.district}/华新街道",
                                          "address": "华新街1号", "established_on": "2020-01-01"}, expect=201).json()
    api.post(f"/stations/{held['id']}/activities", OFFICE,
             activity("reception", day=last_month.replace(day=10)), expect=201)
    missed = api.get(f"/stations/missed-receptions?month={month}&region={site.district}", OFFICE, expect=200).json()
    assert missed["reception_day"] == last_month.replace(day=10).isoformat()
    assert [s["id"] for s in missed["items"]] == [old["id"]]  # site was registered after that day
    assert api.get("/stations/missed-receptions?month=2026-13", OFFICE).status_code == 422
    assert api.get(f"/stations/missed-receptions?month={month}", site.staff).status_code == 403


def test_public_qr_intake_and_its_rate_limit(system, api):
    site = Site(api)
    qr_token = site.station["qr_token"]
    public = api.get(f"/public/stations/{qr_token}", expect=200).json()
    assert public == {"id": site.id, "name": site.station["name"], "type": "station",
                      "region": site.station["region"], "address": "观音桥步行街1号"}
    assert api.get("/public/stations/no-such-token").status_code == 404

    sent = api.post(f"/stations/{site.id}/opinions", None, {"content": "小区路灯坏了", "contact": "13800001111",
                                                            "qr_token": qr_token}, expect=201).json()
    api.post(f"/stations/{site.id}/opinions?qr_token={qr_token}", None, {"content": "垃圾清运不及时"}, expect=201)
    stored = api.get(f"/opinions/{sent['id']}", site.staff, expect=200).json()
    assert (stored["channel"], stored["content"], stored["contact"], stored["recorded_by"]) == \
        ("qr", "小区路灯坏了", "13800001111", None)
    assert "127.0.0.1" not in str(stored)

    assert api.post(f"/stations/{site.id}/opinions", None, {"content": "x"}).status_code == 401
    assert api.post(f"/stations/{site.id}/opinions", None, {"content": "x", "qr_token": "wrong"}).status_code == 404
    assert api.post(f"/stations/{site.id}/opinions?qr_token=令牌", None, {"content": "x"}).status_code == 404
    assert api.post(f"/stations/{site.id}/opinions?qr_token=%00", None, {"content": "x"}).status_code in (404, 422)
    assert api.post(f"/stations/{2**64}/opinions", None, {"content": "x", "qr_token": qr_token}).status_code == 404
    long = api.post(f"/stations/{site.id}/opinions", None, {"content": "长" * 2001, "qr_token": qr_token})
    assert long.status_code == 422 and long.json()["error"]["details"][0]["field"] == "content"
    extra = api.post(f"/stations/{site.id}/opinions", None, {"content": "x", "name": "张三", "qr_token": qr_token})
    assert extra.status_code == 422
    huge = api.post(f"/stations/{site.id}/opinions", None, {"content": "x", "qr_token": qr_token, "pad": "x" * 20000})
    assert huge.status_code == 413

    for i in range(3):  # five per link and client in ten minutes: two were taken above
        api.post(f"/stations/{site.id}/opinions", None, {"content": f"意见{i}", "qr_token": qr_token}, expect=201)
    limited = api.post(f"/stations/{site.id}/opinions", None, {"content": "又一条", "qr_token": qr_token})
    assert limited.status_code == 429 and limited.json()["error"]["code"] == "rate_limited"
    assert 0 < int(limited.headers["Retry-After"]) <= 600
    metrics = requests.get(system.metrics_url("station"), timeout=5).text
    assert 'lianxin_station_public_intake_total{outcome="rate_limited"}' in metrics
    # another station's link is counted on its own
    other = Site(api, name="五里店街道代表联络站")
    api.post(f"/stations/{other.id}/opinions", None, {"content": "意见", "qr_token": other.station["qr_token"]},
             expect=201)
    assert api.get(f"/stations/{site.id}/opinions?status=open", site.staff).json()["total"] == 5
    # a new link: the old one stops working, the new one has its own count
    fresh = api.post(f"/stations/{site.id}/qr-token", site.staff, expect=200).json()["qr_token"]
    assert fresh != qr_token
    assert api.post(f"/stations/{site.id}/opinions", None, {"content": "x", "qr_token": qr_token}).status_code == 404
    api.post(f"/stations/{site.id}/opinions", None, {"content": "新链接", "qr_token": fresh}, expect=201)
    assert api.post(f"/stations/{site.id}/qr-token", site.one_tok).status_code == 403


def test_qr_png_is_the_code_of_the_public_link(api):
    site = Site(api)
    response = api.get(f"/stations/{site.id}/qr.png", site.staff, expect=200)
    assert response.headers["Content-Type"] == "image/png"
    url = f"{os.environ.get('PUBLIC_BASE_URL', 'http://127.0.0.1:8000').rstrip('/')}/s/{site.station['qr_token']}"
    assert response.headers["X-Qr-Url"] == url
    image = Image.open(io.BytesIO(response.content)).convert("L")
    expected = qr.matrix(url)
    assert image.size == (len(expected) * qr.BOX,) * 2
    modules = [[image.getpixel((x * qr.BOX + qr.BOX // 2, y * qr.BOX + qr.BOX // 2)) < 128
                for x in range(len(expected))] for y in range(len(expected))]
    assert modules == expected
    assert api.get(f"/stations/{site.id}/qr.png").status_code == 401
    assert api.get(f"/stations/{site.id}/qr.png", token("station", station_id=site.id + 1)).status_code == 404


def test_dispositions_escalation_and_suggestion_points(api):
    site = Site(api)
    forwarded = api.post(f"/stations/{site.id}/opinions", site.one_tok, {"content": "道路破损严重"}, expect=201).json()
    escalated = api.post(f"/stations/{site.id}/opinions", site.staff,
                         {"content": "小区周边缺少公共停车位，居民停车难问题突出，建议统筹规划。"}, expect=201).json()
    api.post(f"/opinions/{forwarded['id']}/disposition", site.one_tok, {"action": "forwarded", "note": "转交",
                                                                       "unit_name": "区城市管理局"}, expect=200)
    up = api.post(f"/opinions/{escalated['id']}/disposition", site.staff,
                  {"action": "escalated", "note": "转代表形成建议", "deputy_id": site.one["id"]}, expect=200).json()
    assert up["status"] == "escalated" and up["disposition"]["deputy_id"] == site.one["id"]
    assert api.post(f"/opinions/{escalated['id']}/disposition", site.staff,
                    {"action": "resolved", "note": "x"}).status_code == 409
    assert api.post(f"/opinions/{forwarded['id']}/disposition", site.outsider_tok,
                    {"action": "resolved", "note": "x"}).status_code == 403
    # the deputy hears of it (notify consumes station.opinion_escalated)
    wait_for(lambda: any(n["type"] == "station.opinion_escalated"
                         for n in api.get("/notifications", site.one_tok, expect=200).json()["items"]),
             what="the deputy notified of the escalated opinion")

    # suggestions earn points: submitted (+5) and accepted (+5), each traceable to the suggestion
    s = api.post("/suggestions", site.one_tok, {
        "title": "关于增设小区周边公共停车位的建议", "body": "建议统筹规划停车位。", "category": "urban",
        "kind": "recess", "session": "十六届三次", "source": "station"}, expect=201).json()
    api.post(f"/suggestions/{s['id']}/screening", OFFICE, {"decision": "accept"}, expect=200)
    points = wait_for(lambda: (p := api.get(f"/deputies/{site.one['id']}/points", OFFICE, expect=200).json())
                      ["points"] == 10 and p, what="5 + 5 points for the suggestion")
    assert {(p["reason"], p["source_type"], p["source_id"]) for p in points["items"]} == {
        ("suggestion_submitted", "suggestion", str(s["id"])), ("suggestion_accepted", "suggestion", str(s["id"]))}


def test_escalated_opinion_becomes_a_draft_that_links_back_when_submitted(api):
    site = Site(api)
    opinion = api.post(f"/stations/{site.id}/opinions", site.staff, {"content": "学校门口上下学时段交通拥堵严重"},
                       expect=201).json()
    api.post(f"/opinions/{opinion['id']}/disposition", site.staff,
             {"action": "escalated", "note": "转代表", "deputy_id": site.one["id"], "category": "transport"},
             expect=200)
    draft = wait_for(lambda: next((s for s in api.get("/suggestions?status=draft", site.one_tok, expect=200)
                                   .json()["items"] if s.get("station_opinion_id") == opinion["id"]), None),
                     what="a draft owned by the deputy")
    api.post(f"/suggestions/{draft['id']}/submit", site.one_tok, {"session": "十六届三次"}, expect=200)
    linked = wait_for(lambda: api.get(f"/opinions/{opinion['id']}", site.staff, expect=200).json()["suggestion_id"],
                      what="the opinion linked to the submitted suggestion")
    assert linked == draft["id"]
