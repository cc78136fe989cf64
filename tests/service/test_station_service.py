"""The station service on real PostgreSQL and RabbitMQ: the deputy roster and the station registry."""
import pytest
from prometheus_client import REGISTRY
from sqlalchemy import text

from services.common.errors import ValidationFailed
from services.station.service import StationService
from tests.service.conftest import truncate
from tests.service.helpers import EventListener, envelope, publish, wait_for

OFFICE = {"role": "office", "sub": "office1"}
DEPUTY = {"name": "张三", "level": "city", "delegation": "东城代表团", "phone": "13800000000",
          "email": "zhangsan@example.cn"}


@pytest.fixture
def station(start_service, db, amqp):
    engine = db("station")
    truncate(engine, "stations", "deputies", "memberships", "points", "outbox", "processed_events",
             "dead_letters")
    start_service(StationService)
    return engine


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


def test_register_station_gives_a_qr_token(rpc, station):
    one = register_station(rpc, "东华门街道代表之家", "home", "北京市东城区东华门街道")
    two = register_station(rpc, "景山街道代表联络站", "station", "北京市东城区景山街道")

    assert len(one["qr_token"]) >= 20 and one["qr_token"] != two["qr_token"]
    assert one["stars"] == 0 and one["type"] == "home"
    with pytest.raises(ValidationFailed) as err:
        rpc.station.register_station(OFFICE, {"name": "某站", "type": "kiosk", "region": "北京市",
                                              "address": "某地"})
    assert [d["field"] for d in err.value.details] == ["type"]


def test_list_stations_filters_by_region_prefix_and_type(rpc, station):
    dongcheng_home = register_station(rpc, "东华门街道代表之家", "home", "北京市东城区东华门街道")
    dongcheng_station = register_station(rpc, "景山街道代表联络站", "station", "北京市东城区景山街道")
    xicheng_station = register_station(rpc, "西长安街街道代表联络站", "station", "北京市西城区西长安街街道")
    # the region is a prefix, not a pattern: "%" and "_" match only themselves
    register_station(rpc, "某联络点", "point", "北京市东%区")

    def ids(filters):
        return [s["id"] for s in rpc.station.list_stations(OFFICE, filters)["items"]]

    assert ids({"region": "北京市东城区"}) == [dongcheng_home["id"], dongcheng_station["id"]]
    assert ids({"type": "station"}) == [dongcheng_station["id"], xicheng_station["id"]]
    assert ids({"region": "北京市东城区", "type": "station"}) == [dongcheng_station["id"]]
    assert ids({"region": "北京市东_区"}) == []
    assert ids({"region": "上海市"}) == []
    page = rpc.station.list_stations(OFFICE, {"region": "北京市"}, limit=2, offset=0)
    assert page["total"] == 4 and len(page["items"]) == 2


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
            return conn.execute(text("select reason, points, source from points where deputy_id=:d "
                                     "order by reason"), {"d": deputy["id"]}).all()
    wait_for(lambda: len(points()) == 2, what="two point entries")
    wait_for(lambda: duplicates() == skipped + 1, what="the copy skipped")
    assert [tuple(p) for p in points()] == [("suggestion_accepted", 5, "suggestion:9001"),
                                            ("suggestion_submitted", 5, "suggestion:9001")]



def duplicates() -> float:
    """The in-process counter of submitted events the station consumer skipped as already handled."""
    labels = {"consumer": "station", "type": "suggestion.submitted", "outcome": "duplicate"}
    return REGISTRY.get_sample_value("lianxin_events_handled_total", labels) or 0.0
