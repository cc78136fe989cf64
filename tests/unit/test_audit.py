"""The audit trail's pure parts: action and target rendering, the record added at commit, the
gateway's context and refusal records, the identity service's filters, retention and export rows."""
import json
from datetime import date, datetime, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway import audit as gateway_audit
from gateway.contract import Route
from services.common import audit, context
from services.common.envelope import make_envelope
from services.common.errors import ValidationFailed
from services.identity import audit_rules

TZ = ZoneInfo("Asia/Shanghai")
ACCEPT = Route(method="POST", url="/api/v1/suggestions/<int:suggestion_id>/screening", name="screen",
               roles=("office",))


# ---- targets and actions -------------------------------------------------------------------
def test_action_renders_the_route_template():
    assert gateway_audit.action_of("post", ACCEPT.url) == "POST /api/v1/suggestions/{suggestion_id}/screening"
    assert gateway_audit.action_of("PUT", "/api/v1/notifications/preferences") == \
        "PUT /api/v1/notifications/preferences"
    assert gateway_audit.action_of("DELETE", "/api/v1/a/<int:a_id>/b/<b_id>") == "DELETE /api/v1/a/{a_id}/b/{b_id}"


def test_targets_are_path_parameters_and_the_events_ids():
    payloads = [{"suggestion_id": 5, "unit_id": 3, "title": "x", "deputy_id": True, "count": 2},
                {"suggestion_id": 5, "unit_id": 4, "nested": {"station_id": 9}, "number_id": "N-1"}]
    assert audit.targets_of({"suggestion_id": 5}, payloads) == {"suggestion_id": [5], "unit_id": [3, 4]}
    assert audit.targets_of(None, []) == {}
    assert audit.targets_of({"assignment_id": 7}) == {"assignment_id": [7]}


def test_targets_are_bounded_per_kind():
    payloads = [{"unit_id": i} for i in range(200)]
    assert len(audit.targets_of({}, payloads)["unit_id"]) == audit.MAX_TARGET_VALUES


def test_path_targets_keep_ids_only():
    assert gateway_audit.path_targets({"suggestion_id": 5, "path": "x", "flag": True, "id": 2}) == \
        {"suggestion_id": 5, "id": 2}


# ---- the record added at the outer commit ----------------------------------------------------
class FakeTx:
    def __init__(self, producer="suggestion", wrote=False):
        self.producer, self.wrote, self.published = producer, wrote, []

    def publish(self, event):
        envelope = make_envelope(self.producer, event)
        self.published.append(envelope)
        return envelope


CONTEXT = {"sub": "person-7", "role": "office", "action": "POST /api/v1/suggestions/{suggestion_id}/screening",
           "path": "/api/v1/suggestions/5/screening", "client": "10.0.0.9", "user_agent": "ua",
           "targets": {"suggestion_id": 5}, "request_id": "rid-1"}


@pytest.fixture
def under_context():
    context.set_audit(dict(CONTEXT))
    context.set_request_id("rid-1")
    yield
    context.set_audit(None)
    context.set_request_id(None)


class Accepted(audit.Event):
    """A stand-in of a producer's event (not registered: no event_type)."""
    suggestion_id: int
    unit_id: int


def test_a_write_gets_one_record_with_the_events_ids(under_context):
    tx = FakeTx()
    tx.published.append(SimpleNamespace(type="suggestion.accepted", payload={"suggestion_id": 5, "unit_id": 3}))
    audit.record_write(tx)
    records = [e for e in tx.published if audit.is_audit(e)]
    assert len(records) == 1
    payload = records[0].payload
    assert payload["service"] == "suggestion" and payload["outcome"] == "ok"
    assert payload["sub"] == "person-7" and payload["role"] == "office" and payload["client"] == "10.0.0.9"
    assert payload["targets"] == {"suggestion_id": [5], "unit_id": [3]}
    assert payload["request_id"] == "rid-1" and payload["path"] == "/api/v1/suggestions/5/screening"
    audit.record_write(tx)  # a second transaction of the same worker: recorded already
    assert len([e for e in tx.published if audit.is_audit(e)]) == 1


