"""SIGKILL of each process in turn under load: nothing lost, nothing doubled."""
import pytest

from tests.faults.conftest import PROCESSES
from tests.faults.scenario import under_load


@pytest.mark.parametrize("name", PROCESSES)
def test_sigkill_under_load(system, name):
    with under_load(system, f"kill-{name}", warmup=2) as run:
        run.allow_no_answer = name == "gateway"  # what it was answering is cut; the client retries
        system.svc("kill", name)
        # what runs the process may restart it; if not (yet), start it as an operator would
        system.svc("start", name)
        system.wait_ready(timeout=90, what=f"{name} back after SIGKILL")
        run.carries_on(2)
