"""The audit trail at the gateway: the audit context of a write route, and the record of a refusal.

For every write route (POST, PUT, PATCH, DELETE), once the caller is known, the handler's wrapper
(gateway/http.py ``api``) puts the audit context into the worker's nameko context data under
``lianxin_audit`` (services/common/context.py AUDIT_KEY). nameko sends context data as message
headers with every RPC the worker makes, so each service that writes under it adds the record to
its outbox in the write's own transaction (services/common/audit.py record_write): no write commits
without its record, and no RPC is added per write.

A write route that ends 4xx/5xx wrote nothing (a service that refused rolled back), so its record
is best-effort: one asynchronous RPC to identity (``record_audit``), not awaited. Losing it when
identity or the broker is down loses no write's record, and an answer must not wait on it.
The auditor's reads (/api/v1/audit...) carry the context too: the search is recorded by identity.
"""
import json
import logging
import re

import eventlet

from gateway.ratelimit import client_address
from services.common.audit import targets_of
from services.common.context import AUDIT_KEY

log = logging.getLogger(__name__)

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
AUDITED_READS = "/api/v1/audit"  # the auditor's own searches and exports are recorded too
# identity records these itself, success and failure (sign-in, failures, lockout, MFA): the
# gateway adds no refusal record of its own there, or each failed sign-in would count twice
SELF_RECORDED = ("/api/v1/auth/",)
PLACEHOLDER = re.compile(r"<(?:[^:>]+:)?([^>]+)>")
MAX_USER_AGENT = 300
SEND_TIMEOUT = 1.0  # seconds the refusal's answer may wait for its record to be sent (broker trouble)


def audited(route, method: str) -> bool:
    """Whether a request gets an audit context: a write route a caller may be let in to (not the
    operations routes nor the catch-all of unknown paths), or the auditor's reads."""
    if route is None or route.hidden or not route.roles:
        return False
    return method.upper() in WRITES or route.url == AUDITED_READS or route.url.startswith(AUDITED_READS + "/")


def action_of(method: str, url: str) -> str:
    """``POST /api/v1/suggestions/<int:suggestion_id>/screening`` → ``POST /api/v1/suggestions/{suggestion_id}/screening``"""
    return f"{method.upper()} {PLACEHOLDER.sub(lambda m: '{' + m.group(1) + '}', url)}"


def path_targets(kwargs: dict) -> dict:
    """The route's path parameters that name something: {"suggestion_id": 5}."""
    return {k: v for k, v in kwargs.items() if isinstance(v, (int, str)) and not isinstance(v, bool)
            and (k.endswith("_id") or k == "id")}


def context_of(request, route, kwargs: dict, actor: dict | None, trusted_proxies: int,
               request_id: str | None) -> dict:
    actor = actor or {}
    return {
        "sub": actor.get("sub"), "role": actor.get("role") or "public",
        "action": action_of(request.method, route.url), "path": request.path[:500],
        "client": client_address(request, trusted_proxies)[:100],
        "user_agent": (request.headers.get("User-Agent") or "")[:MAX_USER_AGENT] or None,
        "targets": path_targets(kwargs), "request_id": request_id,
    }


def begin(request, route, kwargs: dict, trusted_proxies: int) -> None:
    """Put the audit context where this worker's RPCs carry it (its context data)."""
    data = getattr(request, "context_data", None)
    if data is None:  # not through ApiEntrypoint.handle_request (never in the running gateway)
        return
    context = context_of(request, route, kwargs, request.actor, trusted_proxies, data.get("request_id"))
    data[AUDIT_KEY] = json.dumps(context, ensure_ascii=False, separators=(",", ":"))


def refusal(request, route, kwargs: dict, status: int, trusted_proxies: int, detail: str | None = None) -> dict:
    """The record (services.common.audit.AuditRecorded's fields, ``at`` set by identity) of a write
    route that ended ``status``: denied for 401/403, failed otherwise. The caller is who the token
    named, when it named someone (a 403: a valid token of a role not let in)."""
    data = getattr(request, "context_data", None) or {}
    actor = getattr(request, "actor", None) or getattr(request, "caller", None)
    context = context_of(request, route, kwargs, actor, trusted_proxies, data.get("request_id"))
    return {**context, "targets": targets_of(context["targets"]), "service": "gateway", "outcome": "denied" if status in (401, 403) else "failed",
            "status": status, "detail": (detail or "")[:500] or None}


def record_refusal(service, request, route, kwargs: dict, status: int, detail: str | None = None) -> None:
    """Best-effort (see the module's docstring): sent, not awaited; a failure to send is logged."""
    if route.url.startswith(SELF_RECORDED) or not audited(route, request.method):
        return
    data = getattr(request, "context_data", None)
    if data is not None:
        data.pop(AUDIT_KEY, None)  # the refusal's record is written as it is, never audited again
    try:
        record = refusal(request, route, kwargs, status, service.settings.trusted_proxies, detail)
        with eventlet.Timeout(SEND_TIMEOUT, False):
            service.identity.record_audit.call_async(record)
    except Exception as exc:  # noqa: BLE001 - the answer must not depend on the record
        log.warning("audit record of a refused %s %s not sent: %r", request.method, request.path, exc)
