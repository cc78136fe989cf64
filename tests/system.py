"""A copy of the whole system as `make up` starts it (scripts/up.sh), for the e2e and fault suites."""
import pathlib
import subprocess
from contextlib import contextmanager

from scripts.isolation import ROOT, reset
from tests.e2e.client import Api


class System:
    def __init__(self, env: dict):
        self.env = env
        self.url = f"http://{env['GATEWAY_ADDRESS']}"
        self.api = Api(self.url)

    def svc(self, action: str, name: str) -> None:
        subprocess.run(["bash", "scripts/svc.sh", action, name], cwd=ROOT, env=self.env, check=True,
                       capture_output=True, timeout=60)

    def log(self, name: str) -> str:
        path = pathlib.Path(self.env["RUN_DIR"]) / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def metrics_url(self, service: str) -> str:
        return f"http://{self.env[service.upper() + '_METRICS_ADDRESS']}/metrics"


@contextmanager
def running_copy(env: dict, clean: bool = True):
    """The system started by scripts/up.sh with ``env``, stopped (supervisors too) afterwards.

    ``clean`` first drops the copy's databases and vhost on the machine's PostgreSQL and RabbitMQ;
    a copy on servers of its own (the fault suite's) starts from empty ones instead.
    """
    # processes left by an interrupted run would serve old code on these ports
    subprocess.run(["bash", "scripts/down.sh"], cwd=ROOT, env=env, capture_output=True)
    if clean:
        reset(env)
    up = subprocess.run(["bash", "scripts/up.sh"], cwd=ROOT, env=env, capture_output=True, text=True)
    try:
        assert up.returncode == 0, f"make up failed:\n{up.stdout}\n{up.stderr}"
        yield
    finally:
        subprocess.run(["bash", "scripts/down.sh"], cwd=ROOT, env=env, capture_output=True)