def test_a_row_change_without_events_is_recorded(under_context):
    tx = FakeTx(wrote=True)
    audit.record_write(tx)
    assert [e.payload["targets"] for e in tx.published] == [{"suggestion_id": [5]}]


def test_a_transaction_that_wrote_nothing_is_not_recorded(under_context):
    tx = FakeTx()
    audit.record_write(tx)
    assert tx.published == []
    assert context.current_audit() is not None  # a later write of the worker still is


def test_without_context_nothing_is_added():
    context.set_audit(None)
    tx = FakeTx(wrote=True)
    audit.record_write(tx)
    assert tx.published == []


def test_a_use_case_that_records_itself_gets_nothing_added(under_context):
    tx = FakeTx(producer="identity", wrote=True)
    tx.publish(audit.AuditRecorded(at=datetime.now(timezone.utc), service="identity", action="sign_in",
                                   outcome="failed", login="wang"))
    audit.record_write(tx)
    assert len(tx.published) == 1 and context.current_audit() is None


def test_the_context_travels_as_json():
    assert context.audit_from(json.dumps(CONTEXT)) == CONTEXT
    assert context.audit_from("not json") is None
    assert context.audit_from("[1]") is None
    assert context.audit_from(None) is None


# ---- the gateway: context and refusals ---------------------------------------------------------
def request_for(method, path, headers=None):
    request = Request(EnvironBuilder(method=method, path=path, headers=headers or {},
                                     environ_base={"REMOTE_ADDR": "10.1.2.3"}).get_environ())
    request.context_data = {"request_id": "rid-9"}
    return request


def test_which_requests_are_audited():
    assert gateway_audit.audited(ACCEPT, "POST")
    assert not gateway_audit.audited(Route(method="GET", url="/api/v1/suggestions", name="l", roles=("office",)),
                                      "GET")
    assert gateway_audit.audited(Route(method="GET", url="/api/v1/audit", name="a", roles=("auditor",)), "GET")
    assert gateway_audit.audited(Route(method="GET", url="/api/v1/audit/export", name="e", roles=("auditor",)), "GET")
    assert not gateway_audit.audited(Route(method="GET", url="/api/v1/auditors", name="x", roles=("office",)), "GET")
    assert not gateway_audit.audited(Route(method="POST", url="/<path:path>", name="nf", roles=(), hidden=True), "POST")
    assert not gateway_audit.audited(None, "POST")


def test_the_context_names_who_what_and_from_where():
    request = request_for("POST", "/api/v1/suggestions/5/screening",
                          {"User-Agent": "console/1", "X-Forwarded-For": "203.0.113.7, 10.0.0.1"})
    request.actor = {"sub": "person-7", "role": "office"}
    gateway_audit.begin(request, ACCEPT, {"suggestion_id": 5}, trusted_proxies=1)
    sent = json.loads(request.context_data[context.AUDIT_KEY])
    assert sent == {"sub": "person-7", "role": "office", "action": "POST /api/v1/suggestions/{suggestion_id}/screening",
                    "path": "/api/v1/suggestions/5/screening", "client": "10.0.0.1", "user_agent": "console/1",
                    "targets": {"suggestion_id": 5}, "request_id": "rid-9"}
    gateway_audit.begin(request, ACCEPT, {"suggestion_id": 5}, trusted_proxies=0)
    assert json.loads(request.context_data[context.AUDIT_KEY])["client"] == "10.1.2.3"


def test_refusals_are_denied_or_failed_and_name_who_asked():
    request = request_for("POST", "/api/v1/suggestions/5/screening")
    request.actor, request.caller = None, {"sub": "deputy-1", "role": "deputy", "deputy_id": 1}
    denied = gateway_audit.refusal(request, ACCEPT, {"suggestion_id": 5}, 403, 0, "role deputy may not do this")
    assert denied["outcome"] == "denied" and denied["status"] == 403 and denied["sub"] == "deputy-1"
    assert denied["role"] == "deputy" and denied["service"] == "gateway" and denied["request_id"] == "rid-9"
    request.caller = None
    anonymous = gateway_audit.refusal(request, ACCEPT, {"suggestion_id": 5}, 401, 0)
    assert anonymous["outcome"] == "denied" and anonymous["sub"] is None and anonymous["role"] == "public"
    request.actor = {"sub": "office-1", "role": "office"}
    failed = gateway_audit.refusal(request, ACCEPT, {"suggestion_id": 5}, 409, 0, "not allowed now")
    assert failed["outcome"] == "failed" and failed["status"] == 409 and failed["detail"] == "not allowed now"
    # what the identity service stores: a valid AuditRecorded
    audit.AuditRecorded.model_validate({**failed, "at": datetime.now(timezone.utc)})


