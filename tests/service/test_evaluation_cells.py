"""Evaluation's rate cells (rate_cells) on real PostgreSQL and RabbitMQ: applied at each commit, one
upsert per cell in key order (migration 5d1f0c7b9e42), so transactions sharing cells never wait for
each other before their commits, and a burst of mixed events handled in batches beside concurrent
ratings leaves the cells equal to the rebuild from the event log."""
from datetime import datetime, timedelta, timezone

import eventlet
from nameko.standalone.rpc import ClusterRpcProxy
from prometheus_client import REGISTRY
from sqlalchemy import text

from services.evaluation import projection, rebuild, stats
from services.evaluation.service import EvaluationService
from tests.service.conftest import ENV
from tests.service.helpers import envelope, publish, wait_for
from tests.service.test_evaluation_stats import SESSION, U1, U2, _scalar, deputy, evaluation_db  # noqa: F401

D_CITY, D_TOWN = 951, 952
BASE = 9000  # assignment ids of this module
FUTURE = datetime.now(timezone.utc) + timedelta(days=30)


def payload(n: int, state: str, unit: int, category: str, deputy_id: int, **extra) -> dict:
    p = {"assignment_id": BASE + n, "suggestion_id": BASE + n, "state": state, "round": 1, "lead_unit_id": unit,
         "lead_unit_name": {U1: "甲局", U2: "乙局"}[unit], "co_unit_ids": [], "due_at": FUTURE.isoformat(),
         "number": f"第{BASE + n}号", "title": f"建议{n}", "session": SESSION, "category": category,
         "lead_deputy_id": deputy_id, "co_signer_ids": [], "actor": "test", "note": None}
    p.update(extra)
    return p


def cells(engine) -> list:
    with engine.connect() as conn:
        return conn.execute(text("SELECT * FROM rate_cells ORDER BY session, unit_id, category, level, "
                                 "result_class")).all()


def recomputed(engine) -> list:
    """The cells as rebuild.py computes them, from the live facts."""
    counts = ", ".join(stats.CELL_COUNTS.values())
    with engine.connect() as conn:
        return conn.execute(text(f"SELECT {stats.CELL_KEYS}, {counts} FROM assignment_facts "
                                 f"GROUP BY {stats.CELL_KEYS} ORDER BY {stats.CELL_KEYS}")).all()


def at(minutes: int) -> datetime:
    return datetime.now(timezone.utc) - timedelta(days=1) + timedelta(minutes=minutes)


def test_transactions_sharing_cells_hold_none_of_them_until_their_commits(evaluation_db):
    """The first changes cells of unit 1 then unit 2, the second of unit 2 then unit 1 (the order in
    which the old row trigger locked them: the second waited, and with one more lock a deadlock).
    Now neither waits before its commit; each commit applies its deltas, and the cells equal the
    facts' counts."""
    with evaluation_db.begin() as conn:  # (units named by both: known before, so neither inserts one)
        for unit in (U1, U2):
            projection.apply(conn, "assignment.unit_registered", {"id": unit, "name": f"局{unit}", "code": None},
                             at(0))
    first, second = evaluation_db.connect(), evaluation_db.connect()
    try:
        with first.begin():
            projection.apply(first, "assignment.assigned", payload(1, "assigned", U1, "transport", D_CITY), at(1))
            projection.apply(first, "assignment.assigned", payload(2, "assigned", U2, "transport", D_CITY), at(2))
            assert first.execute(text("SELECT count(*) FROM rate_cells")).scalar() == 0  # until its commit
            with second.begin():
                second.execute(text("SET LOCAL lock_timeout = '300ms'"))  # a wait would fail the test
                projection.apply(second, "assignment.assigned", payload(3, "assigned", U2, "transport", D_CITY),
                                 at(3))
                projection.apply(second, "assignment.assigned", payload(4, "assigned", U1, "transport", D_CITY),
                                 at(4))
                projection.apply(second, "assignment.replied",
                                 payload(4, "replied", U1, "transport", D_CITY, result_class="A", on_time=True), at(5))
            # the second committed first; the first's changes are not in the cells yet
            assert [(c.unit_id, c.result_class, c.replies_due) for c in cells(evaluation_db)] == \
                [(U1, "A", 1), (U2, "", 1)]
            projection.apply(first, "assignment.replied",
                             payload(1, "replied", U1, "transport", D_CITY, result_class="A", on_time=False), at(6))
    finally:
        first.close()
        second.close()
    assert cells(evaluation_db) == recomputed(evaluation_db)
    assert [(c.unit_id, c.result_class, c.replies_due, c.on_time) for c in cells(evaluation_db)] == \
        [(U1, "A", 2, 1), (U2, "", 2, 0)]
    assert _scalar(evaluation_db, "SELECT count(*) FROM rate_cell_deltas") == 0
    assert _scalar(evaluation_db, "SELECT count(*) FROM rate_cell_flushes") == 0


