"""Pure data generation of scripts.demo."""
import random
import re
import string

import pytest

from scripts.demo_data import (CATEGORIES, TITLES, best_unit, co_unit, make_body, make_deputies,
                          make_stations, make_title, person_names, plan_suggestions, unit_table)

LEVELS = {"national", "provincial", "city", "county", "township"}


def test_unit_codes_and_names_are_unique():
    units = unit_table()
    assert len(units) >= 30
    codes = [u["code"] for u in units]
    names = [u["name"] for u in units]
    assert len(set(codes)) == len(codes)
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[A-Z]{2,5}", c) for c in codes)


def test_every_category_has_a_unit_among_the_default_30():
    units = unit_table(30)
    assert len(units) == 30
    covered = {c for u in units for c in u["categories"]}
    assert covered == set(CATEGORIES)
    for u in units:
        assert set(u["categories"]) <= set(CATEGORIES)
        assert u["keywords"] and u["duties"] and u["name"].startswith("市")


def test_transport_bureau_is_there_with_its_keywords():
    jt = next(u for u in unit_table() if u["code"] == "JT")
    assert jt["name"] == "市交通运输局"
    assert {"公交", "道路", "停车"} <= set(jt["keywords"])


def test_titles_are_between_5_and_100_chars_for_every_template():
    rng = random.Random(1)
    assert set(TITLES) == set(CATEGORIES)
    for category in CATEGORIES:
        for _ in range(50):
            title = make_title(category, rng)
            assert 5 <= len(title) <= 100, title
            assert title.startswith("关于") and title.endswith("的建议")
            assert "{" not in title


def test_bodies_are_filled_in():
    rng = random.Random(2)
    for category in CATEGORIES:
        body = make_body(category, rng)
        assert "{" not in body and "具体建议" in body and len(body) > 50


def test_person_names_are_distinct_chinese_names():
    names = person_names(500, random.Random(3))
    assert len(set(names)) == 500
    for name in names:
        assert 2 <= len(name) <= 3
        assert not any(ch in string.ascii_letters + string.digits for ch in name)


def test_stations_have_valid_types_and_regions():
    stations = make_stations(20, random.Random(4))
    assert len(stations) == 20
    assert {s["type"] for s in stations} == {"home", "station", "point"}
    assert len({s["name"] for s in stations}) == 20
    for s in stations:
        assert 2 <= len(s["region"].split("/")) <= 3
        assert s["address"].startswith(s["region"].split("/")[0])
    assert len({s["region"].split("/")[0] for s in stations}) >= 4  # spread over districts
    many = make_stations(60, random.Random(4))
    assert len({s["name"] for s in many}) == 60


def test_deputies_have_levels_and_stations():
    stations = make_stations(20, random.Random(5))
    deputies = make_deputies(120, stations, random.Random(5))
    assert len(deputies) == 120
    assert len({d["name"] for d in deputies}) == 120
    assert {d["level"] for d in deputies} <= LEVELS
    assert sum(d["level"] == "city" for d in deputies) > 40
    for d in deputies:
        assert 0 <= d["station"] < 20
        assert d["delegation"] == stations[d["station"]]["region"].split("/")[0] + "代表团"
        assert re.fullmatch(r"1\d{10}", d["phone"])
    assert all(d["station"] is None for d in make_deputies(3, [], random.Random(5)))


def test_best_unit_follows_category_and_keywords():
    units = unit_table()
    codes = [u["code"] for u in units]
    assert codes[best_unit(units, "transport", "关于解决安贞社区居民公交出行难问题的建议")] == "JT"
    assert codes[best_unit(units, "edu", "关于加大城区幼儿园建设力度的建议")] == "JY"
    assert codes[best_unit(units, "urban", "关于加快老旧小区加装电梯的建议")] == "ZJ"
    assert codes[best_unit(units, "eco", "治理餐饮油烟扰民问题")] == "SH"
    assert codes[best_unit(units, "law", "关于加强电信网络诈骗防范宣传的建议")] == "GA"
    # a category nobody in the subset handles still gets a unit
    assert best_unit(units[:1], "finance", "财政") == 0
    co = co_unit(units, codes.index("JT"), "transport", "地铁站附近治安巡逻")
    assert co is not None and codes[co] == "GA"


def test_plan_spreads_categories_and_lifecycle_steps_are_consistent():
    units = unit_table(30)
    plans = plan_suggestions(300, 120, units, random.Random(6))
    assert len(plans) == 300
    assert len({p["category"] for p in plans}) == len(CATEGORIES)
    assert len({p["title"] for p in plans}) > 200
    accepted = [p for p in plans if p["screening"] == "accept"]
    returned = [p for p in plans if p["screening"] == "return"]
    assert 0.75 * 300 < len(accepted) < 0.97 * 300
    assert 0 < len(returned) < 0.15 * 300
    assert all(p["return_reason"] for p in returned)
    assigned = [p for p in plans if p["lead_unit"] is not None]
    assert len(assigned) > 0.7 * len(accepted)
    replied = [p for p in plans if p["reply"]]
    assert len(replied) > 100 and {p["reply"] for p in replied} == {"A", "B", "C"}
    assert any(p["rating"] for p in plans)
    for p in plans:
        assert 0 <= p["lead"] < 120 and p["lead"] not in p["co_signers"]
        assert len(set(p["co_signers"])) == len(p["co_signers"])
        if p["lead_unit"] is not None:
            assert p["screening"] == "accept"
            assert p["category"] in units[p["lead_unit"]]["categories"]
            assert p["lead_unit"] not in p["co_units"]
        if p["reply"]:
            assert p["sign"] and p["lead_unit"] is not None
        if p["rating"]:
            assert p["reply"]
            assert p["rating"] in {"satisfied", "basic", "dissatisfied"}


def test_plan_is_deterministic_for_a_seed():
    units = unit_table()
    a = plan_suggestions(50, 10, units, random.Random(7))
    b = plan_suggestions(50, 10, units, random.Random(7))
    assert a == b


@pytest.mark.parametrize("n", [0, 1])
def test_plan_handles_tiny_inputs(n):
    plans = plan_suggestions(5, n, [], random.Random(8))
    assert all(p["lead_unit"] is None for p in plans)
