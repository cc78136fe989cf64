"""The gateway's HTTP entrypoint: request ids, JSON answers, one error-mapping table."""
import functools
import logging
import socket
from dataclasses import replace
from functools import partial

from eventlet.event import Event
from nameko.exceptions import RemoteError
from nameko.extensions import DependencyProvider
from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer, WsgiApp
from prometheus_client import Counter
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from gateway import audit, guards, ratelimit
from gateway.contract import JSON, Route, authorize, describe, parse_query
from gateway.cors import Cors
from gateway.errors import ApiError, error_body, json_response
from gateway.idempotency import context_for
from gateway.jwks import JwksCache, rpc_fetcher
from gateway.queries import for_caller
from gateway.security import secure
from gateway.settings import GatewaySettings, settings_from
from services.common.context import new_request_id
from services.common.errors import LianxinError
from services.common.idempotency import HEADER as IDEMPOTENCY_HEADER
from services.common.metrics import get_or_create
from services.common.outages import DATABASE_DOWN_NAMES, backing_service_down, unavailable
from services.common.schemas import MAX_ID

log = logging.getLogger(__name__)

REQUEST_ID_HEADER = "X-Request-Id"
REFUSED = get_or_create(Counter, "lianxin_gateway_refused_total",
                        "Requests refused before reaching a route (rate, size, media type)", ("status", "code"))


def response_for(exc: Exception) -> Response:
    if isinstance(exc, ApiError):
        return json_response(exc.status, error_body(exc.code, exc.message, exc.details), exc.headers)
    if isinstance(exc, LianxinError):
        return json_response(exc.status, error_body(exc.code, exc.message, exc.details))
    if isinstance(exc, HTTPException):
        code = "too_large" if exc.code == 413 else exc.name.lower().replace(" ", "_")
        return json_response(exc.code, error_body(code, exc.description))
    # backstop: services turn these into Unavailable themselves (services/common/outages.py)
    down = down_behind(exc)
    if down:
        log.warning("%s unavailable: %r", down, exc)
        return response_for(unavailable(down))
    if isinstance(exc, RemoteError):
        log.error("service error: %s %s", exc.exc_type, exc.value)
    else:
        log.error("gateway error: %r", exc, exc_info=exc)
    return json_response(500, error_body("internal", "internal error"))


def response_status(exc: Exception) -> int:
    """The status ``response_for(exc)`` answers, without its logging."""
    if isinstance(exc, (ApiError, LianxinError)):
        return exc.status
    if isinstance(exc, HTTPException):
        return exc.code or 500
    return 503 if down_behind(exc) else 500


def as_response(result) -> Response:
    """A handler's answer (a Response, (status, data) or data) as the HTTP response."""
    if isinstance(result, Response):
        return result
    status, data = result if isinstance(result, tuple) else (200, result)
    return json_response(status, data)


def down_behind(exc: Exception) -> str | None:
    """What is down behind ``exc`` (the broker, or a service's database), or None."""
    return backing_service_down(exc) or (
        isinstance(exc, RemoteError) and exc.exc_type in DATABASE_DOWN_NAMES and "database") or None


class JsonErrorsApp(WsgiApp):
    """nameko's WSGI app, with what werkzeug's router refuses (a path no rule matches at all, such
    as one with a newline; a method a path does not take) in the error format, not HTML; every
    answer, those included, leaves with the security headers (gateway/security.py)."""

    def __call__(self, environ, start_response):  # as nameko's, but for the error format
        request = Request(environ, shallow=True)
        try:
            provider, request.path_values = self.url_map.bind_to_environ(environ).match()
            answer = provider.handle_request(request)
        except HTTPException as exc:
            answer = response_for(exc)
        settings = self.server.settings
        return secure(answer, environ, request.headers, settings.trusted_proxies,
                      settings.hsts_max_age)(environ, start_response)


class ApiServer(WebServer):
    """The API's web server, one per container: it reads the gateway's settings from config.yml
    when the container starts and keeps what the whole process shares (the public routes'
    token buckets, the CORS policy)."""

    settings: GatewaySettings
    limiter: ratelimit.Limiter
    cors: Cors

    def setup(self):
        super().setup()
        settings = settings_from(self.container.config)
        keys = JwksCache(rpc_fetcher(self.container.config, settings.rpc_timeout), ttl=settings.jwks_ttl)
        self.settings = replace(settings, keys=keys)
        self.limiter = ratelimit.Limiter(self.settings.public_rate, self.settings.public_burst)
        self.cors = Cors(self.settings.cors_origins, self.settings.cors_max_age)

    def get_wsgi_app(self):
        return JsonErrorsApp(self)

    def get_wsgi_server(self, sock, wsgi_app, *args, **kwargs):
        # An answer larger than eventlet's 16 KB write buffer (a list page of 20 suggestions is
        # ~60 KB) leaves as two writes, the headers and then the body; with Nagle's algorithm the
        # body waited for the client's delayed ACK of the headers, ~40 ms on Linux, most of a
        # list's latency when alone (bench/README.md "Fixed cost per read"). Accepted
        # connections inherit the option from the listening socket.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return super().get_wsgi_server(sock, wsgi_app, *args, **kwargs)


class ApiSettings(DependencyProvider):
    """``self.settings`` in route handlers: the settings the API server read at start."""

    server = ApiServer()

    def get_dependency(self, worker_ctx) -> GatewaySettings:
        return self.server.settings


