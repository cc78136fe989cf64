"""Pure pieces of bench.submit: percentiles, the summary, the table, the file name."""
import datetime as dt

import pytest

from bench.submit import format_table, percentile, result_path, suggestion_body, summarise


def test_percentile_of_known_list():
    values = list(range(1, 101))  # 1..100
    assert percentile(values, 50) == pytest.approx(50.5)
    assert percentile(values, 95) == pytest.approx(95.05)
    assert percentile(values, 99) == pytest.approx(99.01)
    assert percentile(values, 0) == 1
    assert percentile(values, 100) == 100


def test_percentile_interpolates_and_ignores_order():
    assert percentile([40, 10, 30, 20], 50) == pytest.approx(25.0)
    assert percentile([10, 20], 25) == pytest.approx(12.5)


def test_percentile_edge_cases():
    assert percentile([], 50) is None
    assert percentile([7], 99) == 7.0
    with pytest.raises(ValueError):
        percentile([1, 2], 101)


def test_summarise_counts_errors_by_status_and_throughput():
    lat = [0.010, 0.020, 0.030, 0.040, 1.000]
    statuses = [201, 201, 422, 201, "ConnectionError"]
    s = summarise(lat, statuses, wall_s=2.0)
    assert s["count"] == 5
    assert s["ok"] == 3
    assert s["errors"] == 2
    assert s["errors_by_status"] == {"422": 1, "ConnectionError": 1}
    assert s["throughput_rps"] == 2.5
    assert s["ok_throughput_rps"] == 1.5
    assert s["latency_ms"]["p50"] == pytest.approx(30.0)
    assert s["latency_ms"]["max"] == pytest.approx(1000.0)
    assert s["latency_ms"]["p99"] == pytest.approx(961.6)


def test_format_table_shows_figures_and_timeout():
    s = summarise([0.001 * i for i in range(1, 11)], [201] * 10, wall_s=0.5)
    report = {**s, "concurrency": 4,
              "notification_lag": {"timed_out": True, "timeout_s": 120.0, "seen": 8, "expected": 10},
              "machine": {"nproc": 2, "python": "3.11.7"}}
    table = format_table(report)
    assert "throughput" in table and "20.00 req/s" in table
    assert "latency p50" in table and "5.50 ms" in table
    assert "timed out after 120.0 s (saw 8 of 10)" in table
    assert "2 cpu, python 3.11.7" in table

    report["notification_lag"] = {"timed_out": False, "lag_ms": 312.5}
    assert "312.5 ms" in format_table(report)


def test_result_path_adds_a_time_suffix_when_taken(tmp_path):
    now = dt.datetime(2025, 3, 4, 5, 6, 7)
    first = result_path(tmp_path, now)
    assert first.name == "2025-03-04-submit.json"
    first.write_text("{}")
    second = result_path(tmp_path, now)
    assert second.name == "2025-03-04-submit-050607.json"
    second.write_text("{}")
    assert result_path(tmp_path, now).name == "2025-03-04-submit-050607-1.json"


def test_bench_suggestion_is_valid():
    body = suggestion_body(12345)
    assert 5 <= len(body["title"]) <= 100
    assert body["category"] == "transport" and body["kind"] == "session"
