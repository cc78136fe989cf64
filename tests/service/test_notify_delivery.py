"""notify's outside channels against real servers: SMTP (STARTTLS + AUTH) and a webhook receiver
that checks the signature; retries, dead letters and their replay; preferences; the delivery log."""
import subprocess
from email import message_from_string
from email.header import decode_header, make_header

import pytest

from services.common.errors import NotFound, ValidationFailed
from services.notify.service import NotifyService
from tests.conftest import ROOT
from tests.service.conftest import ENV
from tests.service.helpers import envelope, publish, wait_for
from tests.service import notify_support
from tests.service.notify_support import SECRET, rows, value

# fixtures shared by notify's service tests
clean_notify, mail_sink, webhook = notify_support.clean_notify, notify_support.mail_sink, notify_support.webhook

UNIT, CO_UNIT, DEPUTY, CO_SIGNER = 8501, 8502, 8601, 8602
UNIT_ACTOR = {"role": "unit", "unit_id": UNIT, "sub": "u"}
OFFICE = {"role": "office", "sub": "o"}
ASSIGNED = {"assignment_id": 8701, "suggestion_id": 8801, "state": "assigned", "round": 1,
            "lead_unit_id": UNIT, "lead_unit_name": "市交通运输局", "co_unit_ids": [CO_UNIT],
            "due_at": "2024-06-08T09:30:00+00:00", "number": "第8801号", "title": "关于增开夜间公交线路的建议",
            "lead_deputy_id": DEPUTY, "co_signer_ids": [CO_SIGNER], "actor": "office-1", "note": "交办"}
FAST = {"DELIVERY_BACKOFF": "0.2,0.4", "DISPATCH_INTERVAL": 0.1, "DIGEST_INTERVAL": 0, "WEBHOOK_SECRET": SECRET,
        "OFFICE_EMAILS": "office@rd.example.cn, duban@rd.example.cn", "LEADER_EMAILS": "leader@rd.example.cn"}


def register(amqp, engine, webhook_url=None):
    publish(amqp, envelope("assignment.unit_registered", {
        "id": UNIT, "name": "市交通运输局", "code": "JT", "duties": "公共交通", "keywords": [], "categories": [],
        "email": "jt@unit.example.cn", "webhook_url": webhook_url}))
    publish(amqp, envelope("station.deputy_registered", {
        "deputy_id": DEPUTY, "name": "王建国", "level": "city", "delegation": "东城代表团", "phone": None,
        "email": "wang@deputy.example.cn", "active": True, "station_ids": []}))
    wait_for(lambda: value(engine, "select count(*) from contacts") == 2, what="contacts projected")


def subject(raw: str) -> str:
    return str(make_header(decode_header(message_from_string(raw)["Subject"])))


def test_email_over_starttls_with_credentials_reaches_the_smtp_server(rpc, amqp, start_service, clean_notify,
                                                                      mail_sink):
    start_service(NotifyService, **FAST, **mail_sink.config())
    register(amqp, clean_notify)
    publish(amqp, envelope("assignment.assigned", ASSIGNED))

    # the unit and the lead deputy have addresses; the co-unit is not known to notify: inbox only
    wait_for(lambda: len(mail_sink.messages()) == 2, what="two e-mails")
    by_rcpt = {m["rcpt_tos"][0]: m for m in mail_sink.messages()}
    assert set(by_rcpt) == {"jt@unit.example.cn", "wang@deputy.example.cn"}
    mail = by_rcpt["jt@unit.example.cn"]
    assert mail["tls"] is True and mail["authenticated"] is True and mail["mail_from"] == "lianxin@rd.example.cn"
    message = message_from_string(mail["data"])
    assert subject(mail["data"]) == "交办通知：第8801号"
    body = message.get_payload(decode=True).decode("utf-8")
    assert "市交通运输局" in body and "2024-06-08" in body and "关于增开夜间公交线路的建议" in body
    [n] = rpc.notify.inbox(UNIT_ACTOR, {})["items"]
    assert message["Message-ID"] == f"<lianxin-notification-{n['id']}@rd.example.cn>"
    log = rpc.notify.deliveries(UNIT_ACTOR, n["id"])
    wait_for(lambda: rpc.notify.deliveries(UNIT_ACTOR, n["id"])["items"][0]["state"] == "delivered",
             what="delivery recorded")
    [entry] = rpc.notify.deliveries(UNIT_ACTOR, n["id"])["items"]
    assert entry["channel"] == "email" and entry["attempts"] == 1 and entry["delivered_at"]
    assert entry["last_error"] is None and log["recipient"] == "unit:8501"
    assert value(clean_notify, "select count(*) from deliveries where channel='email'") == 2


