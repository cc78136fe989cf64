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

import psycopg
from sqlalchemy import exc as sa

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


def unavailable_when_down(method):
    """Wraps an RPC method: a database or broker outage leaves it as ``Unavailable`` (503)."""

    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except Exception as exc:
            what = backing_service_down(exc)
            if what is None:
                raise
            log.warning("%s unavailable: %r", what, exc)
            raise unavailable(what) from None

    wrapper.__signature__ = inspect.signature(method)  # nameko checks calls against it
    return wrapper
