"""The station service on real PostgreSQL and RabbitMQ: the deputy roster and the station registry."""
import base64
import io

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import text

from services.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from services.station import qr
from services.station.service import StationService
from tests.service.conftest import truncate
from tests.service.helpers import EventListener, envelope, publish, wait_for

OFFICE = {"role": "office", "sub": "office1"}
TABLES = ("stations", "deputies", "memberships", "points", "inspections", "activities", "opinions", "intake_hits",
          "outbox", "processed_events", "dead_letters")
DEPUTY = {"name": "张三", "level": "city", "delegation": "东城代表团", "phone": "13800000000",
          "email": "zhangsan@example.cn"}


@pytest.fixture
def station(start_service, db, amqp):
    engine = db("station")
    truncate(engine, *TABLES)
    start_service(StationService, PUBLIC_BASE_URL="https://lianxin.example.cn")
    return engine


def staff(station_id: int) -> dict:
    return {"role": "station", "sub": f"station-{station_id}", "station_id": station_id}


def as_deputy(deputy_id: int) -> dict:
    return {"role": "deputy", "sub": f"deputy-{deputy_id}", "deputy_id": deputy_id}


def register_station(rpc, name: str, type_: str, region: str) -> dict:
    return rpc.station.register_station(OFFICE, {"name": name, "type": type_, "region": region,
                                                 "address": f"{region}某街道1号"})


def test_register_deputy_publishes_deputy_registered(rpc, amqp, station):
    listener = EventListener(amqp, "station.deputy_registered")
    home = register_station(rpc, "东华门街道代表之家", "home", "北京市东城区东华门街道")

    deputy = rpc.station.register_deputy(OFFICE, {**DEPUTY, "station_id": home["id"]})

    assert deputy["id"] and deputy["name"] == "张三" and deputy["station_ids"] == [home["id"]]
    [event] = listener.wait("station.deputy_registered")
    p = event["payload"]
    assert (p["deputy_id"], p["name"], p["level"]) == (deputy["id"], "张三", "city")
    assert p["delegation"] == "东城代表团" and p["active"] is True and p["station_ids"] == [home["id"]]


def test_register_deputy_at_unknown_station_names_station_id(rpc, station):
    with pytest.raises(ValidationFailed) as err:
        rpc.station.register_deputy(OFFICE, {**DEPUTY, "station_id": 999999})
    assert [d["field"] for d in err.value.details] == ["station_id"]
    with pytest.raises(ValidationFailed) as err:
        rpc.station.register_deputy(OFFICE, {**DEPUTY, "level": "village"})
    assert [d["field"] for d in err.value.details] == ["level"]
    with station.connect() as conn:
        assert conn.execute(text("select count(*) from deputies")).scalar() == 0
        assert conn.execute(text("select count(*) from outbox")).scalar() == 0


def test_get_deputies_returns_what_was_registered(rpc, station):
    first = rpc.station.register_deputy(OFFICE, DEPUTY)
    second = rpc.station.register_deputy(OFFICE, {"name": "李四", "level": "county", "delegation": "西城代表团"})

    found = rpc.station.get_deputies([first["id"], second["id"], 999999])

    by_id = {d["id"]: d for d in found}
    assert set(by_id) == {first["id"], second["id"]}
    assert by_id[first["id"]] == first
    assert (by_id[second["id"]]["name"], by_id[second["id"]]["level"]) == ("李四", "county")
    assert rpc.station.get_deputies([]) == []


def test_deputy_search_takes_like_wildcards_literally(rpc, station):
    """q=% or q=_ once listed every deputy with their phone: the wildcards are escaped."""
    plain = rpc.station.register_deputy(OFFICE, DEPUTY)
    percent = rpc.station.register_deputy(OFFICE, {**DEPUTY, "name": "百分之%百"})
    under = rpc.station.register_deputy(OFFICE, {**DEPUTY, "name": "下_划线"})
    slash = rpc.station.register_deputy(OFFICE, {**DEPUTY, "name": "反\\斜杠"})

    def found(q):
        return [d["id"] for d in rpc.station.list_deputies(OFFICE, {"q": q})["items"]]

    assert found("%") == [percent["id"]]
    assert found("_") == [under["id"]]
    assert found("\\") == [slash["id"]]
    assert found("张") == [plain["id"]] and found("%%") == [] and found("张_") == []


