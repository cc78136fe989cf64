"""The request id of the work in progress, carried gateway → RPC → events → logs.

nameko runs each worker in its own greenlet and eventlet makes threading.local
greenlet-local, so one worker's id never leaks into another's.
"""
import threading
import uuid

from nameko.extensions import DependencyProvider

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

    def worker_teardown(self, worker_ctx):
        set_request_id(None)

    def get_dependency(self, worker_ctx):
        return worker_ctx.context_data.get("request_id")
