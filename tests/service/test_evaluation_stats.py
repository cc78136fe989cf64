"""Evaluation's statistics on real PostgreSQL and RabbitMQ: a hand-computed scenario fed by events,
the rebuild from the event log, scoping, the workbook and the unit gauges."""
import base64
import io
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from prometheus_client import REGISTRY
from sqlalchemy import text
from sqlalchemy.orm import Session

from services.common.errors import Forbidden, ValidationFailed
from services.evaluation import gauges, rebuild
from services.evaluation.service import EvaluationService
from tests.service.helpers import envelope, publish, wait_for
from tests.service.test_evaluation_service import EVALUATION_TABLES
from tests.service.conftest import truncate

OFFICE = {"role": "office", "sub": "office-1"}
SESSION = "十六届三次"
NOW = datetime.now(timezone.utc)
PAST, FUTURE = NOW - timedelta(days=10, hours=1), NOW + timedelta(days=30)
U1, U2 = 31, 32
D_CITY, D_COUNTY = 901, 902
BASE = 8000  # assignment ids of this module


def payload(n: int, state: str, unit: int, category: str, deputy: int, **extra) -> dict:
    p = {"assignment_id": BASE + n, "suggestion_id": BASE + n, "state": state, "round": 1, "lead_unit_id": unit,
         "lead_unit_name": {U1: "甲局", U2: "乙局"}[unit], "co_unit_ids": [], "due_at": FUTURE.isoformat(),
         "number": f"第{BASE + n}号", "title": f"建议{n}", "session": SESSION, "category": category,
         "lead_deputy_id": deputy, "co_signer_ids": [], "actor": "test", "note": None}
    p.update(extra)
    return p


def deputy(deputy_id: int) -> dict:
    return {"role": "deputy", "deputy_id": deputy_id, "sub": f"d{deputy_id}"}


@pytest.fixture
def evaluation_db(db, amqp):
    engine = db("evaluation")
    truncate(engine, *EVALUATION_TABLES)
    return engine


def feed(amqp, engine, *events: dict) -> None:
    for event in events:
        publish(amqp, event)
    ids = [e["event_id"] for e in events]
    wait_for(lambda: _scalar(engine, "select count(*) from event_log where event_id = any(:ids)", ids=ids)
             == len(ids), what=f"{len(ids)} events logged")


def _scalar(engine, sql: str, **params):
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar()


