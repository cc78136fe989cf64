"""Numbering series (issue 15): one series for all of a session's suggestions, or session (大会)
and recess (闭会) suggestions numbered apart (第0001号 and 闭会第0001号) — config.yml NUMBERING.
Gapless and unique under concurrent submissions either way."""
from services.suggestion.service import SuggestionService
from tests.service.helpers import EventListener
from tests.service.suggestion_support import register_deputy

BASE = {"body": "该小区距最近公交站两公里，居民出行不便。", "category": "transport", "session": "十六届三次",
        "source": "research"}
ACTOR = {"role": "deputy", "deputy_id": 1, "sub": "deputy-1"}


def submit_at_once(rpc, kinds: list[str]) -> list[dict]:
    """Every submission in flight at once (the service runs them on 10 workers)."""
    replies = [rpc.suggestion.submit.call_async(ACTOR, {**BASE, "kind": kind, "title": f"关于第{i}件事情的建议"})
               for i, kind in enumerate(kinds)]
    return [reply.result() for reply in replies]


def test_one_series_for_all_kinds_by_default(start_service, rpc, amqp, suggestion_db):
    start_service(SuggestionService)
    register_deputy(amqp, suggestion_db, 1)
    results = submit_at_once(rpc, ["session", "recess"] * 10)
    assert sorted(r["seq"] for r in results) == list(range(1, 21))
    assert {r["number"] for r in results} == {f"第{n:04d}号" for n in range(1, 21)}


def test_session_and_recess_series_apart_are_gapless_under_concurrency(start_service, rpc, amqp, suggestion_db):
    start_service(SuggestionService, NUMBERING="by_kind", NUMBER_PREFIX_SESSION="", NUMBER_PREFIX_RECESS="闭会")
    register_deputy(amqp, suggestion_db, 1)
    listener = EventListener(amqp, "suggestion.submitted")
    draft = rpc.suggestion.submit(ACTOR, {**BASE, "kind": "recess", "title": "关于草稿事情的建议", "draft": True})
    results = submit_at_once(rpc, ["session"] * 12 + ["recess"] * 13)
    by_kind = {k: sorted(r["seq"] for r in results if r["kind"] == k) for k in ("session", "recess")}
    assert by_kind == {"session": list(range(1, 13)), "recess": list(range(1, 14))}
    labels = {r["number"] for r in results}
    assert {f"第{n:04d}号" for n in range(1, 13)} | {f"闭会第{n:04d}号" for n in range(1, 14)} == labels
    # a draft takes the next number of its kind's series when submitted
    done = rpc.suggestion.submit_draft(ACTOR, draft["id"], {})
    assert done["number"] == "闭会第0014号" and done["seq"] == 14
    # another session starts both series again
    other = rpc.suggestion.submit(ACTOR, {**BASE, "kind": "recess", "session": "十六届四次",
                                          "title": "关于下次会议事情的建议"})
    assert other["number"] == "闭会第0001号"
    events = {e["payload"]["suggestion_id"]: e["payload"] for e in listener.wait("suggestion.submitted", 27)}
    assert events[done["id"]]["number_label"] == "闭会第0014号" and events[done["id"]]["number"] == 14
    # the label travels with the suggestion: lists, the detail and the merge note use it
    assert rpc.suggestion.get({"role": "office"}, done["id"])["number"] == "闭会第0014号"
