"""Exactly once: notify killed mid-batch, events delivered twice, two dispatchers, two digest replicas."""
from datetime import datetime, timedelta, timezone

import eventlet

from services.notify.service import NotifyService
from tests.service import notify_support
from tests.service.helpers import envelope, publish, wait_for
from tests.service.conftest import purge_queue
from tests.service.notify_support import SECRET, NotifyProcess, rows, value

clean_notify, webhook = notify_support.clean_notify, notify_support.webhook

UNIT, DEPUTY = 8901, 8951
FAST = {"DELIVERY_BACKOFF": "0.2,0.4", "DISPATCH_INTERVAL": 0.05, "DIGEST_INTERVAL": 0, "WEBHOOK_SECRET": SECRET}
NOW = datetime.now(timezone.utc)


def register_unit(amqp, engine, unit_id: int, url: str | None) -> None:
    publish(amqp, envelope("assignment.unit_registered", {
        "id": unit_id, "name": f"单位{unit_id}", "code": f"U{unit_id}", "duties": "", "keywords": [],
        "categories": [], "email": None, "webhook_url": url}))
    wait_for(lambda: value(engine, "select count(*) from contacts where recipient = :r", r=f"unit:{unit_id}"),
             what=f"unit {unit_id} projected")


def assigned(i: int, unit_id: int = UNIT, due_in: timedelta = timedelta(days=90), state: str = "assigned") -> dict:
    return envelope("assignment.assigned", {
        "assignment_id": 90000 + i, "suggestion_id": 91000 + i, "state": state, "round": 1,
        "lead_unit_id": unit_id, "lead_unit_name": f"单位{unit_id}", "co_unit_ids": [],
        "due_at": (NOW + due_in).isoformat(), "number": f"第{i:04d}号", "title": f"关于第{i}件事的建议",
        "lead_deputy_id": DEPUTY, "co_signer_ids": []})


def test_killed_mid_batch_and_events_twice_still_one_notification_each(amqp, clean_notify, webhook, tmp_path):
    purge_queue("notify")
    first = NotifyProcess(tmp_path / "notify.log", **FAST, DELIVERY_LEASE=2)
    try:
        first.wait_ready()
        register_unit(amqp, clean_notify, UNIT, webhook.url)
        crash_mid_batch(amqp, clean_notify, first)
    finally:
        first.kill()
    # the restart (not start_service: it would purge the queue of what the crash left unacked)
    second = NotifyProcess(tmp_path / "notify.log", **FAST, DELIVERY_LEASE=2)
    try:
        second.wait_ready()
        check_exactly_once(clean_notify, webhook)
    finally:
        second.kill()


def check_exactly_once(clean_notify, webhook) -> None:
    wait_for(lambda: value(clean_notify, "select count(*) from notifications") == 160, timeout=60,
             what="two notifications per event (unit and deputy)")
    expected = {f"lianxin-notification-{r['id']}" for r in
                rows(clean_notify, "select id from notifications where recipient = :r", r=f"unit:{UNIT}")}
    wait_for(lambda: set(webhook.keys()) == expected, timeout=60, what="every unit notification sent")
    wait_for(lambda: value(clean_notify, "select count(*) from deliveries where state = 'delivered'") == 80,
             what="every delivery recorded")
    assert value(clean_notify, "select count(*) from deliveries") == 80
    assert value(clean_notify, "select count(*) from processed_events where consumer='notify'") == 81
    assert value(clean_notify, "select count(distinct (recipient, event_id)) from notifications") == 160
    for who in (f"unit:{UNIT}", f"deputy:{DEPUTY}"):
        assert value(clean_notify, "select count(*) from notifications where recipient = :r", r=who) == 80
    # at-least-once at the HTTP boundary: a send cut short after the receiver took it may repeat,
    # with the same Idempotency-Key; no repeat comes from anything else
    repeats = len(webhook.keys()) - len(expected)
    assert 0 <= repeats <= 10