def test_office_and_leaders_are_mailed_at_their_configured_addresses(rpc, amqp, start_service, clean_notify,
                                                                     mail_sink):
    start_service(NotifyService, **FAST, **mail_sink.config())
    publish(amqp, envelope("assignment.supervision_set", {**ASSIGNED, "leader": "张副主任"}))
    wait_for(lambda: rpc.notify.inbox({"role": "leader"}, {})["total"] == 1, what="leader told of supervision")
    publish(amqp, envelope("assignment.overdue", {**ASSIGNED, "days_late": 12}))

    wait_for(lambda: rpc.notify.inbox({"role": "leader"}, {})["total"] == 2, what="leader told twice")
    # each recipient's mail is its own delivery, sent as it comes: wait for all three
    expected = ["duban@rd.example.cn", "leader@rd.example.cn", "office@rd.example.cn"]

    def overdue_recipients():
        return sorted(r for m in mail_sink.messages() if "已逾期" in subject(m["data"]) for r in m["rcpt_tos"])
    wait_for(lambda: len(overdue_recipients()) >= len(expected), what="the overdue item mailed to all three")
    assert overdue_recipients() == expected
    assert "12天" in rpc.notify.inbox(OFFICE, {})["items"][0]["body"]


def test_wrong_smtp_password_is_retried_then_dead_lettered_then_replayed(rpc, amqp, start_service, clean_notify,
                                                                         mail_sink):
    broken = start_service(NotifyService, **FAST, **mail_sink.config(SMTP_PASSWORD="wrong"))
    register(amqp, clean_notify)
    publish(amqp, envelope("assignment.urged", {**ASSIGNED, "note": "请于本周内答复"}))

    wait_for(lambda: value(clean_notify, "select count(*) from delivery_dead_letters") == 1, what="dead letter")
    [d] = rows(clean_notify, "select * from deliveries")
    assert d["state"] == "dead" and d["attempts"] == 3 and "SMTPAuthenticationError" in d["last_error"]
    assert d["delivered_at"] is None and mail_sink.messages() == []
    [n] = rpc.notify.inbox(UNIT_ACTOR, {})["items"]
    [entry] = rpc.notify.deliveries(OFFICE, n["id"])["items"]  # the office sees every log
    assert entry["state"] == "dead" and entry["dead_letter_id"]

    listed = cli("list")
    assert '"channel": "email"' in listed and "SMTPAuthenticationError" in listed
    # the operator fixes the password and replays: this time it goes out
    broken.stop()
    start_service(NotifyService, **FAST, **mail_sink.config())
    assert cli("replay").strip() == "replayed 1"
    wait_for(lambda: len(mail_sink.messages()) == 1, what="replayed e-mail")
    wait_for(lambda: value(clean_notify, "select state from deliveries") == "delivered", what="delivered")
    assert value(clean_notify, "select count(*) from delivery_dead_letters where replayed_at is null") == 0
    assert cli("replay").strip() == "replayed 0"


