"""What every service has: metrics, liveness (/healthz) and readiness (/readyz) on its metrics port, a ping RPC, Idempotency-Key,
and a refusal to start with weak secrets outside development mode.

A service subclasses ``ServiceBase`` and adds its own entrypoints; nameko finds
entrypoints and dependencies declared on base classes too.
"""
import json

from nameko.web.handlers import http
from sqlalchemy import text

from services.common import gauges
from services.common.amqp import BatchEventConsumer, ResilientRpc, Undecodable
from services.common.context import RequestContext
from services.common.db import Database
from services.common.errors import LianxinError
from services.common.idempotency import IdempotencyKeys, once, purge
from services.common.inbox import handle_events, park_undecodable
from services.common.metrics import Metrics
from services.common.secret_check import SecretCheck
from services.common.outages import unavailable_when_down
from services.common.readiness import Readiness
from services.common.timers import config_timer
from services.common.topology import event_queue


def rpc(fn=None, *, idempotent: bool = False, writes: bool = False, redact=None, **kwargs):
    """nameko's @rpc where domain errors are answers, not faults (logged without a traceback),
    a database or broker that is down is a 503 (``Unavailable``), and the broker may restart
    under it (services/common/amqp.py).

    ``@rpc(writes=True)`` on a method that changes state: a request the broker redelivers (its
    process died before replying) replays the answer it committed instead of running again.
    ``@rpc(idempotent=True)`` on a method that creates: that, and it honours the caller's
    Idempotency-Key (services/common/idempotency.py). Only the creating method takes the key: the
    gateway passes it with every RPC of the request (a refusal's audit record too), and a second
    method taking it would spend it. ``redact(answer)`` is what a replay gets, when the answer
    carries what must not be stored (a one-time password).

    (``partial(nameko_rpc, expected_exceptions=...)`` used bare as ``@rpc`` loses the keyword:
    nameko's decorator only keeps keywords when called without the function.)
    """
    kwargs.setdefault("expected_exceptions", LianxinError)

    def decorate(method):
        if idempotent or writes:
            method = once(method, redact, client_key=idempotent)
        return ResilientRpc.decorator(**kwargs)(unavailable_when_down(method))
    return decorate if fn is None else decorate(fn)


def event_consumer(service: str, handlers):
    """The entrypoint taking a service's events off its queue, each handled at most once; a body
    that cannot be decoded is parked in dead_letters. Events that arrive together are handled in
    one transaction (services/common/amqp.py ``BatchEventConsumer``, inbox.py ``handle_events``).

    Use as ``on_event = event_consumer("suggestion", HANDLERS)`` in the service class;
    ``handlers`` may instead be a function of the service instance returning the dict.
    """
    @BatchEventConsumer.decorator(event_queue(service))
    def on_event(self, bodies):
        for body in bodies:
            if isinstance(body, Undecodable):
                park_undecodable(self.db, service, body)
        handle_events(self.db, service, [body for body in bodies if not isinstance(body, Undecodable)],
                      handlers(self) if callable(handlers) else handlers)
    return on_event


class ServiceBase:
    name = "base"

    db = Database()
    metrics = Metrics()
    request_id = RequestContext()
    idempotency = IdempotencyKeys()
    secret_check = SecretCheck()  # a service with keys of its own names them: SecretCheck("INTAKE_SECRET")
    readiness = Readiness()

    @http("GET", "/metrics")
    def http_metrics(self, request):
        return self.metrics.expose_metrics(request)

    @http("GET", "/healthz")
    def http_healthz(self, request):
        """Liveness: the process serves HTTP (nothing outside it is asked)."""
        return 200, json.dumps({"status": "ok", "service": self.name})

    @http("GET", "/readyz")
    def http_readyz(self, request):
        """Readiness: 200 when its database and RabbitMQ answer, else 503 naming which did not
        (services/common/readiness.py)."""
        status, body = self.readiness.answer()
        return status, {"Content-Type": "application/json"}, json.dumps(body)

    business_gauges = None  # a method (session, at) setting the service's own gauges, if it has any

    @config_timer("GAUGE_INTERVAL", 15, eager=True)
    def refresh_gauges_tick(self):
        """Dead letters, outbox and the service's own business gauges (services/common/gauges.py)."""
        gauges.refresh(self)

    @config_timer("IDEMPOTENCY_PURGE_INTERVAL", 3600)
    def purge_idempotency_keys(self):
        """Deletes keys older than IDEMPOTENCY_TTL_HOURS every IDEMPOTENCY_PURGE_INTERVAL s (0: off)."""
        purge(self.db, self.idempotency.ttl_hours)

    @rpc
    def ping(self):
        """Readiness: the service answers over RabbitMQ and reaches its database."""
        with self.db.read() as session:
            session.execute(text("SELECT 1"))
        return {"service": self.name, "ok": True}