def crash_mid_batch(amqp, engine, process) -> None:
    events = [assigned(i) for i in range(80)]
    for event in events:
        publish(amqp, event)
    for event in events[:20]:  # delivered twice
        publish(amqp, event)
    wait_for(lambda: value(engine, "select count(*) from notifications") >= 20, what="work under way")
    process.kill()  # SIGKILL mid-batch: handlers, dispatcher sends and their bookkeeping cut short
    assert value(engine, "select count(*) from notifications") < 160, "the batch was finished before the kill"


def test_two_dispatchers_never_send_one_delivery_twice(rpc, amqp, start_service, clean_notify, webhook):
    start_service(NotifyService, **{**FAST, "DISPATCH_INTERVAL": 0})
    register_unit(amqp, clean_notify, UNIT, webhook.url)
    for i in range(100, 220):
        publish(amqp, assigned(i))
    wait_for(lambda: value(clean_notify, "select count(*) from deliveries") == 120, what="120 pending deliveries")
    assert webhook.keys() == []  # no dispatcher yet

    start_service(NotifyService, **FAST)
    start_service(NotifyService, **FAST)
    calls = [rpc.notify.dispatch.call_async() for _ in range(6)]  # racing the two timers
    for call in calls:
        call.result()

    wait_for(lambda: len(webhook.keys()) >= 120, timeout=60, what="120 webhooks")
    eventlet.sleep(1)  # room for a double send to show up
    keys = webhook.keys()
    assert len(keys) == len(set(keys)) == 120
    assert value(clean_notify, "select count(*) from deliveries where state = 'delivered'") == 120


def test_daily_digest_once_per_unit_with_two_replicas(rpc, amqp, start_service, clean_notify, webhook):
    loader = start_service(NotifyService, **FAST, DIGEST_HOUR=24)  # 24: never today
    a, b, c, d = 8911, 8912, 8913, 8914
    register_unit(amqp, clean_notify, a, webhook.url)
    events = [assigned(300, a, timedelta(days=-3)), assigned(301, a, timedelta(days=2)),
              assigned(302, a, timedelta(days=60)), assigned(303, b, timedelta(days=30)),
              assigned(304, c, timedelta(days=1)), assigned(305, d, timedelta(days=5), state="replied")]
    for event in events:
        publish(amqp, event)
    wait_for(lambda: value(clean_notify, "select count(*) from assignment_view") == 6, what="projection")
    assert rpc.notify.run_digest() == 0  # before DIGEST_HOUR nothing goes out
    loader.stop()

    start_service(NotifyService, **{**FAST, "DIGEST_HOUR": 0, "DIGEST_INTERVAL": 0.05})
    start_service(NotifyService, **{**FAST, "DIGEST_HOUR": 0, "DIGEST_INTERVAL": 0.05})
    results = [rpc.notify.run_digest.call_async() for _ in range(4)]  # racing the two timers

    wait_for(lambda: value(clean_notify, "select count(*) from digests") == 3, what="three digests")
    eventlet.sleep(0.5)  # both timers keep ticking: nothing more may come
    digests = rows(clean_notify, "select recipient, title, body from notifications where type = 'digest.daily' "
                                 "order by recipient")
    assert [n["recipient"] for n in digests] == [f"unit:{a}", f"unit:{b}", f"unit:{c}"]  # d has nothing open
    assert sum(r.result() for r in results) <= 3
    body = digests[0]["body"]
    assert "在办建议3件" in body and "即将到期1件" in body and "已逾期1件" in body
    assert body.index("第0300号") < body.index("第0301号") < body.index("第0302号")
    assert "单位8911" in digests[0]["title"]
    wait_for(lambda: [h["json"]["recipient"] for h in webhook.received if h["json"]["type"] == "digest.daily"]
             == [f"unit:{a}"], what="digest webhook")
    assert rpc.notify.inbox({"role": "unit", "unit_id": c}, {})["items"][0]["type"] == "digest.daily"
