"""Issue 19, reads at national scale: what a list's `total` means past its count cap, and pages
that stay in one order. The caps are lowered here so a few suggestions cross them (over a million
rows the same code answers; bench/read.py)."""
import uuid

import pytest
from sqlalchemy import event, text

from services.common.db import Db, make_engine
from services.common.pgsettings import set_local
from services.suggestion import views
from services.suggestion.schemes import Catalog
from services.suggestion.service import SuggestionService
from tests.service.conftest import database_url
from tests.service.test_suggestion_intake import OFFICE, submit


SCHEMES = lambda _token: Catalog()  # noqa: E731  (views.list_'s categories: the builtin schemes)


def ids(page: dict) -> list[int]:
    return [s["id"] for s in page["items"]]


def test_a_list_is_counted_exactly_up_to_the_cap_and_estimated_beyond(service, rpc, monkeypatch):
    session = f"十六届{uuid.uuid4().hex[:6]}次"
    made = [submit(rpc, 1 + n % 3, f"关于第{n}件计数的建议内容", session=session) for n in range(6)]
    monkeypatch.setattr(views, "LIST_COUNT_CAP", 10)
    exact = rpc.suggestion.list(OFFICE, {"session": session}, limit=2)
    assert exact["total"] == 6 and exact["total_exact"] is True
    monkeypatch.setattr(views, "LIST_COUNT_CAP", 4)
    capped = rpc.suggestion.list(OFFICE, {"session": session}, limit=2)
    # more than the cap: an estimate, never below what is known to be there, said so
    assert capped["total_exact"] is False and capped["total"] >= 5
    assert ids(capped) == [made[5]["id"], made[4]["id"]]  # the page itself is exact
    deep = rpc.suggestion.list(OFFICE, {"session": session}, limit=2, offset=4)
    assert ids(deep) == [made[1]["id"], made[0]["id"]] and deep["total"] >= 6
    # a filter that leaves fewer than the cap is exact again
    assert rpc.suggestion.list(OFFICE, {"session": session, "deputy_id": 1}) | {"items": []} == {
        "items": [], "total": 2, "total_exact": True, "limit": 50, "offset": 0,
        "filters": {"session": session, "deputy_id": 1}}


def test_a_keyword_count_past_its_cap_is_an_estimate(service, rpc, monkeypatch):
    word = "榕树"  # two characters: one index term, exact below the cap
    made = [submit(rpc, 1, f"关于保护古{word}第{n}批的建议") for n in range(4)]
    monkeypatch.setattr(views, "SEARCH_COUNT_CAP", 10)
    assert rpc.suggestion.list(OFFICE, {"q": word}) | {"items": []} == {
        "items": [], "total": 4, "total_exact": True, "limit": 50, "offset": 0, "filters": {"q": word}}
    monkeypatch.setattr(views, "SEARCH_COUNT_CAP", 2)
    capped = rpc.suggestion.list(OFFICE, {"q": word}, limit=3)
    assert capped["total_exact"] is False and capped["total"] >= 3
    assert ids(capped) == [s["id"] for s in made[::-1][:3]]
    public = rpc.suggestion.public_list({"q": word})
    assert public["items"] == [] and public["total"] == 0 and public["total_exact"] is True


def test_a_common_word_is_paged_from_the_newest_ids_first_with_nothing_missed(service, rpc, monkeypatch):
    word = "古桥"
    made, matching = [], []
    for n in range(9):  # every third one without the word: a window holds fewer matches than ids
        made.append(submit(rpc, 1, f"关于第{n}件事项的建议", body=f"修缮{word}。" if n % 3 else "修缮道路。")["id"])
        if n % 3:
            matching.append(made[-1])
    monkeypatch.setattr(views, "SEARCH_COUNT_CAP", 2)
    monkeypatch.setattr(views, "SEARCH_WINDOWS", (3, 6))  # ids back from the newest
    newest_first = matching[::-1]
    pages = [rpc.suggestion.list(OFFICE, {"q": word}, limit=2, offset=o) for o in (0, 2, 4, 6)]
    assert [ids(p) for p in pages] == [newest_first[0:2], newest_first[2:4], newest_first[4:6], []]
    assert all(p["total_exact"] is False for p in pages)
    # four characters (a substring recheck) and one (titles only) as well
    assert ids(rpc.suggestion.list(OFFICE, {"q": f"修缮{word}"}, limit=3, offset=3)) == newest_first[3:6]
    assert ids(rpc.suggestion.list(OFFICE, {"q": "项"}, limit=50)) == made[::-1]


