"""Satisfaction tests (满意度测评) and third-party assessments (第三方评估) on real PostgreSQL and RabbitMQ."""
import eventlet
import pytest
from sqlalchemy import text

from services.common.errors import Conflict, NotFound, ValidationFailed
from services.evaluation.service import EvaluationService
from tests.service.helpers import EventListener, envelope, publish, wait_for
from tests.service.test_evaluation_service import EVALUATION_TABLES
from tests.service.conftest import truncate

OFFICE = {"role": "office", "sub": "office-1"}
ASSESSOR_2 = {"role": "office", "sub": "assessor-2"}
WANG, LI, ZHAO = ({"role": "assessor", "sub": sub} for sub in ("assessor-wang", "assessor-li", "assessor-zhao"))


@pytest.fixture
def evaluation_db(db, amqp):
    engine = db("evaluation")
    truncate(engine, *EVALUATION_TABLES)
    return engine


def vote(unit_id: int, choice: str) -> dict:
    return {"unit_id": unit_id, "choice": choice}


def test_satisfaction_test_ballots_and_tallies(start_service, rpc, amqp, evaluation_db):
    start_service(EvaluationService)
    listener = EventListener(amqp, "evaluation.test_closed")
    publish(amqp, envelope("assignment.unit_registered", {"id": 41, "name": "市教育局", "code": "JY"}))
    wait_for(lambda: _count(evaluation_db, "units") == 1, what="unit projected")
    test = rpc.evaluation.create_test(OFFICE, {"title": "2026年度承办单位满意度测评", "unit_ids": [41, 42],
                                               "voter_count": 3})
    assert test["status"] == "open" and test["ballots"] == 0
    assert test["units"] == [{"unit_id": 41, "unit_name": "市教育局"}, {"unit_id": 42, "unit_name": None}]

    rpc.evaluation.record_ballot(OFFICE, test["id"], {"voter": "委员1", "votes": [vote(41, "satisfied"),
                                                                                  vote(42, "basic")]})
    with pytest.raises(Conflict):  # each voter one ballot
        rpc.evaluation.record_ballot(OFFICE, test["id"], {"voter": "委员1", "votes": [vote(41, "basic")]})
    with pytest.raises(ValidationFailed) as err:  # a unit not in the test
        rpc.evaluation.record_ballot(OFFICE, test["id"], {"votes": [vote(41, "basic"), vote(43, "basic")]})
    assert err.value.details[0]["field"] == "votes.1.unit_id"
    with pytest.raises(ValidationFailed):
        rpc.evaluation.record_ballot(OFFICE, test["id"], {"votes": [vote(41, "so-so")]})
    rpc.evaluation.record_ballot(OFFICE, test["id"], {"voter": "委员2", "votes": [vote(41, "satisfied"),
                                                                                  vote(42, "dissatisfied")]})
    rpc.evaluation.record_ballot(OFFICE, test["id"], {"votes": [vote(41, "basic")]})  # abstains on 42
    with pytest.raises(Conflict):  # never more ballots than voters
        rpc.evaluation.record_ballot(OFFICE, test["id"], {"votes": [vote(41, "basic")]})

    closed = rpc.evaluation.close_test(OFFICE, test["id"])

    assert closed["status"] == "closed" and closed["ballots"] == 3
    t41, t42 = closed["tallies"]
    assert (t41["satisfied"], t41["basic"], t41["dissatisfied"], t41["satisfaction_rate"]) == (2, 1, 0, 0.6667)
    assert (t42["votes"], t42["satisfaction_rate"], t42["satisfied_or_basic_rate"]) == (2, 0.0, 0.5)
    [event] = listener.wait("evaluation.test_closed")
    assert event["payload"]["test_id"] == test["id"] and event["payload"]["tallies"] == closed["tallies"]
    assert rpc.evaluation.get_test(OFFICE, test["id"])["tallies"] == closed["tallies"]  # kept
    with pytest.raises(Conflict):
        rpc.evaluation.close_test(OFFICE, test["id"])
    with pytest.raises(Conflict):
        rpc.evaluation.record_ballot(OFFICE, test["id"], {"votes": [vote(41, "basic")]})
    with pytest.raises(NotFound):
        rpc.evaluation.get_test(OFFICE, 999999)


