"""SQLAlchemy 2 for nameko: an engine per service, a transaction per unit of work.

psycopg 3's compiled wait function blocks the eventlet hub (five concurrent
queries run one after another), so the pure-Python ``wait_select`` is chosen
before psycopg is first imported, and start-up fails if that did not hold.
"""
import os

os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")

import json  # noqa: E402
import re  # noqa: E402
import select  # noqa: E402
import time  # noqa: E402
from contextlib import contextmanager  # noqa: E402

import eventlet  # noqa: E402
import orjson  # noqa: E402
import psycopg.waiting  # noqa: E402
from greenlet import getcurrent  # noqa: E402 - per greenlet: eventlet workers are greenlets
from nameko.extensions import DependencyProvider  # noqa: E402
from sqlalchemy import create_engine, event, text  # noqa: E402
from sqlalchemy.exc import DataError, DisconnectionError, IntegrityError  # noqa: E402
from sqlalchemy.exc import TimeoutError as PoolTimeout  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402
from sqlalchemy.sql.dml import Insert  # noqa: E402
from sqlalchemy.sql.elements import TextClause  # noqa: E402

from services.common.audit import record_write  # noqa: E402
from services.common.envelope import make_envelope  # noqa: E402
from services.common.errors import Conflict, DatabaseBusy, ValidationFailed  # noqa: E402
from services.common.pgsettings import ENGINE_ATTRIBUTE, checked, startup_options  # noqa: E402

