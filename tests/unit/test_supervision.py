"""Whatever runs a long-running process restarts it when it dies."""
import yaml

from tests.conftest import ROOT


def test_every_long_running_compose_service_has_a_restart_policy():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    long_running = {name: svc for name, svc in services.items() if svc.get("restart") != "no"}
    assert {"rabbitmq", "postgres", "gateway", "suggestion", "notify"} <= set(long_running)
    for name, svc in long_running.items():
        assert svc.get("restart") in ("always", "unless-stopped", "on-failure"), name