@pytest.fixture
def scenario(start_service, rpc, amqp, evaluation_db):
    """Six assignments of two units; the expected figures are computed by hand in the tests."""
    start_service(EvaluationService)
    ev = envelope
    feed(amqp, evaluation_db,
         ev("assignment.unit_registered", {"id": U1, "name": "市甲局", "code": "JA"}),
         ev("assignment.unit_registered", {"id": U2, "name": "市乙局", "code": "YI"}),
         ev("station.deputy_registered", {"deputy_id": D_CITY, "name": "王", "level": "city", "delegation": "东城"}),
         ev("station.deputy_registered", {"deputy_id": D_COUNTY, "name": "李", "level": "township",
                                          "delegation": "西城"}),
         ev("station.deputy_updated", {"deputy_id": D_COUNTY, "name": "李", "level": "county", "delegation": "西城"}),
         ev("suggestion.accepted", {"suggestion_id": BASE + 1, "number": 1, "number_label": "第8001号",
                                    "session": SESSION, "title": "建议1", "category": "transport",
                                    "kind": "session", "lead_deputy_id": D_CITY, "co_signer_ids": [],
                                    "status": "accepted", "at": NOW.isoformat()}),
         # 1: unit 1, replied A on time, rated satisfied, closed
         ev("assignment.assigned", payload(1, "assigned", U1, "transport", D_CITY)),
         ev("assignment.replied", payload(1, "replied", U1, "transport", D_CITY, result_class="A", on_time=True)),
         # 2: unit 1, replied B late, rated dissatisfied, in rehandling
         ev("assignment.assigned", payload(2, "assigned", U1, "transport", D_COUNTY)),
         ev("assignment.replied", payload(2, "replied", U1, "transport", D_COUNTY, result_class="B",
                                          on_time=False)),
         # 3: unit 1, never replied, due date passed (and the assignment service said so)
         ev("assignment.assigned", payload(3, "assigned", U1, "edu", D_CITY, due_at=PAST.isoformat())),
         ev("assignment.urged", payload(3, "assigned", U1, "edu", D_CITY, due_at=PAST.isoformat(), method="phone")),
         ev("assignment.overdue", payload(3, "assigned", U1, "edu", D_CITY, due_at=PAST.isoformat(), days_late=10)),
         # 4: unit 2, replied C (on_time absent: computed from the reply time), rated basic, closed
         ev("assignment.assigned", payload(4, "assigned", U2, "edu", D_COUNTY)),
         ev("assignment.replied", payload(4, "replied", U2, "edu", D_COUNTY, result_class="C",
                                          replied_at=(NOW - timedelta(days=1)).isoformat())),
         # 5: unit 2, signed, past due until an extension moved the due date
         ev("assignment.assigned", payload(5, "assigned", U2, "transport", D_CITY, due_at=PAST.isoformat())),
         ev("assignment.signed", payload(5, "signed", U2, "transport", D_CITY, due_at=PAST.isoformat(), unit_id=U2,
                                         is_lead=True)),
         ev("assignment.extension_decided", payload(5, "signed", U2, "transport", D_CITY, approved=True)),
         # 6: rerouted from unit 1 to unit 2, replied A, dissatisfied, rehandled, replied A, satisfied (final)
         ev("assignment.assigned", payload(6, "assigned", U1, "edu", D_COUNTY)),
         ev("assignment.rerouted", payload(6, "assigned", U2, "edu", D_COUNTY, previous_lead_unit_id=U1)),
         ev("assignment.replied", payload(6, "replied", U2, "edu", D_COUNTY, result_class="A", on_time=False)))
    rpc.evaluation.evaluate(deputy(D_CITY), BASE + 1, {"satisfaction": "satisfied"})
    rpc.evaluation.evaluate(deputy(D_COUNTY), BASE + 2, {"satisfaction": "dissatisfied"})
    rpc.evaluation.evaluate(deputy(D_COUNTY), BASE + 4, {"satisfaction": "basic"})
    rpc.evaluation.evaluate(deputy(D_COUNTY), BASE + 6, {"satisfaction": "dissatisfied"})
    feed(amqp, evaluation_db,
         ev("assignment.closed", payload(1, "closed", U1, "transport", D_CITY)),
         ev("assignment.rehandling_opened", payload(2, "rehandling", U1, "transport", D_COUNTY, round=2)),
         ev("assignment.closed", payload(4, "closed", U2, "edu", D_COUNTY)),
         ev("assignment.rehandling_opened", payload(6, "rehandling", U2, "edu", D_COUNTY, round=2)),
         ev("assignment.replied", payload(6, "replied", U2, "edu", D_COUNTY, round=2, result_class="A",
                                          on_time=True)))
    final = rpc.evaluation.evaluate(deputy(D_COUNTY), BASE + 6, {"satisfaction": "satisfied"})
    assert final["final"] is True
    feed(amqp, evaluation_db, ev("assignment.closed", payload(6, "closed", U2, "edu", D_COUNTY, round=2)))
    return evaluation_db


def test_rates_match_the_hand_computed_scenario(scenario, rpc):
    r = rpc.evaluation.rates(OFFICE, {"session": SESSION})
    # replied: 1 (A), 2 (B), 4 (C), 6 (A, round 2); completed: 1, 4, 6 (2 is in rehandling)
    assert (r["assigned"], r["replied"], r["completed"], r["evaluated"], r["overdue"]) == (6, 4, 3, 4, 1)
    assert r["classes"] == {"A": 2, "B": 1, "C": 1}
    assert r["completion_rate"] == 0.5 and r["resolution_rate"] == 0.5 and r["solved_or_planned_rate"] == 0.75
    # latest ratings: 1 satisfied, 2 dissatisfied, 4 basic, 6 satisfied (the final one)
    assert r["satisfaction_rate"] == 0.5 and r["satisfied_or_basic_rate"] == 0.75
    # on time: 1 yes, 2 no, 4 computed yes, 6 yes (its latest reply)
    assert r["on_time_rate"] == 0.75

    city = rpc.evaluation.rates(OFFICE, {"session": SESSION, "level": "city"})  # 1, 3, 5
    assert (city["assigned"], city["replied"], city["completed"], city["overdue"]) == (3, 1, 1, 1)
    edu = rpc.evaluation.rates(OFFICE, {"category": "edu"})  # 3, 4, 6
    assert (edu["assigned"], edu["replied"], edu["completion_rate"], edu["classes"]) == \
        (3, 2, 0.6667, {"A": 1, "B": 0, "C": 1})
    assert rpc.evaluation.rates(OFFICE, {"session": "十五届一次"})["assigned"] == 0


