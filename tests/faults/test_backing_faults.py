"""The broker and the database go away under load and come back: no manual step, only 503s."""
import time

from tests.faults.scenario import under_load


def test_rabbitmq_stop_start_under_load(system):
    """`rabbitmqctl stop_app; sleep 5; start_app`: every service reconnects (its consumers, RPC
    replies and relay) or is restarted by what runs it; nobody runs `make up`."""
    with under_load(system, "broker") as run:
        system.node.stop_app()
        time.sleep(5)
        system.node.start_app()
        system.wait_ready(timeout=60, what="the system to recover from the broker restart by itself")
        run.carries_on(3)


def test_postgresql_restart_under_load(system):
    """A fast restart cuts every session (AdminShutdown): clients see 503 at worst, never 500."""
    with under_load(system, "database") as run:
        system.pg.restart()
        system.wait_ready(timeout=90, what="the system to recover from the database restart")
        run.carries_on(3)
