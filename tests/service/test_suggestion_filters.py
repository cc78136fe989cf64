"""Issue 15, "filters never silently ignored": suggestions by kind (大会期间 / 闭会期间), echoed."""
from tests.service.test_suggestion_intake import OFFICE, submit


def test_kind_filters_the_list_and_the_filters_are_echoed(service, rpc):
    during = submit(rpc, 1, "关于解决某小区居民公交出行问题的建议", kind="session")
    recess = submit(rpc, 2, "关于加大城区幼儿园建设力度的建议", kind="recess")
    listed = rpc.suggestion.list(OFFICE, {"kind": "recess"})
    assert [s["id"] for s in listed["items"]] == [recess["id"]]
    assert listed["filters"] == {"kind": "recess"}
    assert [s["id"] for s in rpc.suggestion.list(OFFICE, {"kind": "session"})["items"]] == [during["id"]]
    assert listed["items"][0]["kind"] == "recess"
