"""The harness itself: without a fault, a stream reconciles and sees nothing but 2xx."""
from tests.faults.scenario import under_load


def test_a_stream_without_fault_reconciles(system):
    with under_load(system, "control") as run:
        run.carries_on(2)
    assert {c.status for c in run.stream.calls} <= {200, 201}, {c.status for c in run.stream.calls}
