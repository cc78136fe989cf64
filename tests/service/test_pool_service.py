"""The connection budget of a service process, against real PostgreSQL and RabbitMQ.

A probe service (ServiceBase, on the notify test database, relay off) holds a connection for a
while per call, so what the process holds at once shows in pg_stat_activity by its application_name.
"""
import eventlet
import pytest
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import text

from services.common.db import Db, make_engine
from services.common.errors import DatabaseBusy
from services.common.service_base import ServiceBase, rpc
from tests.service.conftest import ENV, database_url
from tests.service.helpers import scalar, wait_for

HELD = ("SELECT count(*) FROM pg_stat_activity WHERE application_name = :app "
        "AND datname = current_database()")


class PoolProbe(ServiceBase):
    name = "poolprobe"

    @rpc
    def hold(self, seconds):
        with self.db.read() as session:
            session.execute(text("SELECT pg_sleep(:s)"), {"s": seconds})
        return True


def test_a_process_holds_at_most_its_budget_names_itself_and_lets_go_when_stopped(start_service, db):
    engine = db("notify")
    container = start_service(PoolProbe, DB_URL=database_url("notify"), OUTBOX_RELAY=False, DB_POOL_SIZE=2,
                              DB_POOL_TIMEOUT=10)
    seen, done = [], eventlet.Event()

    def sample():
        while not done.ready():
            seen.append(scalar(engine, HELD, {"app": "lianxin-poolprobe"}))
            eventlet.sleep(0.05)

    sampler = eventlet.spawn(sample)
    with ClusterRpcProxy({"AMQP_URI": ENV["AMQP_URI"], "serializer": "json"}, timeout=20) as proxy:
        calls = [proxy.poolprobe.hold.call_async(0.4) for _ in range(6)]  # 6 workers at once, 2 connections
        assert [c.result() for c in calls] == [True] * 6  # the others waited their turn: no error
    done.send()
    sampler.wait()
    assert max(seen) == 2, f"connections held at once: {seen}"
    container.stop()
    # the pool is closed with the container, not left open until garbage collection
    wait_for(lambda: scalar(engine, HELD, {"app": "lianxin-poolprobe"}) == 0, timeout=5)


def test_a_full_pool_is_a_503_for_the_caller_after_the_pool_timeout():
    engine = make_engine(database_url("notify"), pool_size=1, pool_timeout=0.3, application_name="lianxin-full")
    db = Db(engine, "full")
    holding = eventlet.Event()

    def hold():
        with db.transaction() as tx:
            tx.execute(text("SELECT 1"))
            holding.send()
            eventlet.sleep(1.5)

    holder = eventlet.spawn(hold)
    holding.wait()
    try:
        with pytest.raises(DatabaseBusy) as refused:
            with db.read() as session:
                session.execute(text("SELECT 1"))
        assert refused.value.status == 503 and refused.value.code == "unavailable"
    finally:
        holder.wait()
        engine.dispose()