def test_a_cell_left_with_no_reply_due_goes_and_a_truncate_drops_pending_deltas(evaluation_db):
    with evaluation_db.begin() as conn:
        projection.apply(conn, "assignment.assigned", payload(1, "assigned", U1, "edu", D_CITY), at(1))
    with evaluation_db.begin() as conn:  # rerouted: unit 1's cell is left with nothing
        projection.apply(conn, "assignment.rerouted",
                         payload(1, "assigned", U2, "edu", D_CITY, previous_lead_unit_id=U1), at(2))
    assert [(c.unit_id, c.replies_due) for c in cells(evaluation_db)] == [(U2, 1)]
    with evaluation_db.begin() as conn:  # deltas staged before a TRUNCATE are of rows that are gone
        projection.apply(conn, "assignment.assigned", payload(2, "assigned", U1, "edu", D_CITY), at(3))
        conn.execute(text("TRUNCATE assignment_facts"))
        projection.apply(conn, "assignment.assigned", payload(3, "assigned", U1, "edu", D_CITY), at(4))
    assert cells(evaluation_db) == recomputed(evaluation_db)
    assert [(c.unit_id, c.replies_due) for c in cells(evaluation_db)] == [(U1, 1)]


def batches() -> tuple[float, float]:
    return (REGISTRY.get_sample_value("lianxin_event_batch_size_count", {"consumer": "evaluation"}) or 0,
            REGISTRY.get_sample_value("lianxin_event_batch_size_sum", {"consumer": "evaluation"}) or 0)


