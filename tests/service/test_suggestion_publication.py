"""Publishing with personal data masked: preview, publish (masked or reviewed texts), the public
list, on real PostgreSQL and RabbitMQ (issue 13: a phone number typed into a reply was published)."""
from datetime import datetime, time, timedelta, timezone

import pytest
from sqlalchemy import text

from services.common.errors import Conflict, NotFound, ValidationFailed
from services.common.localtime import zone
from tests.service.helpers import EventListener, envelope, publish, scalar, statements_sent, wait_for
from tests.service.test_suggestion_intake import OFFICE, submit
from tests.service.test_suggestion_reads import assign

REPLY = "已安排专人上门。联系人王科长，手机13812345678；反映人身份证号110105194912310021，住建设路12号3栋2单元501室。"
ZONE = zone()
MASKED = "已安排专人上门。联系人王科长，手机138****5678；反映人身份证号11010519491231****，住建设路**号*栋*单元***室。"


def replied(amqp, rpc, s: dict, content: str, round_: int = 1) -> None:
    publish(amqp, envelope("assignment.replied", {
        "suggestion_id": s["id"], "assignment_id": s["id"] + 100, "lead_unit_id": 9, "co_unit_ids": [],
        "lead_unit_name": "市交通运输局", "result_class": "A", "content": content, "round": round_}))
    wait_for(lambda: len(rpc.suggestion.get(OFFICE, s["id"])["replies"]) >= round_, what=f"reply {round_}")


@pytest.fixture
def answered(service, rpc, amqp):
    s = submit(rpc, 1, "关于增设公交站点的建议", body="请联系我13900001111商量站点位置。")
    rpc.suggestion.screen(OFFICE, s["id"], {"decision": "accept"})
    assign(amqp, rpc, s, 9, [], datetime.now(timezone.utc) + timedelta(days=90))
    replied(amqp, rpc, s, REPLY)
    return s


def public_item(rpc, suggestion_id):
    return next(i for i in rpc.suggestion.public_list({})["items"] if i["id"] == suggestion_id)


def test_a_page_brings_names_and_the_schemes_token_in_its_own_statement(
        rpc, amqp, suggestion_db, answered):
    """Issue 19: the lead deputy's name (the roster projection) and the category schemes' token
    come with the page's rows, not in round trips of their own; what the page shows is the same."""
    rpc.suggestion.publish(OFFICE, answered["id"], {})
    public_item(rpc, answered["id"])  # the schemes are in memory
    with statements_sent(suggestion_db) as sent:
        item = public_item(rpc, answered["id"])
    assert (item["lead_deputy_name"], item["category"], item["category_name"]) == ("王建国", "transport", "交通邮电")
    assert item["replies"][0]["content"] == MASKED
    assert [st for st in sent if "from deputies" in st or "catalog_version" in st] == \
        [st for st in sent if st.startswith("select suggestions.id, suggestions.number")]  # the page's rows
    assert len([st for st in sent if "catalog_version" in st]) == 1
    with statements_sent(suggestion_db) as sent:  # the office's list too
        [mine] = [i for i in rpc.suggestion.list(OFFICE, {})["items"] if i["id"] == answered["id"]]
    assert mine["category_name"] == "交通邮电"
    [page] = [st for st in sent if "catalog_version" in st]
    assert page.startswith("select suggestions.id, suggestions.number")


def test_preview_lists_what_would_be_masked_and_publish_masks_it(rpc, amqp, answered):
    preview = rpc.suggestion.publication(OFFICE, answered["id"])
    [reply] = preview["replies"]
    assert (reply["original"], reply["text"], reply["published"]) == (REPLY, MASKED, None)
    assert [r["kind"] for r in reply["redactions"]] == ["mobile", "id_card", "address"]
    assert all(REPLY[r["start"]:r["end"]] == r["original"] for r in reply["redactions"])
    assert preview["body"]["text"] == "请联系我139****1111商量站点位置。" and preview["public"] is False
    assert rpc.suggestion.public_list({})["items"] == []

    rpc.suggestion.publish(OFFICE, answered["id"], {})

    item = public_item(rpc, answered["id"])
    assert item["replies"][0]["content"] == MASKED and item["body"] == "请联系我139****1111商量站点位置。"
    assert "13812345678" not in str(item) and "110105194912310021" not in str(item)
    assert rpc.suggestion.public_get(answered["id"])["replies"][0]["content"] == MASKED
    assert rpc.suggestion.get(OFFICE, answered["id"])["replies"][0]["content"] == REPLY  # staff keep the original
    assert rpc.suggestion.publication(OFFICE, answered["id"])["replies"][0]["published"] == MASKED

    # a reply after publication is shown masked until the office reviews it
    replied(amqp, rpc, answered, "补充答复：请拨打0571-87654321联系。", round_=2)
    assert public_item(rpc, answered["id"])["replies"][1]["content"] == "补充答复：请拨打0571-********联系。"


def test_the_office_may_publish_its_own_reviewed_texts(rpc, answered):
    reply_id = rpc.suggestion.publication(OFFICE, answered["id"])["replies"][0]["id"]
    with pytest.raises(ValidationFailed) as err:
        rpc.suggestion.publish(OFFICE, answered["id"], {"texts": {"replies": [{"id": reply_id + 999, "content": "x"}]}})
    assert err.value.details[0]["field"] == "texts.replies.0.id"
    assert rpc.suggestion.public_list({})["items"] == []  # nothing was published

    rpc.suggestion.publish(OFFICE, answered["id"], {"texts": {
        "body": "请联系代表商量站点位置。", "replies": [{"id": reply_id, "content": "已安排专人上门联系反映人。"}]}})

    item = public_item(rpc, answered["id"])
    assert item["body"] == "请联系代表商量站点位置。"
    assert item["replies"][0]["content"] == "已安排专人上门联系反映人。"
    assert item["title"] == "关于增设公交站点的建议"

    # publishing again replaces the published texts; redact false publishes what is not given as written
    rpc.suggestion.publish(OFFICE, answered["id"], {"redact": False})
    assert public_item(rpc, answered["id"])["replies"][0]["content"] == REPLY
    timeline = [t["type"] for t in rpc.suggestion.get(OFFICE, answered["id"])["timeline"]]
    assert timeline.count("published") == 1


