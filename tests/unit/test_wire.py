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
    value = {"at": dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.timezone.utc), "id": uuid.UUID(int=7),
             "amount": Decimal("1.50"), "text": "公交 5G 水"}
    _, _, body = serialization.dumps(value, serializer="json")
    old = kombu_json.dumps(value).encode()  # an older process's message (ASCII-escaped)
    assert serialization.loads(body, "application/json", "utf-8") == value
    assert serialization.loads(old, "application/json", "utf-8") == value


def test_text_that_is_not_unicode_goes_escaped_as_before():
    value = {"name": "a\ud800b"}  # a lone surrogate has no UTF-8 form
    _, _, body = serialization.dumps(value, serializer="json")
    assert body == b'{"name": "a\\ud800b"}'
    assert serialization.loads(body, "application/json", "utf-8") == value
