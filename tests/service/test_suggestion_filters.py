"""Issue 15, "filters never silently ignored": suggestions by kind (大会期间 / 闭会期间), echoed."""
import uuid

from tests.service.test_suggestion_intake import OFFICE, submit


def test_kind_filters_the_list_and_the_filters_are_echoed(service, rpc):
    during = submit(rpc, 1, "关于解决某小区居民公交出行问题的建议", kind="session")
    recess = submit(rpc, 2, "关于加大城区幼儿园建设力度的建议", kind="recess")
    listed = rpc.suggestion.list(OFFICE, {"kind": "recess"})
    assert [s["id"] for s in listed["items"]] == [recess["id"]]
    assert listed["filters"] == {"kind": "recess"}
    assert [s["id"] for s in rpc.suggestion.list(OFFICE, {"kind": "session"})["items"]] == [during["id"]]
    assert listed["items"][0]["kind"] == "recess"


def test_the_list_sorts_on_the_server_and_says_so(service, rpc):
    session = f"十六届{uuid.uuid4().hex[:6]}次"
    made = [submit(rpc, n, f"关于第{n}件排序的建议内容", session=session) for n in (1, 2, 3)]
    ids = [s["id"] for s in made]

    def listed(sort=None):
        wanted = {"session": session, **({"sort": sort} if sort else {})}
        answer = rpc.suggestion.list(OFFICE, wanted)
        assert answer["filters"] == wanted
        return [s["id"] for s in answer["items"]]

    assert listed() == ids[::-1]  # newest first
    assert listed("id") == ids
    assert listed("number") == [s["id"] for s in sorted(made, key=lambda s: s["number"])]
    assert listed("-number") == listed("number")[::-1]
    assert listed("status_at") == ids and listed("-status_at") == ids[::-1]
