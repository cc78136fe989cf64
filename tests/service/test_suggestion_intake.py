"""Intake, drafts, screening, withdrawal and search of the suggestion service, on real
PostgreSQL and RabbitMQ."""
import pytest

from services.common.errors import Conflict, Forbidden, NotFound, Unavailable, ValidationFailed
from services.station.service import StationService
from services.suggestion.service import SuggestionService
from tests.service.helpers import EventListener, envelope, publish, scalar, wait_for

BASE = {"body": "该小区距最近公交站两公里，居民出行不便。", "category": "transport", "kind": "session",
        "session": "十六届三次", "source": "research"}
OFFICE = {"role": "office", "sub": "office-1"}


def deputy(i: int) -> dict:
    return {"role": "deputy", "deputy_id": i, "sub": f"deputy-{i}"}


def submit(rpc, lead: int, title: str, **fields) -> dict:
    return rpc.suggestion.submit(deputy(lead), {**BASE, "title": title, **fields})


def test_every_invalid_field_is_named_and_nothing_is_written(service, rpc, suggestion_db):
    cases = [
        ({"title": "短"}, "title"), ({"body": "x" * 20001}, "body"), ({"kind": "adjourned"}, "kind"),
        ({"session": ""}, "session"), ({"source": "rumour"}, "source"), ({"co_signer_ids": [2, 2]}, "co_signer_ids"),
        ({"co_signer_ids": [1]}, "co_signer_ids"), ({"co_signer_ids": [2, 999]}, "co_signer_ids"),
        ({"category": "space"}, "category"), ({"colour": "red"}, "colour"),
    ]
    for change, field in cases:
        with pytest.raises(ValidationFailed) as err:
            rpc.suggestion.submit(deputy(1), {**BASE, "title": "关于增设公交站点的建议", **change})
        assert field in {d["field"] for d in err.value.details}, (change, err.value.details)
    with pytest.raises(ValidationFailed) as err:  # the office must say for whom
        rpc.suggestion.submit(OFFICE, {**BASE, "title": "关于增设公交站点的建议"})
    assert err.value.details[0]["field"] == "lead_deputy_id"
    assert scalar(suggestion_db, "select count(*) from suggestions") == 0
    assert scalar(suggestion_db, "select count(*) from outbox") == 0


def test_an_unknown_deputy_cannot_be_checked_while_the_roster_is_down(start_service, rpc, suggestion_db):
    start_service(SuggestionService)
    with pytest.raises(Unavailable):  # not a 422: the deputy may have been registered a moment ago
        submit(rpc, 12345, "关于增设公交站点的建议")


def test_a_deputy_registered_a_moment_ago_is_asked_of_the_station_service(start_service, rpc, suggestion_db):
    start_service(StationService)
    start_service(SuggestionService)
    created = rpc.station.register_deputy(OFFICE, {"name": "赵敏", "level": "city", "delegation": "南城代表团"})
    # as if the deputy_registered event had not reached the projection yet
    wait_for(lambda: scalar(suggestion_db, "select 1 from deputies where id=:i", {"i": created["id"]}),
             what="projection")
    with suggestion_db.begin() as conn:
        conn.exec_driver_sql("delete from deputies")
    s = submit(rpc, created["id"], "关于增设公交站点的建议")
    assert s["lead_deputy_id"] == created["id"] and s["status"] == "submitted"
    assert scalar(suggestion_db, "select name from deputies where id=:i", {"i": created["id"]}) == "赵敏"


