"""Errors the gateway raises itself, and the one error format of API.md."""
import json

from werkzeug.wrappers import Response


class ApiError(Exception):
    """An HTTP-level error raised by the gateway itself (400, 401, 403, 404, 413, 415, 429)."""

    def __init__(self, status: int, code: str, message: str, details: list | None = None,
                 headers: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.details = details or []
        self.headers = headers or {}


def json_response(status: int, data, headers: dict | None = None) -> Response:
    return Response(json.dumps(data, ensure_ascii=False, default=str), status=status,
                    headers=headers, mimetype="application/json")


def error_body(code: str, message: str, details: list | None = None) -> dict:
    return {"error": {"code": code, "message": message, "details": details or []}}
