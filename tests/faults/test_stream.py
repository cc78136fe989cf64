"""The harness itself: without a fault a stream reconciles, and a real double is caught."""
import pytest

from tests.faults.messages import republish_sent
from tests.faults.scenario import under_load


def test_a_stream_without_fault_reconciles(system):
    with under_load(system, "control") as run:
        run.carries_on(2)


def test_reconciliation_catches_a_double(system):
    """Replies sent again as new events (fresh ids, so no consumer can tell) must be reported."""
    with pytest.raises(AssertionError) as caught:
        with under_load(system, "double") as run:
            ids = [life.suggestion_id for life in run.stream.lifecycles]
            assert republish_sent(system, ["assignment"], "type = 'assignment.replied' AND "
                                  "(envelope->'payload'->>'suggestion_id')::bigint = ANY(:ids)",
                                  fresh_ids=True, ids=ids) == len(ids)
    report = str(caught.value)
    assert "timelines not each step once" in report and "'replied': 2" in report, report
    assert "notifications: missing {}, extra" in report, report