def test_a_burst_of_mixed_events_in_batches_beside_ratings_keeps_the_cells_equal_to_the_rebuild(
        start_service, rpc, amqp, evaluation_db, monkeypatch):
    """Thirty assignments of two units and two deputies: assigned, some rerouted, signed, replied
    (A/B/C, on time or not), a deputy's level changed midway (every row of hers moves cell); then,
    while a second burst (closings, rehandlings and second replies, follow-ups) is handled in
    batches, the deputies rate the first replies over RPC, in the same cells. Everything is handled
    once, nothing is parked, and the cells equal the rebuild's."""
    record = projection.record
    slow = {"first": True}

    def slow_first(tx, *args, **kwargs):
        if slow.pop("first", False):
            eventlet.sleep(1.0)  # the burst arrives meanwhile and waits as the next batches
        return record(tx, *args, **kwargs)

    monkeypatch.setattr(projection, "record", slow_first)
    start_service(EvaluationService, EVENT_BATCH_SIZE=20, EVENT_BATCH_WORKERS=1)
    before = batches()
    ev = envelope
    n = 30

    def lead(i: int) -> int:
        return U1 if i % 2 else U2

    def who(i: int) -> int:
        return D_CITY if i % 3 else D_TOWN

    def p(i: int, state: str, **extra) -> dict:
        unit = extra.pop("unit", lead(i))
        return payload(i, state, unit, ("edu", "transport")[i % 2], who(i), **extra)

    first = [ev("assignment.unit_registered", {"id": U1, "name": "市甲局", "code": "JA"}),
             ev("assignment.unit_registered", {"id": U2, "name": "市乙局", "code": "YI"}),
             ev("station.deputy_registered", {"deputy_id": D_CITY, "name": "王", "level": "city",
                                              "delegation": "东城"}),
             ev("station.deputy_registered", {"deputy_id": D_TOWN, "name": "李", "level": "township",
                                              "delegation": "西城"})]
    for i in range(1, n + 1):
        first.append(ev("assignment.assigned", p(i, "assigned")))
        if i % 5 == 0:
            first.append(ev("assignment.rerouted", p(i, "assigned", unit=U1 if lead(i) == U2 else U2,
                                                     previous_lead_unit_id=lead(i))))
        if i == n // 2:
            first.append(ev("station.deputy_updated", {"deputy_id": D_TOWN, "name": "李", "level": "county",
                                                       "delegation": "西城"}))
    for i in range(1, n + 1):
        unit = (U1 if lead(i) == U2 else U2) if i % 5 == 0 else lead(i)
        first.append(ev("assignment.signed", p(i, "signed", unit=unit, unit_id=unit, is_lead=True)))
        first.append(ev("assignment.replied", p(i, "replied", unit=unit, result_class="ABC"[i % 3],
                                                 on_time=i % 4 != 0)))
    for body in first:
        publish(amqp, body)
    ids = [b["event_id"] for b in first]
    wait_for(lambda: _scalar(evaluation_db, "select count(*) from event_log where event_id = any(:ids)", ids=ids)
             == len(ids), timeout=60, what=f"{len(ids)} events logged")

    second = []
    for i in range(1, n + 1):
        unit = (U1 if lead(i) == U2 else U2) if i % 5 == 0 else lead(i)
        if i % 3 == 0:  # not rated: rehandled, replied again, closed
            second.append(ev("assignment.rehandling_opened", p(i, "rehandling", unit=unit, round=2)))
            second.append(ev("assignment.replied", p(i, "replied", unit=unit, round=2, result_class="A",
                                                     on_time=True)))
            second.append(ev("assignment.closed", p(i, "closed", unit=unit, round=2)))
        elif i % 3 == 1:  # rated meanwhile
            second.append(ev("assignment.followed_up", p(i, "replied", unit=unit, result_class="A")))
        else:
            second.append(ev("assignment.supervision_set", p(i, "replied", unit=unit, leader="张主任",
                                                             committee="城建环保委")))
    slow["first"] = True
    for body in second:
        publish(amqp, body)
    # the ratings, side by side with the second burst's batches
    def rate(i: int) -> dict:  # (a proxy per greenthread: one proxy is not for concurrent calls)
        with ClusterRpcProxy({"AMQP_URI": ENV["AMQP_URI"], "serializer": "json"}, timeout=20) as proxy:
            return proxy.evaluation.evaluate(deputy(who(i)), BASE + i, {"satisfaction": ("satisfied", "basic")[i % 2]})

    pool = eventlet.GreenPool(5)
    ratings = list(pool.imap(rate, [i for i in range(1, n + 1) if i % 3 != 0]))
    assert len(ratings) == 20
    ids = [b["event_id"] for b in second]
    wait_for(lambda: _scalar(evaluation_db, "select count(*) from event_log where event_id = any(:ids)", ids=ids)
             == len(ids), timeout=60, what=f"{len(ids)} events logged")

    count, total = batches()
    assert total - before[1] == len(first) + len(second)
    assert count - before[0] < (total - before[1]) / 2  # batches, not one event at a time
    assert _scalar(evaluation_db, "select count(*) from dead_letters") == 0
    assert _scalar(evaluation_db, "select count(*) from processed_events") == len(first) + len(second)
    assert cells(evaluation_db) == recomputed(evaluation_db)
    assert _scalar(evaluation_db, "select sum(replies_due) from rate_cells") == n
    assert _scalar(evaluation_db, "select sum(evaluated) from rate_cells") == 20
    replayed = rebuild.rebuild(evaluation_db, schema="rebuild_cells")
    try:
        assert replayed == _scalar(evaluation_db, "select count(*) from event_log")
        assert set(rebuild.compare(evaluation_db, schema="rebuild_cells").values()) == {0}
    finally:
        with evaluation_db.begin() as conn:
            conn.execute(text("drop schema rebuild_cells cascade"))


def unreplied_cells(engine) -> list:
    with engine.connect() as conn:
        return conn.execute(text("SELECT * FROM unreplied_cells ORDER BY 1, 2, 3, 4, 5")).all()


