"""评 over HTTP: rating and rehandling, rates and ranking, the workbook, satisfaction tests,
third-party assessments and the unit gauges."""
import io

import requests
from openpyxl import load_workbook
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.client import OFFICE, World, token
from tests.polling import wait_for

LEADER = token("leader", sub="leader-1")
REPLY = {"result_class": "A", "content": "已增设公交站点。", "signed_by": "张局长"}


def assigned(world: World) -> dict:
    api = world.api
    s = world.submit()
    api.post(f"/suggestions/{s['id']}/screening", OFFICE, {"decision": "accept"}, expect=200)
    a = api.post(f"/suggestions/{s['id']}/assignment", OFFICE, {"lead_unit_id": world.unit["id"]},
                 expect=201).json()
    api.post(f"/assignments/{a['id']}/sign", world.unit_token, expect=200)
    return a


def state_of(world: World, assignment_id: int, state: str):
    return wait_for(lambda: world.api.get(f"/assignments/{assignment_id}", OFFICE, expect=200).json()["state"]
                    == state, what=f"assignment {assignment_id} {state}")


def test_rating_rehandling_and_the_final_rating(api):
    world = World(api)
    a = assigned(world)
    path = f"/assignments/{a['id']}/evaluation"
    api.post(path, world.deputy_token, {"satisfaction": "basic"}, expect=409)  # no reply yet
    api.post(f"/assignments/{a['id']}/reply", world.unit_token, REPLY, expect=201)
    api.post(path, world.cosigner_token, {"satisfaction": "satisfied"}, expect=403)  # not the lead deputy
    # the real date of a paper rating form: the office's to record, never in the future
    api.post(path, world.deputy_token, {"satisfaction": "satisfied", "evaluated_at": "2024-01-05T10:00:00+08:00"},
             expect=403)
    api.post(path, OFFICE, {"satisfaction": "satisfied", "evaluated_at": "2999-01-05T10:00:00+08:00"}, expect=422)
    api.post(path, world.deputy_token, {"satisfaction": "satisfied", "unit_id": world.co_unit["id"]},
             expect=422)  # not a handling unit of this (lead) assignment
    api.post(path, world.deputy_token, {"satisfaction": "meh"}, expect=422)

    first = api.post(path, world.deputy_token, {"satisfaction": "dissatisfied", "comment": "未解决"},
                     expect=201).json()
    assert (first["round"], first["final"]) == (1, False)
    api.post(path, world.deputy_token, {"satisfaction": "satisfied"}, expect=409)  # once per round
    state_of(world, a["id"], "rehandling")
    api.post(path, world.deputy_token, {"satisfaction": "satisfied"}, expect=409)  # rehandling: no reply yet

    api.post(f"/assignments/{a['id']}/reply", world.unit_token, REPLY, expect=201)
    final = api.post(path, world.deputy_token, {"satisfaction": "satisfied"}, expect=201).json()
    assert (final["round"], final["final"]) == (2, True)
    api.post(path, world.deputy_token, {"satisfaction": "basic"}, expect=409)  # the final rating is the last
    state_of(world, a["id"], "closed")

    unit = world.unit["id"]
    rates = wait_for(lambda: (r := api.get(f"/stats/rates?unit_id={unit}", OFFICE, expect=200).json())
                     ["completed"] == 1 and r, what="rates of the unit")
    assert (rates["assigned"], rates["replied"], rates["evaluated"], rates["satisfied"]) == (1, 1, 1, 1)
    assert rates["completion_rate"] == 1.0 and rates["satisfaction_rate"] == 1.0 and rates["classes"]["A"] == 1


