"""The audit trail against real PostgreSQL and RabbitMQ: a write under the gateway's audit context
commits with exactly one record (through the writer's outbox), which identity keeps once; a rolled-back
write leaves none; records cannot be changed or deleted but by the retention purge; the auditor's
search is itself recorded.

A probe service (ServiceBase, on the notify test database) stands for any service that writes.
"""
import json
import time
import uuid
from datetime import datetime, timedelta, timezone
from typing import ClassVar

import pytest
from kombu import Connection
from nameko.containers import ServiceContainer
from nameko.standalone.rpc import ClusterRpcProxy
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from services.common.context import AUDIT_KEY
from services.common.db import Db
from services.common.errors import Forbidden, ValidationFailed
from services.common.service_base import ServiceBase, rpc
from services.identity import audit_trail
from services.identity.service import IdentityService
from tests.service.conftest import ENV, database_url, service_config, truncate
from tests.service.helpers import publish, scalar, wait_for


class ProbeDone(BaseModel):
    """Shaped like a published event model (not registered: no consumer takes it)."""
    event_type: ClassVar[str] = "auditprobe.done"
    version: ClassVar[int] = 1
    label: str
    suggestion_id: int
    unit_id: int


class AuditProbe(ServiceBase):
    name = "auditprobe"

    @rpc
    def write(self, label, fail=False):
        """An event-publishing write; ``fail``: refused after writing (rolled back)."""
        with self.db.transaction() as tx:
            tx.publish(ProbeDone(label=label, suggestion_id=5, unit_id=8))
            if fail:
                raise ValidationFailed("refused after writing")
        with self.db.transaction() as tx:  # a second write of the same request: no second record
            tx.publish(ProbeDone(label=label, suggestion_id=6, unit_id=9))
        return label

    @rpc
    def touch(self, key):
        """A write without an event (a row through text())."""
        with self.db.transaction() as tx:
            tx.execute(text("INSERT INTO idempotency_keys (scope, key, fingerprint) VALUES ('probe', :k, 'f')"),
                       {"k": key})

    @rpc
    def look(self):
        """A transaction that writes nothing."""
        with self.db.transaction() as tx:
            return tx.scalar(text("SELECT count(*) FROM outbox"))


def context(request_id: str, **extra) -> dict:
    audit = {"sub": "person-7", "role": "office", "action": "POST /api/v1/suggestions/{suggestion_id}/screening",
             "path": "/api/v1/suggestions/5/screening", "client": "203.0.113.7", "user_agent": "console/1",
             "targets": {"suggestion_id": 5}, "request_id": request_id, **extra}
    return {"request_id": request_id, AUDIT_KEY: json.dumps(audit)}


def call(service: str, method: str, *args, context_data=None):
    with ClusterRpcProxy({"AMQP_URI": ENV["AMQP_URI"], "serializer": "json"}, context_data=context_data or {},
                         timeout=10) as proxy:
        return getattr(getattr(proxy, service), method)(*args)


@pytest.fixture
def trail(start_service, db):
    """(probe's engine, identity's engine) with both services running, relays on."""
    probe, identity = db("notify"), db("identity")
    truncate(probe, "outbox", "idempotency_keys")
    truncate(identity, "outbox", "processed_events")
    start_service(IdentityService, OFFICE_TIMEZONE="Asia/Shanghai", AUDIT_PURGE_INTERVAL=0)
    start_service(AuditProbe, DB_URL=database_url("notify"))
    return probe, identity


def records(engine, request_id: str) -> list:
    with engine.connect() as conn:
        return conn.execute(text("SELECT * FROM audit_records WHERE request_id = :r ORDER BY id"),
                            {"r": request_id}).mappings().all()


def audit_rows(engine, request_id: str) -> int:
    return scalar(engine, "SELECT count(*) FROM outbox WHERE type = 'audit.recorded' "
                          "AND envelope->'payload'->>'request_id' = :r", {"r": request_id})


def test_a_write_commits_with_exactly_one_record(trail):
    probe, identity = trail
    rid = uuid.uuid4().hex
    assert call("auditprobe", "write", "a", context_data=context(rid)) == "a"
    [record] = wait_for(lambda: records(identity, rid), what="the audit record")
    assert record["service"] == "auditprobe" and record["outcome"] == "ok" and record["status"] is None
    assert record["sub"] == "person-7" and record["role"] == "office"
    assert record["action"] == "POST /api/v1/suggestions/{suggestion_id}/screening"
    assert record["path"] == "/api/v1/suggestions/5/screening"
    assert record["client"] == "203.0.113.7" and record["user_agent"] == "console/1"
    assert record["targets"] == {"suggestion_id": [5], "unit_id": [8]}  # path ∪ the first write's events
    assert audit_rows(probe, rid) == 1  # the second transaction of the request added none


def test_a_write_without_events_is_recorded_and_a_read_is_not(trail):
    probe, identity = trail
    rid, read = uuid.uuid4().hex, uuid.uuid4().hex
    call("auditprobe", "touch", rid, context_data=context(rid, targets={}))
    call("auditprobe", "look", context_data=context(read))
    [record] = wait_for(lambda: records(identity, rid), what="the audit record")
    assert record["targets"] == {}
    assert audit_rows(probe, read) == 0