def test_a_refusal_is_sent_not_awaited_and_never_breaks_the_answer():
    sent = []
    service = SimpleNamespace(settings=SimpleNamespace(trusted_proxies=0),
                              identity=SimpleNamespace(record_audit=SimpleNamespace(call_async=sent.append)))
    request = request_for("POST", "/api/v1/suggestions/5/screening")
    request.actor = {"sub": "office-1", "role": "office"}
    request.context_data[context.AUDIT_KEY] = "{}"
    gateway_audit.record_refusal(service, request, ACCEPT, {"suggestion_id": 5}, 422)
    assert len(sent) == 1 and context.AUDIT_KEY not in request.context_data
    broken = SimpleNamespace(settings=SimpleNamespace(trusted_proxies=0))  # no identity proxy
    gateway_audit.record_refusal(broken, request, ACCEPT, {"suggestion_id": 5}, 422)
    sign_in = Route(method="POST", url="/api/v1/auth/sign-in", name="s", roles=("public",))
    gateway_audit.record_refusal(service, request, sign_in, {}, 401)  # identity records its own
    assert len(sent) == 1


# ---- identity: filters, retention, export --------------------------------------------------
def test_retention_is_at_least_six_months():
    assert audit_rules.retention_days(None) == 365
    assert audit_rules.retention_days("180") == 180
    with pytest.raises(ValueError, match="180"):
        audit_rules.retention_days(90)
    with pytest.raises(ValueError):
        audit_rules.retention_days("a year")


def test_filters_are_checked_naming_the_filter():
    assert audit_rules.checked({"from": "2026-11-01", "to": date(2026, 11, 30), "sub": "", "outcome": "denied"}) == \
        {"from": date(2026, 11, 1), "to": date(2026, 11, 30), "outcome": "denied"}
    for bad, field in (({"from": "2026-12-01", "to": "2026-11-01"}, "from"), ({"outcome": "maybe"}, "outcome"),
                       ({"target_type": "suggestion_id"}, "target_id"), ({"target_id": "5"}, "target_type"),
                       ({"target_type": "suggestion", "target_id": "5"}, "target_type"),
                       ({"from": "yesterday"}, "from"), ({"colour": "red"}, "colour")):
        with pytest.raises(ValidationFailed) as caught:
            audit_rules.checked(bad)
        assert caught.value.details[0]["field"] == field


def test_office_local_days():
    lo, hi = audit_rules.day_bounds(date(2026, 11, 30), date(2026, 11, 30), TZ)
    assert lo == datetime(2026, 11, 29, 16, 0, tzinfo=timezone.utc)
    assert hi == datetime(2026, 11, 30, 16, 0, tzinfo=timezone.utc)
    assert audit_rules.day_bounds(None, None, TZ) == (None, None)
    assert audit_rules.target_value("5") == 5 and audit_rules.target_value("N-1") == "N-1"


def test_an_export_row():
    row = audit_rules.export_row({"at": "2026-11-29T17:30:00+00:00", "sub": "person-7", "role": "office",
                                  "action": "POST /api/v1/x", "path": "/api/v1/x", "outcome": "denied",
                                  "status": 403, "targets": {"unit_id": [3, 4], "suggestion_id": [5]},
                                  "client": "10.0.0.1", "request_id": "r", "login": "wang", "detail": "no"}, TZ)
    assert row == [datetime(2026, 11, 30, 1, 30), "person-7", "office", "POST /api/v1/x", "/api/v1/x",
                   "suggestion_id=5; unit_id=3,4", "拒绝", 403, "10.0.0.1", "r", "login=wang; no"]
    assert len(audit_rules.EXPORT_HEADERS) == len(row)
