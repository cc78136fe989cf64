"""Readiness of one service process: GET /readyz on its metrics port (Kubernetes' readinessProbe).

Ready means its database answers ``SELECT 1`` and its broker accepts a login, each within
READY_TIMEOUT seconds; the two are checked side by side, so an answer takes at most that long.
The answer is kept READY_CACHE seconds: probes from the kubelet (and anyone else asking) cost
PostgreSQL and RabbitMQ at most one connection each per that time.

Both checks open connections of their own rather than borrowing from the service: a pool whose
connections are all busy with work is a busy database, not a missing one, and would make a
loaded pod unready; one short-lived connection per check is outside DB_POOL_SIZE's budget.
"""
import logging
import time

import eventlet
from eventlet.semaphore import Semaphore
from kombu import Connection
from nameko.extensions import DependencyProvider
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

log = logging.getLogger(__name__)

TRUE = ("1", "true", "yes")


def _failure(exc: BaseException) -> str:
    """What failed, in one short line (no URI: the exceptions of psycopg and kombu carry none)."""
    if isinstance(exc, eventlet.Timeout):
        return "timeout"
    first = (str(exc).strip().splitlines() or [""])[0]
    return f"{type(exc).__name__}: {first}"[:300]


class ReadinessCheck:
    """``answer()`` -> (200 or 503, body); ``body["down"]`` names what failed. Without ``db_url`` (the
    gateway, which has no database) only the broker is checked."""

    def __init__(self, service: str, db_url: str | None, amqp_uri: str, timeout: float = 2.0, cache: float = 2.0,
                 pgbouncer: bool = False):
        self.service = service
        self.amqp_uri = amqp_uri
        self.timeout = timeout
        self.cache = cache
        connect_args = {"application_name": f"lianxin-{service}-readyz"[:63],
                        "connect_timeout": max(2, int(timeout))}  # libpq's least is 2 s
        if pgbouncer:
            connect_args["prepare_threshold"] = None
        self.engine = create_engine(db_url, poolclass=NullPool, connect_args=connect_args) if db_url else None
        self.checks_run = 0  # how many times PostgreSQL and RabbitMQ were asked (the cache's effect)
        self._lock = Semaphore()
        self._last: tuple[float, int, dict] | None = None

    def database(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1")).scalar_one()

    def broker(self) -> None:
        with Connection(self.amqp_uri, connect_timeout=self.timeout, heartbeat=0) as conn:
            conn.connect()  # TCP, the AMQP handshake and the login: what every consumer needs

    def _run(self) -> tuple[int, dict]:
        checks = {"database": self.database, "broker": self.broker} if self.engine else {"broker": self.broker}
        results = {}

        def one(name):
            try:
                with eventlet.Timeout(self.timeout + 0.25):  # a black hole: libpq and kombu time the connect only
                    checks[name]()
                results[name] = "ok"
            except (Exception, eventlet.Timeout) as exc:  # noqa: BLE001 - any failure is "not ready"
                results[name] = _failure(exc)

        pool = eventlet.GreenPool(len(checks))
        for name in checks:
            pool.spawn_n(one, name)
        pool.waitall()
        self.checks_run += 1
        down = sorted(name for name, result in results.items() if result != "ok")
        body = {"status": "down" if down else "ready", "service": self.service, "checks": results}
        if down:
            body["down"] = down
            log.warning("not ready: %s", ", ".join(f"{n} ({results[n]})" for n in down))
        return (503 if down else 200), body

    def answer(self) -> tuple[int, dict]:
        with self._lock:  # probes arriving together wait for the one check in flight
            if self._last is None or time.monotonic() - self._last[0] >= self.cache:
                status, body = self._run()
                self._last = (time.monotonic(), status, body)
            return self._last[1], self._last[2]

    def close(self) -> None:
        if self.engine:
            self.engine.dispose()


class Readiness(DependencyProvider):
    """The service's ReadinessCheck, on its DB_URL (if it has one: the gateway has not) and AMQP_URI.

    Config: READY_TIMEOUT (seconds per check, 2), READY_CACHE (seconds an answer is kept, 2),
    DB_PGBOUNCER (as the Database's).
    """

    def setup(self):
        config = self.container.config
        self.check = ReadinessCheck(
            self.container.service_name, config.get("DB_URL"), config["AMQP_URI"],
            timeout=float(config.get("READY_TIMEOUT", 2)), cache=float(config.get("READY_CACHE", 2)),
            pgbouncer=str(config.get("DB_PGBOUNCER", "0")).strip().lower() in TRUE)

    def stop(self):
        self.check.close()

    def kill(self):
        self.stop()

    def get_dependency(self, worker_ctx) -> ReadinessCheck:
        return self.check