def test_a_rolled_back_write_leaves_no_record(trail):
    probe, identity = trail
    rid = uuid.uuid4().hex
    with pytest.raises(ValidationFailed):
        call("auditprobe", "write", "b", True, context_data=context(rid))
    assert audit_rows(probe, rid) == 0
    assert scalar(probe, "SELECT count(*) FROM outbox WHERE envelope->'payload'->>'label' = 'b'") == 0


def test_without_an_audit_context_nothing_is_recorded(trail):
    probe, _ = trail
    call("auditprobe", "write", "c", context_data={"request_id": "no-audit"})
    assert scalar(probe, "SELECT count(*) FROM outbox WHERE type = 'audit.recorded'") == 0


def test_a_duplicate_delivery_is_stored_once(trail):
    probe, identity = trail
    rid = uuid.uuid4().hex
    call("auditprobe", "write", "d", context_data=context(rid))
    wait_for(lambda: records(identity, rid), what="the audit record")
    with probe.connect() as conn:
        envelope = conn.execute(text("SELECT envelope FROM outbox WHERE type = 'audit.recorded' AND "
                                     "envelope->'payload'->>'request_id' = :r"), {"r": rid}).scalar()
    with Connection(ENV["AMQP_URI"]) as conn:
        publish(conn, envelope)
        publish(conn, envelope)
    wait_for(lambda: scalar(identity, "SELECT count(*) FROM processed_events WHERE event_id = :e",
                            {"e": envelope["event_id"]}) == 1, what="processed")
    time.sleep(1.0)  # the two redeliveries had their chance
    assert len(records(identity, rid)) == 1


def test_records_cannot_be_changed_or_deleted_but_by_the_purge(trail):
    _, identity = trail
    old, new = str(uuid.uuid4()), str(uuid.uuid4())
    with identity.begin() as conn:
        conn.execute(text("INSERT INTO audit_records (at, service, action, outcome, event_id, request_id) VALUES "
                          "(now() - interval '400 days', 'test', 'old', 'ok', :o, 'purge-test'), "
                          "(now() - interval '100 days', 'test', 'new', 'ok', :n, 'purge-test')"),
                     {"o": old, "n": new})
    for sql in ("UPDATE audit_records SET outcome = 'failed' WHERE event_id = :o",
                "DELETE FROM audit_records WHERE event_id = :o", "TRUNCATE audit_records"):
        with pytest.raises(DBAPIError, match="append-only"):
            with identity.begin() as conn:
                conn.execute(text(sql), {"o": old})
    purged = audit_trail.purge(Db(identity, "identity"), 365)
    assert purged >= 1
    assert [r["action"] for r in records(identity, "purge-test")] == ["new"]


def test_the_service_refuses_a_retention_under_six_months(svc_env):
    container = ServiceContainer(IdentityService, service_config("identity", AUDIT_RETENTION_DAYS=90))
    with pytest.raises(ValueError, match="180"):
        container.start()
    container.kill()


def test_the_auditor_searches_and_the_search_is_recorded(trail):
    probe, identity = trail
    rid = uuid.uuid4().hex
    call("auditprobe", "write", "e", context_data=context(rid))
    wait_for(lambda: records(identity, rid), what="the audit record")
    auditor = {"sub": "person-9", "role": "auditor"}
    search_rid = uuid.uuid4().hex
    reading = context(search_rid, sub="person-9", role="auditor", action="GET /api/v1/audit",
                      path="/api/v1/audit", targets={})
    found = call("identity", "search_audit", auditor, {"target_type": "suggestion_id", "target_id": "5",
                                                       "request_id": rid}, 50, 0, context_data=reading)
    assert found["total"] == 1 and found["items"][0]["request_id"] == rid
    assert found["items"][0]["targets"] == {"suggestion_id": [5], "unit_id": [8]}
    [search] = wait_for(lambda: records(identity, search_rid), what="the search's record")
    assert search["action"] == "audit.search" and search["sub"] == "person-9" and search["role"] == "auditor"
    assert "request_id=" + rid in search["detail"]
    today = datetime.now(timezone.utc).astimezone().date().isoformat()
    assert call("identity", "search_audit", auditor, {"from": today, "action": "screening"}, 50, 0)["total"] >= 1
    tomorrow = (datetime.now(timezone.utc) + timedelta(days=2)).date().isoformat()
    assert call("identity", "search_audit", auditor, {"from": tomorrow}, 50, 0)["total"] == 0
    with pytest.raises(Forbidden):
        call("identity", "search_audit", {"sub": "office-1", "role": "office"}, {}, 50, 0)
    with pytest.raises(ValidationFailed):
        call("identity", "search_audit", auditor, {"outcome": "maybe"}, 50, 0)


def test_the_gateway_refusal_record_is_stored_as_sent(trail):
    _, identity = trail
    rid = uuid.uuid4().hex
    refusal = {"sub": "deputy-1", "role": "deputy", "action": "POST /api/v1/suggestions/{suggestion_id}/screening",
               "path": "/api/v1/suggestions/5/screening", "client": "10.0.0.1", "user_agent": None,
               "targets": {"suggestion_id": [5]}, "request_id": rid, "outcome": "denied", "status": 403,
               "detail": "role deputy may not do this"}
    call("identity", "record_audit", refusal, context_data=context(rid))  # a context is never recorded twice
    [record] = records(identity, rid)
    assert record["service"] == "gateway" and record["outcome"] == "denied" and record["status"] == 403
    assert scalar(identity, "SELECT count(*) FROM outbox WHERE type = 'audit.recorded' "
                            "AND envelope->'payload'->>'request_id' = :r", {"r": rid}) == 0
