"""Idempotency-Key in a service, against real PostgreSQL and RabbitMQ.

A probe service (ServiceBase, on the notify test database, relay off) creates one outbox row per
call, so what was created is counted in the same table every service has.
"""
from datetime import datetime, timezone
from typing import ClassVar

import eventlet
import pytest
from nameko.exceptions import RemoteError
from nameko.extensions import DependencyProvider
from nameko.standalone.rpc import ClusterRpcProxy
from pydantic import BaseModel
from sqlalchemy import text

from services.common.amqp import ResilientRpcConsumer
from services.common.errors import Conflict, ValidationFailed
from services.common.idempotency import FINGERPRINT, KEY, SCOPE, KeyReused, purge
from services.common.service_base import ServiceBase, rpc
from tests.service.conftest import ENV, database_url, truncate
from tests.polling import wait_for
from tests.service.helpers import scalar

OFFICE = "office:office-1"


class PassedOn(DependencyProvider):
    """What this worker's RPCs would carry as context data (nameko sends ``context_data``)."""

    def get_dependency(self, worker_ctx):
        return lambda: sorted(worker_ctx.context_data)


class ProbeCreated(BaseModel):
    """Shaped like a published event model (not registered: no consumer takes it)."""
    event_type: ClassVar[str] = "idemprobe.created"
    version: ClassVar[int] = 1
    label: str


PAUSED = set()  # labels whose call paused once (``pause_once``: a redelivered run does not)


class IdemProbe(ServiceBase):
    name = "idemprobe"
    passed_on = PassedOn()

    @rpc(idempotent=True)
    def create(self, label, fail=False, pause=0.0, once_only=False, pause_once=False):
        with self.db.transaction() as tx:
            if once_only and tx.session.scalar(text(
                    "SELECT count(*) FROM outbox WHERE envelope->'payload'->>'label' = :l"), {"l": label}):
                raise Conflict(f"{label} was created before")
            envelope = tx.publish(ProbeCreated(label=label))
            # a row written at once, for the read below (the outbox rows are written at commit)
            tx.execute(text("INSERT INTO processed_events (consumer, event_id) VALUES ('idemprobe', :e)"),
                       {"e": str(envelope.event_id)})
        if not (pause_once and label in PAUSED):
            PAUSED.add(label)
            eventlet.sleep(pause)  # the claim is held meanwhile
        if fail:
            raise ValidationFailed("refused after creating")
        with self.db.read() as session:  # joins the outer transaction: sees the row
            seen = session.scalar(text("SELECT count(*) FROM processed_events WHERE event_id = :e"),
                                  {"e": str(envelope.event_id)})
        return {"event_id": str(envelope.event_id), "label": label, "seen": seen,
                "at": datetime.now(timezone.utc), "passed_on": self.passed_on()}

    @rpc(writes=True)
    def note(self, label):
        """A state change (not a creating method): the client's key is not its to spend."""
        with self.db.transaction() as tx:
            tx.publish(ProbeCreated(label=label))
        return {"label": label}

    @rpc(idempotent=True)
    def swallow(self, label):
        try:
            with self.db.transaction() as tx:
                tx.publish(ProbeCreated(label=label))
                raise ValidationFailed("refused after creating")
        except ValidationFailed:
            return {"label": label}


@pytest.fixture
def probe(start_service, db):
    engine = db("notify")
    truncate(engine, "outbox", "idempotency_keys")
    start_service(IdemProbe, DB_URL=database_url("notify"), OUTBOX_RELAY=False)
    return engine


def call_method(name, *args):
    with ClusterRpcProxy({"AMQP_URI": ENV["AMQP_URI"], "serializer": "json"}, timeout=10) as proxy:
        return getattr(proxy.idemprobe, name)(*args)


def call(label, key=None, fingerprint="f1", scope=OFFICE, **kwargs):
    context = {KEY: key, SCOPE: scope, FINGERPRINT: fingerprint} if key else {}
    with ClusterRpcProxy({"AMQP_URI": ENV["AMQP_URI"], "serializer": "json"}, context_data=context,
                         timeout=10) as proxy:
        return proxy.idemprobe.create(label, **kwargs)


