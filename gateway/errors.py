"""Errors the gateway raises itself, and the one error format of API.md."""
import json
from datetime import date, time

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


def json_response(status: int, data, headers: dict | None = None) -> Response:
    if status == 503:  # every 503 tells the client when to try again (API.md)
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS), **(headers or {})}
    return Response(json.dumps(data, ensure_ascii=False, default=to_json), status=status,
                    headers=headers, mimetype="application/json")


def error_body(code: str, message: str, details: list | None = None) -> dict:
    return {"error": {"code": code, "message": message, "details": details or []}}
