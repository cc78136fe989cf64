"""A backing service that is down is a 503 with Retry-After, never a 500.

``backing_service_down`` names what an exception says is unreachable: PostgreSQL (a restart
closes connections with ``AdminShutdown``; a stopped server refuses them) or RabbitMQ.
``unavailable_when_down`` applies it at the RPC boundary (services/common/service_base.rpc):
deliberately not inside ``Db.transaction``, because the event inbox catches the raw database
errors to wait for the database instead of giving up (services/common/inbox.py).
"""
import functools
import inspect
import logging
import random

import eventlet
import psycopg
from sqlalchemy import exc as sa

from services.common import context
from services.common.amqp import broker_error
from services.common.errors import Unavailable

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
# connection refused/lost, server shutting down, pool exhausted; psycopg's own when unwrapped
DATABASE_DOWN = (sa.OperationalError, sa.InterfaceError, sa.TimeoutError,
                 psycopg.OperationalError, psycopg.InterfaceError)
# Python names of the same errors, for a RemoteError whose class did not travel (gateway backstop)
DATABASE_DOWN_NAMES = frozenset({"OperationalError", "InterfaceError", "AdminShutdown",
                                 "CannotConnectNow", "ConnectionFailure", "ConnectionException",
                                 "CrashShutdown", "TooManyConnections"})


def backing_service_down(exc: BaseException) -> str | None:
    """"database" or "broker" when ``exc`` says that one cannot be reached; None otherwise."""
    if isinstance(exc, DATABASE_DOWN) or (isinstance(exc, sa.DBAPIError) and exc.connection_invalidated):
        return "database"
    if broker_error(exc):
        return "broker"
    return None


def unavailable(what: str) -> Unavailable:
    return Unavailable(f"the {what} is unavailable; retry in a few seconds")


# PostgreSQL rolled the whole transaction back and says running it again may well succeed
TRANSIENT_SQLSTATES = frozenset({"40P01", "40001"})  # deadlock_detected, serialization_failure
TRANSIENT_RETRIES = 2


def transient(exc: BaseException) -> bool:
    return getattr(getattr(exc, "orig", exc), "sqlstate", None) in TRANSIENT_SQLSTATES


def unavailable_when_down(method):
    """Wraps an RPC method: a database or broker outage leaves it as ``Unavailable`` (503).

    A transaction PostgreSQL chose as a deadlock's victim (or a serialization failure) is run again,
    up to TRANSIENT_RETRIES times, before that: it was rolled back whole, its events with it (the
    outbox), and what a method asks other services on the way is a read. E.g. a deputy's rating
    against the evaluation consumer's batch, both updating the shared rate cells."""

    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        recorded = context.audit_recorded()
        for attempt in range(TRANSIENT_RETRIES + 1):
            try:
                return method(*args, **kwargs)
            except Exception as exc:
                if transient(exc) and attempt < TRANSIENT_RETRIES:
                    log.warning("transaction rolled back (%s), running it again: %r",
                                getattr(getattr(exc, "orig", exc), "sqlstate", None), exc)
                    context.restore_audit_recorded(recorded)  # its audit record was rolled back too
                    eventlet.sleep(random.uniform(0.01, 0.05))
                    continue
                what = backing_service_down(exc)
                if what is None:
                    raise
                log.warning("%s unavailable: %r", what, exc)
                raise unavailable(what) from None

    wrapper.__signature__ = inspect.signature(method)  # nameko checks calls against it
    return wrapper
