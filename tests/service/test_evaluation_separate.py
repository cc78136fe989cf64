"""分办 in the evaluation service on real PostgreSQL and RabbitMQ: contract-shaped assignment events of a
separate assignment (2 units) and a lead one with a co-unit; ratings per unit, rehandling of one unit,
a B reply followed up to A, the co-unit in the ranking, the real date of a paper rating form, and a
Harbin-shaped year (564 assignments, 583 replies, 568 A)."""
import base64
import io
from datetime import datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from services.common.errors import Conflict, Forbidden, ValidationFailed
from services.common.service_base import rpc as service_rpc
from services.evaluation import projection, rebuild
from services.evaluation.service import EvaluationService
from tests.service.helpers import EventListener, envelope, scalar
from tests.service.test_evaluation_stats import evaluation_db, feed  # noqa: F401 (a fixture)

OFFICE = {"role": "office", "sub": "office-1"}
SESSION = "十六届四次"
U1, U2, U3 = 41, 42, 43  # U1 and U2 handle S separately; U1 leads L, U3 is L's co-unit only
S, L, F = 9101, 9102, 9103  # assignment ids of this module (F: known only to the fake assignment service)
DEPUTY = {"role": "deputy", "deputy_id": 501, "sub": "d501"}
NOW = datetime.now(timezone.utc)
DUE = (NOW + timedelta(days=60)).isoformat()


def common(aid: int, state: str, **extra) -> dict:
    """An AssignmentEvent payload as the shared 分办 contract shapes it."""
    separate = aid in (S, F)
    p = {"assignment_id": aid, "suggestion_id": aid, "state": state, "round": 1,
         "mode": "separate" if separate else "lead", "lead_unit_id": None if separate else U1,
         "lead_unit_name": None if separate else "市甲局", "handling_unit_ids": [U1, U2] if separate else [U1],
         "co_unit_ids": [] if separate else [U3], "due_at": DUE, "number": f"第{aid}号", "title": f"建议{aid}",
         "session": SESSION, "category": "transport", "lead_deputy_id": 501, "co_signer_ids": [],
         "actor": "test", "note": None}
    p.update(extra)
    return p


def ev(type_: str, aid: int, state: str, **extra) -> dict:
    return envelope(type_, common(aid, state, **extra))


def rows(engine, aid: int) -> dict:
    with engine.connect() as conn:
        return {r.unit_id: r._asdict() for r in conn.execute(
            text("select * from assignment_facts where assignment_id = :a order by unit_id"), {"a": aid})}


class FakeAssignmentService:
    """Stands in for the assignment service: get_for_evaluation(assignment_id, unit_id=None) per the
    contract (the facts of that handling unit), remembering what it was asked."""
    name = "assignment"
    asked: list = []

    @service_rpc
    def get_for_evaluation(self, assignment_id, unit_id=None):
        FakeAssignmentService.asked.append((assignment_id, unit_id))
        if assignment_id != F:
            return None
        state = "replied" if unit_id == U2 else "signed"
        return {**common(F, "signed", unit_id=unit_id), "state": state}


@pytest.fixture
def world(start_service, rpc, amqp, evaluation_db):
    """S (separate: U1, U2) and L (lead U1, co-unit U3) assigned, signed; S replied by both units."""
    start_service(EvaluationService)
    feed(amqp, evaluation_db,
         envelope("assignment.unit_registered", {"id": U1, "name": "市甲局", "code": "JA"}),
         envelope("assignment.unit_registered", {"id": U2, "name": "市乙局", "code": "YI"}),
         envelope("assignment.unit_registered", {"id": U3, "name": "市丙局", "code": "BI"}),
         ev("assignment.assigned", S, "assigned"),
         ev("assignment.assigned", L, "assigned"),
         ev("assignment.signed", S, "assigned", unit_id=U1, is_lead=False),
         ev("assignment.signed", S, "signed", unit_id=U2, is_lead=False),
         ev("assignment.signed", L, "signed", unit_id=U1, is_lead=True),
         ev("assignment.co_opinion_added", L, "signed", unit_id=U3, opinion_id=1, on_time=True),
         ev("assignment.replied", S, "signed", unit_id=U1, result_class="A", on_time=True),
         ev("assignment.replied", S, "replied", unit_id=U2, result_class="B", on_time=False))
    return evaluation_db


