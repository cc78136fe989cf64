"""People named by sub (issue 16) on real PostgreSQL and RabbitMQ: notify tells each named leader in
their own inbox and mails them at their own address; assignment and evaluation keep the identity
service's people (identity.account_*/role_*, newest facts winning) and refuse a person who is not a
leader / an assessor."""
from datetime import datetime, timedelta, timezone

import pytest

from services.assignment.service import AssignmentService
from services.common.errors import ValidationFailed
from services.evaluation.service import EvaluationService
from services.notify.service import NotifyService
from tests.service import notify_support
from tests.service.assignment_world import OFFICE, World, fresh_db
from tests.service.conftest import truncate
from tests.service.helpers import envelope, publish, scalar, wait_for
from tests.service.notify_support import SECRET, rows, value
from tests.service.test_evaluation_service import EVALUATION_TABLES, replied

clean_notify, mail_sink = notify_support.clean_notify, notify_support.mail_sink

WANG, ZHAO, LIU = "person-901", "person-902", "person-903"  # two leaders, an office clerk
ASSIGNED = {"assignment_id": 8951, "suggestion_id": 8961, "state": "assigned", "round": 1,
            "lead_unit_id": 8971, "lead_unit_name": "市交通运输局", "co_unit_ids": [],
            "due_at": "2024-06-08T09:30:00+00:00", "number": "第8961号", "title": "关于增开夜间公交线路的建议",
            "lead_deputy_id": 8981, "co_signer_ids": []}


def account(sub: str, name: str, roles: list[str], *, email: str | None = None, disabled: bool = False,
            type_: str = "identity.account_created", at: datetime | None = None) -> dict:
    event = envelope(type_, {"account_id": int(sub.split("-")[1]), "sub": sub, "login": sub, "display_name": name,
                             "phone": None, "email": email, "disabled": disabled,
                             "roles": [{"role": r} for r in roles]})
    if at is not None:
        event["occurred_at"] = at.isoformat()
    return event


def role(sub: str, name: str, bound: bool, at: datetime) -> dict:
    event = envelope("identity.role_bound" if bound else "identity.role_unbound", {
        "account_id": int(sub.split("-")[1]), "sub": sub, "binding_id": 1, "role": name, "deputy_id": None,
        "unit_id": None, "station_id": None, "actor": "person-1"})
    event["occurred_at"] = at.isoformat()
    return event


def leader(sub: str | None) -> dict:
    return {"role": "leader", "sub": sub}


def test_each_named_leader_is_told_in_their_own_inbox_and_mailed_at_their_own_address(
        rpc, amqp, start_service, clean_notify, mail_sink):
    start_service(NotifyService, DELIVERY_BACKOFF="0.2", DISPATCH_INTERVAL=0.1, DIGEST_INTERVAL=0,
                  WEBHOOK_SECRET=SECRET, LEADER_EMAILS="leaders@rd.example.cn", **mail_sink.config())
    publish(amqp, account(WANG, "王副主任", ["leader"], email="wang@rd.example.cn"))
    publish(amqp, account(ZHAO, "赵副主任", ["leader"], email="zhao@rd.example.cn"))
    wait_for(lambda: value(clean_notify, "select count(*) from contacts") == 2, what="people's contacts")
    publish(amqp, account(ZHAO, "赵副主任", ["leader"], email="zhao@rd.example.cn", disabled=True,
                          type_="identity.account_updated"))
    wait_for(lambda: value(clean_notify, "select count(*) from contacts where not active") == 1, what="disabled")
    [wang] = rows(clean_notify, "select * from contacts where recipient = :r", r=f"person:{WANG}")
    assert (wang["name"], wang["email"], wang["active"]) == ("王副主任", "wang@rd.example.cn", True)

    publish(amqp, envelope("assignment.assigned", ASSIGNED))
    publish(amqp, envelope("assignment.supervision_set", {
        **ASSIGNED, "leader": WANG, "leaders": [{"sub": WANG, "name": "王副主任"}], "committee": None,
        "reason": "群众关注"}))
    wait_for(lambda: rpc.notify.inbox(leader(WANG), {})["total"] == 1, what="the named leader told")
    [n] = rpc.notify.inbox(leader(WANG), {})["items"]
    assert n["type"] == "assignment.supervision_set" and "王副主任" in n["body"]
    assert rpc.notify.inbox(leader(ZHAO), {})["total"] == 0  # not named: not told
    assert rpc.notify.inbox(leader(None), {})["total"] == 0  # nothing on the leaders' shared desk
    assert value(clean_notify, "select leader_subs from assignment_view where assignment_id = 8951") == [WANG]

    publish(amqp, envelope("assignment.overdue", {**ASSIGNED, "days_late": 5}))
    wait_for(lambda: rpc.notify.inbox(leader(WANG), {})["total"] == 2, what="the leader told of the overdue item")
    assert rpc.notify.inbox(leader(ZHAO), {})["total"] == 0
    assert rpc.notify.inbox({"role": "office", "sub": "o"}, {})["total"] == 1

    # a second item supervised by the disabled leader: in their inbox, but no e-mail
    other = {**ASSIGNED, "assignment_id": 8952, "suggestion_id": 8962, "number": "第8962号"}
    publish(amqp, envelope("assignment.supervision_set", {
        **other, "leader": ZHAO, "leaders": [{"sub": ZHAO, "name": None}], "committee": None, "reason": "x"}))
    wait_for(lambda: rpc.notify.inbox(leader(ZHAO), {})["total"] == 1, what="the second leader told")
    wait_for(lambda: value(clean_notify, "select count(*) from deliveries where state = 'delivered'") == 2,
             what="two e-mails sent")
    mailed = sorted(r for m in mail_sink.messages() for r in m["rcpt_tos"])
    assert mailed == ["wang@rd.example.cn", "wang@rd.example.cn"]  # not LEADER_EMAILS, not the disabled one

    prefs = rpc.notify.set_preferences(leader(WANG), {"email": False, "webhook": False})
    assert prefs["recipient"] == f"person:{WANG}" and rpc.notify.preferences(leader(ZHAO))["email"] is True