def created(engine, label) -> int:
    return scalar(engine, "SELECT count(*) FROM outbox WHERE envelope->'payload'->>'label' = :l", {"l": label})


def keys(engine) -> int:
    return scalar(engine, "SELECT count(*) FROM idempotency_keys")


def test_the_same_key_returns_the_first_answer_and_creates_nothing_new(probe):
    first = call("a", key="k-1")
    again = call("a", key="k-1")
    assert first["seen"] == 1  # the method's own read saw its write before the commit
    assert again == first and isinstance(again["at"], datetime)  # stored as sent, datetimes too
    assert not [k for k in first["passed_on"] if k.startswith("idempotency")]  # the key is not passed on
    assert "call_id_stack" in first["passed_on"]  # (it does see what it passes on)
    assert created(probe, "a") == 1 and keys(probe) == 1


def test_a_different_request_with_the_same_key_is_a_409(probe):
    call("a", key="k-2", fingerprint="f1")
    with pytest.raises(KeyReused) as caught:
        call("b", key="k-2", fingerprint="f2")
    assert caught.value.status == 409 and caught.value.code == "idempotency_key_reused"
    assert caught.value.details[0]["field"] == "Idempotency-Key"
    assert created(probe, "b") == 0


def test_keys_are_per_caller(probe):
    mine = call("a", key="k-3", scope="deputy:deputy-1")
    theirs = call("a", key="k-3", scope="deputy:deputy-2")
    assert mine["event_id"] != theirs["event_id"]
    assert created(probe, "a") == 2


def test_without_a_key_every_call_creates(probe):
    assert call("a")["event_id"] != call("a")["event_id"]
    assert created(probe, "a") == 2
    # each call's answer is kept under its own correlation id, for a redelivery (below)
    assert scalar(probe, "SELECT count(*) FROM idempotency_keys WHERE scope = 'rpc' "
                         "AND fingerprint = 'idemprobe.create'") == 2 == keys(probe)


def test_a_state_change_in_the_same_request_does_not_spend_the_clients_key(probe):
    """The gateway passes the key with every RPC of a request: a refused create's audit record
    (identity.record_audit) once claimed it, and the client's corrected retry got a 409."""
    with pytest.raises(ValidationFailed):
        call("bad", key="k-8", fingerprint="f-bad", fail=True)
    with ClusterRpcProxy({"AMQP_URI": ENV["AMQP_URI"], "serializer": "json"},
                         context_data={KEY: "k-8", SCOPE: OFFICE, FINGERPRINT: "f-bad"}, timeout=10) as proxy:
        proxy.idemprobe.note("audit")
    assert call("good", key="k-8", fingerprint="f-good")["label"] == "good"
    assert created(probe, "good") == 1 and created(probe, "audit") == 1
    assert scalar(probe, "SELECT count(*) FROM idempotency_keys WHERE key = 'k-8'") == 1


def test_a_method_that_swallows_its_own_failure_commits_none_of_it(probe):
    """The wrapper's transaction is joined without a savepoint: what a failed part wrote cannot be
    undone alone, so nothing commits (and the caller is told) rather than half of it."""
    with pytest.raises(RemoteError) as caught:
        call_method("swallow", "w")
    assert "cannot be undone alone" in str(caught.value)
    assert created(probe, "w") == 0 and keys(probe) == 0


def replying_hangs(container):
    """The container's RPC replies never leave (as if its process died between its commit and
    its reply); returns an event set when a reply was held back."""
    held = eventlet.event.Event()
    consumer = next(ext for ext in container.extensions if isinstance(ext, ResilientRpcConsumer))

    def hang(message, result, exc_info):
        held.send(result)
        eventlet.sleep(60)
    consumer.handle_result = hang
    return held