class ApiEntrypoint(HttpRequestHandler):
    """nameko's http entrypoint with a request id in the worker's context data.

    nameko propagates context data as message headers, so every RPC the worker
    makes (and every event those services publish) carries the same id.
    """

    server = ApiServer()

    def __init__(self, method, url, route: Route | None = None, **kwargs):
        super().__init__(method, url, **kwargs)
        self.route = route

    def get_entrypoint_parameters(self, request):
        args, kwargs = super().get_entrypoint_parameters(request)
        for name, value in kwargs.items():
            if isinstance(value, int) and value > MAX_ID:  # an id no row can have
                raise ApiError(404, "not_found", f"no such {name.removesuffix('_id')}: {value}")
        return args, kwargs

    def admit(self, request):
        """Hostile input, before any body is read or a worker started: 429, 413, 415."""
        route, settings = self.route, self.server.settings
        try:
            if route is not None and ratelimit.limited(route, request.headers):
                ratelimit.check(self.server.limiter, ratelimit.client_address(request, settings.trusted_proxies))
            guards.admit(request, bool(route and route.upload), settings.max_body_bytes,
                         settings.max_upload_bytes)
        except ApiError as exc:
            REFUSED.labels(str(exc.status), exc.code).inc()
            raise

    def handle_request(self, request):
        request.shallow = False
        request_id = request.headers.get(REQUEST_ID_HEADER) or new_request_id()
        origin, settings, cors = request.headers.get("Origin"), self.server.settings, self.server.cors
        if request.method == "OPTIONS":  # a CORS preflight (the catch-all route takes OPTIONS on any path)
            response = Response(status=204, headers=cors.preflight(origin))
            response.headers[REQUEST_ID_HEADER] = request_id
            return response
        try:
            self.admit(request)
            args, kwargs = self.get_entrypoint_parameters(request)
            self.check_signature(args, kwargs)
            context = {"request_id": request_id}
            request.context_data = context  # the worker's own: the handler adds the audit context
            if self.route and self.route.creates and IDEMPOTENCY_HEADER in request.headers:
                try:  # the scope needs the caller now
                    request.actor = authorize(request, self.route, settings)
                except ApiError:  # refused again by the handler, where the refusal is recorded
                    request.actor = None
                if request.actor is not None:
                    context.update(context_for(request, request.actor, settings.trusted_proxies))
            event = Event()
            self.container.spawn_worker(self, args, kwargs, context_data=context,
                                        handle_result=partial(self.handle_result, event))
            response = self.response_from_result(event.wait())
        except Exception as exc:  # noqa: BLE001 - turned into the error format
            response = self.response_from_exception(exc)
        for name, value in cors.simple(origin).items():
            if name == "Vary":
                response.vary.add(value)
            else:
                response.headers[name] = value
        response.headers[REQUEST_ID_HEADER] = request_id
        return response

    def response_from_result(self, result):
        return as_response(result)

    def response_from_exception(self, exc):
        return response_for(exc)


def api(method: str, url: str, *, roles: tuple[str, ...] = (), body=(), answer=None, query=None,
        status: int | tuple[int, ...] = 200, creates: bool = False, media: str = JSON, upload: bool = False,
        hidden: bool = False, tags: tuple[str, ...] = (), errors: tuple[int, ...] = ()):
    """Declare a route: the handler runs only for callers whose role is in ``roles`` (401/403
    otherwise), with ``request.actor`` and, given a ``query`` model, ``request.query`` (parsed,
    422 naming the parameter) set. The handler's service has the ``ApiSettings`` dependency
    as ``self.settings`` (gateway/routes/base.py). The same declaration feeds the OpenAPI document; errors that
    are answers (4xx, 503) are logged without a traceback."""
    def decorate(fn):
        summary, description = describe(fn)
        route = Route(method=method, url=url, name=fn.__name__, roles=tuple(roles),
                      body=body if isinstance(body, tuple) else (body,), answer=answer, query=query,
                      status=status if isinstance(status, tuple) else (status,), creates=creates,
                      media=media, upload=upload, hidden=hidden, summary=summary,
                      description=description, tags=tags, errors=tuple(errors))

        # The answer leaves the worker as a Response, JSON encoded once: the metrics dependency
        # reads its status through ApiEntrypoint.response_from_result before the entrypoint
        # answers, and each call encoded a dict answer anew (a list page: ~60 KB twice).
        @functools.wraps(fn)
        def handler(self, request, *args, **kwargs):
            if not audit.audited(route, request.method):
                return as_response(run(self, request, *args, **kwargs))
            # a write (or the auditor's read): the context for its record, or the refusal's record
            try:
                result = run(self, request, *args, audited=True, **kwargs)
            except Exception as exc:
                audit.record_refusal(self, request, route, kwargs, response_status(exc),
                                     getattr(exc, "message", None) or type(exc).__name__)
                raise
            status = result.status_code if isinstance(result, Response) else (
                result[0] if isinstance(result, tuple) else 200)
            if isinstance(status, int) and status >= 400:
                audit.record_refusal(self, request, route, kwargs, status)
            return as_response(result)

        def run(self, request, *args, audited: bool = False, **kwargs):
            if getattr(request, "actor", None) is None:  # not yet read for an Idempotency-Key
                request.actor = authorize(request, route, self.settings)
            if audited:  # the caller is known: the RPCs from here on carry who asks
                audit.begin(request, route, kwargs, self.settings.trusted_proxies)
            if query is not None:
                request.query = for_caller(parse_query(request, query), request.actor)
            return fn(self, request, *args, **kwargs)

        handler.route = route
        return ApiEntrypoint.decorator(method, url, expected_exceptions=(ApiError, LianxinError),
                                       route=route)(handler)
    return decorate