def test_register_station_gives_a_qr_token(rpc, station):
    one = register_station(rpc, "东华门街道代表之家", "home", "北京市东城区东华门街道")
    two = register_station(rpc, "景山街道代表联络站", "station", "北京市东城区景山街道")

    assert len(one["qr_token"]) >= 20 and one["qr_token"] != two["qr_token"]
    assert one["stars"] == 0 and one["type"] == "home"
    with pytest.raises(ValidationFailed) as err:
        rpc.station.register_station(OFFICE, {"name": "某站", "type": "kiosk", "region": "北京市",
                                              "address": "某地"})
    assert [d["field"] for d in err.value.details] == ["type"]


def test_list_stations_filters_by_region_and_everything_beneath_it(rpc, station):
    district = register_station(rpc, "江北区代表之家", "home", "江北区")
    street = register_station(rpc, "观音桥街道代表联络站", "station", "江北区/观音桥街道")
    community = register_station(rpc, "建新社区联络点", "point", "江北区 / 观音桥街道 / 建新社区")
    register_station(rpc, "江北区外某站", "station", "江北区外/某街道")  # same leading characters, not beneath
    other = register_station(rpc, "渝中区联络站", "station", "渝中区/解放碑街道")
    register_station(rpc, "某联络点", "point", "渝%区")  # "%" and "_" match only themselves

    def ids(filters):
        return [s["id"] for s in rpc.station.list_stations(OFFICE, filters)["items"]]

    assert community["region"] == "江北区/观音桥街道/建新社区"
    assert ids({"region": "江北区"}) == [district["id"], street["id"], community["id"]]
    assert ids({"region": "江北区/观音桥街道"}) == [street["id"], community["id"]]
    assert ids({"region": "江北区/观音桥街道/"}) == [street["id"], community["id"]]
    assert ids({"type": "station", "region": "江北区"}) == [street["id"]]
    assert ids({"region": "渝_区"}) == [] and ids({"region": "渝"}) == []
    assert ids({"region": "渝中区"}) == [other["id"]]
    assert ids({"stars": 0, "type": "home"}) == [district["id"]]
    page = rpc.station.list_stations(OFFICE, {"region": "江北区"}, limit=2, offset=0)
    assert page["total"] == 3 and len(page["items"]) == 2
    with pytest.raises(ValidationFailed) as err:
        rpc.station.list_stations(OFFICE, {"region": "江北区//x"})
    assert err.value.details[0]["field"] == "region"
    # station staff see their own station only
    mine = rpc.station.list_stations({"role": "station", "sub": "s", "station_id": street["id"]}, {})
    assert [s["id"] for s in mine["items"]] == [street["id"]]


def test_region_filter_uses_the_index(station):
    with station.connect() as conn:
        conn.execute(text("SET enable_seqscan = off"))
        plan = "\n".join(r[0] for r in conn.execute(text(
            "EXPLAIN SELECT id FROM stations WHERE region = '江北区' OR region LIKE '江北区/%'")))
    assert "ix_stations_region_path" in plan, plan


def test_suggestion_events_earn_points_once(rpc, amqp, station):
    deputy = rpc.station.register_deputy(OFFICE, DEPUTY)
    payload = {"suggestion_id": 9001, "number": 1, "number_label": "第0001号", "session": "十六届三次",
               "title": "关于增开公交线路的建议", "category": "transport", "kind": "session",
               "lead_deputy_id": deputy["id"], "co_signer_ids": [], "status": "submitted",
               "at": "2024-03-10T09:30:00+00:00"}
    submitted = envelope("suggestion.submitted", payload)
    skipped = duplicates()
    publish(amqp, submitted)
    publish(amqp, envelope("suggestion.accepted", {**payload, "status": "accepted"}))
    publish(amqp, submitted)  # delivered again

    def points():
        with station.connect() as conn:
            return conn.execute(text("select reason, points, source_type || ':' || source_id from points "
                                     "where deputy_id=:d "
                                     "order by reason"), {"d": deputy["id"]}).all()
    wait_for(lambda: len(points()) == 2, what="two point entries")
    wait_for(lambda: duplicates() == skipped + 1, what="the copy skipped")
    assert [tuple(p) for p in points()] == [("suggestion_accepted", 5, "suggestion:9001"),
                                            ("suggestion_submitted", 5, "suggestion:9001")]