def test_a_chinese_word_common_among_the_newest_is_found_by_reading_them(service, rpc, monkeypatch):
    made = [submit(rpc, 1, f"关于第{n}件事项的建议", body="修缮古桥。" if n % 2 else "整治河道。")["id"]
            for n in range(10)]
    rare = submit(rpc, 2, "关于保护银杏的建议", body="古银杏需要保护。")["id"]
    made += [submit(rpc, 1, f"关于第{n}件事项的建议", body="修缮古桥。")["id"] for n in range(4)]
    monkeypatch.setattr(views, "SCAN_WINDOW", 5)  # the newest 5 ids: 4 with 古桥, then the 银杏 one
    bridge = [i for n, i in enumerate(made) if n >= 10 or n % 2][::-1]
    page = rpc.suggestion.list(OFFICE, {"q": "古桥"}, limit=3)
    assert ids(page) == bridge[:3]  # read from the window: an estimate, said so
    assert page["total_exact"] is False and page["total"] >= 3
    deeper = rpc.suggestion.list(OFFICE, {"q": "修缮古桥"}, limit=3, offset=3)  # past the window: the index
    assert ids(deeper) == bridge[3:6] and deeper["total"] == 9
    assert ids(rpc.suggestion.list(OFFICE, {"q": "银杏"})) == [rare]  # one in the window, too few: the index
    assert rpc.suggestion.list(OFFICE, {"q": "银杏"})["total_exact"] is True
    # a Latin word is an index term, never a substring test
    assert rpc.suggestion.list(OFFICE, {"q": "5G"})["items"] == []
    public = rpc.suggestion.public_list({"q": "古桥"})  # none published: no window holds a page
    assert public["items"] == [] and public["total"] == 0


def test_pages_follow_one_order_however_deep(service, rpc, monkeypatch):
    monkeypatch.setattr(views, "DEEP_OFFSET", 3)  # offsets 3 and 6 skip rows by their ids
    session = f"十六届{uuid.uuid4().hex[:6]}次"
    made = [submit(rpc, 1, f"关于第{n}件分页的建议内容", session=session) for n in range(7)]
    newest_first = [s["id"] for s in made[::-1]]
    for sort, expected in ((None, newest_first), ("id", newest_first[::-1]),
                           ("-number", newest_first), ("number", newest_first[::-1])):
        wanted = {"session": session, **({"sort": sort} if sort else {})}
        pages = [ids(rpc.suggestion.list(OFFICE, wanted, limit=3, offset=o)) for o in (0, 3, 6)]
        assert sum(pages, []) == expected, sort



