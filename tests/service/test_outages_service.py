"""PostgreSQL unreachable for a service (through a TCP proxy the test cuts): RPCs answer
Unavailable (503 at the gateway), events and undecodable bodies wait unacked, nothing is lost."""
import base64
import uuid

import eventlet
import pytest
from kombu import Exchange
from sqlalchemy import text

from services.common.errors import Unavailable
from services.common.topology import queue_name
from services.station.service import StationService
from tests.service.conftest import database_url
from tests.service.helpers import envelope, publish, scalar, wait_for
from tests.tcp_proxy import TcpProxy


@pytest.fixture
def proxy():
    proxy = TcpProxy(("127.0.0.1", 5432)).start()
    yield proxy
    proxy.close()


def test_a_database_outage_is_unavailable_and_loses_no_message(start_service, rpc, db, amqp, proxy):
    url = database_url("station").replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
    assert url != database_url("station"), "the service must reach PostgreSQL through the proxy"
    start_service(StationService, DB_URL=url)
    engine = db("station")
    assert rpc.station.ping()["ok"]

    proxy.cut()
    with pytest.raises(Unavailable):  # before: a RemoteError (OperationalError), the gateway's 500
        rpc.station.ping()
    event = envelope("suggestion.submitted", {"suggestion_id": 1, "lead_deputy_id": 999999,
                                              "co_signer_ids": []}, event_id=str(uuid.uuid4()))
    publish(amqp, event)
    amqp.Producer(exchange=Exchange("")).publish(b"\x00\xffthis is { not json", routing_key=queue_name("station"),
                                                 content_type="application/json", content_encoding="utf-8")
    eventlet.sleep(2)  # the consumer holds both unacked, retrying, while the database is away

    proxy.restore()
    wait_for(lambda: rpc.station.ping()["ok"], timeout=30, what="ping once the database is back")
    wait_for(lambda: scalar(engine, "SELECT count(*) FROM processed_events WHERE event_id = :e",
                            {"e": event["event_id"]}) == 1, timeout=40, what="the event handled after the outage")
    parked = wait_for(lambda: scalar(engine, "SELECT envelope FROM dead_letters WHERE type = 'undecodable' "
                                             "ORDER BY id DESC LIMIT 1"), timeout=40, what="the undecodable body parked")
    assert base64.b64decode(parked["body_base64"]) == b"\x00\xffthis is { not json"
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM dead_letters WHERE type = 'undecodable'"))

