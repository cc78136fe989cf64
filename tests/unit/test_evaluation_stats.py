"""Pure pieces of evaluation's statistics: who sees which rates, and the SQL filters."""
from datetime import datetime, timezone

import pytest

from services.common.errors import Forbidden, ValidationFailed
from services.evaluation import projection, stats


def test_a_unit_is_held_to_its_own_unit_whatever_it_asks():
    unit = {"role": "unit", "unit_id": 4, "sub": "u4"}
    assert stats.scoped_filters(unit, {"unit_id": 9, "session": "十六届三次"}) == {"unit_id": 4, "session": "十六届三次"}
    assert stats.scoped_filters(unit, None) == {"unit_id": 4}


@pytest.mark.parametrize("role", ["office", "leader", "admin"])
def test_staff_may_filter_on_any_unit(role):
    assert stats.scoped_filters({"role": role}, {"unit_id": 9, "level": "city"}) == {"unit_id": 9, "level": "city"}


@pytest.mark.parametrize("role", ["deputy", "station", "public"])
def test_others_see_no_rates(role):
    with pytest.raises(Forbidden):
        stats.scoped_filters({"role": role}, {})


@pytest.mark.parametrize("filters, field", [({"level": "galactic"}, "level"), ({"unit_id": 0}, "unit_id"),
                                            ({"colour": "red"}, "colour")])
def test_bad_filters_are_a_422_naming_the_field(filters, field):
    with pytest.raises(ValidationFailed) as err:
        stats.scoped_filters({"role": "office"}, filters)
    assert err.value.details[0]["field"] == field


def test_filters_become_bound_parameters_only():
    where = stats._where({"session": "x'; drop table y; --", "unit_id": 3, "category": "edu", "level": "city"})
    assert where == "true AND session = :session AND unit_id = :unit_id AND category = :category " \
                    "AND level = :level"
    assert "drop" not in where


def test_event_times_are_read_leniently():
    assert projection._when("2024-06-08T09:30:00+00:00") == datetime(2024, 6, 8, 9, 30, tzinfo=timezone.utc)
    assert projection._when(None) is None and projection._when("not a date") is None


def test_long_texts_from_events_are_cut_to_the_columns():
    values = projection._fit({"title": "长" * 300, "number": "第1号", "session": None, "round": 2})
    assert len(values["title"]) == 200 and values["number"] == "第1号" and values["round"] == 2