def test_a_separate_assignment_owes_one_reply_per_unit(world, rpc):
    facts = rows(world, S)
    assert set(facts) == {U1, U2} and [f["state"] for f in facts.values()] == ["replied", "replied"]
    assert facts[U1]["lead_unit_id"] is None and facts[U1]["mode"] == "separate"
    assert [f["counts_assignment"] for f in facts.values()] == [True, False]
    r = rpc.evaluation.rates(OFFICE, {"session": SESSION})
    assert (r["assigned"], r["replies_due"], r["replied"], r["completed"]) == (2, 3, 2, 2)
    assert r["classes"] == {"A": 1, "B": 1, "C": 0} and r["completion_rate"] == 0.6667
    assert r["resolution_rate"] == 0.5 and r["on_time_rate"] == 0.5
    # by unit = the replying unit: U1 replied S and owes L; U2 replied S
    mine = rpc.evaluation.rates(OFFICE, {"unit_id": U1})
    assert (mine["assigned"], mine["replies_due"], mine["replied"], mine["filters"]) == (2, 2, 1, {"unit_id": U1})
    assert rpc.evaluation.rates({"role": "unit", "unit_id": U2, "sub": "u2"}, {})["classes"]["B"] == 1


def test_each_unit_is_rated_and_a_dissatisfied_rating_reopens_only_its_reply(world, rpc, amqp):
    listener = EventListener(amqp, "evaluation.evaluated")
    with pytest.raises(ValidationFailed) as err:  # which unit's reply?
        rpc.evaluation.evaluate(DEPUTY, S, {"satisfaction": "satisfied"})
    assert err.value.details[0]["field"] == "unit_id"
    with pytest.raises(ValidationFailed) as err:
        rpc.evaluation.evaluate(DEPUTY, S, {"satisfaction": "satisfied", "unit_id": U3})
    assert err.value.details[0]["field"] == "unit_id"

    first = rpc.evaluation.evaluate(DEPUTY, S, {"satisfaction": "satisfied", "unit_id": U1})
    second = rpc.evaluation.evaluate(DEPUTY, S, {"satisfaction": "dissatisfied", "unit_id": U2, "comment": "未解决"})
    assert (first["unit_id"], second["unit_id"], second["final"]) == (U1, U2, False)
    events = {e["payload"]["unit_id"]: e["payload"] for e in listener.wait("evaluation.evaluated", count=2)}
    assert events[U2]["satisfaction"] == "dissatisfied" and events[U2]["lead_unit_id"] is None
    assert events[U1]["satisfaction"] == "satisfied"

    # the assignment service reopens U2's part only: its own round and due date
    feed(amqp, world, ev("assignment.rehandling_opened", S, "rehandling", unit_id=U2, round=2,
                         due_at=(NOW + timedelta(days=30)).isoformat()))
    facts = rows(world, S)
    assert (facts[U2]["state"], facts[U2]["round"]) == ("rehandling", 2)
    assert (facts[U1]["state"], facts[U1]["round"], facts[U1]["satisfaction"]) == ("evaluated", 1, "satisfied")
    # each unit its own due date: U2's rehandling reply is due in 30 days, U1's stays
    assert (facts[U1]["due_at"], facts[U2]["due_at"]) == (datetime.fromisoformat(DUE), NOW + timedelta(days=30))
    r = rpc.evaluation.rates(OFFICE, {"session": SESSION})
    assert (r["replies_due"], r["completed"], r["evaluated"], r["satisfied"]) == (3, 1, 2, 1)
    with pytest.raises(Conflict):  # U1 reply was rated in its round
        rpc.evaluation.evaluate(DEPUTY, S, {"satisfaction": "basic", "unit_id": U1})

    # U2 replies again (B), is rated (final), then solves it: the follow-up makes it an A
    feed(amqp, world, ev("assignment.replied", S, "replied", unit_id=U2, round=2, result_class="B", on_time=True))
    final = rpc.evaluation.evaluate(DEPUTY, S, {"satisfaction": "basic", "unit_id": U2})
    assert final["round"] == 2 and final["final"] is True
    before = rpc.evaluation.rates(OFFICE, {"session": SESSION})
    assert before["classes"] == {"A": 1, "B": 1, "C": 0} and before["resolution_rate"] == 0.5
    feed(amqp, world, ev("assignment.followed_up", S, "evaluated", unit_id=U2, round=2, reply_id=9,
                         follows_reply_id=8, result_class="A"))
    after = rpc.evaluation.rates(OFFICE, {"session": SESSION})
    assert after["classes"] == {"A": 2, "B": 0, "C": 0} and after["resolution_rate"] == 1.0
    assert after["replied"] == 2 and after["completed"] == 2
    facts = rows(world, S)[U2]
    assert (facts["result_class"], facts["first_result_class"]) == ("A", "B") and facts["followed_up_at"]
    # the reply's history: both classes in the log
    assert scalar(world, "select array_agg(payload->>'result_class' order by seq) from event_log "
                         "where payload->>'unit_id' = :u and type in ('assignment.replied', 'assignment.followed_up')",
                  {"u": str(U2)}) == ["B", "B", "A"]

    replayed = rebuild.rebuild(world, schema="rebuild_separate")
    assert replayed == scalar(world, "select count(*) from event_log")
    assert set(rebuild.compare(world, schema="rebuild_separate").values()) == {0}
    with world.begin() as conn:
        conn.execute(text("drop schema rebuild_separate cascade"))


