"""The supervision board's filters of GET /assignments: due within N days, an open dispute, a pending
extension request, and the soonest-due-first order (the office console's 督办看板)."""
from datetime import datetime, timedelta, timezone

from tests.e2e.client import OFFICE, World


def test_due_within_disputed_and_extension_pending(api):
    world = World(api)
    unit = world.unit["id"]

    def assigned(days: int) -> dict:
        s = world.submit()
        api.post(f"/suggestions/{s['id']}/screening", OFFICE, {"decision": "accept"}, expect=200)
        due = (datetime.now(timezone.utc) + timedelta(days=days)).isoformat()
        return api.post(f"/suggestions/{s['id']}/assignment", OFFICE,
                        {"lead_unit_id": unit, "due_at": due}, expect=201).json()

    soon, later, disputed = assigned(3), assigned(40), assigned(60)
    api.post(f"/assignments/{disputed['id']}/dispute", world.unit_token, {"reason": "不属于我局职责"}, expect=200)
    api.post(f"/assignments/{later['id']}/sign", world.unit_token, expect=200)
    api.post(f"/assignments/{later['id']}/extension", world.unit_token, {"days": 30, "reason": "需协调资金"},
             expect=201)

    def ids(query: str) -> list[int]:
        page = api.get(f"/assignments?unit_id={unit}&{query}", OFFICE, expect=200).json()
        return [a["id"] for a in page["items"]]

    assert ids("due_within=7") == [soon["id"]]
    listed = api.get(f"/assignments?unit_id={unit}&due_within=7", OFFICE, expect=200).json()["items"][0]
    assert listed["title"] == "关于解决某小区居民公交出行问题的建议" and listed["number"].startswith("第")
    assert ids("due_within=45&sort=due_at") == [soon["id"], later["id"]]
    assert ids("sort=due_at") == [soon["id"], later["id"], disputed["id"]]
    assert ids("disputed=true") == [disputed["id"]]
    assert disputed["id"] not in ids("disputed=false")
    assert ids("extension_pending=true") == [later["id"]]
    page = api.get(f"/assignments?unit_id={unit}&due_within=7&disputed=false", OFFICE, expect=200).json()
    assert page["filters"] == {"unit_id": unit, "due_within": 7, "disputed": False}

    api.post(f"/assignments/{later['id']}/extension", OFFICE, {"approve": False}, expect=200)
    assert ids("extension_pending=true") == []
    api.get("/assignments?due_within=-1", OFFICE, expect=422)
    api.get("/assignments?sort=title", OFFICE, expect=422)
