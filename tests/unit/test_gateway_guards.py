"""Hostile input, the pure parts: body size, media type, JSON depth/strings/numbers/Unicode."""
import io
import json

import pytest
from eventlet.wsgi import Input
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway import guards, json_body
from gateway.errors import ApiError
from gateway.settings import settings_from
from services.common.errors import ValidationFailed

SETTINGS = settings_from({})  # config.yml's defaults
MAX_DEPTH, MAX_STRING = SETTINGS.max_json_depth, SETTINGS.max_string_chars


def parse(raw: bytes):
    return json_body.parse(raw, SETTINGS.json_limits)


def request(method="POST", data=b"", content_type="application/json", headers=None, chunked=False):
    environ = EnvironBuilder(method=method, data=data, content_type=content_type, headers=headers).get_environ()
    if chunked:  # as eventlet hands it over: no Content-Length, a chunked stream
        wire = b"".join(b"%x\r\n%s\r\n" % (len(data[i:i + 7]), data[i:i + 7]) for i in range(0, len(data), 7))
        environ["wsgi.input"] = Input(io.BytesIO(wire + b"0\r\n\r\n"), None, None, chunked_input=True)
        environ.pop("CONTENT_LENGTH", None)
        environ["HTTP_TRANSFER_ENCODING"] = "chunked"
    return Request(environ)


def refused(fn, *args, **kwargs):
    with pytest.raises((ApiError, ValidationFailed)) as info:
        fn(*args, **kwargs)
    exc = info.value
    return getattr(exc, "status", None), getattr(exc, "code", None), exc.details


# body size

def test_body_over_the_limit_by_content_length_is_413_before_reading():
    status, code, details = refused(guards.admit_body, request(data=b"x" * 101), 100)
    assert (status, code, details[0]["limit"]) == (413, "too_large", 100)
    guards.admit_body(request(data=b"x" * 100), 100)  # at the limit: taken


def test_chunked_body_is_read_up_to_the_limit_and_put_back_with_its_length():
    req = request(data=b'{"title": "' + "标题".encode() * 10 + b'"}', chunked=True)
    assert req.content_length is None
    guards.admit_body(req, 1000)
    assert req.content_length == len(req.get_data())
    assert json.loads(req.get_data())["title"] == "标题" * 10
    status, code, _ = refused(guards.admit_body, request(data=b"y" * 500, chunked=True), 499)
    assert (status, code) == (413, "too_large")


def test_broken_chunked_encoding_is_400():
    req = request(data=b"")
    req.environ["wsgi.input"] = Input(io.BytesIO(b"zz\r\nabc"), None, None, chunked_input=True)
    req.environ.pop("CONTENT_LENGTH", None)
    req.environ["HTTP_TRANSFER_ENCODING"] = "chunked"
    assert refused(guards.admit_body, req, 100)[:2] == (400, "malformed")


def test_a_refused_body_is_drained_so_the_client_reads_the_413():
    # a client that sent it whole with Connection: close got a reset from unread bytes
    req = request(data=b"x" * 5000)
    refused(guards.admit_body, req, 100)
    assert req.environ["wsgi.input"].read() == b""
    chunked = request(data=b"y" * 5000, chunked=True)
    refused(guards.admit_body, chunked, 100)
    assert chunked.environ["wsgi.input"].read() == b""


def test_draining_stops_at_its_bound():
    stream = io.BytesIO(b"z" * 1000)
    guards.drain(stream, most=300)
    assert stream.tell() == 300


def test_the_import_route_has_its_own_larger_limit():
    limit = SETTINGS.max_body_bytes
    assert guards.body_limit(True, limit) > 10 * 1024 * 1024 > guards.body_limit(False, limit)


def test_the_upload_limit_follows_attachment_max_bytes_but_never_below_the_imports():
    framing = guards.UPLOAD_MAX_BYTES - guards.UPLOAD_FILE_BYTES
    assert guards.body_limit(True, 1000, 20 * 1024 * 1024) == 20 * 1024 * 1024 + framing
    assert guards.body_limit(True, 1000, 1024) == guards.UPLOAD_MAX_BYTES  # the import keeps its 10 MB
    assert guards.body_limit(False, 1000, 20 * 1024 * 1024) == 1000
    assert settings_from({"MAX_UPLOAD_BYTES": "2048"}).max_upload_bytes == 2048
    assert settings_from({}).max_upload_bytes == 10 * 1024 * 1024


# media type

@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=utf-8",
                                          "Application/JSON; charset=UTF-8", "application/merge-patch+json"])