def local_today():
    return datetime.now(ZONE).date()


def test_publish_until_ends_the_disclosure_after_that_local_day(rpc, db, answered):
    with pytest.raises(ValidationFailed) as err:
        rpc.suggestion.publish(OFFICE, answered["id"], {"until": (local_today() - timedelta(days=1)).isoformat()})
    assert err.value.details[0]["field"] == "until"
    assert rpc.suggestion.public_list({})["items"] == []

    until = local_today() + timedelta(days=30)
    answer = rpc.suggestion.publish(OFFICE, answered["id"], {"until": until.isoformat()})
    assert (answer["public"], answer["public_until"]) == (True, until.isoformat())
    assert public_item(rpc, answered["id"])["public_until"] == until.isoformat()
    ends = scalar(db("suggestion"), "SELECT public_ends_at FROM suggestions WHERE id = :id", {"id": answered["id"]})
    assert ends.astimezone(ZONE).replace(tzinfo=None) == datetime.combine(until, time(23, 59, 59))

    # its last day has ended (as if 31 days had passed): gone from the public list and item
    with db("suggestion").begin() as conn:
        conn.execute(text("UPDATE suggestions SET public_ends_at = now() - interval '1 second' WHERE id = :id"),
                     {"id": answered["id"]})
    assert rpc.suggestion.public_list({})["items"] == []
    with pytest.raises(NotFound):
        rpc.suggestion.public_get(answered["id"])
    assert rpc.suggestion.get(OFFICE, answered["id"])["public"] is False
    with pytest.raises(NotFound):  # a deputy who neither leads nor co-signs no longer sees it
        rpc.suggestion.get({"role": "deputy", "deputy_id": 999, "sub": "deputy-999"}, answered["id"])

    # published again (no end this time): shown again, a second "published" step
    assert rpc.suggestion.publish(OFFICE, answered["id"], {})["public_until"] is None
    assert public_item(rpc, answered["id"])["public_until"] is None
    steps = [t for t in rpc.suggestion.get(OFFICE, answered["id"])["timeline"] if t["type"] == "published"]
    assert [t["note"] for t in steps] == [f"公开（至{until.year}年{until.month}月{until.day}日）", "公开"]


def test_withdrawing_a_disclosure_keeps_the_reason_who_and_when(rpc, amqp, answered):
    with pytest.raises(Conflict):
        rpc.suggestion.unpublish(OFFICE, answered["id"], {"reason": "尚未公开"})
    rpc.suggestion.publish(OFFICE, answered["id"], {})
    with pytest.raises(ValidationFailed) as err:
        rpc.suggestion.unpublish(OFFICE, answered["id"], {"reason": "  "})
    assert err.value.details[0]["field"] == "reason"
    assert public_item(rpc, answered["id"])  # still shown: nothing was withdrawn

    listener = EventListener(amqp, "suggestion.unpublished")
    answer = rpc.suggestion.unpublish(OFFICE, answered["id"], {"reason": "涉及个人隐私"})
    assert (answer["public"], answer["unpublish_reason"], answer["unpublished_by"]) == (False, "涉及个人隐私", "office-1")
    assert answer["unpublished_at"] is not None
    [event] = listener.wait("suggestion.unpublished")
    assert event["payload"]["reason"] == "涉及个人隐私"
    assert rpc.suggestion.public_list({})["items"] == []
    with pytest.raises(NotFound):
        rpc.suggestion.public_get(answered["id"])
    with pytest.raises(Conflict):  # withdrawn already
        rpc.suggestion.unpublish(OFFICE, answered["id"], {"reason": "再撤一次"})

    rpc.suggestion.publish(OFFICE, answered["id"], {})  # published again: shown again, the history kept
    assert public_item(rpc, answered["id"])
    steps = [(t["type"], t["note"]) for t in rpc.suggestion.get(OFFICE, answered["id"])["timeline"]
             if t["type"] in ("published", "unpublished")]
    assert steps == [("published", "公开"), ("unpublished", "撤回公开：涉及个人隐私"), ("published", "公开")]


def test_the_list_filters_by_what_the_public_site_shows_now(rpc, amqp, answered):
    other = submit(rpc, 2, "关于加大城区幼儿园建设力度的建议")
    ids = lambda wanted: {s["id"] for s in rpc.suggestion.list(OFFICE, wanted)["items"]}  # noqa: E731
    assert answered["id"] in ids({"public": False}) and not ids({"public": True})
    rpc.suggestion.publish(OFFICE, answered["id"], {})
    listed = rpc.suggestion.list(OFFICE, {"public": True})
    assert [s["id"] for s in listed["items"]] == [answered["id"]] and listed["filters"] == {"public": True}
    assert ids({"public": False}) == {other["id"]}
    rpc.suggestion.unpublish(OFFICE, answered["id"], {"reason": "涉及个人隐私"})
    assert not ids({"public": True}) and ids({"public": False}) == {answered["id"], other["id"]}
