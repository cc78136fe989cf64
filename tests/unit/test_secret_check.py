"""Known secrets refused outside development mode: the check itself, one real process, `make token`."""
import os
import secrets
import subprocess

import pytest

from services.common import secret_check
from services.common.secret_check import DEVELOPMENT_VALUES, WeakSecrets, problems_of, refuse_weak_secrets
from tests.conftest import ROOT

STRONG = secrets.token_hex(32)
PASSWORD = secrets.token_hex(16)
BROKER = f"pyamqp://lianxin:{PASSWORD}@rabbitmq:5672//"
PRODUCTION = {"LIANXIN_ENV": "production"}


def station(**overrides) -> dict:
    config = {"AMQP_URI": BROKER, "DB_URL": f"postgresql+psycopg://lianxin:{PASSWORD}@db:5432/lianxin_station",
              "INTAKE_SECRET": STRONG}
    return {**config, **overrides}


def test_strong_secrets_pass():
    assert problems_of(station(), ["INTAKE_SECRET"], PRODUCTION) == []
    refuse_weak_secrets(station(), ["INTAKE_SECRET"], PRODUCTION)


@pytest.mark.parametrize("value,why", [
    (None, "INTAKE_SECRET is not set"),
    ("", "INTAKE_SECRET is not set"),
    ("x" * 31, "INTAKE_SECRET is shorter than 32 bytes"),
    (DEVELOPMENT_VALUES["INTAKE_SECRET"], "INTAKE_SECRET is a published default value"),
    (DEVELOPMENT_VALUES["GATEWAY_JWT_SECRET"], "INTAKE_SECRET is a published default value"),
    ("dev-only-change-me", "INTAKE_SECRET is a placeholder"),  # compose's old default: too short as well
    ("CHANGE-ME-placeholder-intake-secret-0123456789", "INTAKE_SECRET is a placeholder"),
    ("please-CHANGEME-" + "x" * 32, "INTAKE_SECRET is a placeholder"),
    ("${INTAKE_SECRET}" + "x" * 32, "INTAKE_SECRET is a placeholder"),
])
def test_a_missing_short_default_or_placeholder_key_is_named(value, why):
    assert problems_of(station(INTAKE_SECRET=value), ["INTAKE_SECRET"], PRODUCTION) == [why]


def test_unset_keys_take_the_development_value_only_in_development_mode():
    config = station(INTAKE_SECRET=None)
    assert secret_check.setting(config, "INTAKE_SECRET", {"LIANXIN_ENV": "development"}) == \
        DEVELOPMENT_VALUES["INTAKE_SECRET"]
    assert secret_check.setting(config, "INTAKE_SECRET", PRODUCTION) is None
    assert secret_check.setting(config, "INTAKE_SECRET", {"INTAKE_SECRET": STRONG}) == STRONG  # from the environment
    refuse_weak_secrets(station(INTAKE_SECRET=None), ["INTAKE_SECRET"], {"LIANXIN_ENV": "development"})


@pytest.mark.parametrize("uri,why", [
    ("pyamqp://guest:guest@127.0.0.1:5672//", ["AMQP_URI's password is a published default value",
                                               "AMQP_URI logs in as RabbitMQ's guest account"]),
    ("pyamqp://rabbitmq:5672//", ["AMQP_URI's password is a published default value",
                                  "AMQP_URI logs in as RabbitMQ's guest account"]),  # kombu's default login
    ("pyamqp://lianxin:lianxin@rabbitmq:5672//", ["AMQP_URI's password is a published default value"]),
    ("pyamqp://lianxin:CHANGE-ME-placeholder@rabbitmq:5672//", ["AMQP_URI's password is a placeholder"]),
    ("pyamqp://lianxin:short@rabbitmq:5672//", ["AMQP_URI's password is shorter than 16 bytes"]),
])
def test_the_broker_account(uri, why):
    assert problems_of(station(AMQP_URI=uri), ["INTAKE_SECRET"], PRODUCTION) == why