def duplicates() -> float:
    """The in-process counter of submitted events the station consumer skipped as already handled."""
    labels = {"consumer": "station", "type": "suggestion.submitted", "outcome": "duplicate"}
    return REGISTRY.get_sample_value("lianxin_events_handled_total", labels) or 0.0


def test_update_deputy_publishes_deputy_updated_with_the_roster_fields(rpc, amqp, station):
    listener = EventListener(amqp, "station.deputy_updated")
    deputy = rpc.station.register_deputy(OFFICE, DEPUTY)

    updated = rpc.station.update_deputy(OFFICE, deputy["id"], {"level": "provincial", "phone": None,
                                                               "active": False})

    assert (updated["level"], updated["phone"], updated["active"]) == ("provincial", None, False)
    assert updated["name"] == "张三" and updated["email"] == DEPUTY["email"]
    [event] = listener.wait("station.deputy_updated")
    assert event["payload"] == {"deputy_id": deputy["id"], "name": "张三", "level": "provincial",
                                "delegation": "东城代表团", "phone": None, "email": DEPUTY["email"],
                                "active": False, "station_ids": []}
    assert rpc.station.get_deputy(OFFICE, deputy["id"]) == updated
    # the same values again change nothing and say nothing
    assert rpc.station.update_deputy(OFFICE, deputy["id"], {"level": "provincial"}) == updated
    assert len(listener.settle(0.5)) == 1
    for bad, field in (({"name": None}, "name"), ({"level": "village"}, "level"), ({}, "body"),
                       ({"station_ids": [1]}, "station_ids")):
        with pytest.raises(ValidationFailed) as err:
            rpc.station.update_deputy(OFFICE, deputy["id"], bad)
        assert err.value.details[0]["field"] == field
    with pytest.raises(NotFound):
        rpc.station.update_deputy(OFFICE, 999999, {"name": "王五"})


def test_a_deputy_may_belong_to_several_stations(rpc, amqp, station):
    listener = EventListener(amqp, "station.deputy_updated")
    one = register_station(rpc, "观音桥街道代表联络站", "station", "江北区/观音桥街道")
    two = register_station(rpc, "建新社区联络点", "point", "江北区/观音桥街道/建新社区")
    deputy = rpc.station.register_deputy(OFFICE, {**DEPUTY, "station_id": one["id"]})

    membership = rpc.station.add_member(staff(two["id"]), two["id"], {"deputy_id": deputy["id"]})

    assert membership["station_id"] == two["id"] and membership["deputy"]["station_ids"] == [one["id"], two["id"]]
    [event] = listener.wait("station.deputy_updated")
    assert event["payload"]["station_ids"] == [one["id"], two["id"]]
    assert [d["id"] for d in rpc.station.get_station(OFFICE, two["id"])["deputies"]] == [deputy["id"]]
    with pytest.raises(Conflict):
        rpc.station.add_member(OFFICE, two["id"], {"deputy_id": deputy["id"]})
    with pytest.raises(NotFound):  # station staff act on their own station only
        rpc.station.add_member(staff(one["id"]), two["id"], {"deputy_id": deputy["id"]})
    with pytest.raises(Forbidden):
        rpc.station.add_member(as_deputy(deputy["id"]), two["id"], {"deputy_id": deputy["id"]})
    with pytest.raises(ValidationFailed) as err:
        rpc.station.add_member(OFFICE, two["id"], {"deputy_id": 999999})
    assert err.value.details[0]["field"] == "deputy_id"
    # station staff see their station's deputies, and only them
    assert [d["id"] for d in rpc.station.list_deputies(staff(two["id"]), {})["items"]] == [deputy["id"]]
    assert rpc.station.get_deputy(staff(two["id"]), deputy["id"])["id"] == deputy["id"]

    left = rpc.station.remove_member(OFFICE, one["id"], deputy["id"])

    assert left["station_ids"] == [two["id"]]
    assert listener.wait("station.deputy_updated", 2)[1]["payload"]["station_ids"] == [two["id"]]
    with pytest.raises(NotFound):
        rpc.station.get_deputy(staff(one["id"]), deputy["id"])


