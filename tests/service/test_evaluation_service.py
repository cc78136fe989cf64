"""The evaluation service on real PostgreSQL and RabbitMQ: the assignment projection and ratings."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from services.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from services.common.service_base import rpc as service_rpc
from services.evaluation.service import EvaluationService
from tests.service.conftest import truncate
from tests.service.helpers import EventListener, envelope, publish, wait_for

# assignment ids far from those other service tests create, as events outlive a test in shared queues
AID = 7001
LEAD_DEPUTY = {"role": "deputy", "deputy_id": 77, "sub": "d77"}


def assignment_payload(state: str, **extra) -> dict:
    """An assignment event's payload as store.event_payload of the assignment service builds it."""
    payload = {"assignment_id": AID, "suggestion_id": 5001, "state": state, "round": 1, "lead_unit_id": 3,
               "lead_unit_name": "市交通运输局", "co_unit_ids": [4], "due_at": "2024-06-08T09:30:00+00:00",
               "lead_deputy_id": 77, "co_signer_ids": [78], "session": "十六届三次", "category": "transport",
               "number": "第5001号", "title": "关于增开公交线路的建议"}
    payload.update(extra)
    return payload


def replied(**extra) -> dict:
    return envelope("assignment.replied", assignment_payload("replied", result_class="A", on_time=True, **extra))


EVALUATION_TABLES = ("assignment_facts", "ratings", "outbox", "processed_events", "dead_letters", "event_log",
                     "units", "deputies", "suggestion_facts", "satisfaction_tests", "ballots", "assessments",
                     "assessment_scores", "rate_cells", "assignment_common", "co_opinions", "people")


@pytest.fixture
def evaluation_db(db, amqp):
    engine = db("evaluation")
    truncate(engine, *EVALUATION_TABLES)
    return engine


def facts(engine) -> dict | None:
    with engine.connect() as conn:
        row = conn.execute(text("select * from assignment_facts where assignment_id=:a"), {"a": AID}).first()
        return row._asdict() if row else None


def project(amqp, engine, event: dict) -> None:
    publish(amqp, event)

    def processed():
        with engine.connect() as conn:
            return conn.execute(text("select 1 from processed_events where event_id=:e"),
                                {"e": event["event_id"]}).first()
    wait_for(processed, what=f"{event['type']} processed")


def test_lead_deputy_rates_a_projected_reply(start_service, rpc, amqp, evaluation_db):
    start_service(EvaluationService)
    listener = EventListener(amqp, "evaluation.evaluated")
    project(amqp, evaluation_db, replied())
    assert facts(evaluation_db)["state"] == "replied" and facts(evaluation_db)["result_class"] == "A"

    rating = rpc.evaluation.evaluate(LEAD_DEPUTY, AID, {"satisfaction": "dissatisfied", "comment": "线路太少"})

    assert rating["round"] == 1 and rating["satisfaction"] == "dissatisfied" and rating["final"] is False
    with evaluation_db.connect() as conn:
        stored = conn.execute(text("select deputy_id, satisfaction, comment, final from ratings "
                                   "where assignment_id=:a"), {"a": AID}).one()
    assert tuple(stored) == (77, "dissatisfied", "线路太少", False)
    [event] = listener.wait("evaluation.evaluated")
    p = event["payload"]
    assert p["assignment_id"] == AID and p["round"] == 1 and p["final"] is False
    assert p["satisfaction"] == "dissatisfied" and p["deputy_id"] == 77 and p["lead_unit_id"] == 3
    assert p["number"] == "第5001号" and "不满意" in p["note"]


def test_one_rating_per_round_by_the_lead_deputy_only(start_service, rpc, amqp, evaluation_db):
    start_service(EvaluationService)
    project(amqp, evaluation_db, replied())

    with pytest.raises(Forbidden):
        rpc.evaluation.evaluate({"role": "deputy", "deputy_id": 78}, AID, {"satisfaction": "satisfied"})
    with pytest.raises(ValidationFailed) as err:
        rpc.evaluation.evaluate(LEAD_DEPUTY, AID, {"satisfaction": "so-so"})
    assert [d["field"] for d in err.value.details] == ["satisfaction"]

    rpc.evaluation.evaluate(LEAD_DEPUTY, AID, {"satisfaction": "satisfied"})
    with pytest.raises(Conflict):
        rpc.evaluation.evaluate(LEAD_DEPUTY, AID, {"satisfaction": "basic"})
    with evaluation_db.connect() as conn:
        assert conn.execute(text("select count(*) from ratings")).scalar() == 1
        assert conn.execute(text("select count(*) from outbox")).scalar() == 1


class FakeAssignmentService:
    """Stands in for the assignment service: answers get_for_evaluation only.

    It knows AID in rehandling (round 2, not replied yet) and AID + 1 replied in round 1.
    """
    name = "assignment"

    @service_rpc
    def get_for_evaluation(self, assignment_id):
        if assignment_id == AID:
            return assignment_payload("rehandling", round=2)
        if assignment_id == AID + 1:
            return assignment_payload("replied", assignment_id=AID + 1, lead_deputy_id=88)
        return None


def test_second_round_rating_is_final(start_service, rpc, amqp, evaluation_db):
    start_service(EvaluationService)
    start_service(FakeAssignmentService)
    project(amqp, evaluation_db, replied())
    rpc.evaluation.evaluate(LEAD_DEPUTY, AID, {"satisfaction": "dissatisfied"})
    with pytest.raises(Conflict):  # rehandling (as the assignment service says): nothing to rate yet
        rpc.evaluation.evaluate(LEAD_DEPUTY, AID, {"satisfaction": "satisfied"})
    reopened = envelope("assignment.rehandling_opened", assignment_payload("rehandling", round=2))
    project(amqp, evaluation_db, reopened)
    assert (facts(evaluation_db)["state"], facts(evaluation_db)["round"]) == ("rehandling", 2)

    project(amqp, evaluation_db, replied(round=2))
    rating = rpc.evaluation.evaluate(LEAD_DEPUTY, AID, {"satisfaction": "basic"})

    assert rating["round"] == 2 and rating["final"] is True
    with pytest.raises(Conflict):  # the final rating is the last
        rpc.evaluation.evaluate(LEAD_DEPUTY, AID, {"satisfaction": "satisfied"})


def test_rating_before_the_replied_event_asks_the_assignment_service(start_service, rpc, evaluation_db):
    start_service(EvaluationService)
    start_service(FakeAssignmentService)

    rating = rpc.evaluation.evaluate({"role": "deputy", "deputy_id": 88}, AID + 1, {"satisfaction": "satisfied"})

    assert rating["assignment_id"] == AID + 1 and rating["round"] == 1 and rating["final"] is False
    with pytest.raises(NotFound):  # unknown to the assignment service too
        rpc.evaluation.evaluate(LEAD_DEPUTY, AID + 2, {"satisfaction": "satisfied"})


def test_late_older_event_does_not_move_the_projection_back(start_service, amqp, evaluation_db):
    start_service(EvaluationService)
    at = datetime.now(timezone.utc)
    reply_event = {**replied(), "occurred_at": at.isoformat()}
    signed = {**envelope("assignment.signed", assignment_payload("signed", unit_id=3, is_lead=True)),
              "occurred_at": (at - timedelta(minutes=5)).isoformat()}

    project(amqp, evaluation_db, reply_event)
    project(amqp, evaluation_db, signed)  # delivered late

    projected = facts(evaluation_db)
    assert projected["state"] == "replied" and projected["result_class"] == "A"
    assert projected["updated_at"] == at