def test_rates_ranking_scoping_and_the_workbook(api):
    world = World(api)
    ids = world.lifecycle()  # replied A, rated satisfied
    late = assigned(world)   # signed, not replied: due in 3 months, not overdue
    unit = world.unit["id"]
    rates = wait_for(lambda: (r := api.get(f"/stats/rates?unit_id={unit}&session=十六届三次", LEADER,
                                           expect=200).json())["evaluated"] == 1 and r["assigned"] == 2 and r,
                     what="rates of both assignments")  # (the second's events may land after the rating's)
    assert (rates["assigned"], rates["replied"], rates["completion_rate"], rates["overdue"]) == (2, 1, 0.5, 0)
    assert rates["resolution_rate"] == 1.0 and rates["on_time_rate"] == 1.0

    own = api.get("/stats/rates?unit_id=1", world.unit_token, expect=200).json()  # a unit: itself only
    assert own["filters"]["unit_id"] == unit and own["assigned"] == 2
    api.get("/stats/rates", world.deputy_token, expect=403)
    api.get("/stats/units", world.unit_token, expect=403)
    api.get("/stats/rates?level=galactic", OFFICE, expect=422)
    api.get("/stats/rates?unit_id=abc", OFFICE, expect=422)
    city = api.get(f"/stats/rates?unit_id={unit}&level=city&category=transport", OFFICE, expect=200).json()
    assert city["assigned"] == 2

    ranking = api.get("/stats/units?session=十六届三次", OFFICE, expect=200).json()["items"]
    mine = next(item for item in ranking if item["unit_id"] == unit)
    assert mine["unit_name"] == "市交通运输局" and mine["completion_rate"] == 0.5
    assert [item["rank"] for item in ranking] == list(range(1, len(ranking) + 1))

    response = api.get(f"/reports/rates.xlsx?unit_id={unit}", OFFICE, expect=200)
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["总体情况", "各单位", "各类别", "逾期清单"]
    header, values = ([c.value for c in row] for row in wb["总体情况"].iter_rows(max_row=2))
    overall = dict(zip(header, values))
    assert overall["交办件数"] == 2 and overall["办结率"] == 0.5 and overall["满意率"] == 1.0
    [unit_row] = [[c.value for c in row] for row in wb["各单位"].iter_rows(min_row=2)]
    assert unit_row[1:3] == [unit, "市交通运输局"]
    api.get("/reports/rates.xlsx", world.unit_token, expect=403)
    assert ids["assignment_id"] != late["id"]


def test_satisfaction_test_over_http(api):
    world = World(api)
    u1, u2 = world.unit["id"], world.co_unit["id"]
    test = api.post("/satisfaction-tests", OFFICE, {"title": "年度满意度测评", "unit_ids": [u1, u2],
                                                    "voter_count": 2}, expect=201).json()
    wait_for(lambda: api.get(f"/satisfaction-tests/{test['id']}", LEADER, expect=200).json()["units"][0]
             ["unit_name"] == "市交通运输局", what="unit names from unit_registered")
    path = f"/satisfaction-tests/{test['id']}"
    api.post(path + "/ballots", OFFICE, {"votes": [{"unit_id": u1, "choice": "satisfied"},
                                                   {"unit_id": u2 + 10**6, "choice": "basic"}]}, expect=422)
    api.post(path + "/ballots", world.unit_token, {"votes": [{"unit_id": u1, "choice": "satisfied"}]}, expect=403)
    api.post(path + "/ballots", OFFICE, {"votes": [{"unit_id": u1, "choice": "satisfied"},
                                                   {"unit_id": u2, "choice": "basic"}]}, expect=201)
    api.post(path + "/ballots", OFFICE, {"votes": [{"unit_id": u1, "choice": "dissatisfied"}]}, expect=201)
    api.post(path + "/ballots", OFFICE, {"votes": [{"unit_id": u1, "choice": "basic"}]}, expect=409)
    closed = api.post(path + "/close", OFFICE, expect=200).json()
    tallies = {t["unit_id"]: t for t in closed["tallies"]}
    assert (tallies[u1]["satisfied"], tallies[u1]["dissatisfied"], tallies[u1]["satisfaction_rate"]) == (1, 1, 0.5)
    assert (tallies[u2]["basic"], tallies[u2]["satisfied_or_basic_rate"]) == (1, 1.0)
    api.post(path + "/close", OFFICE, expect=409)
    api.get("/satisfaction-tests/999999", OFFICE, expect=404)


