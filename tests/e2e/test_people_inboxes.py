"""Leaders are people (issue 16, part E) over HTTP: two leader people (their accounts told to the
system by identity.account_created events, as the identity service publishes them), the office puts
one item under the first one's key supervision and another under the second's: each leader's inbox,
overdue notice and `leader=me` list are their own."""
import random
from datetime import datetime, timedelta, timezone

from kombu import Connection
from nameko.standalone.rpc import ClusterRpcProxy

from tests.e2e.client import OFFICE, World, token
from tests.e2e.test_assignment import assigned
from tests.polling import wait_for
from tests.service.helpers import envelope, publish


def person(amqp_uri: str, roles: list[str], name: str) -> str:
    """A person's account as identity.account_created tells the other services of it; their sub."""
    account_id = random.randint(100_000, 999_999_999)
    sub = f"person-{account_id}"
    with Connection(amqp_uri) as conn:
        publish(conn, envelope("identity.account_created", {
            "account_id": account_id, "sub": sub, "login": f"p{account_id}", "display_name": name, "phone": None,
            "email": None, "disabled": False, "roles": [{"role": r} for r in roles]}))
    return sub


def notices(world: World, tok: str, type_: str, suggestion_id: int) -> list[dict]:
    return [n for n in world.inbox(tok) if n["type"] == type_ and n["suggestion_id"] == suggestion_id]


def test_each_leader_has_their_own_inbox_overdue_notices_and_supervision_list(api, system):
    world = World(api)
    uri = system.env["AMQP_URI"]
    first, second = person(uri, ["leader"], "王副主任"), person(uri, ["leader"], "赵副主任")
    clerk = person(uri, ["office"], "刘科员")
    first_token, second_token = token("leader", sub=first), token("leader", sub=second)
    past = (datetime.now(timezone.utc) - timedelta(days=2)).isoformat()
    s1, a1 = assigned(world, due_at=past)  # overdue already
    s2, a2 = assigned(world)

    def supervise(suggestion_id: int, body: dict):
        return api.post(f"/suggestions/{suggestion_id}/supervision", OFFICE, {"reason": "群众关注", **body})
    # the assignment service learns of the people from identity's events: until then a person is unknown
    refused = wait_for(lambda: (r := supervise(s1["id"], {"leaders": [first, clerk]}).json())
                       and "leader role" in r["error"]["message"] and r, what="the first leader and the clerk known")
    assert [d["field"] for d in refused["error"]["details"]] == ["leaders[1].sub"]  # an office clerk, not a leader
    wait_for(lambda: supervise(s2["id"], {"leaders": [second]}).status_code == 201, what="the second leader known")
    mine = supervise(s1["id"], {"leaders": [first]})
    assert mine.status_code == 201, mine.text
    assert mine.json()["leaders"] == [{"sub": first, "name": "王副主任"}]  # the display name from identity

    told = wait_for(lambda: notices(world, first_token, "assignment.supervision_set", s1["id"]),
                    what="the first leader told of the supervision")
    assert "王副主任" in told[0]["body"]
    wait_for(lambda: notices(world, second_token, "assignment.supervision_set", s2["id"]),
             what="the second leader told of theirs")
    assert not notices(world, second_token, "assignment.supervision_set", s1["id"])
    assert not notices(world, first_token, "assignment.supervision_set", s2["id"])
    assert not notices(world, token("leader", sub="leader-dev"), "assignment.supervision_set", s1["id"])

    with ClusterRpcProxy({"AMQP_URI": uri, "serializer": "json"}, timeout=10) as rpc:
        rpc.assignment.run_deadlines()
    wait_for(lambda: notices(world, first_token, "assignment.overdue", s1["id"]),
             what="the supervising leader told of the overdue item")
    wait_for(lambda: notices(world, OFFICE, "assignment.overdue", s1["id"]), what="the office told too")
    assert not notices(world, second_token, "assignment.overdue", s1["id"])

    def supervised_by(tok: str) -> list[int]:
        return [x["id"] for x in api.get("/assignments?supervised=true&leader=me", tok, expect=200).json()["items"]]
    assert supervised_by(first_token) == [a1["id"]] and supervised_by(second_token) == [a2["id"]]

    prefs = api.call("PUT", "/api/v1/notifications/preferences", first_token, {"email": False, "webhook": False},
                     expect=200).json()
    assert api.get("/notifications/preferences", second_token, expect=200).json()["email"] is True
    assert prefs["email"] is False  # the first leader's own preferences, not every leader's
