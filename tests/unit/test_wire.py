"""RPC and event bodies in UTF-8 (services/common/wire.py): the Chinese text as itself, not \\uXXXX."""
import datetime as dt
import json
import uuid
from decimal import Decimal

from kombu import serialization
from kombu.utils import json as kombu_json

import services.common.amqp  # noqa: F401 - every process that publishes imports it: it registers wire


def test_json_bodies_are_utf8_and_half_the_size_of_escaped_ones():
    page = {"result": {"items": [{"title": "关于加装电梯的建议", "body": "老旧小区" * 100}]}, "error": None}
    content_type, encoding, body = serialization.dumps(page, serializer="json")
    assert (content_type, encoding) == ("application/json", "utf-8")
    assert isinstance(body, bytes)
    assert "关于加装电梯的建议".encode() in body and b"\\u" not in body
    escaped = json.dumps(page).encode()  # what kombu's own json serializer sent
    assert len(body) < 0.6 * len(escaped)


def test_either_form_decodes_to_the_same_value_with_kombus_types():
    value = {"at": dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.timezone.utc), "day": dt.date(2026, 12, 1),
             "clock": dt.time(9, 30), "amount": Decimal("1.50"), "raw": b"\x00\xff", "text": "公交 5G 水",
             "nested": [{"at": dt.datetime(2026, 1, 2, 3, 4, 5, 6)}, [Decimal("2")]], 7: "an int key"}
    _, _, body = serialization.dumps(value, serializer="json")
    old = kombu_json.dumps(value).encode()  # an older process's message (ASCII-escaped)
    expected = {**value, "7": "an int key"}  # JSON keys are text, as json.dumps writes them
    del expected[7]
    assert serialization.loads(body, "application/json", "utf-8") == expected
    assert serialization.loads(old, "application/json", "utf-8") == expected
    assert json.loads(body) == json.loads(old)  # the same document kombu's json would write


def test_a_uuid_goes_as_its_string_and_an_older_processs_uuid_still_decodes():
    value = {"id": uuid.UUID(int=7)}
    _, _, body = serialization.dumps(value, serializer="json")
    assert serialization.loads(body, "application/json", "utf-8") == {"id": str(uuid.UUID(int=7))}
    old = kombu_json.dumps(value).encode()
    assert serialization.loads(old, "application/json", "utf-8") == value


def test_what_orjson_cannot_write_or_read_goes_through_kombus_json():
    big = {"n": 2 ** 70, "text": "议"}
    _, _, body = serialization.dumps(big, serializer="json")
    assert serialization.loads(body, "application/json", "utf-8") == big
    nan = b'{"rate": NaN}'  # json.dumps of a float("nan"), as an older process may have sent it
    assert str(serialization.loads(nan, "application/json", "utf-8")["rate"]) == "nan"


def test_a_body_that_only_mentions_the_marker_in_a_text_is_left_as_it_is():
    value = {"title": '关于 "__type__" 的建议', "items": [{"a": 1}]}
    _, _, body = serialization.dumps(value, serializer="json")
    assert serialization.loads(body, "application/json", "utf-8") == value


def test_text_that_is_not_unicode_goes_escaped_as_before():
    value = {"name": "a\ud800b"}  # a lone surrogate has no UTF-8 form
    _, _, body = serialization.dumps(value, serializer="json")
    assert body == b'{"name": "a\\ud800b"}'
    assert serialization.loads(body, "application/json", "utf-8") == value