def test_a_report_wide_satisfaction_test_with_abstentions(api):
    bad = api.post("/satisfaction-tests", OFFICE, {"title": "测评", "unit_ids": [], "voter_count": 3},
                   expect=422).json()
    assert [d["field"] for d in bad["error"]["details"]] == ["unit_ids"]
    test = api.post("/satisfaction-tests", OFFICE, {"title": "对市政府代表建议办理工作情况报告的满意度测评",
                                                    "subject": "report", "voter_count": 5}, expect=201).json()
    assert (test["subject"], test["unit_ids"]) == ("report", [])
    path = f"/satisfaction-tests/{test['id']}"
    for choice in ("satisfied", "basic", "abstain", "abstain", "dissatisfied"):
        api.post(path + "/ballots", OFFICE, {"votes": [{"choice": choice}]}, expect=201)
    api.post(path + "/ballots", OFFICE, {"votes": [{"choice": "satisfied"}]}, expect=409)  # 5 voters voted
    report = api.post(path + "/close", OFFICE, expect=200).json()["report"]
    assert (report["abstain"], report["votes"], report["cast"]) == (2, 3, 5)
    assert (report["satisfaction_rate"], report["satisfied_or_basic_rate"]) == (0.3333, 0.6667)
    assert api.get(path, LEADER, expect=200).json()["report"] == report


def test_two_assessors_score_the_same_item(api):
    world = World(api)
    world.lifecycle()
    tag = world.unit["code"]
    wang, li = token("assessor", sub=f"assessor-wang-{tag}"), token("assessor", sub=f"assessor-li-{tag}")
    wait_for(lambda: api.get(f"/stats/rates?unit_id={world.unit['id']}", OFFICE, expect=200).json()["replied"],
             what="reply projected")
    a = api.post("/assessments", OFFICE, {"sample_size": 2, "assessors": [f"assessor-wang-{tag}"]},
                 expect=201).json()
    sid, path = a["suggestion_ids"][0], f"/assessments/{a['id']}"
    api.post(path + "/scores", wang, {"suggestion_id": sid, "score": 90}, expect=201)
    api.post(path + "/scores", wang, {"suggestion_id": sid, "score": 10}, expect=409)  # once per assessor
    api.post(path + "/scores", li, {"suggestion_id": sid, "score": 80}, expect=404)  # not named on it
    api.get(path, li, expect=404)
    api.post(path + "/assessors", OFFICE, {"assessors": [f"assessor-li-{tag}"]}, expect=200)
    api.post(path + "/scores", li, {"suggestion_id": sid, "score": 75}, expect=201)  # a different assessor
    got = api.get(path, li, expect=200).json()
    item = next(i for i in got["items"] if i["suggestion_id"] == sid)
    assert sorted(s["score"] for s in item["scores"]) == [75, 90] and item["summary"]["mean"] == 82.5
    assert [x["id"] for x in api.get("/assessments", wang, expect=200).json()["items"]] == [a["id"]]
    api.post("/assessments", wang, {"sample_size": 1}, expect=403)
    api.get("/stats/rates", wang, expect=403)


def test_assessment_over_http(api):
    world = World(api)
    world.lifecycle()
    session = "十六届三次"
    wait_for(lambda: api.get(f"/stats/rates?unit_id={world.unit['id']}", OFFICE, expect=200).json()["replied"],
             what="reply projected")
    first = api.post("/assessments", OFFICE, {"sample_size": 3, "session": session, "seed": 11}, expect=201).json()
    again = api.post("/assessments", OFFICE, {"sample_size": 3, "session": session, "seed": 11}, expect=201).json()
    assert first["suggestion_ids"] == again["suggestion_ids"] and first["suggestion_ids"]
    api.post("/assessments", OFFICE, {"sample_size": 0}, expect=422)
    api.post("/assessments", LEADER, {"sample_size": 3}, expect=403)
    sid = first["suggestion_ids"][0]
    path = f"/assessments/{first['id']}"
    api.post(path + "/scores", OFFICE, {"suggestion_id": sid, "score": 88, "comment": "答复及时"}, expect=201)
    api.post(path + "/scores", token("office", sub="assessor-2"), {"suggestion_id": sid, "score": 72}, expect=201)
    api.post(path + "/scores", OFFICE, {"suggestion_id": sid, "score": 50}, expect=409)
    api.post(path + "/scores", OFFICE, {"suggestion_id": sid, "score": -1}, expect=422)
    got = api.get(path, LEADER, expect=200).json()
    assert got["summary"] == {"count": 2, "mean": 80.0, "min": 72, "max": 88}
    api.get("/assessments/999999", OFFICE, expect=404)


