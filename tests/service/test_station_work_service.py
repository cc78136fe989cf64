"""The station service's work on real PostgreSQL and RabbitMQ: activities, reception day, opinions
(staff, deputies, the public QR path and its rate limit), dispositions, points and stats."""
from datetime import date, timedelta

import pytest
from sqlalchemy import text

from services.common.clock import now
from services.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from services.station import domain
from services.station.errors import RateLimited
from services.station.service import StationService
from tests.service.conftest import truncate
from tests.service.helpers import EventListener, envelope, publish, scalar, wait_for
from tests.service.test_station_service import DEPUTY, OFFICE, TABLES, as_deputy, register_station, staff

TODAY = domain.today(now())


@pytest.fixture
def station(start_service, db, amqp):
    engine = db("station")
    truncate(engine, *TABLES)
    start_service(StationService, INTAKE_RATE_LIMIT=3, INTAKE_RATE_WINDOW=600,
                  POINTS={"reception": 2, "research": 3, "suggestion_submitted": 5, "suggestion_accepted": 5,
                          "suggestion_co_signed": 1})
    return engine


@pytest.fixture
def site(rpc, station):
    """A station with two member deputies, and a deputy who is not a member."""
    s = register_station(rpc, "观音桥街道代表联络站", "station", "江北区/观音桥街道")
    one = rpc.station.register_deputy(OFFICE, {**DEPUTY, "station_id": s["id"]})
    two = rpc.station.register_deputy(OFFICE, {**DEPUTY, "name": "李四", "station_id": s["id"]})
    outsider = rpc.station.register_deputy(OFFICE, {**DEPUTY, "name": "王五"})
    return {"station": s, "id": s["id"], "one": one, "two": two, "outsider": outsider}


def activity(type_="reception", day=None, deputy_ids=(), visitors=12):
    return {"type": type_, "date": (day or TODAY).isoformat(), "deputy_ids": list(deputy_ids),
            "visitors": visitors, "summary": "接待选民，收集意见。"}


def points(rpc, deputy_id):
    return rpc.station.deputy_points(OFFICE, deputy_id)


def test_activities_need_member_deputies_and_earn_traceable_points(rpc, amqp, site):
    listener = EventListener(amqp, "station.activity_logged")
    one, two = site["one"]["id"], site["two"]["id"]

    reception = rpc.station.log_activity(staff(site["id"]), site["id"], activity("reception", deputy_ids=[one, two]))
    research = rpc.station.log_activity(as_deputy(one), site["id"], activity("research", deputy_ids=[one]))
    rpc.station.log_activity(staff(site["id"]), site["id"], activity("training", deputy_ids=[two]))  # worth 0

    [event] = listener.wait("station.activity_logged")
    assert event["payload"]["activity_id"] == reception["id"] and event["payload"]["deputy_ids"] == [one, two]
    assert event["payload"]["visitors"] == 12 and event["payload"]["type"] == "reception"
    mine = points(rpc, one)
    assert mine["points"] == 5 and mine["by_reason"] == {"reception": 2, "research": 3}
    assert {(p["reason"], p["points"], p["source_type"], p["source_id"]) for p in mine["items"]} == {
        ("reception", 2, "activity", str(reception["id"])), ("research", 3, "activity", str(research["id"]))}
    assert points(rpc, two)["points"] == 2
    listed = rpc.station.list_activities(OFFICE, site["id"], {"type": "reception"})
    assert [a["id"] for a in listed["items"]] == [reception["id"]]

    with pytest.raises(ValidationFailed) as err:
        rpc.station.log_activity(OFFICE, site["id"], activity(deputy_ids=[one, site["outsider"]["id"]]))
    assert err.value.details[0]["field"] == "deputy_ids"
    with pytest.raises(Forbidden):  # a deputy logs only where they are a member
        rpc.station.log_activity(as_deputy(site["outsider"]["id"]), site["id"], activity())
    with pytest.raises(NotFound):
        rpc.station.log_activity(staff(site["id"] + 1), site["id"], activity())
    with pytest.raises(ValidationFailed) as err:
        rpc.station.log_activity(OFFICE, site["id"], activity(day=TODAY + timedelta(days=2)))
    assert err.value.details[0]["field"] == "date"
    with pytest.raises(ValidationFailed) as err:
        rpc.station.log_activity(OFFICE, site["id"], {**activity(), "type": "party", "visitors": -1})
    assert {d["field"] for d in err.value.details} == {"type", "visitors"}
    with pytest.raises(Forbidden):  # points: the deputy themself or the office
        rpc.station.deputy_points(as_deputy(two), one)
    assert rpc.station.deputy_points(as_deputy(one), one)["points"] == 5


