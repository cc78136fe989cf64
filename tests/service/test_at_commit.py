"""Transaction.run_at_commit and Transaction.memo (services/common/db.py): a batch's rows written at
its commit, one statement at a time, savepoints and rollbacks honoured."""
import uuid

import pytest
from sqlalchemy import text

from services.common.db import Db
from services.common.errors import Conflict, ValidationFailed
from tests.service.conftest import truncate
from tests.service.helpers import scalar

SEEN = text("INSERT INTO processed_events (consumer, event_id) VALUES (:c, CAST(:e AS uuid))")
# depends on SEEN's rows of the same transaction: queued after it, so it runs after it
COPY = text("INSERT INTO processed_events (consumer, event_id) SELECT :c || '-copy', event_id "
            "FROM processed_events WHERE consumer = :c AND event_id = CAST(:e AS uuid)")


@pytest.fixture
def engine(db):
    engine = db("station")
    truncate(engine, "processed_events")
    return engine


def consumers(engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(r[0] for r in conn.execute(text("SELECT consumer FROM processed_events")))


def test_rows_are_written_at_the_commit_each_statement_once_in_first_queued_order(engine):
    db = Db(engine, "station")
    ids = [str(uuid.uuid4()) for _ in range(3)]
    with db.transaction() as tx:
        for e in ids:  # interleaved: SEEN, COPY, SEEN, COPY, ...
            tx.run_at_commit(SEEN, {"c": "a", "e": e})
            tx.run_at_commit(COPY, {"c": "a", "e": e})
        assert tx.wrote
        assert tx.session.scalar(text("SELECT count(*) FROM processed_events")) == 0  # not yet
    # every COPY found its SEEN row: all SEEN rows ran first, in one statement
    assert consumers(engine) == ["a"] * 3 + ["a-copy"] * 3


def test_a_rolled_back_savepoint_takes_back_what_it_queued_and_a_failed_transaction_writes_nothing(engine):
    db = Db(engine, "station")
    with db.transaction() as tx:
        tx.run_at_commit(SEEN, {"c": "kept", "e": str(uuid.uuid4())})
        with pytest.raises(ValidationFailed):
            with db.transaction() as inner:  # a savepoint the method's failure rolls back
                inner.run_at_commit(SEEN, {"c": "rolled back", "e": str(uuid.uuid4())})
                raise ValidationFailed("refused")
        with db.transaction() as inner:
            inner.run_at_commit(SEEN, {"c": "inner", "e": str(uuid.uuid4())})
    assert consumers(engine) == ["inner", "kept"]

    with pytest.raises(RuntimeError):
        with db.transaction() as tx:
            tx.run_at_commit(SEEN, {"c": "never", "e": str(uuid.uuid4())})
            raise RuntimeError("the whole transaction fails")
    assert consumers(engine) == ["inner", "kept"]


def test_a_queued_row_the_database_refuses_fails_the_commit_and_nothing_of_it_is_written(engine):
    db = Db(engine, "station")
    e = str(uuid.uuid4())
    with pytest.raises(Conflict):  # the unique index decided at the commit
        with db.transaction() as tx:
            tx.run(SEEN, {"c": "b", "e": str(uuid.uuid4())})
            tx.run_at_commit(SEEN, {"c": "b", "e": e})
            tx.run_at_commit(SEEN, {"c": "b", "e": e})  # the primary key twice: refused at the commit
    assert scalar(engine, "SELECT count(*) FROM processed_events") == 0


def test_memo_computes_once_per_transaction_until_forgotten(engine):
    db = Db(engine, "station")
    calls = []
    with db.transaction() as tx:
        assert tx.memo("k", lambda: calls.append(1) or len(calls)) == 1
        assert tx.memo("k", lambda: calls.append(1) or len(calls)) == 1
        tx.forget("k")
        assert tx.memo("k", lambda: calls.append(1) or len(calls)) == 2
    with db.transaction() as tx:  # a new transaction reads afresh
        assert tx.memo("k", lambda: calls.append(1) or len(calls)) == 3


def test_a_core_inserts_rows_go_in_one_statement_in_queued_order_a_lone_row_as_it_is(db):
    """A Core INSERT queued for several rows runs as one multi-row INSERT (services/common/db.py
    _many_rows: RETURNING has SQLAlchemy write them in one statement, not psycopg's pipeline of one
    execution per row); the rows keep their queued order (ascending keys), ON CONFLICT still skips a
    repeat; a single row runs as a single row's statement."""
    from services.station.store import POINTS, _points_row
    from tests.service.helpers import statements_sent

    engine = db("station")
    truncate(engine, "points")
    station = Db(engine, "station")
    deputies = [7, 3, 9, 3]  # the last repeats the second's source: skipped
    with statements_sent(engine) as sent, station.transaction() as tx:
        for deputy in deputies:
            tx.run_at_commit(POINTS, _points_row(deputy, 2, "suggestion_submitted", "suggestion", 41, "建议",
                                                 str(uuid.uuid4())))
    inserts = [s for s in sent if s.startswith("insert into points")]
    # one INSERT with the four rows' values (SQLAlchemy numbers each row's parameters)
    assert len(inserts) == 1 and "%(deputy_id__3)s" in inserts[0], inserts
    with engine.connect() as conn:
        assert [r[0] for r in conn.execute(text("SELECT deputy_id FROM points ORDER BY id"))] == [7, 3, 9]

    with statements_sent(engine) as sent, station.transaction() as tx:
        tx.run_at_commit(POINTS, _points_row(5, 2, "suggestion_submitted", "suggestion", 42, None, str(uuid.uuid4())))
    inserts = [s for s in sent if s.startswith("insert into points")]
    assert len(inserts) == 1 and "%(deputy_id)s" in inserts[0], inserts
    assert scalar(engine, "SELECT count(*) FROM points") == 4


def test_a_json_rows_statement_writes_a_batch_in_one_execution_values_intact(db):
    """notify's notifications with their deliveries (services/notify/store.py, a JsonRows statement):
    a batch's rows in one statement, Chinese text, a missing suggestion, the time with its offset and
    each row's channels as they were given; a (recipient, event) already there adds nothing."""
    from datetime import datetime, timedelta, timezone

    from services.notify.store import NOTIFICATIONS_WITH_DELIVERIES
    from tests.service.helpers import statements_sent

    engine = db("notify")
    truncate(engine, "deliveries", "notifications")
    notify = Db(engine, "notify")
    at = datetime(2026, 12, 2, 9, 30, 15, 123456, tzinfo=timezone(timedelta(hours=8)))
    events = [str(uuid.uuid4()) for _ in range(3)]
    rows = [{"recipient": f"deputy:{n}", "event_id": events[n], "type": "suggestion.submitted",
             "title": f"建议已提交（第{n}件）", "body": "正文", "suggestion_id": None if n == 1 else 40 + n,
             "created_at": at, "channels": ["email", "webhook"][:n], "addresses": ["a@example.cn", "https://h.example/x"][:n]}
            for n in range(3)]
    with statements_sent(engine) as sent, notify.transaction() as tx:
        for row in rows:
            tx.run_at_commit(NOTIFICATIONS_WITH_DELIVERIES, row)
    assert len([s for s in sent if "insert into notifications" in s]) == 1, sent
    with engine.connect() as conn:
        got = conn.execute(text("SELECT recipient, title, suggestion_id, created_at FROM notifications ORDER BY id")).all()
        assert [(r.recipient, r.title, r.suggestion_id, r.created_at) for r in got] == [
            (row["recipient"], row["title"], row["suggestion_id"], at) for row in rows]
        assert conn.execute(text("SELECT n.recipient, d.channel, d.address, d.next_attempt_at = n.created_at "
                                 "FROM deliveries d JOIN notifications n ON n.id = d.notification_id "
                                 "ORDER BY n.id, d.channel")).all() == [
            ("deputy:1", "email", "a@example.cn", True),
            ("deputy:2", "email", "a@example.cn", True), ("deputy:2", "webhook", "https://h.example/x", True)]
    with notify.transaction() as tx:  # the same (recipient, event) again: nothing new
        tx.run_at_commit(NOTIFICATIONS_WITH_DELIVERIES, {**rows[2], "title": "又一次"})
    assert scalar(engine, "SELECT count(*) FROM notifications") == 3
    assert scalar(engine, "SELECT count(*) FROM deliveries") == 3