def test_a_unit_with_only_co_unit_work_is_ranked_after_the_replying_units(world, rpc):
    rpc.evaluation.evaluate(DEPUTY, S, {"satisfaction": "satisfied", "unit_id": U1})
    ranking = rpc.evaluation.unit_ranking(OFFICE, {"session": SESSION})
    assert [(i["rank"], i["unit_id"]) for i in ranking["items"]] == [(1, U1), (2, U2), (3, U3)]
    u1, u2, u3 = ranking["items"]
    assert (u1["assigned"], u1["replies_due"], u1["replied"], u1["co_assigned"]) == (2, 2, 1, 0)
    assert (u2["replies_due"], u2["classes"]["B"]) == (1, 1)
    assert (u3["unit_name"], u3["replies_due"], u3["completion_rate"], u3["satisfaction_rate"]) == \
        ("市丙局", 0, None, None)
    assert (u3["co_assigned"], u3["co_opinions"], u3["co_opinions_on_time"], u3["co_opinion_on_time_rate"]) == \
        (1, 1, 1, 1.0)
    assert [i["unit_id"] for i in rpc.evaluation.unit_ranking(OFFICE, {"unit_id": U3})["items"]] == [U3]

    wb = load_workbook(io.BytesIO(base64.b64decode(rpc.evaluation.rates_report(OFFICE, {"session": SESSION}))))
    header = [c.value for c in wb["各单位"][1]]
    assert {"应答复件数", "会办件数", "会办意见件数", "按时会办意见件数", "会办意见按时率"} <= set(header)
    table = {row[1]: row for row in ([c.value for c in r] for r in wb["各单位"].iter_rows(min_row=2))}
    assert set(table) == {U1, U2, U3}
    assert table[U3][header.index("会办件数")] == 1 and table[U3][header.index("办结率")] is None
    assert table[U1][header.index("应答复件数")] == 2
    overall = dict(zip([c.value for c in wb["总体情况"][1]], [c.value for c in wb["总体情况"][2]]))
    assert (overall["交办件数"], overall["应答复件数"], overall["答复件数"]) == (2, 3, 2)


