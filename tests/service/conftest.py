"""Service tests: one service in a nameko container against real PostgreSQL and RabbitMQ."""
import subprocess

import pytest
from kombu import Connection
from nameko.containers import ServiceContainer
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from tests.conftest import ROOT, reset, test_env

ENV = test_env("svctest", 19200)


@pytest.fixture(scope="session")
def svc_env():
    """Clean databases (migrated) and vhost (topology declared) for service tests."""
    reset(ENV)
    py = str(ROOT / ".venv" / "bin" / "python")
    subprocess.run([py, "-m", "services.common.migrate"], cwd=ROOT, env=ENV, check=True, capture_output=True)
    subprocess.run([py, "-m", "services.common.topology"], cwd=ROOT, env=ENV, check=True, capture_output=True)
    return ENV


def database_url(service: str) -> str:
    return f"{ENV.get('PG_URL', 'postgresql+psycopg://root@127.0.0.1:5432')}/{ENV['DB_PREFIX']}_{service}"


def service_config(service: str, **overrides) -> dict:
    config = {
        "AMQP_URI": ENV["AMQP_URI"],
        "DB_URL": database_url(service),
        "WEB_SERVER_ADDRESS": "127.0.0.1:0",
        "max_workers": 10,
        "DB_POOL_SIZE": 3,  # lean: README "Connection budget"
        "serializer": "json",
        "HEARTBEAT": 15,
    }
    config.update(overrides)
    return config


@pytest.fixture
def start_service(svc_env):
    """start_service(ServiceClass, **config) -> a running container; all are stopped after the test."""
    containers = []

    def start(cls, **overrides):
        purge_queue(cls.name)  # events left over from earlier tests are not this test's
        container = ServiceContainer(cls, service_config(cls.name, **overrides))
        container.start()
        containers.append(container)
        return container

    start.containers = containers  # (a test may kill one it started)
    yield start
    for container in containers:
        container.stop()


@pytest.fixture
def rpc(svc_env):
    with ClusterRpcProxy({"AMQP_URI": ENV["AMQP_URI"], "serializer": "json"}, timeout=10) as proxy:
        yield proxy


@pytest.fixture
def db(svc_env):
    """db(service) -> an engine on that service's test database."""
    engines = {}

    def get(service: str):
        if service not in engines:
            # one connection kept, two more while a test holds one (a lock) and queries beside it
            engines[service] = create_engine(database_url(service), pool_size=1, max_overflow=2)
        return engines[service]

    yield get
    for engine in engines.values():
        engine.dispose()


@pytest.fixture
def amqp(svc_env):
    with Connection(ENV["AMQP_URI"]) as conn:
        yield conn


def purge_queue(service: str) -> None:
    from services.common.topology import SUBSCRIPTIONS, event_queue

    if service in SUBSCRIPTIONS:
        with Connection(ENV["AMQP_URI"]) as conn:
            queue = event_queue(service)(conn.channel())
            queue.declare()
            queue.purge()


def truncate(engine, *tables: str) -> None:
    # TRUNCATE locks its tables one by one: a reader still running from the test before (a stopping
    # container's gauge or relay reading two of them) can deadlock with it, and PostgreSQL then
    # picks the TRUNCATE as the victim (seen once in CI): the reader ends, so try again
    for attempt in range(3):
        try:
            with engine.begin() as conn:
                # a connection a test left open in a transaction would make TRUNCATE wait forever: fail instead
                conn.execute(text("SET LOCAL lock_timeout = '30s'"))
                conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            return
        except OperationalError as exc:
            if attempt == 2 or getattr(exc.orig, "sqlstate", None) != "40P01":  # deadlock_detected
                raise


