"""Platform pieces that need no broker or database: config, tokens, envelope, eventlet guard."""
import subprocess

import jwt
import pytest
import yaml

from gateway import tokens
from services.common import db as common_db
from services.common.envelope import Envelope, make_envelope
from tests.conftest import ROOT


def load_config(path, env):
    """Load a config.yml the way `nameko run` does, with ${VAR:default} from env."""
    from nameko.cli.main import setup_yaml_parser

    setup_yaml_parser()
    import os
    old = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        return yaml.safe_load((ROOT / path).read_text())
    finally:
        os.environ.clear()
        os.environ.update(old)


@pytest.mark.parametrize("service,port", [("suggestion", 9101), ("assignment", 9102), ("station", 9103),
                                          ("evaluation", 9104), ("notify", 9105)])
def test_service_config_defaults_and_overrides(service, port):
    defaults = load_config(f"services/{service}/config.yml", {})
    assert defaults["DB_URL"] == f"postgresql+psycopg://root@127.0.0.1:5432/lianxin_{service}"
    assert defaults["WEB_SERVER_ADDRESS"] == f"0.0.0.0:{port}"
    assert defaults["max_workers"] == 10
    # the connection budget is its own setting, not max_workers + 8 (README "Connection budget")
    assert (defaults["DB_POOL_SIZE"], defaults["DB_POOL_TIMEOUT"], defaults["DB_PGBOUNCER"]) == (5, 3, 0)
    custom = load_config(f"services/{service}/config.yml",
                         {"PG_URL": "postgresql+psycopg://u:p@db:5432", "DB_PREFIX": "x", "MAX_WORKERS": "4",
                          f"{service.upper()}_METRICS_ADDRESS": "127.0.0.1:1"})
    assert custom["DB_URL"] == f"postgresql+psycopg://u:p@db:5432/x_{service}"
    assert custom["max_workers"] == 4 and custom["WEB_SERVER_ADDRESS"] == "127.0.0.1:1"


def test_make_engine_budget_name_and_no_prepared_statements_behind_pgbouncer(monkeypatch):
    engine = common_db.make_engine("postgresql+psycopg://u@h/d", pool_size=4, pool_timeout=2,
                                   application_name="lianxin-x", pgbouncer=False)
    assert (engine.pool.size(), engine.pool._max_overflow, engine.pool._timeout) == (4, 0, 2)
    seen = []
    real = common_db.create_engine
    monkeypatch.setattr(common_db, "create_engine", lambda url, **kw: seen.append(kw["connect_args"]) or real(url, **kw))
    common_db.make_engine("postgresql+psycopg://u@h/d", application_name="lianxin-x", pgbouncer=False)
    monkeypatch.setenv("DB_PGBOUNCER", "1")  # the CLIs: from the environment
    common_db.make_engine("postgresql+psycopg://u@h/d", application_name="lianxin-x")
    assert seen == [{"application_name": "lianxin-x"},
                    {"application_name": "lianxin-x", "prepare_threshold": None}]


def test_make_token_prints_a_valid_jwt():
    out = subprocess.run(["make", "-s", "token", "ROLE=unit", "UNIT_ID=3"], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.strip()
    claims = jwt.decode(out, tokens.secret(), algorithms=["HS256"])
    assert claims["role"] == "unit" and claims["unit_id"] == 3 and claims["exp"] > 0


def test_token_rejects_unknown_role():
    with pytest.raises(ValueError):
        tokens.make_token("mayor")


def test_envelope_is_json_safe_and_typed():
    from datetime import datetime, timezone
    from decimal import Decimal
    from typing import ClassVar

    from pydantic import BaseModel

    class Scored(BaseModel):  # shaped like a published model, not registered as one
        event_type: ClassVar[str] = "assignment.replied"
        version: ClassVar[int] = 1
        at: datetime
        score: Decimal

    env = make_envelope("assignment", Scored(at=datetime(2026, 1, 1, tzinfo=timezone.utc), score=Decimal("1.5")))
    dumped = env.model_dump(mode="json")
    assert dumped["type"] == "assignment.replied" and dumped["producer"] == "assignment"
    assert dumped["payload"]["at"].startswith("2026-01-01")
    assert Envelope.model_validate(dumped).event_id == env.event_id


def test_start_up_fails_loudly_if_psycopg_would_block_the_hub(monkeypatch):
    import eventlet.patcher
    import psycopg.waiting

    def wait_c(*args, **kwargs):
        pass
    monkeypatch.setattr(psycopg.waiting, "wait", wait_c)
    monkeypatch.setattr(eventlet.patcher, "is_monkey_patched", lambda name: True)
    with pytest.raises(RuntimeError, match="wait_c"):
        common_db.assert_cooperative_psycopg()


def test_psycopg_is_cooperative_in_this_process():
    import psycopg.waiting

    assert psycopg.waiting.wait.__name__ != "wait_c"
    common_db.assert_cooperative_psycopg()


def test_metrics_are_served_to_a_request_without_an_accept_header():
    # nameko-prometheus read request.headers["Accept"]: a 500 for urllib, which sends none
    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Request

    from services.common.metrics import Metrics

    request = Request(EnvironBuilder(path="/metrics").get_environ())
    assert "HTTP_ACCEPT" not in request.environ
    answer = Metrics().get_dependency(None).expose_metrics(request)
    assert answer.status_code == 200 and answer.mimetype == "text/plain"
