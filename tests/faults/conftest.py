"""The fault suite: one copy of the system, started as `make up` starts it, on a RabbitMQ
node and a PostgreSQL server of the suite's own (tests/faults/backing.py), so that
stopping and restarting them leaves every other suite on the machine alone.

Ports: gateway 18100, services' metrics 18101-18105, the node's AMQP port 18150 (and
38150 for Erlang distribution), PostgreSQL 18152 — shifted by 300 × LIANXIN_TEST_ID.
"""
import pathlib
import subprocess

import pytest
import requests
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from scripts.isolation import SERVICES, TEST_ID
from tests.conftest import ROOT, test_env
from tests.brokers import BrokerNode, start_node
from tests.faults.backing import PostgresServer
from tests.system import System, running_copy
from tests.polling import wait_for

ENV = test_env("faults", 18100)
PORT = int(ENV["GATEWAY_ADDRESS"].rsplit(":", 1)[1])
SCRATCH = pathlib.Path(f"/tmp/lianxin-faults{TEST_ID or ''}")
PROCESSES = (*SERVICES, "gateway")


class FaultSystem(System):
    def __init__(self, env: dict, node: BrokerNode, pg: PostgresServer):
        super().__init__(env)
        self.node, self.pg = node, pg

    def running(self, name: str) -> bool:
        return subprocess.run(["bash", "scripts/svc.sh", "status", name], cwd=ROOT, env=self.env,
                              capture_output=True).returncode == 0

    def pids(self) -> dict[str, str]:
        """The service process of each name (not its supervisor): scripts/svc.sh writes it."""
        run = pathlib.Path(self.env["RUN_DIR"])
        return {name: (run / f"{name}.pid").read_text().strip() for name in PROCESSES}

    def log_tail(self, name: str, lines: int = 15) -> str:
        return "\n".join(self.log(name).splitlines()[-lines:])

    def engine(self, service: str):
        # no pool: a connection kept across a database restart would be a dead one
        return create_engine(f"{self.pg.url}/{self.env['DB_PREFIX']}_{service}", poolclass=NullPool)

    def ready(self) -> bool:
        try:
            return requests.get(self.url + "/readyz", timeout=10).status_code == 200
        except requests.RequestException:
            return False

    def wait_ready(self, timeout: float = 90.0, what: str = "every process ready") -> None:
        try:
            wait_for(self.ready, timeout=timeout, interval=0.5, what=what)
        except AssertionError as exc:
            down = [n for n in PROCESSES if not self.running(n)]
            tails = "\n".join(f"--- {n}.log:\n{self.log_tail(n)}" for n in down)
            raise AssertionError(f"{exc}; processes not running: {down}\n{tails}") from None

    def heal(self) -> None:
        """Whatever an earlier test broke, put back (its own failure is reported there)."""
        self.node.start_app()
        self.pg.pg_ctl("-w", "-l", str(self.pg.dir / "server.log"), "start", check=False)
        for name in PROCESSES:
            if not self.running(name):
                self.svc("start", name)
        self.wait_ready()


# package scope: torn down when the fault suite ends, not when `make test` does
@pytest.fixture(scope="package")
def faults_system():
    SCRATCH.mkdir(parents=True, exist_ok=True)
    node = None
    pg = PostgresServer(SCRATCH, PORT + 52)
    env = dict(ENV, AMQP_URI=f"pyamqp://guest:guest@127.0.0.1:{PORT + 50}//", AMQP_VHOST="/", PG_URL=pg.url,
               PG_DIRECT_URL=pg.url,  # migrations too (scripts/up.sh runs them on PG_DIRECT_URL)
               GATEWAY_PUBLIC_RATE="100000", GATEWAY_PUBLIC_BURST="10000")
    try:
        node = start_node(f"lianxin-faults{TEST_ID or ''}", PORT + 50)
        pg.start()
        # the node and server are new and empty: nothing of the machine's to reset
        with running_copy(env, clean=False):
            yield FaultSystem(env, node, pg)
    finally:
        if node is not None:
            node.delete()
        pg.remove()
        subprocess.run(["rm", "-rf", str(SCRATCH)])

@pytest.fixture
def system(faults_system):
    faults_system.heal()
    return faults_system
