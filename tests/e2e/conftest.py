"""End-to-end: the whole system started as `make up` starts it, on its own DBs, vhost and ports."""
import pathlib
import subprocess
from contextlib import contextmanager

import pytest

from tests.conftest import ROOT, reset, test_env
from tests.e2e.client import Api

ENV = test_env("e2e", 18000)
# one address (127.0.0.1) sends every test's public requests: the public routes' limit is
# tested on a gateway of its own (test_hostile_input.py), here it must not get in the way
ENV.update({"GATEWAY_PUBLIC_RATE": "100000", "GATEWAY_PUBLIC_BURST": "10000"})
# a lean copy: 3 connections per service process, not make up's 5 (README "Connection budget")
ENV["DB_POOL_SIZE"] = "3"


class System:
    def __init__(self, env: dict):
        self.env = env
        self.url = f"http://{env['GATEWAY_ADDRESS']}"
        self.api = Api(self.url)

    def svc(self, action: str, name: str) -> None:
        subprocess.run(["bash", "scripts/svc.sh", action, name], cwd=ROOT, env=self.env, check=True,
                       capture_output=True)

    def log(self, name: str) -> str:
        return (pathlib.Path(self.env["RUN_DIR"]) / f"{name}.log").read_text(errors="replace")

    def metrics_url(self, service: str) -> str:
        return f"http://{self.env[service.upper() + '_METRICS_ADDRESS']}/metrics"


@contextmanager
def running_copy(env: dict):
    """A clean copy of the system started by scripts/up.sh (as `make up`), stopped afterwards."""
    # processes left by an interrupted run would serve old code on these ports
    subprocess.run(["bash", "scripts/down.sh"], cwd=ROOT, env=env, capture_output=True)
    reset(env)
    up = subprocess.run(["bash", "scripts/up.sh"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert up.returncode == 0, f"make up failed:\n{up.stdout}\n{up.stderr}"
    try:
        yield
    finally:
        subprocess.run(["bash", "scripts/down.sh"], cwd=ROOT, env=env, capture_output=True)


@pytest.fixture(scope="session")
def system():
    with running_copy(ENV):
        yield System(ENV)


@pytest.fixture
def api(system):
    return system.api


@pytest.fixture(scope="session")
def access_world(system):
    """The access matrix's world (tests/e2e/access_world.py), shared by test_access*.py."""
    from tests.e2e.access_world import AccessWorld
    return AccessWorld(system.api)