def test_units_are_ranked_with_their_rates(scenario, rpc):
    ranking = rpc.evaluation.unit_ranking(OFFICE, {"session": SESSION})
    first, second = ranking["items"]
    # equal satisfaction (0.5 each): unit 2 completed more (2/3 against 1/3)
    assert (first["rank"], first["unit_id"], first["unit_name"]) == (1, U2, "市乙局")
    assert (first["assigned"], first["completion_rate"], first["satisfied_or_basic_rate"]) == (3, 0.6667, 1.0)
    assert (second["unit_id"], second["completion_rate"], second["overdue"], second["on_time_rate"]) == \
        (U1, 0.3333, 1, 0.5)


def test_a_unit_sees_only_its_own_rates_and_others_none(scenario, rpc):
    mine = rpc.evaluation.rates({"role": "unit", "unit_id": U2, "sub": "u2"}, {"unit_id": U1})
    assert mine["filters"]["unit_id"] == U2 and mine["assigned"] == 3 and mine["overdue"] == 0
    with pytest.raises(Forbidden):
        rpc.evaluation.rates(deputy(D_CITY), {})
    with pytest.raises(ValidationFailed) as err:
        rpc.evaluation.rates(OFFICE, {"level": "galactic"})
    assert err.value.details[0]["field"] == "level"


def test_rates_grouped_by_category_kind_unit_and_month_of_the_reply(scenario, rpc):
    by_category = rpc.evaluation.rate_groups(OFFICE, "category", {"session": SESSION})
    assert [g["key"] for g in by_category["items"]] == ["edu", "transport"] and by_category["by"] == "category"
    edu = by_category["items"][0]  # as rates(category=edu): 3, 4, 6
    assert (edu["assigned"], edu["replied"], edu["completion_rate"], edu["classes"]) == \
        (3, 2, 0.6667, {"A": 1, "B": 0, "C": 1})
    # only suggestion 1 was heard of with its kind: the others are in the group null, listed last
    by_kind = rpc.evaluation.rate_groups(OFFICE, "kind", {"session": SESSION})
    assert [(g["key"], g["replies_due"], g["replied"]) for g in by_kind["items"]] == [("session", 1, 1), (None, 5, 3)]
    assert rpc.evaluation.rate_groups(OFFICE, "kind", {"kind": "recess"})["items"] == []
    by_unit = rpc.evaluation.rate_groups(OFFICE, "unit", {})
    assert [(g["key"], g["assigned"], g["overdue"]) for g in by_unit["items"]] == [(str(U1), 3, 1), (str(U2), 3, 0)]
    # the month of each unit's latest reply, the office's local one; not replied yet: null. Replies 1,
    # 2 and 6 carry the sample event's replied_at (2024-05-08), reply 4 the day before NOW
    months = {"2024-05": 3}
    late = (NOW - timedelta(days=1)).astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")
    months[late] = months.get(late, 0) + 1
    by_month = rpc.evaluation.rate_groups(OFFICE, "month", {"session": SESSION})
    assert {g["key"]: g["replied"] for g in by_month["items"] if g["key"]} == months
    assert [(g["replies_due"], g["replied"], g["overdue"]) for g in by_month["items"] if g["key"] is None] == [(2, 0, 1)]
    mine = rpc.evaluation.rate_groups({"role": "unit", "unit_id": U2, "sub": "u2"}, "category", {})
    assert mine["filters"]["unit_id"] == U2 and sum(g["replies_due"] for g in mine["items"]) == 3
    with pytest.raises(ValidationFailed) as err:
        rpc.evaluation.rate_groups(OFFICE, "week", {})
    assert err.value.details[0]["field"] == "by"


def test_overdue_counts_a_reply_late_by_the_clock_or_by_report_once(scenario, rpc, amqp):
    """stats.OVERDUE_PARTS: 3 is late by the clock and reported; 7 is reported late while its due
    date, by the clock, is still ahead (the assignment service's calendar said so): each counts once."""
    feed(amqp, scenario,
         envelope("assignment.assigned", payload(7, "assigned", U2, "edu", D_CITY)),
         envelope("assignment.overdue", payload(7, "assigned", U2, "edu", D_CITY, days_late=3)))
    assert rpc.evaluation.rates(OFFICE, {"session": SESSION})["overdue"] == 2
    assert rpc.evaluation.rates(OFFICE, {"unit_id": U2})["overdue"] == 1
    by_unit = rpc.evaluation.rate_groups(OFFICE, "unit", {})
    assert [(g["key"], g["overdue"]) for g in by_unit["items"]] == [(str(U1), 1), (str(U2), 1)]
    listed = {item["assignment_id"]: item["days_late"] for item in rpc.evaluation.overdue(OFFICE, {})}
    assert listed == {BASE + 3: 10, BASE + 7: 3}


