"""Shared pieces of every route group: the services' proxies, the settings, a timed call, the body.

A route names the service method it calls in code: ``self.call(self.suggestion.submit, ...)``
(tests/unit/test_contracts.py checks that every one is an @rpc method of that service).
"""
import warnings

from gateway.http import ApiServer, ApiSettings
from gateway.json_body import parse
from services.common.amqp import PooledServiceProxy, ResilientRpcProxy
from services.common.rpc import call

# seconds a workbook (export, import, report) may take: it reads or writes every row, not one page
WORKBOOK_TIMEOUT = 60


# nameko warns on every request published mandatory without confirms (see TimedProxy)
warnings.filterwarnings("ignore", message="Mandatory delivery was requested")


class TimedProxy(ResilientRpcProxy):
    """An RpcProxy whose requests expire in RabbitMQ after the gateway's RPC timeout
    (GATEWAY_RPC_TIMEOUT, as services.common.rpc.timed_proxy): a request to a service that is
    down is not carried out when it returns, long after its caller got a 503.

    Requests are published without a publisher confirm: the reply proves delivery, and a
    request the broker loses ends as the same 503 at the timeout. A confirm per call was one
    more broker round trip on every HTTP request (issue 19). What it cost: a service whose
    queue was never declared is a 503 at the timeout rather than at once (a running system
    declares every queue at start; /readyz names a service that is down)."""

    server = ApiServer()  # holds the settings read at start

    def get_dependency(self, worker_ctx):
        options = {**self.options, "expiration": self.server.settings.rpc_timeout, "use_confirms": False}
        return PooledServiceProxy(worker_ctx, self.target_service, self.rpc_reply_listener, **options)


class Proxies:
    settings = ApiSettings()
    suggestion = TimedProxy("suggestion")
    assignment = TimedProxy("assignment")
    station = TimedProxy("station")
    evaluation = TimedProxy("evaluation")
    notify = TimedProxy("notify")
    identity = TimedProxy("identity")

    def call(self, method_proxy, *args, timeout: float | None = None, **kwargs):
        """``method_proxy(*args, **kwargs)``; no answer within the timeout (the settings', unless
        given) is a 503."""
        return call(method_proxy, *args, timeout=timeout or self.settings.rpc_timeout, **kwargs)

    def body(self, request) -> dict:
        """The JSON object sent (empty: {}). Size and media type were checked before the handler
        ran (gateway/guards.py); depth, strings, numbers and Unicode are checked here
        (gateway/json_body.py)."""
        raw = request.get_data(cache=True)
        if not raw:
            return {}
        return parse(raw, self.settings.json_limits)
