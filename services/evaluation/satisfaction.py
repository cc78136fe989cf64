"""满意度测评: the standing committee's satisfaction test of units (create, ballots, close)."""
from sqlalchemy import select

from services.common.clock import now
from services.common.errors import Conflict
from services.common.validation import parse
from services.evaluation import domain
from services.evaluation.events import TestClosed
from services.evaluation.models import Ballot, SatisfactionTest
from services.evaluation.schemas import BallotIn, TestIn
from services.evaluation.store import load_test, unit_names
from services.evaluation.views import ballot_dict, satisfaction_test_dict


def create(tx, actor: dict, data: dict) -> dict:
    form = parse(TestIn, data)
    domain.check_test(form.subject, form.unit_ids)
    t = SatisfactionTest(title=form.title, subject=form.subject, unit_ids=form.unit_ids,
                         voter_count=form.voter_count, status="open",
                         ballots=0, created_by=actor.get("sub"), created_at=now())
    tx.add(t)
    tx.flush()
    return satisfaction_test_dict(t, unit_names(tx, t.unit_ids))


def record_ballot(tx, actor: dict, test_id: int, data: dict) -> dict:
    form = parse(BallotIn, data)
    t = load_test(tx, test_id, lock=True)  # ballots of one test one at a time: never more than voters
    votes = [v.model_dump() for v in form.votes]
    domain.check_ballot(t.unit_ids, votes, t.subject)
    domain.check_ballot_allowed(t.status, t.ballots, t.voter_count)
    if form.voter and tx.scalar(select(Ballot.id).where(Ballot.test_id == t.id, Ballot.voter == form.voter)):
        raise Conflict(f"voter {form.voter} has already voted")
    ballot = Ballot(test_id=t.id, voter=form.voter, votes=votes, at=now())
    tx.add(ballot)
    t.ballots += 1
    tx.flush()
    return ballot_dict(ballot, t)


def close(tx, actor: dict, test_id: int) -> dict:
    t = load_test(tx, test_id, lock=True)
    if t.status != "open":
        raise Conflict("the test is already closed")
    names = unit_names(tx, t.unit_ids)
    ballots = [b for b in tx.scalars(select(Ballot.votes).where(Ballot.test_id == t.id).order_by(Ballot.id))]
    t.tallies = domain.tally(t.unit_ids, ballots, names)
    t.report_tally = domain.tally_report(ballots) if t.subject == "report" else None
    t.status, t.closed_at = "closed", now()
    tx.flush()
    tx.publish(TestClosed(test_id=t.id, title=t.title, voter_count=t.voter_count, ballots=t.ballots,
                          tallies=t.tallies, subject=t.subject, report=t.report_tally, actor=actor.get("sub"),
                          note=f"满意度测评「{t.title}」结束"))
    return satisfaction_test_dict(t, names)
