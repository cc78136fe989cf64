"""SIGKILL of each process in turn under load: nothing lost, nothing doubled."""
import pytest

from tests.faults.conftest import PROCESSES
from tests.faults.scenario import under_load
from tests.polling import wait_for


@pytest.mark.parametrize("name", PROCESSES)
def test_sigkill_under_load(system, name):
    with under_load(system, f"kill-{name}", warmup=2) as run:
        run.allow_no_answer = name == "gateway"  # what it was answering is cut; the client retries
        old = system.pids()[name]
        system.svc("kill", name)
        # no operator step: its supervisor (scripts/supervise.sh) starts it again
        wait_for(lambda: system.pids()[name] != old, timeout=30, what=f"a new {name} process")
        system.wait_ready(timeout=90, what=f"{name} back after SIGKILL")
        run.carries_on(2)
    assert f"{name} (pid {old}) exited with status 137" in system.log(name)