def test_a_list_sets_nothing_its_connections_started_with_and_reads_without_a_transaction(service, rpc):
    """The service's connections start with views.PLANNER: a list sends no SET LOCAL, and one
    without keywords no BEGIN or ROLLBACK either (autocommit; two round trips fewer). Behind
    PgBouncer (no startup options there) it sets PLANNER in a transaction, as a keyword search
    does its per-statement settings; the answers are the same either way."""
    submit(rpc, 1, "关于规划参数的建议内容")
    assert SuggestionService.db.settings == views.PLANNER
    answers = {}
    for pgbouncer in (False, True):
        engine = make_engine(database_url("suggestion"), pool_size=1, pgbouncer=pgbouncer, settings=views.PLANNER)
        sent = []

        @event.listens_for(engine, "before_cursor_execute")
        def record(conn, cursor, statement, *args):
            sent.append((statement.split()[0], conn.connection.dbapi_connection.autocommit))

        for filters in ({}, {"q": "规划参数"}):
            sent.clear()
            with Db(engine, "suggestion").read(autocommit=not views.needs_transaction(engine, filters)) as session:
                answers[pgbouncer, bool(filters)] = views.list_(session, OFFICE, filters, 20, 0, SCHEMES)
                assert session.execute(text("SHOW random_page_cost")).scalar() == "1.1"
            sets = [s for s, _ in sent if s == "SET"]
            in_autocommit = {autocommit for _, autocommit in sent}
            if not pgbouncer and not filters:
                assert sets == [] and in_autocommit == {True}
            else:
                assert in_autocommit == {False} and (sets or filters)
            assert engine.pool.checkedout() == 0
        with engine.connect() as conn:  # back in the pool as it was: in transactions
            assert conn.connection.dbapi_connection.autocommit is False
        engine.dispose()
    assert answers[False, False] == answers[True, False] and answers[False, True] == answers[True, True]
    assert answers[False, False]["total"] >= 1 and answers[False, True]["total"] >= 1


def test_a_read_in_autocommit_refuses_to_set_anything_for_a_transaction(svc_env):
    engine = make_engine(database_url("suggestion"), pool_size=1, settings=views.PLANNER)
    with Db(engine, "suggestion").read(autocommit=True) as session:
        set_local(session, **views.PLANNER)  # the connection has it: nothing to set
        with pytest.raises(RuntimeError, match="needs a transaction"):
            set_local(session, enable_seqscan="off")  # PostgreSQL would only warn
    engine.dispose()


def recorded_engine():
    """An engine of the service's database whose statements are kept, as sent, in the list returned."""
    engine = make_engine(database_url("suggestion"), pool_size=1, settings=views.PLANNER)
    sent = []

    @event.listens_for(engine, "before_cursor_execute")
    def record(conn, cursor, statement, *args):
        sent.append(statement)
    return engine, sent

def test_a_list_far_past_its_cap_answers_the_estimate_without_counting(service, rpc, monkeypatch):
    """Over a table that can hold ten times the cap the planner is asked first: an estimate ten
    times the cap is the answer (a count past the cap would have answered it too) and no row is
    counted; an estimate near the cap is counted, exactly when there are no more than the cap.
    A table too small for that is counted without asking (one round trip fewer)."""
    session = f"十七届{uuid.uuid4().hex[:6]}次"
    for n in range(25):
        submit(rpc, 1 + n % 3, f"关于第{n}件估算的建议内容", session=session)
    engine, sent = recorded_engine()
    with engine.connect() as conn:  # the column statistics the planner estimates from
        conn.execute(text("ANALYZE suggestions"))
        conn.commit()

    def listed(filters):
        sent.clear()
        with Db(engine, "suggestion").read(autocommit=True) as s:
            return views.list_(s, OFFICE, filters, 5, 0, SCHEMES)

    counts = lambda: [s for s in sent if "count(" in s.lower()]  # noqa: E731
    monkeypatch.setattr(views, "LIST_COUNT_CAP", 2)
    monkeypatch.setattr(views, "_table_rows", {"rows": 1e6, "at": __import__("time").monotonic()})
    far = listed({"session": session})
    assert far["total_exact"] is False and far["total"] > 10 * 2 and len(far["items"]) == 5
    assert counts() == [] and any(s.startswith("EXPLAIN") for s in sent)
    monkeypatch.setattr(views, "LIST_COUNT_CAP", 30)  # the estimate (~25) is near this cap: counted
    near = listed({"session": session})
    assert near == {**near, "total": 25, "total_exact": True} and len(counts()) == 1
    monkeypatch.setattr(views, "LIST_COUNT_CAP", 2)
    monkeypatch.setattr(views, "_table_rows", {"rows": 15.0, "at": __import__("time").monotonic()})
    small = listed({"session": session})  # the table cannot hold ten times the cap: counted first
    assert len(counts()) == 1 and small["total_exact"] is False and small["total"] >= 3
    assert not any(s.startswith("EXPLAIN") for s in sent[:sent.index(counts()[0])])
    monkeypatch.setattr(views, "_table_rows", {})  # read again from pg_class once its time is up
    listed({"session": session})
    assert any("reltuples" in s for s in sent) and views._table_rows["rows"] > 0
    engine.dispose()