def test_unit_gauges_on_the_metrics_port(system, api):
    world = World(api)
    world.lifecycle()
    unit = str(world.unit["id"])

    def gauge():
        families = text_string_to_metric_families(requests.get(system.metrics_url("evaluation"), timeout=5).text)
        return next((s.value for f in families for s in f.samples
                     if s.name == "lianxin_unit_completion_rate" and s.labels.get("unit_id") == unit), None)
    assert wait_for(gauge, timeout=45, interval=1, what="completion gauge of the unit") == 1.0


def test_projection_rebuilt_from_the_real_event_history_matches(system, api):
    """The events the real services published (not hand-made ones) replay to the same projection."""
    from sqlalchemy import create_engine

    from services.evaluation import rebuild

    world = World(api)
    a = assigned(world)
    api.post(f"/assignments/{a['id']}/reply", world.unit_token, REPLY, expect=201)
    api.post(f"/assignments/{a['id']}/evaluation", world.deputy_token, {"satisfaction": "dissatisfied"}, expect=201)
    state_of(world, a["id"], "rehandling")
    engine = create_engine(f"{system.env.get('PG_URL', 'postgresql+psycopg://root@127.0.0.1:5432')}/"
                           f"{system.env['DB_PREFIX']}_evaluation")
    try:
        def equal():  # events of the steps above may still be landing: compare until quiet
            rebuild.rebuild(engine, schema="rebuild_e2e")
            differences = rebuild.compare(engine, schema="rebuild_e2e")
            return set(differences.values()) == {0} and differences
        wait_for(equal, timeout=30, interval=0.5, what="rebuilt projection equal to the live one")
        with engine.connect() as conn:
            from sqlalchemy import text
            row = conn.execute(text("select state, round from rebuild_e2e.assignment_facts where assignment_id = :a"),
                               {"a": a["id"]}).one()
        assert tuple(row) == ("rehandling", 2)
    finally:
        engine.dispose()


def test_the_office_records_a_paper_rating_form_and_a_co_unit_is_ranked(api):
    """Issue 15: the office records the lead deputy's paper rating form with its real date; a unit that
    only gave a 会办 opinion appears in the unit ranking, after the replying units, without reply rates."""
    from datetime import datetime, timezone

    world = World(api)
    s = world.submit()
    api.post(f"/suggestions/{s['id']}/screening", OFFICE, {"decision": "accept"}, expect=200)
    a = api.post(f"/suggestions/{s['id']}/assignment", OFFICE,
                 {"lead_unit_id": world.unit["id"], "co_unit_ids": [world.co_unit["id"]]}, expect=201).json()
    api.post(f"/assignments/{a['id']}/sign", world.unit_token, expect=200)
    api.post(f"/assignments/{a['id']}/reply", world.unit_token, REPLY, expect=201)
    paper = datetime.now(timezone.utc)  # after the reply: a rating is never dated before it
    rating = api.post(f"/assignments/{a['id']}/evaluation", OFFICE,
                      {"satisfaction": "basic", "evaluated_at": paper.isoformat()}, expect=201).json()
    assert datetime.fromisoformat(rating["at"]) == paper
    assert (rating["deputy_id"], rating["unit_id"], rating["recorded_by"]) == (world.lead["id"], world.unit["id"],
                                                                              "office-1")
    api.post(f"/assignments/{a['id']}/evaluation", world.deputy_token, {"satisfaction": "satisfied"},
             expect=409)  # the deputy's rating of this reply is recorded

    co = world.co_unit["id"]

    def co_row():
        items = api.get("/stats/units?session=十六届三次", OFFICE, expect=200).json()["items"]
        return next((i for i in items if i["unit_id"] == co), None), items
    row, items = wait_for(lambda: (r := co_row())[0] and r, what="the co-unit in the ranking")
    assert row["replies_due"] == 0 and row["co_assigned"] >= 1 and row["completion_rate"] is None
    lead = next(i for i in items if i["unit_id"] == world.unit["id"])
    assert lead["rank"] < row["rank"] and lead["replies_due"] >= 1
