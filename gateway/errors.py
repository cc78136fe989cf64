"""Errors the gateway raises itself, and the one error format of API.md."""
import json
from datetime import date, time

import orjson
from werkzeug.wrappers import Response

from services.common.outages import RETRY_AFTER_SECONDS


class ApiError(Exception):
    """An HTTP-level error raised by the gateway itself (400, 401, 403, 404, 413, 415, 429)."""

    def __init__(self, status: int, code: str, message: str, details: list | None = None,
                 headers: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.details = details or []
        self.headers = headers or {}


def to_json(value):
    """Times in ISO 8601 / RFC 3339 ("T" between date and time, as API.md says); anything else as text."""
    return value.isoformat() if isinstance(value, (date, time)) else str(value)


# orjson leaves times and dataclasses to to_json, as json.dumps(default=to_json) did
JSON_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def json_body(data) -> bytes:
    """An answer's JSON in UTF-8, compact (orjson: a page of 20 suggestions in ~0.02 ms, not ~0.2).
    What orjson refuses (a lone surrogate, an integer beyond 64 bits) goes as json.dumps writes it."""
    try:
        return orjson.dumps(data, default=to_json, option=JSON_OPTIONS)
    except orjson.JSONEncodeError:
        pass
    text = json.dumps(data, ensure_ascii=False, default=to_json)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: only the escaped form is valid JSON in UTF-8
        return json.dumps(data, default=to_json).encode("ascii")


def json_response(status: int, data, headers: dict | None = None) -> Response:
    if status == 503:  # every 503 tells the client when to try again (API.md)
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS), **(headers or {})}
    return Response(json_body(data), status=status, headers=headers, mimetype="application/json")


def error_body(code: str, message: str, details: list | None = None) -> dict:
    return {"error": {"code": code, "message": message, "details": details or []}}