def test_the_office_records_a_paper_rating_form_with_its_real_date(world, rpc):
    paper = NOW - timedelta(minutes=1)
    with pytest.raises(Forbidden) as err:
        rpc.evaluation.evaluate(DEPUTY, S, {"satisfaction": "satisfied", "unit_id": U1,
                                            "evaluated_at": paper.isoformat()})
    assert err.value.details[0]["field"] == "evaluated_at"
    with pytest.raises(ValidationFailed) as err:
        rpc.evaluation.evaluate(OFFICE, S, {"satisfaction": "satisfied", "unit_id": U1,
                                            "evaluated_at": (NOW + timedelta(days=1)).isoformat()})
    assert err.value.details[0]["field"] == "evaluated_at"

    rating = rpc.evaluation.evaluate(OFFICE, S, {"satisfaction": "satisfied", "unit_id": U1,
                                                 "evaluated_at": paper.isoformat()})
    assert datetime.fromisoformat(rating["at"]) == paper and rating["deputy_id"] == 501
    assert rating["recorded_by"] == "office-1"


def test_a_rating_before_the_units_reply_arrived_asks_for_that_units_facts(start_service, rpc, evaluation_db):
    start_service(EvaluationService)
    start_service(FakeAssignmentService)
    FakeAssignmentService.asked.clear()

    rating = rpc.evaluation.evaluate(DEPUTY, F, {"satisfaction": "satisfied", "unit_id": U2})

    # the assignment first (a lead one is asked as before 分办), then, as it is separate, U2's own facts
    assert FakeAssignmentService.asked == [(F, None), (F, U2)] and rating["unit_id"] == U2
    assert set(rows(evaluation_db, F)) == {U1, U2}  # both units' rows; U1's not replied
    assert rows(evaluation_db, F)[U1]["state"] == "assigned"


def test_a_harbin_shaped_year_gives_its_published_resolution_rate(start_service, rpc, evaluation_db):
    """564 assignments (545 led by one unit, 19 handled separately by 2 units) → 583 replies;
    560 A, 18 B of which 8 are solved later (their follow-up counts as A), 5 C → 568 A of 583.
    31 units lead or handle separately; one unit only handles separately, one only gives 会办 opinions."""
    start_service(EvaluationService)
    units = list(range(3001, 3032))
    only_separate, only_co = 3032, 3033
    classes = ["A"] * 560 + ["B"] * 18 + ["C"] * 5
    at = NOW - timedelta(days=200)
    events, n = [], 0

    def add(type_, payload):
        nonlocal at
        at += timedelta(seconds=1)
        events.append((type_, {**payload, "session": "2024", "category": "urban", "lead_deputy_id": 777,
                               "co_signer_ids": [], "number": None, "title": None}, at))

    replies = []
    for i in range(564):
        aid = 20000 + i
        if i < 19:  # 分办: a lead unit and the unit that only handles separately
            shape = {"mode": "separate", "lead_unit_id": None, "handling_unit_ids": [units[i], only_separate],
                     "co_unit_ids": []}
        else:
            shape = {"mode": "lead", "lead_unit_id": units[i % 31], "handling_unit_ids": [units[i % 31]],
                     "co_unit_ids": [only_co] if i % 50 == 0 else []}
        base = {"assignment_id": aid, "suggestion_id": aid, "round": 1, "lead_unit_name": None, "due_at": DUE,
                **shape}
        add("assignment.assigned", {**base, "state": "assigned"})
        for unit in shape["handling_unit_ids"]:
            replies.append((base, unit))
    assert len(replies) == 583
    followed = []
    for (base, unit), result_class in zip(replies, classes):
        add("assignment.replied", {**base, "state": "replied", "unit_id": unit, "result_class": result_class,
                                   "on_time": True, "replied_at": None})
        if result_class == "B" and len(followed) < 8:
            followed.append((base, unit))
    for base, unit in followed:
        add("assignment.followed_up", {**base, "state": "replied", "unit_id": unit, "result_class": "A"})
    with evaluation_db.begin() as conn:  # in bulk: logged and applied as the consumer does
        for type_, payload, occurred in events:
            projection.record(conn, type_, payload, occurred)

    r = rpc.evaluation.rates(OFFICE, {"session": "2024"})
    assert (r["assigned"], r["replies_due"], r["replied"]) == (564, 583, 583)
    assert r["classes"] == {"A": 568, "B": 10, "C": 5}
    assert r["resolution_rate"] == 0.9743 and r["solved_or_planned_rate"] == 0.9914
    assert r["completion_rate"] == 1.0
    ranking = rpc.evaluation.unit_ranking(OFFICE, {"session": "2024"})
    assert ranking["total"] == 33
    listed = {i["unit_id"]: i for i in ranking["items"]}
    assert listed[only_separate]["replies_due"] == 19 and listed[only_co]["co_assigned"] == 11
    assert ranking["items"][-1]["unit_id"] == only_co and listed[only_co]["completion_rate"] is None
    assert scalar(evaluation_db, "select count(*) from assignment_facts where first_result_class = 'B'") == 8


