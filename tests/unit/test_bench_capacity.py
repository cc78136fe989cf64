"""Pure pieces of bench.capacity: averaging per-process costs and scaling them to rates."""
import pytest

from bench.capacity import mean_costs, plan, table


def test_mean_costs_averages_each_process_over_the_runs_that_saw_it():
    runs = [{"suggestion": 4.0, "gateway": 1.0, "identity": None}, {"suggestion": 3.0, "gateway": 2.0, "identity": 1.5}]
    assert mean_costs(runs) == {"suggestion": 3.5, "gateway": 1.5, "identity": 1.5}


def test_plan_scales_cores_linearly_and_rounds_replicas_up_at_the_core_share():
    assert plan(4.0, 1000, 0.7, server=False) == (pytest.approx(4.0), 6)  # 4 / 0.7 = 5.7
    assert plan(3.5, 1000, 0.7, server=False) == (pytest.approx(3.5), 5)  # exactly 5, not 6
    assert plan(0.02, 100, 0.7, server=False) == (pytest.approx(0.002), 1)  # at least one
    assert plan(2.4, 10000, 0.7, server=True) == (pytest.approx(24.0), None)


def test_table_has_a_row_per_process_servers_without_replicas_and_the_total():
    text = table({"suggestion": 4.0, "postgres": 2.0}, [100, 1000], 0.7)
    rows = text.splitlines()
    assert rows[0].startswith("| process | CPU ms per submission | 100/s: cores (replicas) | 1,000/s |")
    assert "| suggestion | 4.00 | 0.4 (1) | 4.0 (6) |" in rows
    assert "| PostgreSQL (server) | 2.00 | 0.2 | 2.0 |" in rows
    assert rows[-1] == "| **total** | **6.0** | **0.6 cores** | **6.0 cores** |"
