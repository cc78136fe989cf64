"""Shared pieces of every route group: the services' proxies and a timed call."""
import os

from nameko.rpc import RpcProxy

from services.common.rpc import call

RPC_TIMEOUT = float(os.environ.get("GATEWAY_RPC_TIMEOUT", "5"))


class Proxies:
    suggestion = RpcProxy("suggestion")
    assignment = RpcProxy("assignment")
    station = RpcProxy("station")
    evaluation = RpcProxy("evaluation")
    notify = RpcProxy("notify")

    def rpc(self, service: str, method: str, *args, timeout: float = RPC_TIMEOUT, **kwargs):
        """Call a service; no answer within the timeout is a 503."""
        return call(getattr(getattr(self, service), method), *args, timeout=timeout, **kwargs)