def test_a_lead_assignment_rerouted_after_its_reply_counts_for_the_new_lead(world, rpc, amqp):
    feed(amqp, world,
         ev("assignment.replied", L, "replied", unit_id=U1, result_class="C", on_time=True),
         ev("assignment.rerouted", L, "replied", lead_unit_id=U2, lead_unit_name="市乙局", handling_unit_ids=[U2],
            previous_lead_unit_id=U1, previous_co_unit_ids=[U3], reason=None))
    facts = rows(world, L)
    assert list(facts) == [U2] and facts[U2]["result_class"] == "C" and facts[U2]["lead_unit_id"] == U2
    assert rpc.evaluation.rates(OFFICE, {"unit_id": U2})["classes"]["C"] == 1
    assert rpc.evaluation.rates(OFFICE, {"unit_id": U1})["replies_due"] == 1  # S only
    replayed = rebuild.rebuild(world, schema="rebuild_rerouted")
    assert replayed and set(rebuild.compare(world, schema="rebuild_rerouted").values()) == {0}
    with world.begin() as conn:
        conn.execute(text("drop schema rebuild_rerouted cascade"))


def test_per_unit_events_in_any_order_give_the_same_rows(evaluation_db):
    """Assigned, U2's reply (B) and its follow-up (A), U1's signing: in time order and reversed."""
    t0 = NOW - timedelta(days=3)

    def steps(aid: int) -> list:
        return [("assignment.assigned", common(aid, "assigned"), t0),
                ("assignment.signed", common(aid, "assigned", unit_id=U1), t0 + timedelta(hours=1)),
                ("assignment.replied", common(aid, "signed", unit_id=U2, result_class="B", on_time=True,
                                              replied_at=(t0 + timedelta(hours=2)).isoformat()), t0 + timedelta(hours=2)),
                ("assignment.followed_up", common(aid, "replied", unit_id=U2, result_class="A"), t0 + timedelta(days=1))]
    with evaluation_db.begin() as conn:
        for type_, payload, at in steps(S):
            projection.record(conn, type_, {**payload, "assignment_id": S}, at)
        for type_, payload, at in reversed(steps(F)):
            projection.record(conn, type_, {**payload, "assignment_id": F, "suggestion_id": S}, at)
    in_order, reversed_ = rows(evaluation_db, S), rows(evaluation_db, F)
    for unit in (U1, U2):
        a, b = ({k: v for k, v in r[unit].items() if k not in ("assignment_id", "number", "title")}
                for r in (in_order, reversed_))
        assert a == b
    assert (in_order[U2]["result_class"], in_order[U2]["first_result_class"]) == ("A", "B")
    assert (in_order[U1]["state"], in_order[U2]["state"]) == ("signed", "replied")