def test_missed_receptions_lists_stations_without_a_reception_on_the_day(rpc, site):
    day = domain.reception_day(2026, 9)  # 2026-09-10
    held = site["station"]
    missed = rpc.station.register_station(OFFICE, {"name": "建新社区联络点", "type": "point",
                                                   "region": "江北区/观音桥街道/建新社区", "address": "建新路1号",
                                                   "established_on": "2026-01-01"})
    wrong_day = rpc.station.register_station(OFFICE, {"name": "渝中区联络站", "type": "station",
                                                      "region": "渝中区/解放碑街道", "address": "解放碑1号",
                                                      "established_on": "2026-01-01"})
    rpc.station.register_station(OFFICE, {"name": "新设联络站", "type": "station", "region": "江北区/五里店街道",
                                          "address": "五里店1号", "established_on": "2026-10-01"})  # not yet then
    with station_created_on(rpc, held["id"], date(2025, 1, 1)):
        rpc.station.log_activity(OFFICE, held["id"], activity("reception", day=day))
        rpc.station.log_activity(OFFICE, wrong_day["id"], activity("reception", day=day + timedelta(days=1)))
        rpc.station.log_activity(OFFICE, missed["id"], activity("research", day=day))

        result = rpc.station.missed_receptions(OFFICE, "2026-09")

        assert result["reception_day"] == date(2026, 9, 10) and result["pending"] is False
        assert [s["id"] for s in result["items"]] == [missed["id"], wrong_day["id"]]
        assert [s["id"] for s in rpc.station.missed_receptions(OFFICE, "2026-09", {"region": "江北区"})["items"]] \
            == [missed["id"]]
    future = rpc.station.missed_receptions(OFFICE, f"{TODAY.year + 1}-01")
    assert future["pending"] is True and future["items"] == []
    with pytest.raises(ValidationFailed) as err:
        rpc.station.missed_receptions(OFFICE, "2026-13")
    assert err.value.details[0]["field"] == "month"


class station_created_on:
    """Back-date a station's registration (the registry's own date; no API changes it)."""

    def __init__(self, rpc, station_id, day):
        self.station_id, self.day = station_id, day

    def __enter__(self):
        from tests.service.conftest import database_url
        from sqlalchemy import create_engine
        engine = create_engine(database_url("station"))
        with engine.begin() as conn:
            conn.execute(text("UPDATE stations SET created_at = :d WHERE id = :i"),
                         {"d": self.day, "i": self.station_id})
        engine.dispose()

    def __exit__(self, *exc):
        return False


