"""Screening outcomes as offices have them (issue 15): besides accept, return and merge, a
suggestion may be converted to a deputy's letter (转为代表来信) or kept as reference material
(转作参考材料), each with its status, event, reason, list filter and count."""
import pytest

from services.common.errors import Conflict, ValidationFailed
from tests.service.helpers import EventListener

BASE = {"body": "该小区距最近公交站两公里，居民出行不便。", "category": "transport", "kind": "session",
        "session": "十六届三次", "source": "research"}
OFFICE = {"role": "office", "sub": "office-1"}


def submit(rpc, lead: int, title: str, **fields) -> dict:
    return rpc.suggestion.submit({"role": "deputy", "deputy_id": lead, "sub": f"deputy-{lead}"},
                                 {**BASE, "title": title, **fields})


@pytest.mark.parametrize("decision, status, converted_to", [("convert_letter", "converted_letter", "letter"),
                                                             ("convert_reference", "converted_reference", "reference")])
def test_each_conversion_has_its_status_event_reason_and_timeline_step(service, rpc, amqp, decision, status,
                                                                        converted_to):
    s = submit(rpc, 1, "关于解决本人住房困难问题的建议", co_signer_ids=[2])
    with pytest.raises(ValidationFailed) as err:
        rpc.suggestion.screen(OFFICE, s["id"], {"decision": decision})
    assert err.value.details[0]["field"] == "reason"
    with pytest.raises(ValidationFailed) as err:
        rpc.suggestion.screen(OFFICE, s["id"], {"decision": "convert"})
    assert err.value.details[0]["field"] == "decision"

    listener = EventListener(amqp, "suggestion.converted")
    done = rpc.suggestion.screen(OFFICE, s["id"], {"decision": decision, "reason": "反映个人具体诉求"})
    assert done["status"] == status and done["conversion_reason"] == "反映个人具体诉求"
    assert done["return_reason"] is None
    [event] = listener.wait("suggestion.converted")
    payload = event["payload"]
    assert payload["suggestion_id"] == s["id"] and payload["status"] == status
    assert payload["converted_to"] == converted_to and payload["reason"] == "反映个人具体诉求"
    assert payload["lead_deputy_id"] == 1 and payload["co_signer_ids"] == [2]
    step = rpc.suggestion.get(OFFICE, s["id"])["timeline"][-1]
    assert step["type"] == status and step["note"] == "反映个人具体诉求"
    with pytest.raises(Conflict):  # final: neither screened again nor withdrawn
        rpc.suggestion.screen(OFFICE, s["id"], {"decision": "accept"})
    with pytest.raises(Conflict):
        rpc.suggestion.withdraw({"role": "deputy", "deputy_id": 1}, s["id"], {"reason": "撤回"})


def test_outcomes_are_filtered_and_counted(service, rpc):
    ids = {}
    for n, decision in enumerate(("accept", "return", "convert_letter", "convert_letter", "convert_reference")):
        s = submit(rpc, 1, f"关于第{n}件事情的建议")
        rpc.suggestion.screen(OFFICE, s["id"], {"decision": decision, "reason": "理由"})
        ids.setdefault(decision, []).append(s["id"])
    target = submit(rpc, 2, "关于另一件事情的建议")
    merged = submit(rpc, 3, "关于另一件事情的意见")
    rpc.suggestion.screen(OFFICE, merged["id"], {"decision": "merge", "merge_into_id": target["id"]})
    submit(rpc, 1, "关于草稿事情的建议", draft=True)
    submit(rpc, 1, "关于其他届次事情的建议", session="十六届四次")

    letters = rpc.suggestion.list(OFFICE, {"status": "converted_letter"})
    assert sorted(s["id"] for s in letters["items"]) == sorted(ids["convert_letter"])
    references = rpc.suggestion.list(OFFICE, {"status": "converted_reference"})["items"]
    assert [s["id"] for s in references] == ids["convert_reference"]

    stats = rpc.suggestion.screening_stats(OFFICE, {"session": "十六届三次"})
    assert stats == {"total": 7, "pending": 1, "screened": 6, "accepted": 1, "returned": 1, "merged": 1,
                     "converted_letter": 2, "converted_reference": 1, "withdrawn": 0,
                     "filters": {"session": "十六届三次"}}
    assert rpc.suggestion.screening_stats(OFFICE, {})["total"] == 8
