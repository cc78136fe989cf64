"""Pure rules of notify's delivery: retry schedule, signatures, config, digest contents, message shapes."""
from datetime import date, datetime, timedelta, timezone

import pytest

from services.notify import channels, policy, settings
from services.notify.digest import render as render_digest

T0 = datetime(2024, 6, 1, 1, 0, tzinfo=timezone.utc)  # 09:00 in Asia/Shanghai


def test_backoff_schedule_then_dead_letter():
    backoff = policy.parse_backoff("1, 5,30")
    assert backoff == (1.0, 5.0, 30.0)
    assert [policy.after_failure(n, backoff) for n in (1, 2, 3, 4)] == [1.0, 5.0, 30.0, None]
    assert policy.after_failure(1, ()) is None  # no retries: the first failure is final
    assert policy.parse_backoff(None) == policy.DEFAULT_BACKOFF
    assert policy.parse_backoff([0.5, 2]) == (0.5, 2.0)


def test_signature_is_the_hex_hmac_sha256_of_the_body():
    import hashlib
    import hmac

    body = '{"title": "交办通知"}'.encode()
    expected = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert policy.signature("s3cret", body) == expected
    assert policy.verify("s3cret", body, expected)
    assert not policy.verify("other", body, expected)
    assert not policy.verify("s3cret", body + b" ", expected)
    assert not policy.verify("s3cret", body, None)


def test_local_day_is_the_digest_timezone_date():
    assert policy.local_day(T0, "Asia/Shanghai") == (date(2024, 6, 1), 9)
    assert policy.local_day(datetime(2024, 5, 31, 17, 0, tzinfo=timezone.utc), "Asia/Shanghai") \
        == (date(2024, 6, 1), 1)


@pytest.mark.parametrize("due_in, expected", [
    (timedelta(days=-1), "overdue"), (timedelta(days=3), "due_soon"), (timedelta(days=7), "due_soon"),
    (timedelta(days=8), "pending"), (None, "pending"),
])
def test_classify(due_in, expected):
    assert policy.classify(T0 + due_in if due_in is not None else None, T0, 7) == expected


def test_digest_items_counts_and_order():
    rows = [{"number": "第0003号", "due_at": T0 + timedelta(days=30)},
            {"number": "第0001号", "due_at": T0 + timedelta(days=2)},
            {"number": "第0002号", "due_at": T0 - timedelta(days=5)},
            {"number": "第0004号", "due_at": None}]
    counts, items = policy.digest_items(rows, T0, 7)
    assert counts == {"pending": 4, "due_soon": 1, "overdue": 1}
    assert [i["number"] for i in items] == ["第0002号", "第0001号", "第0003号", "第0004号"]
    assert items[0]["status"] == "已逾期"


def test_settings_from_config_strings_as_nameko_gives_them():
    s = settings.from_config({"SMTP_HOST": "mail.example", "SMTP_PORT": "2525", "SMTP_TLS": "STARTTLS",
                              "OFFICE_EMAILS": "a@x.cn, b@x.cn", "LEADER_EMAILS": None,
                              "DELIVERY_BACKOFF": "0.1,0.2", "DIGEST_HOUR": 7})
    assert s.email_enabled and s.smtp_port == 2525 and s.smtp_tls == "starttls"
    assert s.office_emails == ["a@x.cn", "b@x.cn"] and s.leader_emails == []
    assert s.backoff == (0.1, 0.2) and s.digest_hour == 7 and s.timezone == "Asia/Shanghai"
    assert "assignment.assigned" in s.templates
    assert not settings.from_config({}).email_enabled  # no SMTP_HOST: no e-mail channel
    assert settings.from_config({"OFFICE_TIMEZONE": "Asia/Urumqi"}).timezone == "Asia/Urumqi"
    with pytest.raises(ValueError, match="OFFICE_TIMEZONE"):
        settings.from_config({"OFFICE_TIMEZONE": "Nowhere/Land"})


def test_templates_file_can_be_replaced_by_config(tmp_path):
    path = tmp_path / "t.yml"
    path.write_text('assignment.urged:\n  title: "催办{number}"\n  body: "快"\n', encoding="utf-8")
    s = settings.from_config({"NOTIFY_TEMPLATES": str(path)})
    assert s.templates == {"assignment.urged": {"title": "催办{number}", "body": "快"}}


ITEM = {"id": 7, "notification_id": 42, "event_id": "0b0c", "type": "assignment.assigned",
        "recipient": "unit:5", "title": "交办通知：第0011号", "body": "建议第0011号已交由你单位主办。",
        "suggestion_id": 11, "created_at": T0, "channel": "email", "address": "a@x.cn, b@x.cn", "attempts": 1}


def test_email_carries_a_stable_message_id_and_the_text():
    msg = channels.email_message(settings.Settings(smtp_from="lianxin@rd.gov.cn"), ITEM)
    assert msg["Message-ID"] == "<lianxin-notification-42@rd.gov.cn>"
    assert msg["Subject"] == ITEM["title"] and msg["To"] == "a@x.cn, b@x.cn"
    assert ITEM["body"] in msg.get_content()


def test_webhook_body_is_json_of_the_notification():
    import json

    payload = json.loads(channels.webhook_body(ITEM))
    assert payload["notification_id"] == 42 and payload["title"] == ITEM["title"]
    assert payload["created_at"] == T0.isoformat() and payload["recipient"] == "unit:5"


def test_digest_text_lists_items_with_their_status():
    class Row:
        def __init__(self, number, due_at, lead=5):
            self.number, self.title, self.due_at, self.lead_unit_id = number, "关于某事的建议", due_at, lead
    s = settings.from_config({})
    title, body = render_digest(s, [Row("第0001号", T0 - timedelta(days=2)), Row("第0002号", T0 + timedelta(days=40), 6)],
                                5, "市交通运输局", date(2024, 6, 1), T0)
    assert "市交通运输局" in title and "2024-06-01" in title
    assert "在办建议2件" in body and "已逾期1件" in body and "即将到期0件" in body
    assert body.index("第0001号") < body.index("第0002号") and "已逾期" in body


def test_a_long_digest_is_cut_with_a_count_of_the_rest():
    class Row:
        def __init__(self, i):
            self.number, self.title, self.due_at, self.lead_unit_id = f"第{i:04d}号", "建议", T0 + timedelta(days=i), 5
    s = settings.from_config({"DIGEST_MAX_ITEMS": "3"})
    _, body = render_digest(s, [Row(i) for i in range(1, 11)], 5, "单位", date(2024, 6, 1), T0)
    assert "在办建议10件" in body and "第0003号" in body and "第0004号" not in body and "另有7件" in body
