"""GET /readyz on a service's metrics port (Kubernetes' readinessProbe): real PostgreSQL and
RabbitMQ answer 200; a database or broker out of reach is a 503 naming it; /healthz (liveness)
stays 200 meanwhile, so Kubernetes stops sending work without restarting the pod."""
import socket
import time

import requests

from services.common.readiness import ReadinessCheck
from services.station.service import StationService
from tests.service.conftest import ENV, database_url
from tests.tcp_proxy import TcpProxy


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def closed_port() -> int:
    """A port nothing listens on (bound and released: refused at once, no timeout)."""
    return free_port()


def start_on_port(start_service, **overrides) -> str:
    port = free_port()
    start_service(StationService, WEB_SERVER_ADDRESS=f"127.0.0.1:{port}", **overrides)
    return f"http://127.0.0.1:{port}"


def test_readyz_is_200_when_the_database_and_broker_answer(start_service):
    url = start_on_port(start_service)
    answer = requests.get(url + "/readyz", timeout=10)
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"].startswith("application/json")
    assert answer.json() == {"status": "ready", "service": "station",
                             "checks": {"database": "ok", "broker": "ok"}}


def test_readyz_is_503_naming_the_database_while_it_is_cut_and_200_again_after(start_service):
    proxy = TcpProxy(("127.0.0.1", 5432)).start()
    try:
        db_url = database_url("station").replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
        assert db_url != database_url("station")
        url = start_on_port(start_service, DB_URL=db_url, READY_CACHE=0.5)
        assert requests.get(url + "/readyz", timeout=10).status_code == 200

        proxy.cut()
        time.sleep(0.6)  # past the cached answer
        started = time.monotonic()
        down = requests.get(url + "/readyz", timeout=10)
        took = time.monotonic() - started
        assert down.status_code == 503, down.text
        body = down.json()
        assert body["status"] == "down" and body["down"] == ["database"], body
        assert body["checks"]["broker"] == "ok" and body["checks"]["database"] != "ok", body
        assert took < 3, f"a probe times out after 3 s; /readyz took {took:.1f} s"
        assert requests.get(url + "/healthz", timeout=5).status_code == 200  # alive: not restarted

        proxy.restore()
        time.sleep(0.6)
        assert requests.get(url + "/readyz", timeout=10).status_code == 200
    finally:
        proxy.close()


def test_readyz_is_503_when_the_database_port_is_closed(start_service):
    db_url = database_url("station").replace("127.0.0.1:5432", f"127.0.0.1:{closed_port()}")
    # the service starts (its pool connects lazily) but is not ready
    url = start_on_port(start_service, DB_URL=db_url)
    down = requests.get(url + "/readyz", timeout=10)
    assert down.status_code == 503 and down.json()["down"] == ["database"], down.text
    assert "refused" in down.json()["checks"]["database"].lower(), down.json()


def test_a_broker_out_of_reach_or_refusing_the_login_is_named(svc_env):
    good_db = database_url("station")
    user_host = ENV["AMQP_URI"].split("://", 1)[1]
    vhost = user_host.split("/", 1)[1]
    for amqp_uri in (f"pyamqp://guest:guest@127.0.0.1:{closed_port()}/{vhost}",
                     f"pyamqp://guest:not-the-password@127.0.0.1:5672/{vhost}"):
        check = ReadinessCheck("station", good_db, amqp_uri, timeout=2, cache=0)
        try:
            status, body = check.answer()
        finally:
            check.close()
        assert status == 503 and body["down"] == ["broker"], body
        assert body["checks"]["database"] == "ok", body


def test_answers_are_cached_so_probes_do_not_hammer(svc_env):
    check = ReadinessCheck("station", database_url("station"), ENV["AMQP_URI"], cache=5)
    try:
        answers = [check.answer() for _ in range(20)]
        assert check.checks_run == 1, check.checks_run
        assert {status for status, _ in answers} == {200}
        check.cache = 0
        check.answer()
        assert check.checks_run == 2
    finally:
        check.close()


def test_without_a_database_only_the_broker_is_checked(svc_env):
    # the gateway's own readiness: it has no database
    vhost = ENV["AMQP_URI"].split("://", 1)[1].split("/", 1)[1]
    check = ReadinessCheck("gateway", None, ENV["AMQP_URI"], cache=0)
    refused = ReadinessCheck("gateway", None, f"pyamqp://guest:guest@127.0.0.1:{closed_port()}/{vhost}", cache=0)
    try:
        assert check.answer() == (200, {"status": "ready", "service": "gateway", "checks": {"broker": "ok"}})
        status, body = refused.answer()
        assert status == 503 and body["down"] == ["broker"] and "database" not in body["checks"], body
    finally:
        check.close()
        refused.close()
