"""Notifications over HTTP: inbox, unread filter, read by the owner only, delivery log, preferences,
and a signed webhook to the unit's webhook_url (WEBHOOK_SECRET's development value)."""
import uuid

import pytest

from services.common.secret_check import DEVELOPMENT_VALUES
from tests.e2e.client import OFFICE, World, token
from tests.polling import wait_for
from tests.service.notify_support import WebhookReceiver

DEV_SECRET = DEVELOPMENT_VALUES["WEBHOOK_SECRET"]  # what notify signs with in development mode


@pytest.fixture
def receiver():
    r = WebhookReceiver(DEV_SECRET)
    yield r
    r.stop()


def put(api, path, tok, json, expect):
    return api.call("PUT", "/api/v1" + path, tok, json, expect)


def assign(world, api, unit: dict) -> dict:
    s = world.submit()
    api.post(f"/suggestions/{s['id']}/screening", OFFICE, {"decision": "accept"}, expect=200)
    api.post(f"/suggestions/{s['id']}/assignment", OFFICE, {"lead_unit_id": unit["id"]}, expect=201)
    return s


def test_inbox_delivery_log_preferences_and_a_signed_webhook(api, receiver):
    world = World(api)
    unit = api.post("/units", OFFICE, {"name": "市城市管理委员会", "code": f"CG-{uuid.uuid4().hex[:6]}",
                                       "duties": "市容环卫", "keywords": ["垃圾"], "categories": ["urban"],
                                       "webhook_url": receiver.url}, expect=201).json()
    unit_token = token("unit", sub=f"unit-{unit['id']}", unit_id=unit["id"])
    s = assign(world, api, unit)

    [n] = wait_for(lambda: [n for n in world.inbox(unit_token) if n["suggestion_id"] == s["id"]],
                   what="the unit's notification")
    assert n["type"] == "assignment.assigned" and s["number"] in n["title"] and n["read"] is False
    unread = api.get("/notifications?unread=true", unit_token, expect=200).json()
    assert n["id"] in [i["id"] for i in unread["items"]]

    # the webhook arrives, signed with the shared secret, keyed by the notification
    hook = wait_for(lambda: [h for h in receiver.received if h["json"]["notification_id"] == n["id"]],
                    timeout=30, what="signed webhook")[0]
    assert receiver.rejected == 0 and hook["json"]["title"] == n["title"]
    log = wait_for(lambda: (d := api.get(f"/notifications/{n['id']}/deliveries", unit_token, expect=200).json())
                   ["items"] and d["items"][0]["state"] == "delivered" and d, what="delivery logged")
    [entry] = log["items"]
    assert entry["channel"] == "webhook" and entry["attempts"] == 1 and entry["delivered_at"]
    api.get(f"/notifications/{n['id']}/deliveries", OFFICE, expect=200)
    api.get(f"/notifications/{n['id']}/deliveries", world.unit_token, expect=404)  # another unit
    api.get(f"/notifications/{n['id']}/deliveries", expect=401)

    # read: only the owner; then the unread filter leaves it out
    api.post(f"/notifications/{n['id']}/read", world.deputy_token, expect=404)
    assert api.post(f"/notifications/{n['id']}/read", unit_token, expect=200).json()["read"] is True
    unread = api.get("/notifications?unread=true", unit_token, expect=200).json()
    assert n["id"] not in [i["id"] for i in unread["items"]]
    api.get("/notifications?unread=maybe", unit_token, expect=422)

    # preferences: webhook off, and the next notification is not sent there
    assert api.get("/notifications/preferences", unit_token, expect=200).json()["webhook"] is True
    put(api, "/notifications/preferences", unit_token, {"email": True, "webhook": "no"}, expect=422)
    put(api, "/notifications/preferences", unit_token, {"email": True}, expect=422)
    put(api, "/notifications/preferences", None, {"email": True, "webhook": True}, expect=401)
    saved = put(api, "/notifications/preferences", unit_token, {"email": True, "webhook": False}, expect=200).json()
    assert saved == {"recipient": f"unit:{unit['id']}", "email": True, "webhook": False}
    assert api.get("/notifications/preferences", unit_token, expect=200).json()["webhook"] is False
    second = assign(world, api, unit)
    [m] = wait_for(lambda: [n for n in world.inbox(unit_token) if n["suggestion_id"] == second["id"]],
                   what="second notification")
    assert api.get(f"/notifications/{m['id']}/deliveries", unit_token, expect=200).json()["items"] == []
