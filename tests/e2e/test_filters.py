"""Issue 15, "filters never silently ignored", over HTTP: the requests quoted in the issue answer
what they filter (kind, supervised, leader, scoped by session), echo the filters, and an unknown
query parameter is a 400 naming it."""
import uuid

from tests.e2e.client import OFFICE, World
from tests.polling import wait_for


def assigned(world: World, session: str, kind: str) -> dict:
    api = world.api
    s = api.post("/suggestions", world.deputy_token, {
        "title": "关于增设社区公交站点的建议", "body": "该小区距最近公交站两公里，建议增设站点。",
        "category": "transport", "kind": kind, "session": session, "source": "research",
        "co_signer_ids": []}, expect=201).json()
    api.post(f"/suggestions/{s['id']}/screening", OFFICE, {"decision": "accept"}, expect=200)
    return api.post(f"/suggestions/{s['id']}/assignment", OFFICE, {"lead_unit_id": world.unit["id"]},
                    expect=201).json()


def test_kind_supervised_and_leader_filter_lists_and_rates(api):
    world = World(api)
    tag = uuid.uuid4().hex[:6]
    session, other, leader = f"十六届{tag}", f"十五届{tag}", f"张{tag}"
    in_session, in_recess, elsewhere = (assigned(world, session, "session"), assigned(world, session, "recess"),
                                        assigned(world, other, "recess"))
    for a in (in_recess, elsewhere):
        api.post(f"/suggestions/{a['suggestion_id']}/supervision", OFFICE,
                 {"leader": leader, "reason": "群众关注度高"}, expect=201)

    listed = api.get(f"/suggestions?session={session}&kind=recess", OFFICE, expect=200).json()
    assert [s["id"] for s in listed["items"]] == [in_recess["suggestion_id"]]
    assert listed["filters"] == {"session": session, "kind": "recess"}

    supervised = api.get(f"/assignments?supervised=true&session={session}", OFFICE, expect=200).json()
    assert [a["id"] for a in supervised["items"]] == [in_recess["id"]]  # not the other session's
    by_leader = api.get(f"/assignments?leader={leader}", OFFICE, expect=200).json()
    assert sorted(a["id"] for a in by_leader["items"]) == sorted([in_recess["id"], elsewhere["id"]])

    def rates(query: str) -> dict:
        return api.get(f"/stats/rates?{query}", OFFICE, expect=200).json()

    wait_for(lambda: rates(f"session={session}")["assigned"] == 2 and rates(f"leader={leader}")["assigned"] == 2,
             what="the assignments and their supervision in the statistics")
    recess = rates(f"session={session}&kind=recess")
    assert recess["assigned"] == 1 and recess["filters"] == {"session": session, "kind": "recess"}
    assert rates(f"session={session}&kind=session")["assigned"] == 1
    assert rates(f"session={session}&supervised=true")["assigned"] == 1
    assert rates(f"session={session}&supervised=false")["assigned"] == 1
    assert rates(f"session={session}&leader={leader}")["assigned"] == 1
    ranking = api.get(f"/stats/units?session={session}&kind=recess", OFFICE, expect=200).json()
    assert [(u["unit_id"], u["assigned"]) for u in ranking["items"]] == [(world.unit["id"], 1)]
    assert in_session["id"] not in [a["id"] for a in by_leader["items"]]


def test_an_unknown_query_parameter_is_400_naming_it(api):
    for path in ("/suggestions?kinds=recess", "/stats/rates?supervisd=true", "/assignments?leeder=x&limit=5"):
        error = api.get(path, OFFICE, expect=400).json()["error"]
        assert error["code"] == "unknown_parameter"
        assert error["details"][0]["field"] == path.split("?")[1].split("=")[0]
    api.get("/suggestions?kind=", OFFICE, expect=200)  # an empty value is absent, as before


def test_the_suggestions_list_sorts_by_deadline_over_every_page(api):
    world = World(api)
    session = f"十六届{uuid.uuid4().hex[:6]}"
    made = [assigned(world, session, "session") for _ in range(3)]
    wait_for(lambda: all(s["due_at"] for s in api.get(f"/suggestions?session={session}", OFFICE,
                                                      expect=200).json()["items"]), what="the deadlines known")
    first = api.get(f"/suggestions?session={session}&sort=due_at&limit=2", OFFICE, expect=200).json()
    rest = api.get(f"/suggestions?session={session}&sort=due_at&limit=2&offset=2", OFFICE, expect=200).json()
    assert first["filters"] == {"session": session, "sort": "due_at"}
    dues = [s["due_at"] for s in first["items"] + rest["items"]]
    assert dues == sorted(dues) and len(dues) == len(made)
    refused = api.get("/suggestions?sort=deputy", OFFICE, expect=422).json()["error"]
    assert "sort" in {d["field"] for d in refused["details"]}