def test_opinions_recorded_by_staff_and_deputies(rpc, amqp, site):
    listener = EventListener(amqp, "station.opinion_received")
    act = rpc.station.log_activity(OFFICE, site["id"], activity())

    by_staff = rpc.station.record_opinion(staff(site["id"]), site["id"], {
        "content": "建议在小区门口增设公交站点。", "contact": "13900000000", "activity_id": act["id"]})
    by_deputy = rpc.station.record_opinion(as_deputy(site["one"]["id"]), site["id"], {"content": "菜市场秩序混乱。"})

    assert (by_staff["channel"], by_staff["activity_id"], by_staff["status"]) == ("staff", act["id"], "open")
    assert by_deputy["channel"] == "deputy" and by_deputy["recorded_by"] == f"deputy-{site['one']['id']}"
    [event, _] = listener.wait("station.opinion_received", 2)
    assert event["payload"]["opinion_id"] == by_staff["id"] and "contact" not in event["payload"]
    assert [o["id"] for o in rpc.station.list_opinions(OFFICE, site["id"], {})["items"]] == \
        [by_deputy["id"], by_staff["id"]]
    with pytest.raises(Forbidden):
        rpc.station.record_opinion(as_deputy(site["outsider"]["id"]), site["id"], {"content": "x"})
    with pytest.raises(Forbidden):
        rpc.station.list_opinions(as_deputy(site["outsider"]["id"]), site["id"], {})
    with pytest.raises(NotFound):
        rpc.station.get_opinion(staff(site["id"] + 1), by_staff["id"])
    other = register_station(rpc, "渝中区联络站", "station", "渝中区/解放碑街道")
    other_act = rpc.station.log_activity(OFFICE, other["id"], activity())
    with pytest.raises(ValidationFailed) as err:
        rpc.station.record_opinion(OFFICE, site["id"], {"content": "x", "activity_id": other_act["id"]})
    assert err.value.details[0]["field"] == "activity_id"


def test_public_intake_keeps_only_what_was_sent_and_is_rate_limited(rpc, site, station):
    token = site["station"]["qr_token"]

    first = rpc.station.receive_public_opinion(site["id"], {"content": "路灯坏了", "qr_token": token},
                                               "203.0.113.7")

    with station.connect() as conn:  # closed at once: an open read would block the next test's TRUNCATE
        row = conn.execute(text("SELECT * FROM opinions WHERE id = :i"), {"i": first["id"]}).mappings().one()
    assert (row["channel"], row["content"], row["contact"], row["recorded_by"], row["activity_id"]) == \
        ("qr", "路灯坏了", None, None, None)
    stored = " ".join(str(v) for v in row.values())
    hits = scalar(station, "SELECT string_agg(key, ',') FROM intake_hits")
    assert "203.0.113.7" not in stored and "203.0.113.7" not in hits
    rpc.station.receive_public_opinion(site["id"], {"content": "二", "contact": "微信 abc", "qr_token": token},
                                       "203.0.113.7")
    rpc.station.receive_public_opinion(site["id"], {"content": "三", "qr_token": token}, "203.0.113.7")
    with pytest.raises(RateLimited) as err:  # the limit is 3 per 600 s in this test
        rpc.station.receive_public_opinion(site["id"], {"content": "四", "qr_token": token}, "203.0.113.7")
    assert 590 <= int(err.value.details[0]["retry_after"]) <= 600
    # another client, or another station's link, has its own count
    rpc.station.receive_public_opinion(site["id"], {"content": "五", "qr_token": token}, "198.51.100.1")
    assert scalar(station, "SELECT count(*) FROM opinions WHERE channel = 'qr'") == 4

    for wrong in ("wrong", "令牌", token[:-1]):
        with pytest.raises(NotFound):
            rpc.station.receive_public_opinion(site["id"], {"content": "x", "qr_token": wrong}, "192.0.2.1")
    other = register_station(rpc, "渝中区联络站", "station", "渝中区/解放碑街道")
    with pytest.raises(NotFound):  # a link works only for its own station
        rpc.station.receive_public_opinion(other["id"], {"content": "x", "qr_token": token}, "192.0.2.1")
    with pytest.raises(ValidationFailed) as err:
        rpc.station.receive_public_opinion(site["id"], {"content": "x" * 2001, "qr_token": token}, "192.0.2.1")
    assert err.value.details[0]["field"] == "content"


def test_public_intake_limit_holds_under_concurrency(rpc, site, station):
    token = site["station"]["qr_token"]
    replies = [rpc.station.receive_public_opinion.call_async(site["id"], {"content": f"第{i}条", "qr_token": token},
                                                             "203.0.113.99") for i in range(8)]
    outcomes = []
    for reply in replies:
        try:
            reply.result()
            outcomes.append("ok")
        except RateLimited:
            outcomes.append("limited")
    assert outcomes.count("ok") == 3 and outcomes.count("limited") == 5


