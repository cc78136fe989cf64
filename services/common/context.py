"""The request id of the work in progress, carried gateway → RPC → events → logs.

nameko runs each worker in its own greenlet and eventlet makes threading.local
greenlet-local, so one worker's id never leaks into another's.
"""
import logging
import threading
import time
import uuid

from nameko.extensions import DependencyProvider
from nameko.rpc import Rpc

log = logging.getLogger("lianxin.rpc")
_local = threading.local()


def current_request_id() -> str | None:
    return getattr(_local, "request_id", None)


def set_request_id(value: str | None) -> None:
    _local.request_id = value


def new_request_id() -> str:
    return uuid.uuid4().hex


class RequestContext(DependencyProvider):
    """Makes the incoming request id current for the worker (and its logs).

    RPC and HTTP workers get it from nameko's context data (propagated as
    message headers); event workers set it from the envelope (see inbox).
    """

    def worker_setup(self, worker_ctx):
        set_request_id(worker_ctx.context_data.get("request_id"))
        _local.started = time.perf_counter()

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        """One access-log line per RPC, carrying the request id."""
        if isinstance(worker_ctx.entrypoint, Rpc) and worker_ctx.entrypoint.method_name != "ping":
            outcome = "ok" if exc_info is None else type(exc_info[1]).__name__
            log.info("rpc %s %s %.1fms", worker_ctx.call_id, outcome,
                     (time.perf_counter() - getattr(_local, "started", time.perf_counter())) * 1000)

    def worker_teardown(self, worker_ctx):
        set_request_id(None)

    def get_dependency(self, worker_ctx):
        return worker_ctx.context_data.get("request_id")
