"""`make token` is refused by a gateway not in development mode, while the identity service's RS256
tokens are accepted: a GatewayService and an IdentityService started here with LIANXIN_ENV unset."""
import secrets
import socket
import uuid

import pytest
import requests
from nameko.containers import ServiceContainer

from gateway.auth import DEV_REFUSED
from gateway.service import GatewayService
from gateway.tokens import make_token
from services.common import secret_check
from services.identity.service import IdentityService
from tests.identity_people import PASSWORD, create_person
from tests.service.conftest import ENV, truncate
from tests.service.test_identity_sessions import TABLES


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def production(monkeypatch, start_service, db):
    """Both processes outside development mode, with strong generated keys. The test broker's account
    is RabbitMQ's guest (the one a test machine has): only that check is waived here."""
    engine = db("identity")
    truncate(engine, *TABLES)
    monkeypatch.delenv("LIANXIN_ENV", raising=False)
    monkeypatch.delenv("GATEWAY_JWT_SECRET", raising=False)
    monkeypatch.setattr(secret_check, "broker_problems", lambda uri: [])
    assert not secret_check.development_mode()
    start_service(IdentityService, IDENTITY_DATA_KEY=secrets.token_hex(32))
    port = free_port()
    gateway = ServiceContainer(GatewayService, {
        "AMQP_URI": ENV["AMQP_URI"], "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}", "METRICS_ADDRESS": "127.0.0.1:0",
        "serializer": "json", "max_workers": 10, "HEARTBEAT": 15, "RPC_TIMEOUT": 10})
    gateway.start()  # no GATEWAY_JWT_SECRET: not needed outside development mode
    yield engine, f"http://127.0.0.1:{port}"
    gateway.stop()


def test_a_development_token_is_refused_and_an_identity_token_accepted(production):
    engine, url = production
    name = f"p{uuid.uuid4().hex[:8]}"
    account_id = create_person(engine, name, [{"role": "deputy", "deputy_id": 31}])
    dev = make_token("office", sub="office-1", key="k" * 32)  # HS256, whatever its key

    refused = requests.get(url + "/api/v1/auth/me", headers={"Authorization": f"Bearer {dev}"}, timeout=15)
    assert refused.status_code == 401 and refused.json()["error"]["message"] == DEV_REFUSED

    signed_in = requests.post(url + "/api/v1/auth/sign-in", json={"login": name, "password": PASSWORD},
                              timeout=15)
    assert signed_in.status_code == 200, signed_in.text
    access = signed_in.json()["access_token"]
    me = requests.get(url + "/api/v1/auth/me", headers={"Authorization": f"Bearer {access}"}, timeout=15)
    assert me.status_code == 200, me.text
    assert me.json()["sub"] == f"person-{account_id}" and me.json()["role"] == "deputy"
    assert requests.get(url + "/.well-known/jwks.json", timeout=15).json()["keys"][0]["alg"] == "RS256"