def test_json_media_types_are_taken(content_type):
    guards.check_media_type("POST", content_type, 10, upload=False)


@pytest.mark.parametrize("content_type", ["", "text/plain", "application/x-www-form-urlencoded",
                                          "application/json; charset=latin-1", "multipart/form-data; boundary=x",
                                          "text/json", "application/jsonp"])
def test_other_media_types_with_a_body_are_415(content_type):
    status, code, details = refused(guards.check_media_type, "PUT", content_type, 10, upload=False)
    assert (status, code, details[0]["field"]) == (415, "unsupported_media_type", "Content-Type")


def test_an_empty_body_needs_no_media_type_and_reads_are_not_checked():
    guards.check_media_type("POST", "", 0, upload=False)
    guards.check_media_type("POST", "", None, upload=False)
    guards.check_media_type("GET", "text/plain", 10, upload=False)


def test_the_import_route_takes_multipart_only():
    guards.check_media_type("POST", "multipart/form-data; boundary=abc", 10, upload=True)
    assert refused(guards.check_media_type, "POST", "application/json", 10, upload=True)[0] == 415
    assert refused(guards.check_media_type, "POST", "text/plain", 10, upload=True)[0] == 415
    guards.check_media_type("POST", "text/plain", 0, upload=True)  # empty: the route asks for the file


# JSON

def field_of(raw: bytes):
    status, code, details = refused(parse, raw)
    return status, details[0]["field"] if details else None


def test_depth_is_limited_and_named():
    parse(('{"a": ' + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "}").encode())
    deep = '{"a": {"b": ' + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "}}"
    status, field = field_of(deep.encode())
    assert status == 422 and field.startswith("a.b") and field.count(".") == MAX_DEPTH - 1


def test_nesting_past_the_parsers_own_limit_is_422_not_a_recursion_error():
    assert field_of(b'{"a": ' + b"[" * 100_000 + b"}") == (422, "body")
    assert field_of(b'{"a": ' + b'{"b": ' * 100_000 + b"}") == (422, "body")


def test_string_length_is_limited_values_and_keys():
    long = "长" * (MAX_STRING + 1)
    assert field_of(json.dumps({"ok": "x", "content": long}).encode()) == (422, "content")
    status, field = field_of(json.dumps({"meta": {long: 1}}).encode())
    assert status == 422 and field.startswith("meta.长长") and len(field) < 100
    parse(json.dumps({"content": "长" * MAX_STRING}).encode())


def test_lone_surrogates_and_nul_are_refused_with_the_field():
    assert field_of(b'{"title": "\\ud800"}') == (422, "title")
    assert field_of(b'{"votes": [{"voter": "a\\udfffb"}]}') == (422, "votes.0.voter")
    assert field_of(b'{"x": {"\\ud83d": 1}}') == (422, "x.\ud83d")
    assert field_of(b'{"note": "a\\u0000"}') == (422, "note")


def test_unicode_edge_cases_round_trip():
    text = "😀 e\u0301 שלום 𠀀𪚥 ＡＢＣ１２３ 中文 \u200f"
    assert parse(json.dumps({"t": text}).encode())["t"] == text
    assert parse(json.dumps({"t": text}, ensure_ascii=False).encode())["t"] == text
    assert parse(b'{"t": "\\ud83d\\ude00"}')["t"] == "😀"  # a valid pair is one character


def test_invalid_utf8_and_other_charsets_are_malformed():
    assert refused(parse, b'{"t": "\xff\xfe"}')[:2] == (400, "malformed")
    assert refused(parse, '{"t": "中"}'.encode("gbk"))[:2] == (400, "malformed")
    assert refused(parse, '{"t": 1}'.encode("utf-16"))[:2] == (400, "malformed")


def test_numbers_beyond_bigint_or_not_finite_are_refused():
    assert field_of(b'{"visitors": 9223372036854775808}') == (422, "visitors")
    assert field_of(b'{"n": [-9223372036854775809]}') == (422, "n.0")
    parse(b'{"n": 9223372036854775807, "m": -9223372036854775808}')
    assert field_of(b'{"score": 1e999}') == (422, "score")
    for constant in (b"NaN", b"Infinity", b"-Infinity"):
        assert refused(parse, b'{"score": ' + constant + b"}")[:2] == (400, "malformed")
    assert refused(parse, b'{"n": ' + b"9" * 5000 + b"}")[:2] == (400, "malformed")


def test_the_body_must_be_an_object():
    for raw in (b"[]", b'"x"', b"1", b"null"):
        assert refused(parse, raw)[:2] == (400, "malformed")
