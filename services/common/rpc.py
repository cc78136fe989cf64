"""RPC with a deadline: nameko's proxies wait forever unless told otherwise."""
import eventlet
from nameko.exceptions import UnknownService

from services.common.amqp import ResilientRpcProxy, broker_error
from services.common.errors import Unavailable

DEFAULT_TIMEOUT = 5.0
# A service asking another to fill a lagging projection: shorter than the gateway's 5 s,
# so the caller's own deadline still holds.
FALLBACK_TIMEOUT = 3.0


def timed_proxy(service: str, timeout: float = DEFAULT_TIMEOUT) -> ResilientRpcProxy:
    """An RpcProxy whose requests expire in RabbitMQ once the caller has given up.

    Without it, a request to a service that is down waits in its queue and is
    carried out when the service returns, long after the caller got a 503.
    """
    return ResilientRpcProxy(service, expiration=timeout)


def call(method_proxy, *args, timeout: float = DEFAULT_TIMEOUT, **kwargs):
    """Call ``self.<service>.<method>`` and give up after ``timeout`` seconds (→ 503)."""
    try:
        reply = method_proxy.call_async(*args, **kwargs)
    except UnknownService:  # its queue does not exist: the service never started here
        raise Unavailable(f"{method_proxy.service_name} is not running") from None
    except Exception as exc:
        if not broker_error(exc):
            raise
        raise Unavailable(f"the message broker is unavailable ({exc}); retry in a few seconds") from None
    try:
        with eventlet.Timeout(timeout):
            return reply.result()
    except eventlet.Timeout:
        raise Unavailable(f"{method_proxy.service_name}.{method_proxy.method_name} "
                          f"did not answer within {timeout:g}s") from None
