"""Pure rules of the station service: regions, reception day, titles, rates, the intake limit, QR, rules."""
import io
from datetime import date, datetime, timedelta, timezone

import pytest
from PIL import Image

from services.common.errors import ValidationFailed
from services.common.validation import parse
from services.station import domain, qr, schemas
from services.station.rules import DEFAULT_POINTS, Rules, rules_from
from services.station.schemas import DispositionIn, InspectionIn, PublicOpinionIn, StationIn

AT = datetime(2026, 11, 10, 9, 30, tzinfo=timezone.utc)


@pytest.mark.parametrize("raw, normal", [
    ("江北区/观音桥街道/建新社区", "江北区/观音桥街道/建新社区"),
    (" 江北区 / 观音桥街道 ", "江北区/观音桥街道"),
    ("江北区／观音桥街道", "江北区/观音桥街道"),
    ("江北区", "江北区"),
])
def test_regions_are_slash_separated_paths(raw, normal):
    assert schemas.normalize_region(raw) == normal


@pytest.mark.parametrize("raw", ["", "/", "江北区//建新社区", "江北区/ /x", "/江北区"])
def test_a_region_with_an_empty_part_is_refused(raw):
    with pytest.raises(ValueError):
        schemas.normalize_region(raw)


def test_station_form_names_a_bad_region_and_normalises_a_good_one():
    form = parse(StationIn, {"name": "站", "type": "station", "region": "江北区 /观音桥街道", "address": "某路1号"})
    assert form.region == "江北区/观音桥街道"
    with pytest.raises(ValidationFailed) as err:
        parse(StationIn, {"name": "站", "type": "station", "region": "江北区//", "address": "某路1号"})
    assert [d["field"] for d in err.value.details] == ["region"]


def test_region_prefix_matches_only_beneath_and_escapes_wildcards():
    assert domain.region_prefix("江北区") == "江北区/%"
    assert domain.region_prefix("东%区_1") == "东\\%区\\_1/%"


@pytest.mark.parametrize("content, title", [
    ("小区门口的路灯坏了三个月，晚上出行很不方便，希望尽快修复。", "关于小区门口的路灯坏了三个月，晚上出行很不方的建议"),
    ("路灯坏了。", "关于路灯坏了的建议"),
    ("  多个\n空白   在这里 ", "关于多个 空白 在这里的建议"),
    ("。。。", "关于群众意见的建议"),
])
def test_suggested_title_takes_the_first_twenty_characters(content, title):
    assert domain.suggested_title(content) == title
    assert 5 <= len(title) <= 100


def test_suggested_title_is_always_5_to_100_characters():
    for content in ("a", "x" * 5000, " \n "):
        assert 5 <= len(domain.suggested_title(content)) <= 100


@pytest.mark.parametrize("year, month, day, weekend, expected", [
    (2026, 11, 10, "keep", date(2026, 11, 10)),            # a Tuesday
    (2026, 10, 10, "keep", date(2026, 10, 10)),            # a Saturday, kept
    (2026, 10, 10, "next_monday", date(2026, 10, 12)),
    (2026, 10, 10, "previous_friday", date(2026, 10, 9)),
    (2026, 5, 10, "next_monday", date(2026, 5, 11)),        # a Sunday
    (2026, 5, 10, "previous_friday", date(2026, 5, 8)),
    (2026, 11, 10, "next_monday", date(2026, 11, 10)),     # a weekday does not move
    (2026, 2, 31, "keep", date(2026, 2, 28)),              # the last day of a shorter month
])
def test_reception_day(year, month, day, weekend, expected):
    assert domain.reception_day(year, month, day, weekend) == expected


def test_reception_day_defaults_to_the_tenth_and_refuses_unknown_weekend_rules():
    assert domain.reception_day(2026, 3) == date(2026, 3, 10)
    with pytest.raises(ValueError):
        domain.reception_day(2026, 3, 10, "sometimes")


@pytest.mark.parametrize("raw", ["2026-13", "2026-1", "26-01", "2026/01", "", "abcd-ef", "2026-00"])
def test_month_must_be_yyyy_mm(raw):
    with pytest.raises(ValueError):
        domain.parse_month(raw)
    assert domain.parse_month("2026-01") == (2026, 1)


def test_handled_rate():
    assert domain.handled_rate(3, 4) == 0.75
    assert domain.handled_rate(1, 3) == 0.3333
    assert domain.handled_rate(0, 0) is None


def test_dates_are_chinas_calendar():
    late = datetime(2026, 11, 9, 17, 0, tzinfo=timezone.utc)  # 01:00 on the 10th in Beijing
    assert domain.today(late) == date(2026, 11, 10)
    lo, hi = domain.day_bounds(date(2026, 11, 10), date(2026, 11, 10))
    assert lo <= late < hi and hi - lo == timedelta(days=1)
    assert domain.day_bounds(None, None) == (None, None)
    assert domain.day_bounds(date.min, date.max)[1] is None  # the last day: no bound (not an overflow)