def test_dispositions_and_escalation_to_a_deputy(rpc, amqp, site):
    listener = EventListener(amqp, "station.opinion_escalated")
    content = "小区门口的路灯坏了三个月，晚上出行很不方便，希望尽快修复。"
    resolved, forwarded, escalated, mine = (
        rpc.station.record_opinion(staff(site["id"]), site["id"], {"content": c})
        for c in ("咨询社保政策", "道路破损", content, "垃圾清运不及时"))

    done = rpc.station.dispose_opinion(staff(site["id"]), resolved["id"], {"action": "resolved",
                                                                          "note": "当场解答政策"})
    sent = rpc.station.dispose_opinion(staff(site["id"]), forwarded["id"], {
        "action": "forwarded", "note": "转交处理", "unit_name": "江北区城市管理局"})
    up = rpc.station.dispose_opinion(staff(site["id"]), escalated["id"], {
        "action": "escalated", "note": "转代表提建议", "deputy_id": site["two"]["id"], "category": "urban"})
    own = rpc.station.dispose_opinion(as_deputy(site["one"]["id"]), mine["id"], {"action": "escalated",
                                                                                 "note": "我来提"})

    assert done["status"] == "resolved" and done["disposition"]["by"] == f"station-{site['id']}"
    assert sent["disposition"]["unit_name"] == "江北区城市管理局"
    assert up["disposition"]["deputy_id"] == site["two"]["id"] and own["disposition"]["deputy_id"] == site["one"]["id"]
    events = listener.wait("station.opinion_escalated", 2)
    payload = next(e["payload"] for e in events if e["payload"]["opinion_id"] == escalated["id"])
    assert payload == {"opinion_id": escalated["id"], "station_id": site["id"], "station_name": "观音桥街道代表联络站",
                       "deputy_id": site["two"]["id"], "content": content,
                       "title": "关于小区门口的路灯坏了三个月，晚上出行很不方的建议", "category": "urban",
                       "actor": f"station-{site['id']}", "note": "转代表提建议"}
    with pytest.raises(Conflict):
        rpc.station.dispose_opinion(OFFICE, resolved["id"], {"action": "forwarded", "note": "x", "unit_name": "y"})
    fresh = rpc.station.record_opinion(OFFICE, site["id"], {"content": "噪音扰民"})
    for bad, field in (({"action": "forwarded", "note": "x"}, "unit_name"),
                       ({"action": "escalated", "note": "x"}, "deputy_id"),
                       ({"action": "escalated", "note": "x", "deputy_id": 999999}, "deputy_id")):
        with pytest.raises(ValidationFailed) as err:
            rpc.station.dispose_opinion(OFFICE, fresh["id"], bad)
        assert err.value.details[0]["field"] == field
    with pytest.raises(Forbidden):
        rpc.station.dispose_opinion(as_deputy(site["outsider"]["id"]), fresh["id"], {"action": "resolved",
                                                                                     "note": "x"})
    assert rpc.station.get_opinion(OFFICE, fresh["id"])["status"] == "open"


def suggestion_payload(suggestion_id, deputy_id, **more):
    return {"suggestion_id": suggestion_id, "number": 7, "number_label": "第0007号", "session": "十六届三次",
            "title": "关于修复小区路灯的建议", "category": "urban", "kind": "recess", "lead_deputy_id": deputy_id,
            "co_signer_ids": [], "status": "submitted", "at": "2026-11-20T09:30:00+00:00", **more}


