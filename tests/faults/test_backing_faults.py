"""The broker and the database go away under load and come back: no manual step, only 503s."""
import time

import requests

from tests.faults.conftest import PROCESSES
from tests.faults.scenario import under_load

CRASH = "thread exited with error"  # nameko's line when a container dies of an error


def test_rabbitmq_stop_start_under_load(system):
    """`rabbitmqctl stop_app; sleep 5; start_app`: every service reconnects (its consumers, RPC
    replies and relay) or is restarted by what runs it; nobody runs `make up`."""
    pids, crashes = system.pids(), {n: system.log(n).count(CRASH) for n in PROCESSES}
    with under_load(system, "broker") as run:
        system.node.stop_app()
        time.sleep(5)
        outage = requests.get(system.url + "/readyz", timeout=10)
        system.node.start_app()
        system.wait_ready(timeout=60, what="the system to recover from the broker restart by itself")
        run.carries_on(3)
    assert outage.status_code == 503 and "rabbitmq" in outage.json()["down"], outage.text
    assert int(outage.headers["Retry-After"]) > 0
    # every process rode it out: none died (the supervisor would have hidden it) and none was restarted
    assert {n: system.log(n).count(CRASH) for n in PROCESSES} == crashes
    assert system.pids() == pids


def test_postgresql_restart_under_load(system):
    """A fast restart cuts every session (AdminShutdown): clients see 503 at worst, never 500."""
    with under_load(system, "database") as run:
        system.pg.restart()
        system.wait_ready(timeout=90, what="the system to recover from the database restart")
        run.carries_on(3)
