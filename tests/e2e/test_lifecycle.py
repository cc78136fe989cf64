"""The walking skeleton over HTTP: 提, 交, 办, 评 across all five services."""
from collections import Counter

from tests.e2e.client import OFFICE, World
from tests.polling import wait_for


def types_for(world, tok, suggestion_id):
    return Counter(n["type"] for n in world.inbox(tok) if n["suggestion_id"] == suggestion_id)


def test_whole_lifecycle_through_the_gateway(api):
    world = World(api)
    ids = world.lifecycle()
    sid = ids["suggestion_id"]

    final = wait_for(lambda: (s := api.get(f"/suggestions/{sid}", world.deputy_token, expect=200).json())
                       ["status"] == "closed" and s, what="suggestion closed")
    steps = [t["type"] for t in final["timeline"]]
    for step in ("submitted", "accepted", "assigned", "signed", "replied", "evaluated", "closed"):
        assert step in steps, steps
    assert steps.index("submitted") < steps.index("accepted") < steps.index("assigned") < steps.index("replied")
    assert steps.count("signed") == 2  # lead and co-unit each
    assert final["assignment"]["lead_unit_id"] == world.unit["id"]
    assert final["number"].startswith("第") and final["number"].endswith("号")

    wait_for(lambda: types_for(world, world.deputy_token, sid) ==
               Counter({"suggestion.accepted": 1, "assignment.assigned": 1, "assignment.replied": 1}),
               what="lead deputy notified once of accepted, assigned, replied")
    wait_for(lambda: types_for(world, world.unit_token, sid) == Counter({"assignment.assigned": 1}),
               what="lead unit notified of the assignment")
    wait_for(lambda: types_for(world, world.cosigner_token, sid) == Counter({"assignment.replied": 1}),
               what="co-signer notified of the reply")
    note = [n for n in world.inbox(world.unit_token) if n["suggestion_id"] == sid][0]
    assert ids["number"] in note["title"] and "交办" in note["title"]

    assignment = api.get(f"/assignments/{ids['assignment_id']}", world.unit_token, expect=200).json()
    assert assignment["state"] == "closed" and assignment["replies"][0]["result_class"] == "A"


def test_scoping_hides_other_peoples_items(api):
    world, other = World(api), World(api)
    s = world.submit()
    api.get(f"/suggestions/{s['id']}", other.deputy_token, expect=404)
    api.get(f"/suggestions/{s['id']}", world.cosigner_token, expect=200)
    mine = api.get("/suggestions", other.deputy_token, expect=200).json()
    assert all(item["lead_deputy_id"] == other.lead["id"] or other.lead["id"] in item["co_signer_ids"]
               or item["public"] for item in mine["items"])
    listed = api.get("/suggestions?limit=200", OFFICE, expect=200).json()
    assert any(item["id"] == s["id"] for item in listed["items"])


def test_state_rules_give_409(api):
    world = World(api)
    s = world.submit()
    api.post(f"/suggestions/{s['id']}/assignment", OFFICE, {"lead_unit_id": world.unit["id"]}, expect=409)
    api.post(f"/suggestions/{s['id']}/screening", OFFICE, {"decision": "accept"}, expect=200)
    api.post(f"/suggestions/{s['id']}/screening", OFFICE, {"decision": "accept"}, expect=409)
    a = api.post(f"/suggestions/{s['id']}/assignment", OFFICE, {"lead_unit_id": world.unit["id"]},
                 expect=201).json()
    reply = {"result_class": "A", "content": "已办理。", "signed_by": "张局长"}
    api.post(f"/assignments/{a['id']}/reply", world.unit_token, reply, expect=409)  # not signed yet
    api.post(f"/assignments/{a['id']}/evaluation", world.deputy_token, {"satisfaction": "basic"}, expect=409)
