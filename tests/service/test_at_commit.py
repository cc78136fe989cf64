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