UNIQUE_VIOLATION = "23505"
TRUE = ("1", "true", "yes")
WROTE = "lianxin_wrote"  # Session.info key: this session changed a row
MEMO = "lianxin_memo"  # Session.info: Transaction.memo's values
DML = re.compile(r"\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


# What counts as a write for the audit trail (services/common/audit.py record_write): a flush of
# ORM changes, or an INSERT/UPDATE/DELETE executed through the session (Core statements and text()).
# session.new/dirty/deleted alone would miss both once flushed, and every Core statement.
@event.listens_for(Session, "after_flush")
def _flushed(session, flush_context):
    session.info[WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _executed(state):
    statement = state.statement
    if state.is_insert or state.is_update or state.is_delete or (
            isinstance(statement, TextClause) and DML.match(statement.text)):
        state.session.info[WROTE] = True


def assert_cooperative_psycopg() -> None:
    import eventlet.patcher

    if eventlet.patcher.is_monkey_patched("socket") and psycopg.waiting.wait.__name__ == "wait_c":
        raise RuntimeError(
            "psycopg uses wait_c, which blocks the eventlet hub: import services.common.db "
            "(or set PSYCOPG_WAIT_FUNC=wait_select) before anything imports psycopg"
        )


def behind_pgbouncer() -> bool:
    """DB_PGBOUNCER=1: PG_URL is a PgBouncer in transaction pooling (CLIs read the environment)."""
    return os.environ.get("DB_PGBOUNCER", "0").strip().lower() in TRUE


def make_engine(url: str, pool_size: int = 5, pool_timeout: float = 3.0, application_name: str = "lianxin",
                pgbouncer: bool | None = None, settings: dict[str, str] | None = None):
    """An engine holding at most ``pool_size`` connections (no overflow: the budget is exact).

    A caller that waits ``pool_timeout`` seconds for a connection gets DatabaseBusy (a 503).
    ``application_name`` shows who holds what in pg_stat_activity. Behind PgBouncer 1.18 in
    transaction pooling psycopg must not prepare statements: the next transaction may run on
    another server connection, where the prepared statement does not exist.

    ``settings`` (PostgreSQL run-time parameters) are given to every connection when it starts
    (``options=-c name=value``), so a transaction that needs them sets nothing (pgsettings.set_local).
    Behind PgBouncer they cannot be (it refuses that startup parameter, and a session's settings
    would leak to other clients' transactions): pgsettings.set_local then sets them per transaction.
    """
    connect_args = {"application_name": application_name[:63]}
    if pgbouncer is None:
        pgbouncer = behind_pgbouncer()
    if pgbouncer:
        connect_args["prepare_threshold"] = None
    given = {} if pgbouncer else checked(settings)
    if given:
        connect_args["options"] = startup_options(given)
    engine = create_engine(url, pool_size=pool_size, max_overflow=0, pool_timeout=pool_timeout,
                           pool_recycle=1800, connect_args=connect_args,
                           json_serializer=lambda o: json.dumps(o, ensure_ascii=False))
    setattr(engine, ENGINE_ATTRIBUTE, given)  # pgsettings.set_local sets only what is missing
    # the same pool, each statement on its own (Db.read(autocommit=True))
    engine.lianxin_autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
    setattr(engine.lianxin_autocommit, ENGINE_ATTRIBUTE, given)
    watch_liveness(engine)
    return engine


PING_AFTER_IDLE = 30.0  # seconds: a connection idle longer is pinged before use
_poll = eventlet.patcher.original("select").poll  # a zero-timeout poll of the socket, not the hub's


def watch_liveness(engine, ping_after_idle: float = PING_AFTER_IDLE) -> None:
    """SQLAlchemy's ``pool_pre_ping`` costs a round trip on every checkout (a sixth of a small
    transaction's). Instead, a connection is pinged only when its socket has something to read
    while idle (the server said goodbye: a restart, a terminated backend, PgBouncer gone) or it
    has been idle for ``ping_after_idle`` seconds (a silent drop); a failed ping makes the pool
    connect afresh, as pre-ping would."""
    @event.listens_for(engine, "connect")
    @event.listens_for(engine, "checkin")
    def idle_from_now(dbapi_connection, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def check(dbapi_connection, record, proxy):
        since = record.info.get("idle_since")
        if since is not None and time.monotonic() - since < ping_after_idle and not _hung_up(dbapi_connection):
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # noqa: BLE001 - any failure: this connection is done
            raise DisconnectionError(f"ping failed: {exc!r}") from exc


def _hung_up(dbapi_connection) -> bool:
    """Whether an idle connection's socket is closed or readable (nothing is due while idle)."""
    try:
        if dbapi_connection.closed or dbapi_connection.broken:
            return True
        poller = _poll()
        poller.register(dbapi_connection.pgconn.socket, select.POLLIN | select.POLLERR | select.POLLHUP)
        return bool(poller.poll(0))
    except Exception:  # noqa: BLE001 - a socket that cannot be asked about is not trusted
        return True


# The events a transaction publishes are written to the outbox at its commit, all in one statement
# (a write publishes its event and its audit record: one round trip fewer each), in publishing
# order (the outbox's ids, which the relay follows). Kept in Session.info so that every commit of
# the session writes them, also one not through Db.transaction (identity's bootstrap); a rolled-back
# savepoint takes back what was published inside it, as it would have taken back the rows.
# The envelopes go as one JSON array, their ids and types read from them: a jsonb[] parameter
# had psycopg quote each envelope and backslash-escape every quote in it, in Python (6 % of the
# suggestion service's CPU under submissions; bench/README.md "Fewer statements and frames at the
# commit").
_OUTBOX_INSERT = ("INSERT INTO outbox (event_id, type, envelope) SELECT CAST(v->>'event_id' AS uuid), v->>'type', v "
                  "FROM jsonb_array_elements(CAST(:envs AS jsonb)) WITH ORDINALITY AS r(v, n) ORDER BY n")
OUTBOX_ROWS = text(_OUTBOX_INSERT)
# An RPC call's answer (services/common/idempotency.py answered_once) with the transaction's events,
# in one statement at the commit: one round trip fewer for every write over RPC. No row: another
# delivery of the same call recorded its answer first (ON CONFLICT waits for its commit), and this
# one's work must not commit (AnsweredBefore).
ANSWER_WITH_OUTBOX = text(
    "WITH answer AS (INSERT INTO idempotency_keys (scope, key, fingerprint, response) "
    "VALUES (:scope, :key, :fingerprint, CAST(:response AS jsonb)) ON CONFLICT (scope, key) DO NOTHING RETURNING 1), "
    f"events AS ({_OUTBOX_INSERT}) SELECT count(*) FROM answer")
ANSWER = "lianxin_answer"  # Session.info: the call's answer to record at the commit (Transaction.record_answer)
UNWRITTEN = "lianxin_outbox"          # Session.info: [envelope json] not yet written
# Session.info: [(statement, params)] queued by Transaction.run_at_commit, run at commit
AT_COMMIT = "lianxin_at_commit"
QUEUES = (UNWRITTEN, AT_COMMIT)
SAVEPOINT_MARKS = "lianxin_outbox_marks"  # Session.info: {savepoint: {queue: its length when it began}}


@event.listens_for(Session, "before_commit")
def _write_outbox(session):
    queued = session.info.get(AT_COMMIT)
    if queued:
        session.info[AT_COMMIT] = []
        connection = session.connection()
        for statement, rows in _grouped(queued):
            if isinstance(statement, JsonRows):
                connection.execute(statement.statement, {"rows": statement.encode(rows)})
            elif len(rows) == 1:
                connection.execute(statement, rows[0])
            else:
                connection.execute(_many_rows(statement), rows)
    rows = session.info.get(UNWRITTEN)
    answer = session.info.pop(ANSWER, None)
    if not (rows or answer):
        return
    session.info[UNWRITTEN] = []
    envelopes = "[" + ",".join(rows or ()) + "]"
    if answer is None:
        session.connection().execute(OUTBOX_ROWS, {"envs": envelopes})
    elif not session.connection().execute(ANSWER_WITH_OUTBOX, {**answer, "envs": envelopes}).scalar():
        raise AnsweredBefore()


class AnsweredBefore(Exception):
    """Raised at the commit of a call whose answer another delivery of it recorded first: this
    delivery's work rolls back (services/common/idempotency.py answers with the one recorded)."""


class JsonRows:
    """A statement for ``Transaction.run_at_commit`` that takes all its queued rows at once, as one
    JSON array in ``:rows`` (read with ``jsonb_to_recordset``): one execution for a batch where a
    ``text()`` statement would run once per row (psycopg's pipelined executemany). Each row is a
    dict of JSON values (orjson: a datetime as ISO 8601 with its offset)."""

    def __init__(self, sql: str):
        self.statement = text(sql)

    @staticmethod
    def encode(rows: list[dict]) -> str:
        return orjson.dumps(rows).decode()


_MANY_ROWS: dict = {}  # a Core INSERT queued at commit -> the same with RETURNING (see _many_rows)


def _many_rows(statement):
    """The form of ``statement`` to run for several rows at once. A Core INSERT (identity's audit
    records, station's points, evaluation's event log) gets a RETURNING of its key, which has
    SQLAlchemy send one multi-row INSERT for them all (its "insertmanyvalues"; without RETURNING,
    and with an ON CONFLICT clause, it leaves them to psycopg's executemany: a pipelined execution
    per row, whose waits on the socket cost the consumers more CPU than the rows; bench/README.md
    "Fewer statements and frames at the commit"). The answer is not read. Another statement (a
    ``text()``) runs as it is."""
    if not isinstance(statement, Insert) or len(statement.exported_columns):
        return statement
    many = _MANY_ROWS.get(statement)
    if many is None:
        many = _MANY_ROWS[statement] = statement.returning(*statement.table.primary_key.columns)
    return many


def _grouped(queued: list) -> list[tuple]:
    """[(statement, [params, ...])] in the order each statement was first queued, each statement's
    rows in the order they were queued: one execution (one round trip) per statement."""
    groups: dict = {}
    for statement, params in queued:
        groups.setdefault(statement, []).append(params)
    return list(groups.items())


@event.listens_for(Session, "after_transaction_create")
def _savepoint_began(session, transaction):
    if transaction.nested:
        session.info.setdefault(SAVEPOINT_MARKS, {})[transaction] = {
            queue: len(session.info.get(queue, ())) for queue in QUEUES}


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session, previous_transaction):
    marks = session.info.get(SAVEPOINT_MARKS, {}).pop(previous_transaction, None)
    for queue in QUEUES:
        rows = session.info.get(queue)
        if rows is None:
            continue
        if previous_transaction.nested:
            if marks is not None:
                del rows[marks[queue]:]
        elif previous_transaction.parent is None:  # the whole transaction: nothing of it is written
            rows.clear()
    if not previous_transaction.nested and previous_transaction.parent is None:
        session.info.pop(ANSWER, None)


class Transaction:
    """A session plus the outbox: state and events commit together or not at all."""

    def __init__(self, session: Session, producer: str):
        self.session = session
        self.producer = producer
        self.published: list = []
        # set by a wrapper that opened this transaction only to hold one method's work
        # (services/common/idempotency.py): that method's first transaction joins it without a
        # savepoint (two round trips fewer); ``failed`` then keeps what it did from committing
        # if the method catches its failure
        self.join_flat = False
        self.failed = False

    @property
    def wrote(self) -> bool:
        """Whether this transaction changed a row so far (events aside: see ``published``)."""
        return bool(self.session.info.get(WROTE))

    def publish(self, event):
        """Write ``event`` (a published model, services/common/events.py) to the outbox in this
        transaction (at its commit: OUTBOX_ROWS); returns its envelope."""
        envelope = make_envelope(self.producer, event)
        self.session.info.setdefault(UNWRITTEN, []).append(envelope.model_dump_json())  # written at commit
        self.session.info[WROTE] = True
        self.published.append(envelope)
        return envelope

    def run(self, statement, params=None, flush: bool = True, writes: bool | None = None):
        """A prebuilt Core statement (``text()`` or a table's insert/update/select, built once at
        import) with ``params``, on this transaction's connection rather than through the ORM
        session. For the statements a consumer or a submission runs on every event: building a
        statement per call with its values inline, and the session's ORM execution around it,
        cost more client CPU than the statement's round trip (py-spy on the consumers,
        bench/README.md "Prebuilt statements"). Pending ORM changes are flushed first, and a write
        marks the transaction as having written (``wrote``), as the session would. ``flush=False``:
        the statement touches nothing the session holds (the outbox), so pending changes may wait.
        ``writes``: whether it writes, where its text does not say (a ``WITH`` that inserts)."""
        session = self.session
        if flush:
            session.flush()  # nothing pending: a cheap check
        if writes is None:
            writes = getattr(statement, "is_dml", False) or (
                isinstance(statement, TextClause) and bool(DML.match(statement.text)))
        if writes:
            session.info[WROTE] = True
        return session.connection().execute(statement, params)

    def record_answer(self, scope: str, key: str, fingerprint: str, response: str) -> None:
        """Store an RPC call's answer (JSON) under (scope, key) at the commit, in the outbox's
        statement (ANSWER_WITH_OUTBOX); the commit raises AnsweredBefore if the key was there."""
        self.session.info[ANSWER] = {"scope": scope, "key": key, "fingerprint": fingerprint, "response": response}
        self.session.info[WROTE] = True  # as the INSERT it stands for

    def run_at_commit(self, statement, params: dict) -> None:
        """A prebuilt INSERT (or other write) that nothing in this transaction reads back — an audit
        record, a points row, an event's log line, a notification — queued and run at the commit,
        with every other row queued for the same statement in one execution: a Core INSERT as one
        multi-row INSERT (``_many_rows``), a ``JsonRows`` with the rows as one JSON array, another
        statement as an executemany (psycopg pipelines it: one round trip). A batch of events then
        writes its rows in one statement each instead of one per event (bench/README.md "Writes at
        commit", "Fewer statements and frames at the commit"). Statements run in the order each was
        first queued, so a statement whose rows depend on another's (a foreign key) is queued
        after it. A failure (a constraint) surfaces at the commit and rolls the whole transaction
        back, as it would have at once; a rolled-back savepoint takes back what it queued."""
        self.session.info.setdefault(AT_COMMIT, []).append((statement, params))
        self.session.info[WROTE] = True

    def memo(self, key, compute):
        """``compute()`` once per transaction for ``key``: a lookup every event of a batch would
        repeat (a recipient's addresses). ``forget(key)`` where the transaction changes it."""
        cache = self.session.info.setdefault(MEMO, {})
        if key not in cache:
            cache[key] = compute()
        return cache[key]

    def forget(self, key) -> None:
        self.session.info.get(MEMO, {}).pop(key, None)

    # convenience pass-throughs
    def execute(self, *args, **kwargs):
        return self.session.execute(*args, **kwargs)

    def scalar(self, *args, **kwargs):
        return self.session.scalar(*args, **kwargs)

    def scalars(self, *args, **kwargs):
        return self.session.scalars(*args, **kwargs)

    def get(self, *args, **kwargs):
        return self.session.get(*args, **kwargs)

    def add(self, obj) -> None:
        self.session.add(obj)

    def flush(self) -> None:
        self.session.flush()


class Db:
    """What a worker gets: ``with self.db.transaction() as tx: ...``.

    At the outer commit of a transaction that wrote, under the audit context of a request through
    the API, the audit record joins the outbox (services/common/audit.py record_write).

    A transaction (or read) opened while the same greenlet already has one open joins it,
    the inner part in a savepoint (or none: ``Transaction.join_flat``), so a wrapper can hold
    one transaction around a whole method (services/common/idempotency.py); everything commits,
    and the relay is woken, at the outer commit. Other greenlets (a pool inside the worker) get their own sessions.
    """

    def __init__(self, engine, producer: str, on_commit=None):
        self.engine = engine
        self.producer = producer
        self.on_commit = on_commit
        self._open: dict = {}  # greenlet -> its outer Transaction

    def _joinable(self) -> Transaction | None:
        return self._open.get(getcurrent())

    @contextmanager
    def transaction(self):
        outer = self._joinable()
        if outer is not None and outer.join_flat:
            outer.join_flat = False
            try:
                with refusals_as_answers():
                    yield outer
            except BaseException:
                outer.failed = True
                raise
            return
        if outer is not None:
            # a savepoint: an inner failure the method catches leaves the outer work usable
            with refusals_as_answers(), outer.session.begin_nested():
                yield outer
            return
        session = Session(self.engine, expire_on_commit=False)
        tx = Transaction(session, self.producer)
        me = getcurrent()
        self._open[me] = tx
        try:
            with refusals_as_answers():
                yield tx
                if tx.failed:
                    raise RuntimeError("a transaction joined without a savepoint failed, and the "
                                       "method caught it: its part cannot be undone alone")
                record_write(tx)  # a write under the API's audit context commits with its record
                session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            del self._open[me]
            session.close()
        if tx.published and self.on_commit:
            self.on_commit()

    @contextmanager
    def read(self, autocommit: bool = False):
        """A session that writes nothing. ``autocommit``: each statement on its own, without the
        BEGIN and ROLLBACK of a transaction (two round trips), for a read that sets nothing for the
        transaction (SET LOCAL: pgsettings.set_local refuses then). Under READ COMMITTED every
        statement takes its own snapshot either way. Inside an open transaction: that one."""
        outer = self._joinable()
        if outer is not None:  # sees what the outer transaction wrote so far
            with refusals_as_answers():
                yield outer.session
            return
        session = Session(getattr(self.engine, "lianxin_autocommit", self.engine) if autocommit else self.engine)
        try:
            with refusals_as_answers():
                yield session
        finally:
            session.rollback()
            session.close()


@contextmanager
def refusals_as_answers():
    """What PostgreSQL refuses becomes a 409 or 422 for the caller, never a 500."""
    try:
        yield
    except PoolTimeout as exc:
        # every connection of this process's budget stayed busy for DB_POOL_TIMEOUT seconds
        raise DatabaseBusy("the database is busy; retry shortly") from exc
    except IntegrityError as exc:
        # two requests raced past the same check (e.g. the same unit code at once):
        # the unique index decided, and the loser gets a 409
        if getattr(exc.orig, "sqlstate", None) == UNIQUE_VIOLATION:
            raise Conflict("a duplicate of something that already exists") from exc
        raise
    except DataError as exc:
        # a value out of range or badly encoded: the checks that name the field
        # should have caught it; if one did not, it is still the caller's 422
        raise ValidationFailed(f"a value was refused by the database: {exc.orig}") from exc


class Database(DependencyProvider):
    """Engine in setup(); the outbox relay runs beside the service's workers.

    Config: DB_URL, DB_POOL_SIZE (connections this process may hold; the relay takes one while
    it publishes, workers wait their turn), DB_POOL_TIMEOUT (seconds a worker waits for one
    before a 503), DB_PGBOUNCER, AMQP_URI (for the relay), OUTBOX_RELAY (bool).

    ``settings``: PostgreSQL parameters every connection starts with (make_engine).
    """

    def __init__(self, settings: dict[str, str] | None = None):
        self.settings = dict(settings or {})

    def setup(self):
        from services.common.relay import DEFAULT_WINDOW, OutboxRelay

        assert_cooperative_psycopg()
        config = self.container.config
        pgbouncer = str(config.get("DB_PGBOUNCER", "0")).strip().lower() in TRUE
        self.engine = make_engine(config["DB_URL"], pool_size=int(config.get("DB_POOL_SIZE") or 5),
                                  pool_timeout=float(config.get("DB_POOL_TIMEOUT") or 3),
                                  application_name=f"lianxin-{self.container.service_name}",
                                  pgbouncer=pgbouncer, settings=self.settings)
        self.relay = None
        if config.get("OUTBOX_RELAY", True):
            self.relay = OutboxRelay(self.engine, config["AMQP_URI"], self.container.service_name,
                                     heartbeat=int(config.get("HEARTBEAT", 15)),
                                     window=float(config.get("OUTBOX_WINDOW", DEFAULT_WINDOW)))

    def start(self):
        self._relay_thread = None
        if self.relay:
            self._relay_thread = self.container.spawn_managed_thread(self.relay.run, identifier="outbox-relay")

    def stop(self):
        if self.relay:
            self.relay.stop()
            if self._relay_thread is not None:
                with eventlet.Timeout(5, False):  # its final drain, then it returns its connection
                    self._relay_thread.wait()
        # close the pool: a container stopped inside a longer-lived process (the service tests)
        # would otherwise keep its connections open until garbage collection
        self.engine.dispose()

    def kill(self):
        self.stop()

    def get_dependency(self, worker_ctx):
        return Db(self.engine, self.container.service_name,
                  on_commit=self.relay.wake if self.relay else None)