def cli(*args: str) -> str:
    result = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-m", "services.notify.deliveries", *args],
                            cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_webhook_is_signed_and_retried_until_the_receiver_takes_it(rpc, amqp, start_service, clean_notify,
                                                                   webhook):
    webhook.fail = True
    before = {o: delivered_metric("webhook", o) for o in ("delivered", "failed")}
    start_service(NotifyService, **FAST)
    register(amqp, clean_notify, webhook_url=webhook.url)
    publish(amqp, envelope("assignment.assigned", ASSIGNED))

    wait_for(lambda: webhook.failed >= 1, what="a failed try")
    webhook.fail = False
    wait_for(lambda: len(webhook.received) == 1, what="webhook received")
    [hook] = webhook.received
    [n] = rpc.notify.inbox(UNIT_ACTOR, {})["items"]
    assert webhook.rejected == 0  # every request carried a valid signature
    assert hook["json"]["title"] == "交办通知：第8801号" and hook["json"]["notification_id"] == n["id"]
    assert hook["json"]["type"] == "assignment.assigned" and hook["key"] == f"lianxin-notification-{n['id']}"
    wait_for(lambda: rows(clean_notify, "select state from deliveries")[0]["state"] == "delivered", what="logged")
    [d] = rows(clean_notify, "select * from deliveries")
    assert d["channel"] == "webhook" and d["attempts"] == webhook.failed + 1 and d["delivered_at"]
    assert delivered_metric("webhook", "delivered") == before["delivered"] + 1
    assert delivered_metric("webhook", "failed") == before["failed"] + webhook.failed


def delivered_metric(channel: str, outcome: str) -> float:
    from prometheus_client import REGISTRY

    return REGISTRY.get_sample_value("lianxin_notify_deliveries_total",
                                     {"channel": channel, "outcome": outcome}) or 0.0


def test_a_receiver_with_another_secret_rejects_and_the_delivery_dies(rpc, amqp, start_service, clean_notify,
                                                                      webhook):
    start_service(NotifyService, **{**FAST, "WEBHOOK_SECRET": "not-the-receivers"})
    register(amqp, clean_notify, webhook_url=webhook.url)
    publish(amqp, envelope("assignment.due_soon", {**ASSIGNED, "days_left": 3}))

    wait_for(lambda: value(clean_notify, "select state from deliveries") == "dead", what="dead delivery")
    assert webhook.rejected == 3 and webhook.received == []
    assert "HTTP 401" in value(clean_notify, "select last_error from deliveries")


def test_preferences_turn_channels_off_for_the_next_notifications(rpc, amqp, start_service, clean_notify,
                                                                  mail_sink, webhook):
    start_service(NotifyService, **FAST, **mail_sink.config())
    register(amqp, clean_notify, webhook_url=webhook.url)
    assert rpc.notify.preferences(UNIT_ACTOR) == {"recipient": "unit:8501", "email": True, "webhook": True}
    assert rpc.notify.set_preferences(UNIT_ACTOR, {"email": False, "webhook": True})["email"] is False
    assert rpc.notify.preferences(UNIT_ACTOR)["email"] is False
    with pytest.raises(ValidationFailed):
        rpc.notify.set_preferences(UNIT_ACTOR, {"email": "yes", "webhook": True})
    with pytest.raises(ValidationFailed):
        rpc.notify.set_preferences(UNIT_ACTOR, {"email": True, "webhook": True, "sms": True})

    publish(amqp, envelope("assignment.urged", ASSIGNED))
    wait_for(lambda: len(webhook.received) == 1, what="webhook")
    assert [d["channel"] for d in rows(clean_notify, "select channel from deliveries")] == ["webhook"]
    assert mail_sink.messages() == []


def test_delivery_log_is_for_the_owner_office_and_admin_only(rpc, amqp, start_service, clean_notify, webhook):
    start_service(NotifyService, **FAST)
    register(amqp, clean_notify, webhook_url=webhook.url)
    publish(amqp, envelope("assignment.assigned", ASSIGNED))
    wait_for(lambda: rpc.notify.inbox(UNIT_ACTOR, {})["total"] == 1, what="notification")
    [n] = rpc.notify.inbox(UNIT_ACTOR, {})["items"]

    for actor in (UNIT_ACTOR, OFFICE, {"role": "admin", "sub": "a"}):
        assert rpc.notify.deliveries(actor, n["id"])["notification_id"] == n["id"]
    for actor in ({"role": "unit", "unit_id": CO_UNIT}, {"role": "deputy", "deputy_id": DEPUTY},
                  {"role": "leader"}):
        with pytest.raises(NotFound):
            rpc.notify.deliveries(actor, n["id"])
    with pytest.raises(NotFound):
        rpc.notify.deliveries(OFFICE, 10**12)
