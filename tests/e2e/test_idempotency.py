"""Idempotency-Key over HTTP, on creating routes of each service: a retry gets the first answer and
creates nothing; another request with the same key is a 409; keys are per caller."""
import uuid

from tests.e2e.client import OFFICE, World, token
from tests.e2e.test_stations import Site, activity
from tests.e2e.test_suggestions import body, new_session
from tests.sheets import xlsx

ADMIN = token("admin", sub="admin-1")


def key() -> dict:
    return {"Idempotency-Key": f"key-{uuid.uuid4()}"}


def reused(response) -> None:
    assert response.status_code == 409, response.text
    error = response.json()["error"]
    assert error["code"] == "idempotency_key_reused" and error["details"][0]["field"] == "Idempotency-Key"


def titles(api, session: str) -> list[str]:
    return [s["title"] for s in api.get(f"/suggestions?session={session}", OFFICE, expect=200).json()["items"]]


def test_suggestion_submit(api):
    world, session, k = World(api), new_session(), key()
    form = body(session, "关于增设公交站点的建议")
    first = api.post("/suggestions", world.deputy_token, form, expect=201, headers=k).json()
    again = api.post("/suggestions", world.deputy_token, form, expect=201, headers=k).json()
    assert again == first and first["number"]
    # the same JSON in another key order and spacing is the same request
    reordered = api.call("POST", "/api/v1/suggestions", world.deputy_token,
                         headers={**k, "Content-Type": "application/json"}, data=f'{{"source":"research","session":"{session}", "title":"关于增设公交站点的建议",'
                              f'"kind":"session","category":"transport","body":"{form["body"]}"}}'.encode(),
                         expect=201).json()
    assert reordered["id"] == first["id"]
    reused(api.post("/suggestions", world.deputy_token, {**form, "title": "关于增设公交站点的另一条建议"}, headers=k))
    assert titles(api, session) == ["关于增设公交站点的建议"]

    # the same key from another caller is another request; no key: every POST creates
    other = api.post("/suggestions", OFFICE, {**form, "lead_deputy_id": world.lead["id"]}, expect=201, headers=k).json()
    api.post("/suggestions", world.deputy_token, form, expect=201)
    assert other["id"] != first["id"] and len(titles(api, session)) == 3

    bad = api.post("/suggestions", world.deputy_token, form, headers={"Idempotency-Key": "x" * 256})
    assert bad.status_code == 400 and bad.json()["error"]["details"][0]["field"] == "Idempotency-Key"
    assert len(titles(api, session)) == 3


def test_two_deputies_sharing_a_sub_are_two_callers(api):
    """Tokens made by hand (or by `make token` before it named the id) share a sub: the key is
    scoped by the whole identity, so one deputy's key never returns another deputy's suggestion."""
    world, session, k = World(api), new_session(), key()
    form = body(session, "关于增设公交站点的建议")
    first = token("deputy", sub="deputy-dev", deputy_id=world.lead["id"])
    second = token("deputy", sub="deputy-dev", deputy_id=world.cosigner["id"])
    mine = api.post("/suggestions", first, form, expect=201, headers=k).json()
    theirs = api.post("/suggestions", second, form, expect=201, headers=k).json()
    assert theirs["id"] != mine["id"] and theirs["lead_deputy_id"] == world.cosigner["id"]
    assert api.post("/suggestions", first, form, expect=201, headers=k).json() == mine
    assert len(titles(api, session)) == 2


def test_unit_registration(api):
    k, code = key(), f"JT-{uuid.uuid4().hex[:6]}"
    unit = {"name": "市交通运输局", "code": code, "duties": "公共交通", "keywords": ["公交"], "categories": ["transport"]}
    first = api.post("/units", OFFICE, unit, expect=201, headers=k).json()
    assert api.post("/units", OFFICE, unit, expect=201, headers=k).json() == first  # not the duplicate code's 409
    reused(api.post("/units", OFFICE, {**unit, "name": "市交通局"}, headers=k))
    api.post("/units", OFFICE, unit, expect=409)  # without the key it is a second unit: its code is taken
    theirs = api.post("/units", ADMIN, {**unit, "code": code + "-2"}, expect=201, headers=k).json()
    assert theirs["id"] != first["id"]


def test_station_activity_and_the_public_qr_intake(api):
    site, k = Site(api), key()
    first = api.post(f"/stations/{site.id}/activities", site.staff, activity(deputy_ids=[site.one["id"]]),
                     expect=201, headers=k).json()
    again = api.post(f"/stations/{site.id}/activities", site.staff, activity(deputy_ids=[site.one["id"]]),
                     expect=201, headers=k).json()
    assert again == first
    reused(api.post(f"/stations/{site.id}/activities", site.staff, activity(visitors=11), headers=k))
    listed = api.get(f"/stations/{site.id}/activities", site.staff, expect=200).json()
    assert [a["id"] for a in listed["items"]] == [first["id"]]

    # no login: the scope is the client's address
    k, opinion = key(), {"content": "小区路灯不亮", "qr_token": site.station["qr_token"]}
    one = api.post(f"/stations/{site.id}/opinions", None, opinion, expect=201, headers=k).json()
    assert api.post(f"/stations/{site.id}/opinions", None, opinion, expect=201, headers=k).json() == one
    opinions = api.get(f"/stations/{site.id}/opinions", site.staff, expect=200).json()["items"]
    assert [o["id"] for o in opinions] == [one["id"]]


def test_assignment_and_evaluation(api):
    world = World(api)
    s = world.submit()
    api.post(f"/suggestions/{s['id']}/screening", OFFICE, {"decision": "accept"}, expect=200)
    k, assign = key(), {"lead_unit_id": world.unit["id"]}
    assignment = api.post(f"/suggestions/{s['id']}/assignment", OFFICE, assign, expect=201, headers=k).json()
    assert api.post(f"/suggestions/{s['id']}/assignment", OFFICE, assign, expect=201, headers=k).json() == assignment
    path = f"/assignments/{assignment['id']}"
    api.post(path + "/sign", world.unit_token, expect=200)
    api.post(path + "/reply", world.unit_token, {"result_class": "A", "content": "已增设。", "signed_by": "张局长"},
             expect=201)

    k = key()
    rating = api.post(path + "/evaluation", world.deputy_token, {"satisfaction": "satisfied"}, expect=201,
                      headers=k).json()
    # without the key a second rating is a 409 (once per round); with it, the first answer again
    assert api.post(path + "/evaluation", world.deputy_token, {"satisfaction": "satisfied"}, expect=201,
                    headers=k).json() == rating
    reused(api.post(path + "/evaluation", world.deputy_token, {"satisfaction": "basic"}, headers=k))
    assert api.post(path + "/evaluation", world.deputy_token, {"satisfaction": "satisfied"}).json()["error"]["code"] \
        == "conflict"


def test_import_of_a_file_sent_twice(api):
    world, session, k = World(api), new_session(), key()
    content = xlsx(["标题", "内容", "类别", "类型", "届次", "领衔代表", "联名代表", "来源"],
                   ["关于增设公交站点的建议", "小区距公交站两公里。", "交通邮电", "大会", session,
                    str(world.lead["id"]), "", "调研"])
    send = lambda data: api.call("POST", "/api/v1/suggestions/import", OFFICE,  # noqa: E731
                                 files={"file": ("batch.xlsx", data)}, headers=k)
    first = send(content)
    assert first.status_code == 200 and first.json()["imported"] == 1
    assert send(content).json() == first.json()  # another multipart boundary, the same file
    reused(send(content + b"\0"))
    assert titles(api, session) == ["关于增设公交站点的建议"]