def test_a_test_of_the_report_as_a_whole_counts_abstentions_apart(start_service, rpc, amqp, evaluation_db):
    start_service(EvaluationService)
    listener = EventListener(amqp, "evaluation.test_closed")
    test = rpc.evaluation.create_test(OFFICE, {"title": "对市政府代表建议办理情况报告的满意度测评",
                                               "subject": "report", "unit_ids": [], "voter_count": 6})
    assert (test["subject"], test["unit_ids"], test["report"]) == ("report", [], None)
    for choice in ("satisfied", "satisfied", "basic", "dissatisfied", "abstain"):
        rpc.evaluation.record_ballot(OFFICE, test["id"], {"votes": [{"choice": choice}]})
    with pytest.raises(ValidationFailed) as err:  # a report test without units: none to vote on
        rpc.evaluation.record_ballot(OFFICE, test["id"], {"votes": [vote(41, "basic")]})
    assert err.value.details[0]["field"] == "votes.0.unit_id"

    closed = rpc.evaluation.close_test(OFFICE, test["id"])
    report = closed["report"]
    assert (report["satisfied"], report["basic"], report["dissatisfied"], report["abstain"]) == (2, 1, 1, 1)
    assert (report["votes"], report["cast"]) == (4, 5)  # the rates divide by the 4 votes, not the 5 cast
    assert (report["satisfaction_rate"], report["satisfied_or_basic_rate"]) == (0.5, 0.75)
    assert closed["tallies"] == [] and rpc.evaluation.get_test(OFFICE, test["id"])["report"] == report
    [event] = listener.wait("evaluation.test_closed")
    assert event["payload"]["subject"] == "report" and event["payload"]["report"] == report

    units = rpc.evaluation.create_test(OFFICE, {"title": "测评", "unit_ids": [41], "voter_count": 2})
    assert units["subject"] == "units"
    rpc.evaluation.record_ballot(OFFICE, units["id"], {"votes": [vote(41, "abstain")]})
    [t41] = rpc.evaluation.close_test(OFFICE, units["id"])["tallies"]
    assert (t41["abstain"], t41["votes"], t41["satisfaction_rate"]) == (1, 0, None)


def test_concurrent_ballots_never_exceed_the_voters(start_service, rpc, evaluation_db):
    start_service(EvaluationService)
    test = rpc.evaluation.create_test(OFFICE, {"title": "测评", "unit_ids": [41], "voter_count": 5})
    pending = [rpc.evaluation.record_ballot.call_async(OFFICE, test["id"], {"votes": [vote(41, "satisfied")]})
               for _ in range(12)]
    outcomes = []
    for reply in pending:
        try:
            reply.result()
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")
    assert outcomes.count("ok") == 5 and outcomes.count("conflict") == 7
    assert _count(evaluation_db, "ballots") == 5


def test_satisfaction_test_input_is_validated(start_service, rpc, evaluation_db):
    start_service(EvaluationService)
    for bad, field in [({"title": "x", "unit_ids": [], "voter_count": 3}, "unit_ids"),
                       ({"title": "x", "subject": "units", "voter_count": 3}, "unit_ids"),
                       ({"title": "x", "subject": "budget", "voter_count": 3}, "subject"),
                       ({"title": "x", "unit_ids": [1, 1], "voter_count": 3}, "unit_ids"),
                       ({"title": "x", "unit_ids": [1], "voter_count": 0}, "voter_count"),
                       ({"unit_ids": [1], "voter_count": 2}, "title")]:
        with pytest.raises(ValidationFailed) as err:
            rpc.evaluation.create_test(OFFICE, bad)
        assert err.value.details[0]["field"] == field


def replied(n: int, session: str) -> dict:
    return envelope("assignment.replied", {
        "assignment_id": 9000 + n, "suggestion_id": 9000 + n, "state": "replied", "round": 1, "lead_unit_id": 41,
        "lead_unit_name": "市教育局", "co_unit_ids": [], "due_at": "2030-01-01T00:00:00+00:00",
        "number": f"第{9000 + n}号", "title": f"建议{n}", "session": session, "category": "edu",
        "lead_deputy_id": 1, "co_signer_ids": [], "result_class": "A", "on_time": True})