def test_submitted_suggestion_links_the_opinion_and_earns_points_once(rpc, amqp, site, station):
    opinion = rpc.station.record_opinion(OFFICE, site["id"], {"content": "小区路灯坏了"})
    rpc.station.dispose_opinion(OFFICE, opinion["id"], {"action": "escalated", "note": "转代表",
                                                        "deputy_id": site["one"]["id"]})
    submitted = envelope("suggestion.submitted", suggestion_payload(
        9100, site["one"]["id"], station_opinion_id=opinion["id"], co_signer_ids=[site["two"]["id"]]))

    publish(amqp, submitted)
    publish(amqp, submitted)  # delivered twice
    publish(amqp, envelope("suggestion.accepted", suggestion_payload(9100, site["one"]["id"], status="accepted")))

    linked = wait_for(lambda: rpc.station.get_opinion(OFFICE, opinion["id"])["suggestion_id"],
                      what="the opinion linked to its suggestion")
    assert linked == 9100
    assert rpc.station.get_opinion(OFFICE, opinion["id"])["suggestion_number"] == "第0007号"
    wait_for(lambda: points(rpc, site["one"]["id"])["points"] == 10, what="5 + 5 points")
    lead = points(rpc, site["one"]["id"])
    assert {(p["reason"], p["source_id"], p["label"]) for p in lead["items"]} == {
        ("suggestion_submitted", "9100", "第0007号 关于修复小区路灯的建议"),
        ("suggestion_accepted", "9100", "第0007号 关于修复小区路灯的建议")}
    assert all(p["event_id"] for p in lead["items"])
    assert points(rpc, site["two"]["id"])["by_reason"] == {"suggestion_co_signed": 1}
    # the same suggestion submitted again under another event id still counts once
    publish(amqp, envelope("suggestion.submitted", suggestion_payload(9100, site["one"]["id"])))
    wait_for(lambda: scalar(station, "SELECT count(*) FROM processed_events") == 3, what="three distinct events handled")
    assert points(rpc, site["one"]["id"])["points"] == 10


def test_stats_per_station_and_region(rpc, site):
    other = register_station(rpc, "建新社区联络点", "point", "江北区/观音桥街道/建新社区")
    far = register_station(rpc, "渝中区联络站", "station", "渝中区/解放碑街道")
    rpc.station.log_activity(OFFICE, site["id"], activity("reception", visitors=20))
    rpc.station.log_activity(OFFICE, site["id"], activity("research", visitors=5))
    rpc.station.log_activity(OFFICE, other["id"], activity("reception", visitors=7))
    rpc.station.log_activity(OFFICE, far["id"], activity("reception", visitors=100))
    old = rpc.station.log_activity(OFFICE, site["id"], activity("reception", day=TODAY - timedelta(days=40),
                                                                visitors=1))
    ops = [rpc.station.record_opinion(OFFICE, site["id"], {"content": f"意见{i}"}) for i in range(4)]
    rpc.station.dispose_opinion(OFFICE, ops[0]["id"], {"action": "resolved", "note": "答复"})
    rpc.station.dispose_opinion(OFFICE, ops[1]["id"], {"action": "escalated", "note": "转",
                                                       "deputy_id": site["one"]["id"]})
    rpc.station.record_opinion(OFFICE, other["id"], {"content": "意见"})

    mine = rpc.station.station_stats(OFFICE, site["id"], {"from": (TODAY - timedelta(days=7)).isoformat()})
    assert {k: mine[k] for k in ("activities", "receptions", "visitors", "opinions", "handled_rate", "escalated")} \
        == {"activities": 2, "receptions": 1, "visitors": 25, "opinions": 4, "handled_rate": 0.5, "escalated": 1}
    assert rpc.station.station_stats(OFFICE, site["id"], {})["visitors"] == 26
    assert rpc.station.station_stats(OFFICE, site["id"], {"to": old["date"]})["opinions"] == 0
    region = rpc.station.region_stats(OFFICE, {"region": "江北区"})
    assert (region["stations"], region["activities"], region["receptions"], region["visitors"]) == (2, 4, 3, 33)
    assert (region["opinions"], region["handled_rate"], region["escalated"]) == (5, 0.4, 1)
    empty = rpc.station.station_stats(OFFICE, far["id"], {})
    assert empty["opinions"] == 0 and empty["handled_rate"] is None
    with pytest.raises(ValidationFailed) as err:
        rpc.station.station_stats(OFFICE, site["id"], {"from": "yesterday"})
    assert err.value.details[0]["field"] == "from"
    with pytest.raises(NotFound):
        rpc.station.station_stats(staff(far["id"]), site["id"], {})