def test_an_estimate_is_asked_of_the_planner_once_a_minute_per_query(service, rpc, monkeypatch):
    """The planner's estimate changes only with its statistics: the same list within
    ESTIMATE_TTL reuses it (no EXPLAIN), another filter value or an older entry asks again."""
    session = f"十七届{uuid.uuid4().hex[:6]}次"
    for n in range(12):
        submit(rpc, 1 + n % 3, f"关于第{n}件重复估算的建议内容", session=session)
    engine, sent = recorded_engine()
    monkeypatch.setattr(views, "LIST_COUNT_CAP", 1)
    monkeypatch.setattr(views, "_table_rows", {"rows": 1e6, "at": __import__("time").monotonic()})

    def explained(filters):
        sent.clear()
        with Db(engine, "suggestion").read(autocommit=True) as s:
            page = views.list_(s, OFFICE, filters, 5, 0, SCHEMES)
        return page["total"], len([st for st in sent if st.startswith("EXPLAIN")])

    first, asked = explained({"session": session})
    assert asked == 1 and first >= 5  # once, though the page asks twice (before and after its count)
    assert explained({"session": session}) == (first, 0)
    assert explained({"session": session, "status": "submitted"})[1] == 1  # another query
    assert explained({"session": session + "外"})[1] == 1  # another value
    monkeypatch.setattr(views, "ESTIMATE_TTL", 0.0)  # its time is up (and so is each one's at once)
    again, asked = explained({"session": session})
    assert again == first and asked >= 1
    engine.dispose()


def test_a_common_latin_word_is_paged_from_the_newest_ids_when_the_planner_says_it_is_common(
        service, rpc, monkeypatch):
    """An index term in many rows (5G in one of fourteen over a million) is read newest first,
    each row's terms tested, when the planner's estimate says the newest SCAN_WINDOW ids hold
    its page twice over; the page is the one the index path gives."""
    word = f"lx{uuid.uuid4().hex[:6]}"
    made = [submit(rpc, 1, f"关于第{n}件网络的建议", body=f"推进{word}网络建设。" if n % 2 else "整治河道。")["id"]
            for n in range(6)]
    made += [submit(rpc, 1, f"关于第{n}件基站的建议", body=f"增设{word}基站。")["id"] for n in range(3)]
    matching = [i for n, i in enumerate(made) if n >= 6 or n % 2][::-1]
    engine, sent = recorded_engine()

    def listed(offset):
        sent.clear()
        with Db(engine, "suggestion").read() as s:
            return ids(views.list_(s, OFFICE, {"q": word}, 2, offset, SCHEMES))

    monkeypatch.setattr(views, "SEARCH_COUNT_CAP", 1)
    monkeypatch.setattr(views, "SCAN_WINDOW", 5)  # the newest 5 ids: 4 with the word
    monkeypatch.setattr(views, "_table_rows", {"rows": 1.0, "at": __import__("time").monotonic()})
    assert listed(0) == matching[:2]
    assert any("enable_bitmapscan = off" in s for s in sent)  # read from the window
    assert listed(4) == matching[4:6]  # past the window's matches: the index, as before
    monkeypatch.setattr(views, "_table_rows", {"rows": 1e9, "at": __import__("time").monotonic()})
    assert listed(0) == matching[:2]  # a rare word (for the planner): the index
    assert not any("enable_bitmapscan = off" in s for s in sent)
    engine.dispose()
