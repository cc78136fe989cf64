"""Two replicas of the suggestion service on one database and broker (issue 19: each service scales
on its own): they share the RPC queue and the outbox, and the work is done once — every submission
numbered once, gapless, and every event published once."""
from sqlalchemy import text

from services.suggestion.service import SuggestionService
from tests.service.helpers import EventListener, scalar
from tests.service.test_suggestion_service import SUGGESTION

LEAD = {"role": "deputy", "deputy_id": 1, "sub": "deputy-1"}
N = 40


def test_two_replicas_share_the_rpc_queue_and_the_relay_without_doing_work_twice(service, start_service, rpc,
                                                                                   amqp, suggestion_db):
    start_service(SuggestionService)          # the second replica (the `service` fixture started one)
    channel = amqp.channel()
    _, _, consumers = channel.queue_declare("rpc-suggestion", passive=True)
    assert consumers == 2
    listener = EventListener(amqp, "suggestion.submitted")

    # all in flight at once: the two replicas take them from the one queue side by side
    replies = [rpc.suggestion.submit.call_async(LEAD, {**SUGGESTION, "title": f"关于第{i}件的建议"}) for i in range(N)]
    created = [r.result() for r in replies]

    assert len({s["number"] for s in created}) == N
    events = listener.wait("suggestion.submitted", count=N, timeout=20)
    listener.settle(1.0)                       # a duplicate would arrive within the second
    ids = [e["payload"]["suggestion_id"] for e in listener.received if e["type"] == "suggestion.submitted"]
    assert sorted(ids) == sorted(s["id"] for s in created) and len(events) == N
    assert sorted(e["payload"]["number"] for e in events) == list(range(1, N + 1))   # gapless, once each
    # every outbox row published by one relay, once
    assert scalar(suggestion_db, "select count(*) from outbox where sent_at is null") == 0
    with suggestion_db.connect() as conn:
        assert conn.execute(text("select max(attempts) from outbox")).scalar() == 1
