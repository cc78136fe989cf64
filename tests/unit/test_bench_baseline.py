"""Pure pieces of bench.baseline: /proc stat parsing, CPU per request, lags, ratios, the table."""
import pytest

from bench.baseline import (backends_delta, compare, consumers_of, cpu_ms_per_request, format_table, lag_stats, request_lags,
                            stat_cpu_seconds, stat_ppid, total_cpu)

# /proc/<pid>/stat of a process whose name holds a space and a ')': utime 250, stime 50,
# cutime 1000, cstime 200 ticks; ppid 2196
STAT = ("4242 (nameko run) x) S 2196 4242 4242 0 -1 4194560 1234 0 0 0 250 50 1000 200 20 0 4 0 "
        "5000 123456789 2000 18446744073709551615 1 1 0 0 0 0 0 16781312 0 0 0 17 1 0 0 0 0 0")


def test_stat_cpu_seconds_reads_utime_and_stime_after_the_name():
    assert stat_cpu_seconds(STAT, 100) == pytest.approx(3.0)
    assert stat_cpu_seconds(STAT, 100, children=True) == pytest.approx(15.0)
    assert stat_ppid(STAT) == 2196


def test_stat_cpu_seconds_of_this_process():
    with open("/proc/self/stat") as f:
        assert stat_cpu_seconds(f.read(), 100) >= 0


def test_cpu_ms_per_request_divides_the_deltas():
    before = {"gateway": 10.0, "suggestion": 20.0, "postgres": 100.0}
    after = {"gateway": 13.0, "suggestion": 30.0, "postgres": 104.0}
    assert cpu_ms_per_request(before, after, 1000) == {"gateway": 3.0, "suggestion": 10.0, "postgres": 4.0}


def test_cpu_ms_per_request_none_for_unseen_or_restarted_processes():
    before = {"gateway": 10.0, "notify": 50.0, "station": None}
    after = {"gateway": 11.0, "notify": 1.0, "station": 5.0, "identity": 2.0}
    assert cpu_ms_per_request(before, after, 100) == {"gateway": 10.0, "notify": None, "station": None,
                                                      "identity": None}
    assert cpu_ms_per_request({"a": 1.0}, {"a": 2.0}, 0) == {"a": None}


def test_backends_delta_counts_new_backends_whole_and_loses_ended_ones():
    before = {10: 1.0, 11: 2.0, 12: 5.0}  # 12 ends during the run
    after = {10: 1.5, 11: 2.25, 13: 0.5}  # 13 starts during it
    assert backends_delta(before, after) == pytest.approx(1.25)


def test_total_cpu_sums_what_is_known():
    assert total_cpu({"a": 1.25, "b": None, "c": 2.5}) == 3.75
    assert total_cpu({"a": None}) is None


def test_lag_stats_counts_missing():
    lag = lag_stats([10.0, 20.0, 30.0], expected=4)
    assert (lag["count"], lag["missing"], lag["p50"], lag["max"]) == (3, 1, 20.0, 30.0)
    assert lag_stats([], 2)["p99"] is None


def test_request_lags_take_the_last_consumer_of_every_event_of_a_request():
    posted = {"r1": 100.0, "r2": 100.5, "r3": 101.0}
    events = [
        {"event_id": "e1", "request_id": "r1", "expected": ["notify", "station"]},
        {"event_id": "e2", "request_id": "r1", "expected": ["identity"]},  # its audit record
        {"event_id": "e3", "request_id": "r2", "expected": ["notify"]},
        {"event_id": "e4", "request_id": "r3", "expected": ["notify", "station"]},
        {"event_id": "e5", "request_id": "other", "expected": ["notify"]},  # not a measured request
    ]
    done = {("e1", "notify"): 100.1, ("e1", "station"): 100.3, ("e2", "identity"): 100.2,
            ("e3", "notify"): 100.6, ("e4", "notify"): 101.1}  # e4 never reached station
    lags, incomplete = request_lags(posted, events, done)
    assert sorted(lags) == pytest.approx([100.0, 300.0])
    assert incomplete == 1


def test_consumers_of_follow_the_topology():
    assert set(consumers_of("suggestion.submitted")) == {"station", "notify", "evaluation"}
    assert consumers_of("audit.recorded") == ["identity"]


def side(rps, cpu, lag=None):
    return {"count": 2000, "errors": 0, "throughput_rps": rps, "latency_ms": {"p50": 50.0, "p99": 120.0},
            "lag": lag, "cpu_ms_per_request": cpu, "cpu_total_ms": total_cpu(cpu), "client_cpu_ms_per_request": 1.0}


