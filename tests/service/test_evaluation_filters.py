"""Issue 15, "filters never silently ignored": rates by kind (大会期间 / 闭会期间) and by key
supervision (supervised, leader, committee), on the hand-computed scenario of test_evaluation_stats."""
from services.evaluation import rebuild
from tests.service.helpers import envelope as ev
from tests.service.test_evaluation_stats import (  # noqa: F401 - fixtures
    BASE, NOW, OFFICE, SESSION, U1, U2, D_CITY, D_COUNTY, evaluation_db, feed, payload, scenario)

OTHER_SESSION = "十五届五次"


def accepted(n: int, kind: str, session: str = SESSION) -> dict:
    return ev("suggestion.accepted", {"suggestion_id": BASE + n, "number": n, "number_label": f"第{BASE + n}号",
                                      "session": session, "title": f"建议{n}", "category": "edu", "kind": kind,
                                      "lead_deputy_id": D_CITY, "co_signer_ids": [], "status": "accepted",
                                      "at": NOW.isoformat()})


def supervised(n: int, unit: int, leader: str, committee: str | None = None, **extra) -> dict:
    return ev("assignment.supervision_set", payload(n, "assigned", unit, "edu", D_CITY, leader=leader,
                                                    committee=committee, reason="重点", **extra))


def test_rates_by_kind_and_by_key_supervision(scenario, rpc, amqp):
    # 1 is a session suggestion (the scenario's); 4 and 6 are recess ones
    feed(amqp, scenario, accepted(4, "recess"), accepted(6, "recess"),
         # 3 (unit 1) and 5 (unit 2) are supervised by 张; 7, of another session, too; 4 by a committee
         supervised(3, U1, "张副主任"), supervised(5, U2, "张副主任"), supervised(4, U2, "李副主任", "城建环保委"),
         ev("assignment.assigned", payload(7, "assigned", U1, "edu", D_CITY, session=OTHER_SESSION)),
         supervised(7, U1, "张副主任", session=OTHER_SESSION))
    rates = lambda **f: rpc.evaluation.rates(OFFICE, f)  # noqa: E731

    recess = rates(session=SESSION, kind="recess")
    assert (recess["assigned"], recess["replied"], recess["classes"]) == (2, 2, {"A": 1, "B": 0, "C": 1})
    assert recess["filters"] == {"session": SESSION, "kind": "recess"}
    assert rates(session=SESSION, kind="session")["assigned"] == 1
    assert rates(session=SESSION)["assigned"] == 6  # unfiltered as before

    assert rates(session=SESSION, supervised=True)["assigned"] == 3  # 3, 4, 5
    assert rates(session=SESSION, supervised=False)["assigned"] == 3  # 1, 2, 6
    zhang = rates(session=SESSION, leader="张副主任")  # 3 (overdue) and 5, not 7 of the other session
    assert (zhang["assigned"], zhang["overdue"], zhang["filters"]["leader"]) == (2, 1, "张副主任")
    assert rates(leader="张副主任")["assigned"] == 3
    assert rates(committee="城建环保委")["classes"]["C"] == 1
    assert rates(session=SESSION, leader="张副主任", unit_id=U2)["assigned"] == 1

    ranking = rpc.evaluation.unit_ranking(OFFICE, {"session": SESSION, "kind": "recess"})
    assert sorted((u["unit_id"], u["assigned"]) for u in ranking["items"]) == [(U2, 2)]


def test_kind_and_supervision_survive_a_rebuild(scenario, amqp):
    feed(amqp, scenario, accepted(4, "recess"), supervised(3, U1, "张副主任"))
    rebuild.rebuild(scenario, schema="rebuild_filters")
    try:
        assert set(rebuild.compare(scenario, schema="rebuild_filters").values()) == {0}
    finally:
        with scenario.begin() as conn:
            conn.exec_driver_sql("drop schema rebuild_filters cascade")


def test_rates_of_a_leader_among_several_and_of_a_committee_alone(scenario, rpc, amqp):
    leaders = [{"sub": "leader-zhang", "name": "张副主任"}, {"sub": "leader-li", "name": None}]
    feed(amqp, scenario,
         supervised(3, U1, "leader-zhang", leaders=leaders),  # two leaders
         supervised(5, U2, None, "教科文卫委员会", leaders=[]),  # a committee alone
         supervised(4, U2, "leader-li"))  # an event from before: one leader, no leaders[]
    rates = lambda **f: rpc.evaluation.rates(OFFICE, f)  # noqa: E731

    assert rates(session=SESSION, leader="leader-zhang")["assigned"] == 1
    li = rates(session=SESSION, leader="leader-li")
    assert (li["assigned"], li["filters"]["leader"]) == (2, "leader-li")  # 3 (with 张) and 4
    assert rates(session=SESSION, committee="教科文卫委员会")["assigned"] == 1
    assert rates(session=SESSION, supervised=True)["assigned"] == 3
    assert rates(session=SESSION, leader="nobody")["assigned"] == 0
