"""RPC with a deadline: nameko's proxies wait forever unless told otherwise."""
import eventlet

from services.common.errors import Unavailable

DEFAULT_TIMEOUT = 5.0


def call(method_proxy, *args, timeout: float = DEFAULT_TIMEOUT, **kwargs):
    """Call ``self.<service>.<method>`` and give up after ``timeout`` seconds (→ 503)."""
    reply = method_proxy.call_async(*args, **kwargs)
    try:
        with eventlet.Timeout(timeout):
            return reply.result()
    except eventlet.Timeout:
        raise Unavailable(f"{method_proxy.service_name}.{method_proxy.method_name} "
                          f"did not answer within {timeout:g}s") from None