def test_overdue_list_has_days_late(scenario, rpc):
    [item] = rpc.evaluation.overdue(OFFICE, {})
    assert item["assignment_id"] == BASE + 3 and item["days_late"] == 10 and item["unit_name"] == "市甲局"


def test_rebuild_from_the_event_log_matches_the_live_projection(scenario):
    replayed = rebuild.rebuild(scenario, schema="rebuild_test")
    assert replayed == _scalar(scenario, "select count(*) from event_log") >= 27
    # the trigger-kept counters equal those recomputed from the rebuilt facts
    assert rebuild.compare(scenario, schema="rebuild_test") == {
        "assignment_facts": 0, "assignment_common": 0, "co_opinions": 0, "units": 0, "deputies": 0,
        "suggestion_facts": 0, "rate_cells": 0, "unreplied_cells": 0}
    assert _scalar(scenario, "select sum(assigned) from rate_cells") == 6
    assert _scalar(scenario, "select sum(unreplied) from unreplied_cells") == _scalar(
        scenario, "select count(*) from assignment_facts where state in ('assigned', 'signed', 'rehandling')") > 0
    assert _scalar(scenario, "select count(*) from rebuild_test.assignment_facts") == 6

    with scenario.begin() as conn:  # a drifted live row is found
        conn.execute(text("update assignment_facts set result_class = 'B' where assignment_id = :a"),
                     {"a": BASE + 1})
    assert rebuild.compare(scenario, schema="rebuild_test")["assignment_facts"] == 2
    rebuild.swap(scenario, schema="rebuild_test")
    assert set(rebuild.compare(scenario, schema="rebuild_test").values()) == {0}
    with scenario.begin() as conn:
        conn.execute(text("drop schema rebuild_test cascade"))


def test_workbook_sheets_carry_the_numbers(scenario, rpc):
    data = base64.b64decode(rpc.evaluation.rates_report(OFFICE, {"session": SESSION}))
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["总体情况", "各单位", "各类别", "逾期清单"]
    overall = dict(zip([c.value for c in wb["总体情况"][1]], [c.value for c in wb["总体情况"][2]]))
    assert overall["届次"] == SESSION and overall["交办件数"] == 6 and overall["办结率"] == 0.5
    assert overall["满意率"] == 0.5 and overall["A类"] == 2 and overall["逾期件数"] == 1
    units = [[c.value for c in row] for row in wb["各单位"].iter_rows(min_row=2)]
    header = [c.value for c in wb["各单位"][1]]
    assert [(row[0], row[2]) for row in units] == [(1, "市乙局"), (2, "市甲局")]
    assert units[0][header.index("办结率")] == 0.6667
    assert wb["各单位"].cell(2, header.index("办结率") + 1).number_format == "0.00%"
    assert wb["各单位"].cell(1, 1).font.bold
    categories = {row[1]: row for row in ([c.value for c in r] for r in wb["各类别"].iter_rows(min_row=2))}
    assert set(categories) == {"交通邮电", "教科文卫体"} and categories["教科文卫体"][2] == 3
    [late] = [[c.value for c in row] for row in wb["逾期清单"].iter_rows(min_row=2)]
    assert late[0] == BASE + 3 and late[-1] == 10
    # 答复期限: a date cell of the office's local date (issue 15), not UTC text
    due = wb["逾期清单"].cell(2, 8)
    assert due.value == datetime.combine(PAST.astimezone(ZoneInfo("Asia/Shanghai")).date(), datetime.min.time())
    assert due.number_format == "yyyy-mm-dd"


def test_unit_gauges_come_from_the_projection(scenario):
    with Session(scenario) as session:
        assert gauges.refresh(session, datetime.now(timezone.utc)) == 2

    def sample(name: str, unit: int):
        return REGISTRY.get_sample_value(name, {"unit_id": str(unit), "unit": {U1: "市甲局", U2: "市乙局"}[unit]})
    assert sample("lianxin_unit_overdue", U1) == 1 and sample("lianxin_unit_overdue", U2) == 0
    assert sample("lianxin_unit_completion_rate", U2) == 0.6667
    assert sample("lianxin_unit_satisfaction_rate", U1) == 0.5
    assert sample("lianxin_unit_assigned", U2) == 3