def test_assessment_samples_reproducibly_and_summarises_scores(start_service, rpc, amqp, evaluation_db):
    start_service(EvaluationService)
    events = [replied(n, "十六届三次") for n in range(1, 21)] + [replied(n, "十六届二次") for n in range(21, 26)]
    for event in events:
        publish(amqp, event)
    wait_for(lambda: _count(evaluation_db, "assignment_facts") == 25, what="replies projected")

    first = rpc.evaluation.create_assessment(OFFICE, {"sample_size": 5, "session": "十六届三次", "seed": 7})
    again = rpc.evaluation.create_assessment(OFFICE, {"sample_size": 5, "session": "十六届三次", "seed": 7})
    other = rpc.evaluation.create_assessment(OFFICE, {"sample_size": 5, "session": "十六届三次"})

    assert first["suggestion_ids"] == again["suggestion_ids"] and len(first["suggestion_ids"]) == 5
    assert all(9001 <= s <= 9020 for s in first["suggestion_ids"]) and first["population"] == 20
    assert isinstance(other["seed"], int)
    assert first["items"][0]["number"] == f"第{first['suggestion_ids'][0]}号"
    everything = rpc.evaluation.create_assessment(OFFICE, {"sample_size": 100, "seed": 1})
    assert everything["sample_size"] == 25 and everything["requested"] == 100

    sid, sid2 = first["suggestion_ids"][:2]
    rpc.evaluation.add_score(OFFICE, first["id"], {"suggestion_id": sid, "score": 90, "comment": "答复详实"})
    rpc.evaluation.add_score(ASSESSOR_2, first["id"], {"suggestion_id": sid, "score": 70})
    rpc.evaluation.add_score(OFFICE, first["id"], {"suggestion_id": sid2, "score": 62})
    with pytest.raises(Conflict):  # an assessor scores an item once
        rpc.evaluation.add_score(OFFICE, first["id"], {"suggestion_id": sid, "score": 10})
    outside = next(s for s in range(9001, 9021) if s not in first["suggestion_ids"])
    with pytest.raises(ValidationFailed) as err:
        rpc.evaluation.add_score(OFFICE, first["id"], {"suggestion_id": outside, "score": 50})
    assert err.value.details[0]["field"] == "suggestion_id"
    with pytest.raises(ValidationFailed) as err:
        rpc.evaluation.add_score(OFFICE, first["id"], {"suggestion_id": sid, "score": 101})
    assert err.value.details[0]["field"] == "score"

    got = rpc.evaluation.get_assessment(OFFICE, first["id"])
    assert got["summary"] == {"count": 3, "mean": 74.0, "min": 62, "max": 90}
    item = next(i for i in got["items"] if i["suggestion_id"] == sid)
    assert item["summary"] == {"count": 2, "mean": 80.0, "min": 70, "max": 90}
    with pytest.raises(ValidationFailed):  # nothing replied in that session
        rpc.evaluation.create_assessment(OFFICE, {"sample_size": 5, "session": "十五届一次"})
    with pytest.raises(NotFound):
        rpc.evaluation.get_assessment(OFFICE, 999999)


def _count(engine, table: str) -> int:
    eventlet.sleep(0)
    with engine.connect() as conn:
        return conn.execute(text(f"select count(*) from {table}")).scalar()


def test_several_assessors_each_score_each_item_once(start_service, rpc, amqp, evaluation_db):
    start_service(EvaluationService)
    for event in [replied(n, "十六届三次") for n in range(1, 6)]:
        publish(amqp, event)
    wait_for(lambda: _count(evaluation_db, "assignment_facts") == 5, what="replies projected")
    a = rpc.evaluation.create_assessment(OFFICE, {"sample_size": 3, "seed": 3, "assessors": ["assessor-wang"]})
    other = rpc.evaluation.create_assessment(OFFICE, {"sample_size": 2, "seed": 4})
    assert a["assessors"] == ["assessor-wang"] and other["assessors"] == []
    sid = a["suggestion_ids"][0]

    first = rpc.evaluation.add_score(WANG, a["id"], {"suggestion_id": sid, "score": 88})
    assert first["assessor"] == "assessor-wang"
    with pytest.raises(Conflict):  # the same assessor, the same item
        rpc.evaluation.add_score(WANG, a["id"], {"suggestion_id": sid, "score": 60})
    with pytest.raises(NotFound):  # not named on it yet
        rpc.evaluation.add_score(LI, a["id"], {"suggestion_id": sid, "score": 70})
    with pytest.raises(NotFound):
        rpc.evaluation.get_assessment(LI, a["id"])
    named = rpc.evaluation.name_assessors(OFFICE, a["id"], {"assessors": ["assessor-li", "assessor-wang"]})
    assert named["assessors"] == ["assessor-wang", "assessor-li"]
    rpc.evaluation.add_score(LI, a["id"], {"suggestion_id": sid, "score": 71})  # a different assessor: fine

    got = rpc.evaluation.get_assessment(LI, a["id"])
    item = next(i for i in got["items"] if i["suggestion_id"] == sid)
    assert [(s["assessor"], s["score"]) for s in item["scores"]] == [("assessor-wang", 88), ("assessor-li", 71)]
    assert item["summary"]["mean"] == 79.5 and item["summary"]["count"] == 2
    assert [x["id"] for x in rpc.evaluation.list_assessments(WANG)["items"]] == [a["id"]]
    assert rpc.evaluation.list_assessments(ZHAO)["total"] == 0
    assert {x["id"] for x in rpc.evaluation.list_assessments(OFFICE)["items"]} == {a["id"], other["id"]}
    with pytest.raises(NotFound):
        rpc.evaluation.get_assessment(WANG, other["id"])
