"""The office's local time (services/common/localtime.py): local dates and the end of a local day."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from services.common import localtime

BEIJING = ZoneInfo("Asia/Shanghai")
LATE_EVENING_UTC = datetime(2026, 11, 26, 16, 30, tzinfo=timezone.utc)  # 00:30 on the 27th in Beijing


def test_an_instant_late_in_the_utc_evening_is_the_next_local_day():
    assert localtime.local_date(LATE_EVENING_UTC, BEIJING) == date(2026, 11, 27)
    assert localtime.local_date("2026-11-26T16:30:00+00:00", BEIJING) == date(2026, 11, 27)
    assert localtime.local_date(LATE_EVENING_UTC, ZoneInfo("UTC")) == date(2026, 11, 26)
    assert localtime.local_date(datetime(2026, 11, 26, 15, 59, 59, tzinfo=timezone.utc), BEIJING) == date(2026, 11, 26)


def test_local_datetime_is_the_wall_clock_without_a_zone():
    assert localtime.local_datetime(LATE_EVENING_UTC, BEIJING) == datetime(2026, 11, 27, 0, 30)


def test_a_value_without_an_offset_names_a_local_day_already():
    assert localtime.local_date("2026-11-26", BEIJING) == date(2026, 11, 26)
    assert localtime.local_date(None, BEIJING) is None and localtime.local_date("", BEIJING) is None


def test_end_of_local_day_is_23_59_59_there_stored_in_utc():
    end = localtime.end_of_local_day(date(2026, 11, 27), BEIJING)
    assert end == datetime(2026, 11, 27, 15, 59, 59, tzinfo=timezone.utc) and end.tzinfo == timezone.utc
    assert localtime.end_of_local_day(LATE_EVENING_UTC, BEIJING) == end  # an instant: its local day
    assert localtime.end_of_local_day(date(2026, 11, 27), ZoneInfo("UTC")) == datetime(
        2026, 11, 27, 23, 59, 59, tzinfo=timezone.utc)


def test_due_after_counts_local_days():
    assert localtime.due_after(LATE_EVENING_UTC, 90, BEIJING) == datetime(2027, 2, 25, 15, 59, 59, tzinfo=timezone.utc)


def test_the_zone_comes_from_office_timezone_and_a_bad_one_fails():
    assert localtime.zone_from({}) == BEIJING
    assert localtime.zone_from({"OFFICE_TIMEZONE": "Asia/Urumqi"}) == ZoneInfo("Asia/Urumqi")
    with pytest.raises(ValueError, match="OFFICE_TIMEZONE"):
        localtime.zone_from({"OFFICE_TIMEZONE": "Mars/Olympus"})
