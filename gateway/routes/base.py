"""Shared pieces of every route group: the services' proxies and a timed call."""
import os

from services.common.rpc import call, timed_proxy

RPC_TIMEOUT = float(os.environ.get("GATEWAY_RPC_TIMEOUT", "5"))


class Proxies:
    suggestion = timed_proxy("suggestion", RPC_TIMEOUT)
    assignment = timed_proxy("assignment", RPC_TIMEOUT)
    station = timed_proxy("station", RPC_TIMEOUT)
    evaluation = timed_proxy("evaluation", RPC_TIMEOUT)
    notify = timed_proxy("notify", RPC_TIMEOUT)

    def rpc(self, service: str, method: str, *args, timeout: float = RPC_TIMEOUT, **kwargs):
        """Call a service; no answer within the timeout is a 503."""
        return call(getattr(getattr(self, service), method), *args, timeout=timeout, **kwargs)