def test_the_database_password_in_the_url_or_pgpassword():
    lianxin = station(DB_URL="postgresql+psycopg://lianxin:lianxin@postgres:5432/lianxin_station")
    assert problems_of(lianxin, [], PRODUCTION) == ["the password in PG_URL is a published default value"]
    no_password = station(DB_URL="postgresql+psycopg://lianxin@postgres:5432/lianxin_station")
    assert problems_of(no_password, [], PRODUCTION) == []  # peer, certificate or .pgpass authentication
    assert problems_of(no_password, [], {**PRODUCTION, "PGPASSWORD": "CHANGE-ME-placeholder-db-password"}) == \
        ["PGPASSWORD is a placeholder"]
    assert problems_of(no_password, [], {**PRODUCTION, "PGPASSWORD": PASSWORD}) == []


def test_every_problem_is_in_one_refusal():
    config = {"AMQP_URI": "pyamqp://guest:guest@127.0.0.1:5672//", "WEBHOOK_SECRET": "dev-webhook-secret-change-me",
              "SMTP_PASSWORD": "changeme"}
    with pytest.raises(WeakSecrets) as refused:
        refuse_weak_secrets(config, ["WEBHOOK_SECRET", "SMTP_PASSWORD"], PRODUCTION)
    for name in ("WEBHOOK_SECRET", "SMTP_PASSWORD", "AMQP_URI", "LIANXIN_ENV=development"):
        assert name in str(refused.value)
    # an SMTP password is the provider's: optional, any length, but not a placeholder
    assert problems_of(station(SMTP_PASSWORD=""), ["SMTP_PASSWORD"], PRODUCTION) == []
    assert problems_of(station(SMTP_PASSWORD="abcd efgh"), ["SMTP_PASSWORD"], PRODUCTION) == []


def test_each_process_names_its_own_keys():
    from gateway.service import GatewayService
    from services.identity.service import IdentityService
    from services.notify.service import NotifyService
    from services.station.service import StationService
    from services.suggestion.service import SuggestionService

    # development tokens (GATEWAY_JWT_SECRET) are read in development mode only: the gateway needs no key
    assert GatewayService.secret_check.names == ()
    assert IdentityService.secret_check.names == ("IDENTITY_DATA_KEY", "OIDC_CLIENT_SECRET")  # the second: optional
    assert StationService.secret_check.names == ("INTAKE_SECRET",)
    assert set(NotifyService.secret_check.names) == {"WEBHOOK_SECRET", "SMTP_PASSWORD"}
    assert SuggestionService.secret_check.names == ()  # the broker and database only
    with pytest.raises(ValueError):
        secret_check.SecretCheck("NO_SUCH_SECRET")


def production_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("LIANXIN_ENV", "GATEWAY_JWT_SECRET")}
    return {**env, "PYTHONPATH": str(ROOT), "PSYCOPG_WAIT_FUNC": "wait_select", **extra}


def test_the_identity_process_refuses_to_start_with_the_published_data_key():
    """`nameko run` of the identity service, as compose or Kubernetes would run it, exits naming the variable."""
    env = production_env(IDENTITY_DATA_KEY=DEVELOPMENT_VALUES["IDENTITY_DATA_KEY"], AMQP_URI=BROKER,
                         IDENTITY_METRICS_ADDRESS="127.0.0.1:0")
    run = subprocess.run([str(ROOT / ".venv/bin/nameko"), "run", "--config", "services/identity/config.yml",
                          "services.identity.service:IdentityService"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=60)
    assert run.returncode != 0
    refusal = [line for line in run.stderr.splitlines() if '"level": "CRITICAL"' in line]
    assert refusal and "IDENTITY_DATA_KEY is a published default value" in refusal[0], run.stderr[-2000:]
    assert "AMQP_URI" not in refusal[0]  # a strong broker password is not blamed


def test_make_token_only_in_development_mode():
    refused = subprocess.run(["make", "-s", "token", "ROLE=office"], cwd=ROOT, capture_output=True, text=True,
                             env={**production_env(), "LIANXIN_ENV": "production", "GATEWAY_JWT_SECRET": STRONG})
    assert refused.returncode != 0 and "development mode" in refused.stderr
    assert refused.stdout.strip() == ""
