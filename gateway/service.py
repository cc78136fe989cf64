"""The HTTP gateway: stores nothing, turns HTTP into RPC (run GatewayService)."""
import eventlet

from gateway import openapi
from gateway.answers.operations import HealthAnswer, ReadinessAnswer
from gateway.auth import EVERYONE
from gateway.console import ConsoleRoutes, index_response, spa_path
from gateway.docs import DocsRoutes
from gateway.errors import ApiError, json_response
from gateway.http import api
from gateway.metrics_port import metrics_http
from gateway.routes.accounts import AccountRoutes
from gateway.routes.assignments import AssignmentRoutes
from gateway.routes.audit import AuditRoutes
from gateway.routes.auth import AuthRoutes
from gateway.routes.evaluation import EvaluationRoutes
from gateway.routes.history import HistoryRoutes
from gateway.routes.notifications import NotificationRoutes
from gateway.routes.reference import ReferenceRoutes
from gateway.routes.sso import SsoRoutes
from gateway.routes.stations import StationRoutes
from gateway.routes.suggestions import SuggestionRoutes
from services.common.metrics import Metrics
from services.common.readiness import Readiness
from services.common.secret_check import SecretCheck
from services.common.settings import SERVICES

READY_TIMEOUT = 2.0


class GatewayService(ReferenceRoutes, SuggestionRoutes, AssignmentRoutes, EvaluationRoutes,
                     NotificationRoutes, StationRoutes, HistoryRoutes, AccountRoutes, AuditRoutes, AuthRoutes,
                     SsoRoutes, DocsRoutes, ConsoleRoutes):
    name = "gateway"
    _openapi = None
    metrics = Metrics()
    # refuses weak secrets outside development mode; GATEWAY_JWT_SECRET (development tokens) is
    # read in development mode only, so not needed outside it
    secret_check = SecretCheck()
    readiness = Readiness()   # this process's own: RabbitMQ accepts it (the metrics port's /readyz)

    @metrics_http("GET", "/metrics")  # on GATEWAY_METRICS_ADDRESS only; 404 on the API port
    def http_metrics(self, request):
        """Prometheus text: request counts and latency per route and status."""
        return self.metrics.expose_metrics(request)

    @metrics_http("GET", "/healthz")
    def metrics_healthz(self, request):
        return 200, '{"status": "ok", "service": "gateway"}'

    @metrics_http("GET", "/readyz")
    def metrics_readyz(self, request):
        """Kubernetes' readiness of this gateway pod: its broker connection, not the services behind
        it — one service down must not take every gateway out of the Ingress (its routes answer 503
        naming it); the API port's /readyz is the whole system's, for operators."""
        status, body = self.readiness.answer()
        return json_response(status, body)

    @api("GET", "/api/v1/openapi.json", roles=EVERYONE, hidden=True)
    def openapi_document(self, request):
        """The OpenAPI 3.1 document of every route (built once per process)."""
        if GatewayService._openapi is None:
            GatewayService._openapi = openapi.document(GatewayService)
        return GatewayService._openapi

    @api("GET", "/healthz", answer=HealthAnswer, tags=("operations",))
    def healthz(self, request):
        """200 when the gateway is up."""
        return {"status": "ok"}

    @api("GET", "/readyz", status=(200, 503), answer=ReadinessAnswer, tags=("operations",))
    def readyz(self, request):
        """200 when RabbitMQ and every service answer; 503 naming what is down."""
        down = []
        try:
            replies = {s: getattr(self, s).ping.call_async() for s in SERVICES}
        except Exception as exc:  # noqa: BLE001 - the broker itself is down
            return json_response(503, {"status": "down", "down": ["rabbitmq"], "error": str(exc)})
        for service, reply in replies.items():
            try:
                with eventlet.Timeout(READY_TIMEOUT):
                    reply.result()
            except (Exception, eventlet.Timeout):  # noqa: BLE001 - any failure means not ready
                down.append(service)
        if down:
            return json_response(503, {"status": "down", "down": down})
        return {"status": "ready", "services": list(SERVICES)}

    @api("GET,POST,PUT,PATCH,DELETE,OPTIONS", "/<path:path>", hidden=True)
    def not_found(self, request, path):
        """Unknown paths; OPTIONS on any path comes here and is answered as a CORS preflight.
        A GET of a path outside /api/ is the console's (its router's pages): index.html."""
        if request.method in ("GET", "HEAD") and spa_path(path):
            return index_response(request)
        raise ApiError(404, "not_found", f"no such path: /{path}")
