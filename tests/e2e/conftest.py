"""End-to-end: the whole system started as `make up` starts it, on its own DBs, vhost and ports."""
import pytest

from tests.conftest import test_env
from tests.e2e.console_driver import built_console
from tests.e2e.console_server import serve
from tests.system import System, running_copy  # noqa: F401 - running_copy: for copies of a test's own

ENV = test_env("e2e", 18000)
# one address (127.0.0.1) sends every test's public requests: the public routes' limit is
# tested on a gateway of its own (test_hostile_input.py), here it must not get in the way
ENV.update({"GATEWAY_PUBLIC_RATE": "100000", "GATEWAY_PUBLIC_BURST": "10000"})
# a lean copy: 3 connections per service process, not make up's 5 (README "Connection budget")
ENV["DB_POOL_SIZE"] = "3"


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


@pytest.fixture(scope="module")
def console_url(system):
    """The gateway's own `/` when it serves the console, else the build served beside it."""
    dist = built_console()
    page = system.api.http.get(system.url + "/", timeout=10)
    if page.status_code == 200 and 'id="app"' in page.text:
        yield system.url
        return
    server = serve(dist, system.url)
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
