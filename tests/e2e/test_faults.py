"""Faults: a service down or killed mid-flow loses nothing and doubles nothing."""
from collections import Counter

import requests

from tests.e2e.client import OFFICE, World
from tests.polling import wait_for


def office_total(api) -> int:
    return api.get("/notifications?limit=1", OFFICE, expect=200).json()["total"]


def wait_ready(system) -> None:
    """A restarted process may take seconds to import on a loaded machine: wait until all answer."""
    wait_for(lambda: requests.get(system.url + "/readyz", timeout=10).status_code == 200, timeout=60,
             what="ready")


def test_notifications_arrive_once_after_notify_was_down(system, api):
    world = World(api)
    system.svc("stop", "notify")
    try:
        ready = requests.get(system.url + "/readyz", timeout=10)
        assert ready.status_code == 503 and ready.json()["down"] == ["notify"]
        ids = world.lifecycle()
        assert api.get("/notifications", world.deputy_token).status_code == 503
    finally:
        system.svc("start", "notify")
    wait_ready(system)
    sid = ids["suggestion_id"]

    def counts(tok):
        return Counter(n["type"] for n in world.inbox(tok) if n["suggestion_id"] == sid)
    expected = Counter({"suggestion.accepted": 1, "assignment.assigned": 1, "assignment.replied": 1})
    wait_for(lambda: counts(world.deputy_token) == expected, timeout=30, what="deputy's notifications")
    wait_for(lambda: counts(world.unit_token) == Counter({"assignment.assigned": 1}), what="unit's notification")
    wait_for(lambda: counts(world.cosigner_token) == Counter({"assignment.replied": 1}), what="co-signer's")


def test_sigkill_mid_flow_loses_and_doubles_nothing(system, api):
    world = World(api)
    wait_for(lambda: requests.get(system.url + "/readyz", timeout=10).status_code == 200, what="ready")
    before = office_total(api)
    system.svc("stop", "notify")
    try:
        created = [world.submit(f"关于第{i}个小区停车难问题的建议") for i in range(40)]
        system.svc("kill", "suggestion")  # SIGKILL right after the burst: outbox rows may be unsent
    finally:
        system.svc("start", "suggestion")
        system.svc("start", "notify")
    wait_ready(system)
    # kill notify while it works through the backlog, then bring it back
    wait_for(lambda: office_total(api) > before, timeout=30, what="notify to start on the backlog")
    system.svc("kill", "notify")
    system.svc("start", "notify")
    wait_for(lambda: requests.get(system.url + "/readyz", timeout=10).status_code == 200, timeout=30,
               what="ready again")
    wait_for(lambda: office_total(api) >= before + len(created), timeout=60, what="all 40 notifications")
    items = api.get("/notifications?limit=200", OFFICE, expect=200).json()["items"]
    per_suggestion = Counter(n["suggestion_id"] for n in items if n["type"] == "suggestion.submitted")
    for s in created:
        assert per_suggestion[s["id"]] == 1, s["id"]
    assert office_total(api) == before + len(created)
    numbers = [s["seq"] for s in created]
    assert len(set(numbers)) == len(numbers)