def test_a_draft_has_no_number_until_its_lead_deputy_submits_it(service, rpc, amqp, suggestion_db):
    listener = EventListener(amqp, "suggestion.#")
    draft = submit(rpc, 1, "关于增设公交站点的建议", draft=True, co_signer_ids=[2])
    assert draft["status"] == "draft" and draft["number"] is None
    with pytest.raises(NotFound):  # a co-signer does not see the lead's draft
        rpc.suggestion.get(deputy(2), draft["id"])
    with pytest.raises(NotFound):
        rpc.suggestion.submit_draft(deputy(3), draft["id"], {})
    assert draft["id"] not in [s["id"] for s in rpc.suggestion.list(OFFICE, {})["items"]]
    assert draft["id"] in [s["id"] for s in rpc.suggestion.list(OFFICE, {"status": "draft"})["items"]]

    done = rpc.suggestion.submit_draft(deputy(1), draft["id"], {"title": "关于增设小区公交站点的建议",
                                                                "co_signer_ids": [2, 3]})
    assert done["status"] == "submitted" and done["number"] == "第0001号"
    assert done["title"] == "关于增设小区公交站点的建议" and done["co_signer_ids"] == [2, 3]
    [event] = listener.wait("suggestion.submitted")
    assert event["payload"]["suggestion_id"] == draft["id"] and event["payload"]["co_signer_ids"] == [2, 3]
    with pytest.raises(Conflict):
        rpc.suggestion.submit_draft(deputy(1), draft["id"], {})
    with pytest.raises(ValidationFailed) as err:
        rpc.suggestion.submit_draft(deputy(1), submit(rpc, 1, "关于另一件事情的建议", draft=True)["id"],
                                    {"title": "短"})
    assert err.value.details[0]["field"] == "title"


def test_an_escalated_station_opinion_becomes_one_draft_of_that_deputy(service, rpc, amqp, suggestion_db):
    payload = {"opinion_id": 77, "station_id": 5, "station_name": "观音桥街道代表联络站", "deputy_id": 2,
               "content": "小区门口路灯坏了三个月，晚上出行不安全。", "title": "关于修复小区门口路灯的建议",
               "actor": "station-5"}
    events = [envelope("station.opinion_escalated", payload) for _ in range(2)]  # two deliveries, two ids
    for event in events:
        publish(amqp, event)
    wait_for(lambda: scalar(suggestion_db, "select count(*) from processed_events where event_id in (:a, :b)",
                            {"a": events[0]["event_id"], "b": events[1]["event_id"]}) == 2, what="both handled")
    [draft] = rpc.suggestion.list(deputy(2), {"status": "draft"})["items"]
    assert draft["station_opinion_id"] == 77 and draft["source"] == "station" and draft["number"] is None
    assert "观音桥街道代表联络站" in rpc.suggestion.get(deputy(2), draft["id"])["timeline"][0]["note"]
    submitted = rpc.suggestion.submit_draft(deputy(2), draft["id"], {"session": "十六届三次", "category": "urban"})
    assert submitted["status"] == "submitted" and submitted["station_opinion_id"] == 77


def test_merge_moves_co_signers_and_links_both_timelines(service, rpc, amqp, suggestion_db):
    target = submit(rpc, 1, "关于加大城区幼儿园建设力度的建议", co_signer_ids=[2])
    source = submit(rpc, 3, "关于加快城区幼儿园建设的建议", co_signer_ids=[4, 1])
    other_session = submit(rpc, 3, "关于增加城区幼儿园学位的建议", session="十六届四次")
    hint = rpc.suggestion.get(OFFICE, source["id"])["similar"]
    assert hint[0]["id"] == target["id"] and hint[0]["similarity"] > 0.5
    assert other_session["id"] not in [h["id"] for h in hint]
    with pytest.raises(ValidationFailed):
        rpc.suggestion.screen(OFFICE, other_session["id"], {"decision": "merge", "merge_into_id": target["id"]})

    listener = EventListener(amqp, "suggestion.merged")
    merged = rpc.suggestion.screen(OFFICE, source["id"], {"decision": "merge", "merge_into_id": target["id"]})
    assert merged["status"] == "merged" and merged["merged_into_id"] == target["id"]
    after = rpc.suggestion.get(OFFICE, target["id"])
    assert after["co_signer_ids"] == [2, 3, 4] and after["merged_from_ids"] == [source["id"]]
    assert "第0002号" in after["timeline"][-1]["note"]
    assert "第0001号" in rpc.suggestion.get(OFFICE, source["id"])["timeline"][-1]["note"]
    [event] = listener.wait("suggestion.merged")
    assert event["payload"]["merged_into_id"] == target["id"]
    with pytest.raises(Conflict):  # nothing merges into a merged suggestion
        rpc.suggestion.screen(OFFICE, other_session["id"], {"decision": "merge", "merge_into_id": source["id"]})