def test_a_request_redelivered_after_its_commit_replays_the_answer_and_changes_nothing(probe, start_service):
    """A process killed between its commit and its reply: the broker gives the request to the
    next consumer, which must answer the waiting caller as the first did, not run it again
    (``once_only``: a second run is refused, as screening a suggestion twice is)."""
    first = next(c for c in start_service.containers if c.service_cls is IdemProbe)
    held = replying_hangs(first)
    waiting = eventlet.spawn(call, "r", once_only=True)
    committed = held.wait()
    assert created(probe, "r") == 1
    first.kill()  # the request was never acknowledged: back to the queue, marked redelivered
    start_service(IdemProbe, DB_URL=database_url("notify"), OUTBOX_RELAY=False)
    answer = waiting.wait()
    # the stored answer, not a 409
    assert (answer["event_id"], answer["at"]) == (committed["event_id"], committed["at"])
    assert created(probe, "r") == 1


def test_a_request_redelivered_before_its_commit_runs_once(probe, start_service):
    first = next(c for c in start_service.containers if c.service_cls is IdemProbe)
    waiting = eventlet.spawn(call, "s", once_only=True, pause=30, pause_once=True)
    wait_for(lambda: "s" in PAUSED, what="the first run to pause in its transaction")
    first.kill()  # mid-transaction: nothing committed
    start_service(IdemProbe, DB_URL=database_url("notify"), OUTBOX_RELAY=False)
    answer = waiting.wait()
    assert answer["label"] == "s" and created(probe, "s") == 1


def test_concurrent_requests_with_one_key_create_once(probe):
    """The second waits on the key's row until the first commits, then answers what it stored."""
    pool = eventlet.GreenPool()
    answers = list(pool.imap(lambda _: call("a", key="k-4", pause=0.5), range(3)))
    assert len({a["event_id"] for a in answers}) == 1
    assert created(probe, "a") == 1 and keys(probe) == 1


def test_a_failing_method_leaves_no_claim_and_a_retry_runs_again(probe):
    with pytest.raises(ValidationFailed):
        call("a", key="k-5", fail=True)
    assert created(probe, "a") == 0 and keys(probe) == 0  # what it created went with the claim
    retried = call("a", key="k-5")
    assert retried["seen"] == 1 and created(probe, "a") == 1


def test_an_expired_key_is_a_new_request_and_the_purge_deletes_old_keys(probe):
    call("a", key="k-6")
    call("b", key="k-7")
    with probe.begin() as conn:
        conn.execute(text("UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = 'k-6'"))
    call("c", key="k-6", fingerprint="f-other")  # past the 24 h TTL: no 409, created anew
    assert created(probe, "c") == 1
    with probe.begin() as conn:
        conn.execute(text("UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = 'k-7'"))

    from services.common.db import Db
    assert purge(Db(probe, "test"), 24) == 1
    with probe.connect() as conn:
        assert conn.execute(text("SELECT key FROM idempotency_keys")).scalars().all() == ["k-6"]


def test_a_second_run_of_a_call_answered_first_elsewhere_rolls_back_and_answers_the_first(db):
    """A redelivery that ran while its first delivery was still running (the broker lost the
    first consumer's connection, not its process): the answer is written at the commit with the
    events (services/common/db.py ANSWER_WITH_OUTBOX), and the one that commits second finds the
    answer there — its work and its events roll back, and it answers what the first stored."""
    from services.common.db import Db
    from services.common.idempotency import Request, answered_once

    engine = db("notify")
    truncate(engine, "outbox", "idempotency_keys")

    class Service:
        name = "idemprobe"

    service = Service()
    service.db = Db(engine, "idemprobe")

    def run(label):
        def create():
            with service.db.transaction() as tx:
                tx.publish(ProbeCreated(label=label))
            return {"label": label}
        return create

    call = Request(None, None, None, 24, call="c-41", redelivered=False)
    assert answered_once(service, call, "idemprobe.create", run("first"), None) == {"label": "first"}
    # not marked redelivered, so it does not look first: it runs, and its commit meets the answer
    assert answered_once(service, call, "idemprobe.create", run("second"), None) == {"label": "first"}
    with engine.connect() as conn:
        assert [r[0] for r in conn.execute(text("SELECT envelope->'payload'->>'label' FROM outbox"))] == ["first"]
        assert conn.execute(text("SELECT count(*) FROM idempotency_keys WHERE key = 'c-41'")).scalar() == 1