def test_compare_and_table_side_by_side():
    bare = side(300.0, {"bare_front": 1.0, "bare_store": 1.5, "bare_sink": 0.5, "postgres": 1.0, "rabbitmq": 1.0})
    real = side(60.0, {"suggestion": 10.0, "gateway": 3.0, "postgres": 5.0, "rabbitmq": 3.5},
                lag={"p50": 200.0, "p99": 900.0})
    report = {"bare": bare, "real": real, "ratio_real_to_bare": compare(real, bare)}
    assert report["ratio_real_to_bare"] == {"throughput": 0.2, "cpu_ms_per_request": 4.3}
    table = format_table(report)
    lines = table.splitlines()
    assert lines[0].split() == ["bare", "real"]
    assert any(line.split()[:2] == ["throughput", "req/s"] and line.split()[2:] == ["300.0", "60.0"] for line in lines)
    row = next(line for line in lines if "postgres" in line)
    assert "(server total)" in row and row.split()[-2:] == ["1.00", "5.00"]
    suggestion = next(line for line in lines if line.strip().startswith("suggestion"))
    assert suggestion.split() == ["suggestion", "10.00"]
    assert next(line for line in lines if line.strip().startswith("total")).split() == ["total", "5.00", "21.50"]
    assert "own databases only" in table
    assert "fan-out lag p99 ms" in table and "900.0" in table
    assert lines[-1] == "real/bare: throughput 0.200, CPU per request 4.30"


def test_table_shows_the_lifecycle_when_measured():
    bare = side(300.0, {"bare_front": 1.0})
    real = side(60.0, {"suggestion": 10.0})
    real["lifecycle"] = {**side(5.0, {"suggestion": 40.0, "assignment": 20.0}, lag={"p99": 800.0}),
                         "steps": ["submit", "accept", "assign", "sign", "reply", "rate"]}
    table = format_table({"bare": bare, "real": real, "ratio_real_to_bare": compare(real, bare)})
    assert "submit → accept → assign → sign → reply → rate" in table
    assert "suggestion 40.0, assignment 20.0; total 60.0" in table


def test_run_indexed_calls_each_index_once_with_a_state_per_thread_and_names_failures():
    from bench.submit import run_indexed

    states = []

    def state():
        states.append(object())
        return states[-1]

    def call(own, i):
        if i == 3:
            raise ConnectionError("refused")
        return (i, own)

    calls, t0, t_end = run_indexed(call, 8, 3, state)
    assert len(states) == 3 and t_end >= t0
    answered = [r for _, _, r in calls if isinstance(r, tuple)]
    assert [i for i, _ in answered] == [0, 1, 2, 4, 5, 6, 7]          # by index, each once
    assert calls[3][2] == "ConnectionError"
    assert {id(own) for _, own in answered} <= {id(s) for s in states}  # a thread's own state
    assert all(seconds >= 0 and end <= t_end for seconds, end, _ in calls)


def test_run_indexed_offers_a_fixed_rate_and_counts_latency_from_when_each_call_was_due():
    import time

    from bench.submit import run_indexed

    starts = []

    def call(_, i):
        starts.append((i, time.perf_counter()))
        time.sleep(0.05 if i == 0 else 0)   # one slow call: with two threads the rest keep their pace
        return i

    calls, t0, t_end = run_indexed(call, 10, 2, rate=100.0)    # one every 10 ms
    begun = dict(starts)
    for i in range(1, 10):
        assert begun[i] >= t0 + i / 100 - 0.002, f"call {i} started before it was due"
    assert t_end - t0 >= 0.09
    assert calls[0][0] >= 0.05

    # one thread and a slow first call: the calls queued behind it count their wait as latency
    calls, t0, _ = run_indexed(call, 3, 1, rate=100.0)
    assert calls[1][0] >= 0.05 - 0.01 - 0.002


def test_table_shows_the_offered_load_side_by_side():
    bare, real = side(300.0, {"bare_front": 1.0}), side(60.0, {"suggestion": 10.0})
    bare["offered"] = {**side(100.0, {"bare_front": 1.0}, lag={"p99": 40.0}), "offered_rps": 100.0}
    real["offered"] = {**side(58.0, {"suggestion": 10.0}, lag={"p99": 900.0}), "offered_rps": 100.0}
    table = format_table({"bare": bare, "real": real, "ratio_real_to_bare": compare(real, bare)})
    assert "offered 100 POSTs/s (open loop)" in table
    assert "answered req/s: 100.0 | 58.0" in table
    assert "fan-out lag p99 ms: 40.0 | 900.0" in table
