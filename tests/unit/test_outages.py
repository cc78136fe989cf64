"""Outages of PostgreSQL and RabbitMQ: 503 with Retry-After, never a 500; the AMQP plumbing
drops what a dead connection cannot take instead of killing the container."""
import base64
import json
from types import SimpleNamespace

import psycopg
import pytest
from kombu.exceptions import DecodeError, OperationalError as KombuOperationalError
from nameko.exceptions import RemoteError
from sqlalchemy.exc import OperationalError

from gateway.http import response_for
from services.common import amqp, rpc
from services.common.errors import NotFound, Unavailable
from services.common.outages import backing_service_down, unavailable_when_down


def admin_shutdown():
    return OperationalError("UPDATE assignments ...", {}, psycopg.errors.AdminShutdown(
        "terminating connection due to administrator command"))


@pytest.mark.parametrize("exc, what", [
    (admin_shutdown(), "database"),
    (psycopg.OperationalError("connection refused"), "database"),
    (KombuOperationalError("[Errno 111] ECONNREFUSED"), "broker"),
    (ConnectionRefusedError(111, "Connection refused"), "broker"),
    (ConnectionResetError(104, "Connection reset by peer"), "broker"),
    (DecodeError("not json"), None),
    (ValueError("a bug"), None),
])
def test_what_is_down(exc, what):
    assert backing_service_down(exc) == what


def test_an_rpc_method_whose_database_went_away_is_unavailable():
    def sign(self, actor, assignment_id):
        raise admin_shutdown()

    wrapped = unavailable_when_down(sign)
    with pytest.raises(Unavailable):
        wrapped(None, {"role": "unit"}, 3)
    assert list(__import__("inspect").signature(wrapped).parameters) == ["self", "actor", "assignment_id"]


def test_other_errors_pass_through_the_rpc_wrapper():
    def get(self):
        raise NotFound("no such assignment")

    with pytest.raises(NotFound):
        unavailable_when_down(get)(None)


def answer(exc):
    response = response_for(exc)
    return response.status_code, json.loads(response.get_data()), response.headers


@pytest.mark.parametrize("exc", [
    RemoteError("AdminShutdown", "terminating connection due to administrator command"),
    RemoteError("OperationalError", "(psycopg.OperationalError) connection refused"),
    KombuOperationalError("[Errno 111] ECONNREFUSED"),
    Unavailable("station did not answer within 3s"),
])
def test_the_gateway_answers_503_with_retry_after(exc):
    status, body, headers = answer(exc)
    assert status == 503 and body["error"]["code"] == "unavailable"
    assert int(headers["Retry-After"]) > 0


def test_other_remote_errors_are_still_500():
    assert answer(RemoteError("KeyError", "'x'"))[0] == 500


def test_a_broker_that_refuses_the_request_is_unavailable():
    proxy = SimpleNamespace(service_name="suggestion", method_name="create",
                            call_async=lambda *a, **k: (_ for _ in ()).throw(
                                KombuOperationalError("[Errno 111] ECONNREFUSED")))
    with pytest.raises(Unavailable):
        rpc.call(proxy, timeout=1)


class DeadMessage:
    channel = SimpleNamespace(connection=object())  # looks alive: the broker closed it meanwhile

    def ack(self):
        raise ConnectionResetError(104, "Connection reset by peer")

    requeue = ack


def test_an_ack_on_a_dead_connection_is_dropped_not_raised():
    consumer = amqp.ResilientQueueConsumer()
    consumer.ack_message(DeadMessage())  # nameko's own raised here, killing the container
    consumer.requeue_message(DeadMessage())


def test_an_rpc_reply_the_broker_cannot_take_is_retried_then_dropped(monkeypatch):
    attempts = []

    class Refusing:
        def __init__(self, *args, **kwargs):
            pass

        def publish(self, *args, **kwargs):
            attempts.append(1)
            raise KombuOperationalError("[Errno 111] ECONNREFUSED")

    monkeypatch.setattr(amqp, "REPLY_RETRY_SECONDS", 0.3)
    monkeypatch.setattr(amqp.eventlet, "sleep", lambda s: __import__("time").sleep(0.1))
    message = SimpleNamespace(properties={"content_type": "application/json", "reply_to": "r",
                                          "correlation_id": "c"})
    responder = amqp.ResilientResponder("pyamqp://x", None, "json", message)
    responder.publisher_cls = Refusing
    assert responder.send_response({"ok": True}, None) == ({"ok": True}, None)
    assert len(attempts) >= 2


def test_an_undecodable_body_is_kept_exactly_and_readably():
    message = SimpleNamespace(body=b"\x00\xffthis is { not json", content_type="application/json",
                              content_encoding="utf-8", delivery_info={"routing_key": "assignment.replied"},
                              headers={"nameko.request_id": "r1"})
    record = amqp.Undecodable.of(message, DecodeError("bad")).as_record()
    assert base64.b64decode(record["body_base64"]) == b"\x00\xffthis is { not json"
    assert "this is { not json" in record["body_text"] and "\x00" not in record["body_text"]
    assert record["routing_key"] == "assignment.replied" and record["content_type"] == "application/json"
    json.dumps(record)  # storable as jsonb


def test_replies_are_published_without_a_confirm_round_trip():
    publisher = amqp.ReplyPublisher("pyamqp://x")
    assert publisher.use_confirms is False  # the caller's deadline answers a lost reply
    assert amqp.ResilientResponder.publisher_cls is amqp.ReplyPublisher


class Deadlock(Exception):
    sqlstate = "40P01"


def deadlock():
    from sqlalchemy.exc import OperationalError
    return OperationalError("UPDATE rate_cells ...", {}, Deadlock("deadlock detected"))


def test_a_deadlock_victim_is_run_again_with_its_audit_record(monkeypatch):
    from services.common import context, outages
    monkeypatch.setattr(outages.eventlet, "sleep", lambda s: None)
    context.set_audit({"sub": "d1", "action": "POST /x"})
    runs = []

    def rate():
        runs.append(context.current_audit() is not None)  # the record is still to be written
        if len(runs) < 3:
            context.mark_audit_recorded()  # written, then rolled back with the deadlocked transaction
            raise deadlock()
        return {"ok": True}
    assert outages.unavailable_when_down(rate)() == {"ok": True}
    assert runs == [True, True, True]


def test_a_deadlock_that_keeps_coming_is_a_503_and_other_errors_are_not_retried(monkeypatch):
    from services.common import outages
    from services.common.errors import Unavailable
    monkeypatch.setattr(outages.eventlet, "sleep", lambda s: None)
    runs = []

    def always():
        runs.append(1)
        raise deadlock()
    with pytest.raises(Unavailable):
        outages.unavailable_when_down(always)()
    assert len(runs) == 1 + outages.TRANSIENT_RETRIES

    def wrong():
        runs.append(2)
        raise ValueError("not transient")
    with pytest.raises(ValueError):
        outages.unavailable_when_down(wrong)()
    assert runs.count(2) == 1
