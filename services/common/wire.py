"""JSON on the wire (RPC requests and replies, events): UTF-8, not ASCII-escaped, written and read
by orjson in kombu's own format.

kombu's ``json`` serializer escapes every non-ASCII character (``\\u516c``: six bytes where
UTF-8 takes three), so a list page of Chinese suggestions crossed RabbitMQ at about twice its
size, and each side spent CPU escaping and unescaping it (bench/README.md "Fixed cost per
read"). ``register()`` replaces the ``json`` serializer of this process: the same content type
and encoding (``application/json``, ``utf-8``) and the same format, so either form is read by
either side unchanged (a rolling upgrade mixes them safely).

The format is kombu's: a datetime, date, time, Decimal or bytes goes as kombu's marker
(``{"__type__": "datetime", "__value__": "…"}``) and comes back as the object. orjson writes and
reads a page about ten times faster than ``json`` with kombu's encoder class and per-dict
``object_hook`` (bench/README.md "JSON by orjson"); the markers are looked for only in a body
that has one. What orjson cannot write or read as kombu would — a text that is not valid Unicode
(a lone surrogate has no UTF-8 form: it goes ASCII-escaped, as before), an integer beyond 64 bits,
a NaN from an older process — goes through kombu's own functions. One difference: a ``uuid.UUID``
goes as its string, not kombu's marker (nothing here sends one: ids of events are strings).
"""
import orjson
from kombu import serialization
from kombu.utils import json as kombu_json

CONTENT_TYPE = "application/json"
MARKER = '"__type__"'
OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME
_encoder = kombu_json.JSONEncoder()


def _kombu_type(value):
    """kombu's form of what orjson leaves to us (datetime, date, time, Decimal, bytes, ``__json__``)."""
    return _encoder.default(value)


def dumps(data) -> bytes:
    """``data`` as kombu's json serializer writes it (its types: datetime, Decimal …), in UTF-8."""
    try:
        return orjson.dumps(data, default=_kombu_type, option=OPTIONS)
    except orjson.JSONEncodeError:
        pass  # a lone surrogate, an integer beyond 64 bits: kombu's own encoder
    text = kombu_json.dumps(data, ensure_ascii=False)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: only the escaped form is valid JSON in UTF-8
        return kombu_json.dumps(data).encode("ascii")


def loads(body):
    """What ``dumps`` (or kombu's json serializer, of this or an older process) wrote."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:  # an escaped lone surrogate, NaN, a huge integer: as kombu reads it
        return kombu_json.loads(body)
    # kombu hands a utf-8 body over as text; bytes, bytearray and memoryview are read as they are
    marked = MARKER in body if isinstance(body, str) else MARKER.encode() in bytes(body)
    return _revive(data) if marked else data


def _revive(value):
    """kombu's object_hook applied as json.loads would: innermost first."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)):
                value[key] = _revive(item)
        return kombu_json.object_hook(value)
    if isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, (dict, list)):
                value[index] = _revive(item)
    return value


def register() -> None:
    """Make ``serializer="json"`` write UTF-8 with orjson in this process (idempotent)."""
    serialization.register("json", dumps, loads, content_type=CONTENT_TYPE, content_encoding="utf-8")


register()