def test_retry_after_is_a_sliding_window():
    window = 600
    hits = [AT - timedelta(seconds=s) for s in (590, 400, 300, 200, 100)]
    assert domain.retry_after(hits[:4], AT, 5, window) is None       # four in the window: one more allowed
    assert domain.retry_after(hits, AT, 5, window) == 10               # the oldest leaves in 10 s
    old = [AT - timedelta(seconds=601)] * 10
    assert domain.retry_after(old, AT, 5, window) is None              # outside the window: forgotten
    assert domain.retry_after([AT] * 7, AT, 5, window) == 600


def test_intake_key_hides_the_address_and_depends_on_all_three():
    key = domain.intake_key("s", "token", "203.0.113.9")
    assert "203.0.113.9" not in key and len(key) == 64
    assert key == domain.intake_key("s", "token", "203.0.113.9")
    assert len({key, domain.intake_key("s", "token", "203.0.113.10"), domain.intake_key("s", "other", "203.0.113.9"),
                domain.intake_key("t", "token", "203.0.113.9")}) == 4


def test_stars_follow_the_latest_inspection_by_date_then_id():
    history = [{"id": 1, "date": date(2026, 6, 1), "stars": 3}, {"id": 2, "date": date(2026, 3, 1), "stars": 1},
               {"id": 3, "date": date(2026, 6, 1), "stars": 2}]
    assert domain.latest_inspection(history)["stars"] == 2
    assert domain.latest_inspection(history[:2])["stars"] == 3  # a back-dated one does not win
    assert domain.latest_inspection([]) is None


def test_only_an_open_opinion_may_be_disposed():
    assert domain.may_dispose("open")
    assert not any(domain.may_dispose(s) for s in ("resolved", "forwarded", "escalated"))


def test_forms_refuse_what_they_should():
    with pytest.raises(ValidationFailed) as err:
        parse(PublicOpinionIn, {"content": "x" * (schemas.OPINION_MAX_CHARS + 1)})
    assert [d["field"] for d in err.value.details] == ["content"]
    with pytest.raises(ValidationFailed) as err:  # the public may send nothing more than content and contact
        parse(PublicOpinionIn, {"content": "路灯坏了", "name": "张三", "qr_token": "t"})
    assert [d["field"] for d in err.value.details] == ["name"]
    with pytest.raises(ValidationFailed) as err:
        parse(InspectionIn, {"inspectors": [], "stars": 4, "scores": {"site": 120}})
    assert {d["field"] for d in err.value.details} == {"inspectors", "stars", "scores"}
    with pytest.raises(ValidationFailed) as err:
        parse(DispositionIn, {"action": "ignored", "note": ""})
    assert {d["field"] for d in err.value.details} == {"action", "note"}


def test_points_and_rules_come_from_config():
    assert DEFAULT_POINTS["reception"] == 2 and DEFAULT_POINTS["research"] == 3
    assert DEFAULT_POINTS["suggestion_submitted"] == 5 and DEFAULT_POINTS["suggestion_accepted"] == 5
    rules = rules_from({"POINTS": {"reception": "4", "visit": 1}, "RECEPTION_DAY": "15",
                        "RECEPTION_WEEKEND": "next_monday", "PUBLIC_BASE_URL": "https://lx.example.cn/",
                        "INTAKE_RATE_LIMIT": 3})
    assert rules.points["reception"] == 4 and rules.points["visit"] == 1 and rules.points["research"] == 3
    assert (rules.reception_day, rules.reception_weekend, rules.intake_limit) == (15, "next_monday", 3)
    assert rules.qr_url("abc") == "https://lx.example.cn/s/abc"
    assert domain.activity_points(rules.points, "training") == 0
    with pytest.raises(ValueError):
        rules_from({"RECEPTION_DAY": 40})
    assert Rules().intake_window == 600


def png_modules(data: bytes) -> list[list[bool]]:
    """Read a PNG made by qr.png back into modules (True = dark), sampling each box's centre."""
    image = Image.open(io.BytesIO(data)).convert("L")
    size = image.size[0] // qr.BOX
    return [[image.getpixel((x * qr.BOX + qr.BOX // 2, y * qr.BOX + qr.BOX // 2)) < 128 for x in range(size)]
            for y in range(size)]


def test_qr_png_is_the_code_of_the_url():
    url = "https://lianxin.example.cn/s/Xy_12-abcdefghijklmnopqrstuvwx"
    data = qr.png(url)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(data))
    expected = qr.matrix(url)
    assert image.size == (len(expected) * qr.BOX,) * 2
    assert png_modules(data) == expected
    assert png_modules(data) != qr.matrix(url + "x")


def test_client_address_trusts_only_the_configured_proxies():
    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Request

    from gateway.routes.opinions import client_address

    def request(xff=None):
        headers = {"X-Forwarded-For": xff} if xff else {}
        return Request(EnvironBuilder(headers=headers, environ_base={"REMOTE_ADDR": "10.0.0.5"}).get_environ())

    spoofed = "1.1.1.1, 203.0.113.7"  # the client wrote 1.1.1.1; the one proxy appended 203.0.113.7
    assert client_address(request(spoofed), 0) == "10.0.0.5"
    assert client_address(request(spoofed), 1) == "203.0.113.7"
    assert client_address(request(spoofed), 2) == "1.1.1.1"
    assert client_address(request(), 1) == "10.0.0.5"  # no header: the peer
    assert client_address(request("203.0.113.7"), 2) == "10.0.0.5"  # fewer entries than proxies