@pytest.fixture
def world(start_service, rpc, amqp, db):
    start_service(AssignmentService)
    return World(rpc, amqp, fresh_db(db))


def people(engine) -> dict:
    return {r["sub"]: r for r in rows(engine, "select * from people")}


def test_supervising_leaders_must_be_people_who_hold_the_leader_role(world, amqp):
    t = datetime.now(timezone.utc)
    publish(amqp, account(WANG, "王副主任", ["office", "leader"]))
    publish(amqp, account(LIU, "刘科员", ["office"]))
    publish(amqp, account(ZHAO, "赵副主任", ["leader"], disabled=True))
    # out of order: the newer account event (no leader role) arrives before an older binding
    publish(amqp, account("person-905", "钱主任", [], type_="identity.account_updated", at=t))
    publish(amqp, role("person-905", "leader", True, t - timedelta(minutes=5)))
    publish(amqp, role("person-906", "leader", True, t))  # a binding before its account event
    publish(amqp, account("person-906", "孙主任", [], at=t - timedelta(minutes=5)))
    wait_for(lambda: len(people(world.engine)) == 5 and people(world.engine)["person-906"]["name"],
             what="five people projected")
    known = people(world.engine)
    assert known[WANG]["holds"] and not known[LIU]["holds"] and known[ZHAO]["disabled"]
    assert not known["person-905"]["holds"]  # the older binding did not undo the newer account
    assert known["person-906"]["holds"] and known["person-906"]["name"] == "孙主任"

    def refused(body: dict) -> str:
        with pytest.raises(ValidationFailed) as err:
            world.rpc.assignment.set_supervision(OFFICE, sid, {"reason": "群众关注", **body})
        return err.value.details[0]["field"]
    sid = world.assign()["suggestion_id"]
    assert refused({"leaders": [WANG, LIU]}) == "leaders[1].sub"  # not a leader
    assert refused({"leaders": ["person-999"]}) == "leaders[0].sub"  # no such person
    assert refused({"leaders": [{"sub": ZHAO, "name": "赵"}]}) == "leaders[0].sub"  # disabled
    assert refused({"leader": "person-905"}) == "leader"
    s = world.rpc.assignment.set_supervision(OFFICE, sid, {"leaders": [WANG, "person-906", "leader-dev"],
                                                           "reason": "群众关注"})
    assert s["leaders"] == [{"sub": WANG, "name": "王副主任"}, {"sub": "person-906", "name": "孙主任"},
                            {"sub": "leader-dev", "name": None}]  # display names from identity; dev subs as given
    assert [x["id"] for x in world.rpc.assignment.list(OFFICE, {"leader": "person-906"})["items"]] \
        == [scalar(world.engine, "select id from assignments where suggestion_id = :s", {"s": sid})]

    publish(amqp, role(WANG, "leader", False, datetime.now(timezone.utc)))  # no longer a leader
    wait_for(lambda: not people(world.engine)[WANG]["holds"], what="the leader role unbound")
    sid = world.assign()["suggestion_id"]
    assert refused({"leaders": [WANG]}) == "leaders[0].sub"


def test_assessors_named_by_sub_must_hold_the_assessor_role(start_service, rpc, amqp, db):
    engine = db("evaluation")
    truncate(engine, *EVALUATION_TABLES)
    start_service(EvaluationService)
    publish(amqp, replied())
    publish(amqp, account("person-950", "第三方评估员", ["assessor"]))
    publish(amqp, account("person-951", "办公室", ["office"]))
    wait_for(lambda: value(engine, "select count(*) from people") == 2
             and value(engine, "select count(*) from assignment_facts where result_class is not null") == 1,
             what="people and a replied suggestion projected")
    assert value(engine, "select count(*) from event_log where type like 'identity.%'") == 0  # not statistics

    with pytest.raises(ValidationFailed) as err:
        rpc.evaluation.create_assessment(OFFICE, {"sample_size": 1, "assessors": ["assessor-dev", "person-951"]})
    assert err.value.details[0]["field"] == "assessors[1]"
    a = rpc.evaluation.create_assessment(OFFICE, {"sample_size": 1, "assessors": ["person-950", "assessor-dev"]})
    assert a["assessors"] == ["person-950", "assessor-dev"]
    with pytest.raises(ValidationFailed) as err:
        rpc.evaluation.name_assessors(OFFICE, a["id"], {"assessors": ["person-999"]})
    assert err.value.details[0]["field"] == "assessors[0]"
    score = rpc.evaluation.add_score({"role": "assessor", "sub": "person-950"}, a["id"],
                                     {"suggestion_id": a["suggestion_ids"][0], "score": 88})
    assert score["assessor"] == "person-950"  # scores are the person's
