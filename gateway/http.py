"""The gateway's HTTP entrypoint: request ids, JSON answers, one error-mapping table."""
import json
import logging
from functools import partial

from eventlet.event import Event
from nameko.exceptions import RemoteError
from nameko.web.handlers import HttpRequestHandler
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from services.common.context import new_request_id
from services.common.errors import LianxinError
from services.common.idempotency import HEADER as IDEMPOTENCY_HEADER
from services.common.schemas import MAX_ID

log = logging.getLogger(__name__)

REQUEST_ID_HEADER = "X-Request-Id"


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


def response_for(exc: Exception) -> Response:
    if isinstance(exc, ApiError):
        return json_response(exc.status, error_body(exc.code, exc.message, exc.details), exc.headers)
    if isinstance(exc, LianxinError):
        return json_response(exc.status, error_body(exc.code, exc.message, exc.details))
    if isinstance(exc, HTTPException):
        return json_response(exc.code, error_body(exc.name.lower().replace(" ", "_"), exc.description))
    if isinstance(exc, RemoteError):
        log.error("service error: %s %s", exc.exc_type, exc.value)
    else:
        log.error("gateway error: %r", exc, exc_info=exc)
    return json_response(500, error_body("internal", "internal error"))


class ApiEntrypoint(HttpRequestHandler):
    """nameko's http entrypoint with a request id in the worker's context data.

    nameko propagates context data as message headers, so every RPC the worker
    makes (and every event those services publish) carries the same id.
    """

    def __init__(self, method, url, creates: bool = False, **kwargs):
        super().__init__(method, url, **kwargs)
        self.creates = creates  # honours Idempotency-Key (gateway/idempotency.py)

    def get_entrypoint_parameters(self, request):
        args, kwargs = super().get_entrypoint_parameters(request)
        for name, value in kwargs.items():
            if isinstance(value, int) and value > MAX_ID:  # an id no row can have
                raise ApiError(404, "not_found", f"no such {name.removesuffix('_id')}: {value}")
        return args, kwargs

    def handle_request(self, request):
        request.shallow = False
        request_id = request.headers.get(REQUEST_ID_HEADER) or new_request_id()
        try:
            args, kwargs = self.get_entrypoint_parameters(request)
            self.check_signature(args, kwargs)
            context = {"request_id": request_id}
            if self.creates and IDEMPOTENCY_HEADER in request.headers:
                from gateway.auth import actor_from  # both import this module
                from gateway.idempotency import context_for
                context.update(context_for(request, actor_from(request)))
            event = Event()
            self.container.spawn_worker(self, args, kwargs, context_data=context,
                                        handle_result=partial(self.handle_result, event))
            response = self.response_from_result(event.wait())
        except Exception as exc:  # noqa: BLE001 - turned into the error format
            response = self.response_from_exception(exc)
        response.headers[REQUEST_ID_HEADER] = request_id
        return response

    def response_from_result(self, result):
        if isinstance(result, Response):
            return result
        status, data = result if isinstance(result, tuple) else (200, result)
        return json_response(status, data)

    def response_from_exception(self, exc):
        return response_for(exc)


def api(method: str, url: str, **kwargs):
    """Route decorator; errors that are answers (4xx, 503) are logged without a traceback."""
    kwargs.setdefault("expected_exceptions", (ApiError, LianxinError))
    return ApiEntrypoint.decorator(method, url, **kwargs)
