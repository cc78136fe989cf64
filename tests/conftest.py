"""Test-wide set-up: eventlet first, and test-only databases, vhost and ports.

Service tests and end-to-end tests each get their own database prefix and
RabbitMQ vhost, so neither touches the development system of `make up`.
"""
import os

os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")
os.environ.setdefault("LIANXIN_ENV", "development")  # as scripts/env.sh: the published dev secrets serve

import eventlet  # noqa: E402

# nameko's pytest plugin no longer patches (since 2.13); HTTP and AMQP hang without it
eventlet.monkey_patch()

import pytest  # noqa: E402

from scripts.isolation import ROOT, reset, test_env  # noqa: E402,F401 - the suites' shared helpers

# fixtures shared by several test modules of one service
pytest_plugins = ["tests.service.suggestion_support"]


@pytest.fixture(scope="session")
def root():
    return ROOT