def test_standards_record_who_set_them_and_when(rpc, station):
    mine = register_station(rpc, "观音桥街道代表联络站", "station", "江北区/观音桥街道")
    other = register_station(rpc, "渝中区联络站", "station", "渝中区/解放碑街道")
    eight = {"site": True, "sign": True, "staff": True, "rules": True, "funds": False, "activities": True,
             "records": True, "results": False}

    result = rpc.station.set_standards(staff(mine["id"]), mine["id"], eight)

    assert result["standards"] == eight and result["standards_met"] == 6
    assert result["standards_set_by"] == f"station-{mine['id']}" and result["standards_set_at"]
    assert rpc.station.get_station(OFFICE, mine["id"])["standards"] == eight
    with pytest.raises(NotFound):
        rpc.station.set_standards(staff(mine["id"]), other["id"], eight)
    with pytest.raises(ValidationFailed) as err:
        rpc.station.set_standards(OFFICE, mine["id"], {k: v for k, v in eight.items() if k != "funds"})
    assert err.value.details[0]["field"] == "funds"


def test_stars_follow_the_latest_inspection_and_changes_are_published(rpc, amqp, station):
    listener = EventListener(amqp, "station.rating_changed")
    s = register_station(rpc, "观音桥街道代表联络站", "station", "江北区/观音桥街道")
    inspect = {"inspectors": ["李检查", "王互检"], "scores": {"阵地建设": 30, "制度建设": 25.5}, "note": "交叉互检"}

    first = rpc.station.record_inspection(OFFICE, s["id"], {**inspect, "stars": 2, "date": "2026-06-01"})
    rpc.station.record_inspection(OFFICE, s["id"], {**inspect, "stars": 3, "date": "2026-03-01"})  # older
    same = rpc.station.record_inspection(OFFICE, s["id"], {**inspect, "stars": 2, "date": "2026-07-01"})
    latest = rpc.station.record_inspection(OFFICE, s["id"], {**inspect, "stars": 1, "date": "2026-09-01"})

    assert first["total"] == 55.5 and first["station_stars"] == 2 and same["station_stars"] == 2
    assert latest["station_stars"] == 1
    got = rpc.station.get_station(OFFICE, s["id"])
    assert got["stars"] == 1 and got["latest_inspection"]["id"] == latest["id"]
    history = rpc.station.list_inspections(OFFICE, s["id"])
    assert history["total"] == 4 and [i["stars"] for i in history["items"]] == [1, 2, 2, 3]
    events = listener.wait("station.rating_changed", 2)
    assert [(e["payload"]["previous_stars"], e["payload"]["stars"]) for e in listener.settle(0.5)] == [(0, 2), (2, 1)]
    assert events[0]["payload"]["station_id"] == s["id"]
    assert [x["id"] for x in rpc.station.list_stations(OFFICE, {"stars": 1})["items"]] == [s["id"]]
    with pytest.raises(ValidationFailed) as err:
        rpc.station.record_inspection(OFFICE, s["id"], {**inspect, "stars": 2, "date": "2999-01-01"})
    assert err.value.details[0]["field"] == "date"


def test_qr_png_encodes_the_public_link(rpc, station):
    from PIL import Image

    s = register_station(rpc, "观音桥街道代表联络站", "station", "江北区/观音桥街道")

    answer = rpc.station.qr_png(OFFICE, s["id"])

    url = f"https://lianxin.example.cn/s/{s['qr_token']}"
    assert answer["url"] == url
    data = base64.b64decode(answer["png_base64"])
    image = Image.open(io.BytesIO(data)).convert("L")
    expected = qr.matrix(url)
    assert image.size == (len(expected) * qr.BOX,) * 2
    modules = [[image.getpixel((x * qr.BOX + 5, y * qr.BOX + 5)) < 128 for x in range(len(expected))]
               for y in range(len(expected))]
    assert modules == expected
    assert rpc.station.station_by_token(s["qr_token"]) == {
        "id": s["id"], "name": s["name"], "type": "station", "region": "江北区/观音桥街道",
        "address": s["address"]}
    with pytest.raises(NotFound):
        rpc.station.station_by_token("no-such-token")
    with pytest.raises(NotFound):
        rpc.station.qr_png(staff(s["id"] + 1), s["id"])
