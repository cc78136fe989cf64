"""A pooled connection is checked without a round trip when it was just used, and replaced when the
server has hung up on it (services/common/db.py ``watch_liveness``), against real PostgreSQL."""
import time

from sqlalchemy import text

from services.common import db as dbmod
from services.common.db import make_engine
from tests.service.conftest import database_url
from tests.service.helpers import scalar


def counting_pings(engine, monkeypatch) -> list:
    pings = []
    real = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda conn: pings.append(1) or real(conn))
    return pings


def backend(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT pg_backend_pid()")).scalar()


def test_a_connection_used_a_moment_ago_is_not_pinged(svc_env, monkeypatch):
    engine = make_engine(database_url("notify"), pool_size=1, application_name="lianxin-liveness")
    pings = counting_pings(engine, monkeypatch)
    first = backend(engine)  # a new connection: not pinged either
    assert [backend(engine) for _ in range(5)] == [first] * 5
    assert pings == []
    engine.dispose()


def test_a_connection_idle_past_the_limit_is_pinged(svc_env, monkeypatch):
    engine = make_engine(database_url("notify"), pool_size=1, application_name="lianxin-liveness")
    backend(engine)
    for listener in list(engine.pool.dispatch.checkout):
        dbmod.event.remove(engine, "checkout", listener)
    dbmod.watch_liveness(engine, ping_after_idle=0.05)
    pings = counting_pings(engine, monkeypatch)
    time.sleep(0.1)
    backend(engine)
    assert pings == [1]
    engine.dispose()


def test_a_connection_the_server_ended_is_replaced_without_an_error(svc_env, db, monkeypatch):
    engine = make_engine(database_url("notify"), pool_size=1, application_name="lianxin-liveness")
    pings = counting_pings(engine, monkeypatch)
    first = backend(engine)
    assert scalar(db("notify"), "SELECT pg_terminate_backend(:p)", {"p": first}) is True
    time.sleep(0.3)  # the server's goodbye reaches the idle socket
    second = backend(engine)  # no OperationalError: the pool saw it and connected afresh
    assert second != first
    assert pings == [1]  # the readable socket was pinged (and failed), not every checkout
    engine.dispose()
