"""The request id of the work in progress, carried gateway → RPC → events → logs; and the audit
context of a write through the API (who, what, from where), carried gateway → RPC.

nameko runs each worker in its own greenlet and eventlet makes threading.local
greenlet-local, so one worker's id never leaks into another's.
"""
import json
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


# context data key of the audit context: a JSON object (nameko sends context data as AMQP
# headers: strings only) the gateway sets for write routes (gateway/audit.py)
AUDIT_KEY = "lianxin_audit"


def current_audit() -> dict | None:
    """The audit context of this worker's request while it has not been recorded yet, else None."""
    if getattr(_local, "audit_recorded", False):
        return None
    return getattr(_local, "audit", None)


def set_audit(value: dict | None) -> None:
    _local.audit = value
    _local.audit_recorded = False


def mark_audit_recorded() -> None:
    """This worker's request has its record (services/common/audit.py): record nothing more."""
    _local.audit_recorded = True


def audit_recorded() -> bool:
    return bool(getattr(_local, "audit_recorded", False))


def restore_audit_recorded(value: bool) -> None:
    """After a rolled-back transaction that had marked its record: the record is gone with it."""
    _local.audit_recorded = value


def audit_from(raw) -> dict | None:
    """The audit context from context data (a JSON object as text); anything else is none."""
    if not raw or not isinstance(raw, str):
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        log.warning("undecodable audit context ignored")
        return None
    return value if isinstance(value, dict) else None


class RequestContext(DependencyProvider):
    """Makes the incoming request id current for the worker (and its logs), and the audit
    context, if the gateway sent one, for the worker's transactions (services/common/db.py).

    RPC and HTTP workers get it from nameko's context data (propagated as
    message headers); event workers set it from the envelope (see inbox).
    """

    def worker_setup(self, worker_ctx):
        set_request_id(worker_ctx.context_data.get("request_id"))
        set_audit(audit_from(worker_ctx.context_data.get(AUDIT_KEY)))
        _local.started = time.perf_counter()

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        """One access-log line per RPC, carrying the request id."""
        if isinstance(worker_ctx.entrypoint, Rpc) and worker_ctx.entrypoint.method_name != "ping":
            outcome = "ok" if exc_info is None else type(exc_info[1]).__name__
            log.info("rpc %s %s %.1fms", worker_ctx.call_id, outcome,
                     (time.perf_counter() - getattr(_local, "started", time.perf_counter())) * 1000)

    def worker_teardown(self, worker_ctx):
        set_request_id(None)
        set_audit(None)

    def get_dependency(self, worker_ctx):
        return worker_ctx.context_data.get("request_id")
