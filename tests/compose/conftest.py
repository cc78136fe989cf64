"""The compose stack of docker-compose.yml, up for the tests of this directory and down after them.

Run through scripts/compose_test.sh (`make compose-test`), which makes sure Docker is there and builds
the images tagged IMAGE_TAG. The stack is its own compose project (lianxin-ct<LIANXIN_TEST_ID>) with
its host ports shifted (COMPOSE_PORT_BASE + 300 x LIANXIN_TEST_ID, never one of the other suites'),
fresh random secrets in a throwaway env file, and its volumes removed at the end.
"""
import json
import os
import subprocess
import time

import pytest
import requests

from scripts.isolation import ROOT, TEST_ID

PROJECT = f"lianxin-ct{TEST_ID}"
PORT_BASE = 17000 + 300 * TEST_ID  # the suites use 18000/18100/19200 + 300 x N: 17000 + 300 x M is none of them
PORTS = {"GATEWAY_HOST_PORT": PORT_BASE, "SUGGESTION_HOST_PORT": PORT_BASE + 1, "ASSIGNMENT_HOST_PORT": PORT_BASE + 2,
         "STATION_HOST_PORT": PORT_BASE + 3, "EVALUATION_HOST_PORT": PORT_BASE + 4, "NOTIFY_HOST_PORT": PORT_BASE + 5,
         "IDENTITY_HOST_PORT": PORT_BASE + 6, "GATEWAY_METRICS_HOST_PORT": PORT_BASE + 7,
         "RABBITMQ_UI_HOST_PORT": PORT_BASE + 8}
UP_TIMEOUT = 600


class Stack:
    def __init__(self, env_file, env: dict):
        self.env_file, self.env = env_file, env
        self.url = f"http://127.0.0.1:{PORT_BASE}"
        self.secrets = dict(line.split("=", 1) for line in env_file.read_text().splitlines()
                            if line and not line.startswith("#"))

    def compose(self, *args, check=True, timeout=UP_TIMEOUT, **kw) -> subprocess.CompletedProcess:
        argv = [*os.environ.get("COMPOSE", "docker-compose").split(), "--env-file", str(self.env_file),
                "-p", PROJECT, "-f", str(ROOT / "docker-compose.yml"), *args]
        return subprocess.run(argv, cwd=ROOT, env=self.env, check=check, timeout=timeout, text=True,
                              capture_output=True, **kw)

    def container(self, service: str) -> str:
        return self.compose("ps", "-q", service).stdout.strip()

    def containers(self) -> list[dict]:
        ids = subprocess.run(["docker", "ps", "-aq", "--filter", f"label=com.docker.compose.project={PROJECT}"],
                             capture_output=True, text=True, check=True).stdout.split()
        return json.loads(subprocess.run(["docker", "inspect", *ids], capture_output=True, text=True,
                                         check=True).stdout) if ids else []

    def logs(self) -> str:
        return self.compose("logs", "--no-color", "--tail=40", check=False).stdout


def wait_ready(url: str, timeout: float = 240) -> None:
    deadline, last = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        try:
            last = requests.get(url + "/readyz", timeout=5)
            if last.status_code == 200:
                return
        except requests.RequestException as e:
            last = e
        time.sleep(2)
    raise AssertionError(f"the gateway was not ready in {timeout}s: {getattr(last, 'text', last)}")


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    env_file = tmp_path_factory.mktemp("compose") / "compose.env"
    subprocess.run(["bash", "scripts/make_secrets.sh", "compose"], cwd=ROOT, check=True, capture_output=True,
                   env={**os.environ, "OUT": str(env_file)})
    # only what the compose file reads: nothing of this shell's development settings (scripts/env.sh)
    env = {k: os.environ[k] for k in ("PATH", "HOME", "DOCKER_HOST") if k in os.environ}
    env.update({k: str(v) for k, v in PORTS.items()})
    env.update(IMAGE_TAG=os.environ.get("IMAGE_TAG", f"ct{TEST_ID}"),
               BASE_IMAGE=os.environ.get("BASE_IMAGE", "lianxin-base:bookworm"),
               PUBLIC_BASE_URL=f"http://127.0.0.1:{PORT_BASE}")
    stack = Stack(env_file, env)
    stack.compose("down", "-v", "--remove-orphans", check=False)  # what a killed run left behind
    started = time.monotonic()
    try:
        up = stack.compose("up", "-d", "--no-build", check=False)
        assert up.returncode == 0, f"compose up failed:\n{up.stderr[-3000:]}\n{stack.logs()[-6000:]}"
        wait_ready(stack.url)
        print(f"[compose-test] stack up and ready in {time.monotonic() - started:.0f}s")
        yield stack
    except BaseException:
        print(stack.logs()[-8000:])
        raise
    finally:
        stack.compose("down", "-v", "--remove-orphans", "-t", "10", check=False)