def unreplied_recomputed(engine) -> list:
    with engine.connect() as conn:
        return conn.execute(text(f"SELECT {stats.UNREPLIED_KEYS}, count(*) FROM assignment_facts "
                                 f"WHERE {stats.UNREPLIED} AND due_at IS NOT NULL GROUP BY 1, 2, 3, 4, 5 "
                                 f"ORDER BY 1, 2, 3, 4, 5")).all()


def overdue_rows(engine, now, group=None, **filters) -> dict:
    """Overdue counted row by row (stats.OVERDUE), what the cells must give."""
    key = stats.GROUPS[group] if group else "NULL"
    with engine.connect() as conn:
        return {g: n for g, n in conn.execute(text(
            f"SELECT {key}, count(*) FROM assignment_facts WHERE {stats.OVERDUE} AND {stats._where(filters)} "
            f"GROUP BY 1"), {**filters, "now": now})}


def overdue_counted(engine, now, group=None, **filters) -> dict:
    with engine.connect() as conn:
        return {g: c["overdue"] for g, c in stats.counts(conn, filters, now, group).items() if c["overdue"]}


def test_overdue_from_the_unreplied_cells_is_the_row_count_at_any_moment(evaluation_db):
    """Replies due days ago, earlier today, soon and later, across two units and categories; then a
    due date extended, a reply, a rehandling with a new date, a reroute and a report of lateness.
    After each, the cells equal their recount from the facts, and overdue from the cells (days before
    today + rows due earlier today) equals the row-by-row count, now and two days on, grouped and filtered."""
    now = datetime.now(timezone.utc)
    dues = [now - timedelta(days=3), now - timedelta(days=1), now - timedelta(minutes=1), now + timedelta(minutes=1),
            now + timedelta(days=2), now - timedelta(days=40)]
    with evaluation_db.begin() as conn:
        for n, due in enumerate(dues, start=20):
            unit, category = (U1, "edu") if n % 2 else (U2, "transport")
            projection.apply(conn, "assignment.assigned",
                             payload(n, "assigned", unit, category, D_CITY, due_at=due.isoformat()), at(n))

    def check():
        assert unreplied_cells(evaluation_db) == unreplied_recomputed(evaluation_db)
        for moment in (now, now + timedelta(days=2, hours=1)):
            assert overdue_counted(evaluation_db, moment) == overdue_rows(evaluation_db, moment)
            for group in ("unit", "category", "session"):
                assert overdue_counted(evaluation_db, moment, group) == overdue_rows(evaluation_db, moment, group)
            assert overdue_counted(evaluation_db, moment, unit_id=U1) == overdue_rows(evaluation_db, moment, unit_id=U1)
            assert overdue_counted(evaluation_db, moment, category="transport") == \
                overdue_rows(evaluation_db, moment, category="transport")

    check()
    assert overdue_counted(evaluation_db, now) == {None: 4}
    assert sum(c.unreplied for c in unreplied_cells(evaluation_db)) == 6
    with evaluation_db.begin() as conn:
        # the due date alone changes (an extension): the row moves to another day
        conn.execute(text("UPDATE assignment_facts SET due_at = :d WHERE assignment_id = :a"),
                     {"d": now + timedelta(days=5), "a": BASE + 20})
        conn.execute(text("UPDATE assignment_facts SET state = 'replied', result_class = 'A' WHERE assignment_id = :a"),
                     {"a": BASE + 21})
    check()
    assert overdue_counted(evaluation_db, now) == {None: 2}
    with evaluation_db.begin() as conn:
        conn.execute(text("UPDATE assignment_facts SET state = 'rehandling', round = 2, due_at = :d "
                          "WHERE assignment_id = :a"), {"d": now - timedelta(hours=30), "a": BASE + 21})
        conn.execute(text("UPDATE assignment_facts SET unit_id = :u WHERE assignment_id = :a"),
                     {"u": U1, "a": BASE + 22})
        conn.execute(text("UPDATE assignment_facts SET overdue_round = round WHERE assignment_id = :a"),
                     {"a": BASE + 24})  # reported late, not yet due by the clock
        conn.execute(text("DELETE FROM assignment_facts WHERE assignment_id = :a"), {"a": BASE + 25})
    check()
    assert overdue_counted(evaluation_db, now) == {None: 3}