def test_returning_needs_a_reason(service, rpc):
    s = submit(rpc, 1, "关于增设公交站点的建议")
    with pytest.raises(ValidationFailed) as err:
        rpc.suggestion.screen(OFFICE, s["id"], {"decision": "return"})
    assert err.value.details[0]["field"] == "reason"
    returned = rpc.suggestion.screen(OFFICE, s["id"], {"decision": "return", "reason": "属于信访事项"})
    assert returned["status"] == "returned" and returned["return_reason"] == "属于信访事项"


def test_withdraw_by_the_lead_deputy_only_before_assignment(service, rpc, amqp, suggestion_db):
    listener = EventListener(amqp, "suggestion.withdrawn")
    s = submit(rpc, 1, "关于增设公交站点的建议", co_signer_ids=[2])
    with pytest.raises(Forbidden):
        rpc.suggestion.withdraw(deputy(2), s["id"], {"reason": "不同意"})
    with pytest.raises(ValidationFailed):
        rpc.suggestion.withdraw(deputy(1), s["id"], {})
    done = rpc.suggestion.withdraw(deputy(1), s["id"], {"reason": "问题已解决"})
    assert done["status"] == "withdrawn" and done["withdraw_reason"] == "问题已解决"
    assert listener.wait("suggestion.withdrawn")[0]["payload"]["reason"] == "问题已解决"

    assigned = submit(rpc, 1, "关于治理河道污染的建议")
    publish(amqp, envelope("assignment.assigned", {"suggestion_id": assigned["id"], "assignment_id": 5,
                                                   "lead_unit_id": 9, "co_unit_ids": [], "due_at": "2027-02-23T00:00:00+08:00"}))
    wait_for(lambda: rpc.suggestion.get(OFFICE, assigned["id"])["status"] == "assigned", what="assigned")
    with pytest.raises(Conflict):
        rpc.suggestion.withdraw(deputy(1), assigned["id"], {"reason": "晚了"})


def test_a_drafts_changes_are_saved_and_it_stays_a_draft(service, rpc, amqp, suggestion_db):
    """PATCH /suggestions/{id} (the console's 草稿箱): saved changes, no number, nobody told; later submitted."""
    listener = EventListener(amqp, "suggestion.#")
    draft = submit(rpc, 1, "关于增设公交站点的建议", draft=True)
    saved = rpc.suggestion.update_draft(deputy(1), draft["id"],
                                        {"body": "补充：早晚高峰排队严重。", "co_signer_ids": [2]})
    assert saved["status"] == "draft" and saved["number"] is None
    assert saved["body"] == "补充：早晚高峰排队严重。" and saved["co_signer_ids"] == [2]
    assert rpc.suggestion.get(deputy(1), draft["id"])["body"] == "补充：早晚高峰排队严重。"
    with pytest.raises(NotFound):  # another deputy's draft
        rpc.suggestion.update_draft(deputy(3), draft["id"], {"body": "改"})
    with pytest.raises(ValidationFailed) as err:
        rpc.suggestion.update_draft(deputy(1), draft["id"], {"title": "短"})
    assert err.value.details[0]["field"] == "title"
    with pytest.raises(ValidationFailed) as err:
        rpc.suggestion.update_draft(OFFICE, draft["id"], {"submitted_at": "2027-01-05T09:00:00+08:00"})
    assert err.value.details[0]["field"] == "submitted_at"
    done = rpc.suggestion.submit_draft(deputy(1), draft["id"], {})
    assert done["number"] == "第0001号" and done["body"] == "补充：早晚高峰排队严重。"
    [event] = listener.wait("suggestion.submitted")
    assert event["payload"]["suggestion_id"] == draft["id"]
    with pytest.raises(Conflict):  # submitted: no longer a draft to change
        rpc.suggestion.update_draft(deputy(1), draft["id"], {"body": "改"})
