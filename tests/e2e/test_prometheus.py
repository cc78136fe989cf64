"""Debian's Prometheus, started by the test with deploy/monitoring/prometheus.yml rendered for the test
system's ports, scrapes every process and RabbitMQ, loads the alert rules, and sees a suggestion
submitted over HTTP in a business gauge."""
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests
import yaml
from sqlalchemy import create_engine, text

from tests.conftest import ROOT
from tests.e2e.client import World
from tests.polling import wait_for
from tests.unit.test_monitoring import PROCESSES, RABBITMQ_METRICS

MONITORING = ROOT / "deploy" / "monitoring"
SCRAPE_SECONDS = 2


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def render_config(env: dict) -> dict:
    """deploy/monitoring/prometheus.yml with the copy's metrics ports and vhost, scraped every 2 s."""
    config = yaml.safe_load((MONITORING / "prometheus.yml").read_text())
    config["global"].update(scrape_interval=f"{SCRAPE_SECONDS}s", scrape_timeout=f"{SCRAPE_SECONDS}s",
                            evaluation_interval=f"{SCRAPE_SECONDS}s")
    config["rule_files"] = [str(MONITORING / f) for f in config["rule_files"]]
    for job in config["scrape_configs"]:
        name = job["job_name"]
        if name in PROCESSES:
            job["static_configs"] = [{"targets": [env[f"{name.upper()}_METRICS_ADDRESS"]]}]
        elif name == "rabbitmq-queues":
            job["params"]["vhost"] = [env["AMQP_VHOST"]]
    return config


class Prometheus:
    def __init__(self, url: str):
        self.url = url

    def query(self, expr: str) -> list[dict]:
        answer = requests.get(f"{self.url}/api/v1/query", params={"query": expr}, timeout=10).json()
        assert answer["status"] == "success", answer
        return answer["data"]["result"]

    def value(self, expr: str) -> float | None:
        result = self.query(expr)
        return float(result[0]["value"][1]) if result else None


@pytest.fixture(scope="module")
def prometheus(system):
    exe = shutil.which("prometheus")
    assert exe, "prometheus is missing: `bash scripts/system.sh browser` (make test-tools) installs Debian's"
    base = Path(system.env["RUN_DIR"]) / "prometheus"
    shutil.rmtree(base, ignore_errors=True)
    (base / "data").mkdir(parents=True)
    (base / "prometheus.yml").write_text(yaml.safe_dump(render_config(system.env)))
    port = free_port()
    with open(base / "prometheus.log", "wb") as log:
        proc = subprocess.Popen([exe, f"--config.file={base / 'prometheus.yml'}",
                                 f"--storage.tsdb.path={base / 'data'}", "--storage.tsdb.retention.time=1h",
                                 f"--web.listen-address=127.0.0.1:{port}"], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        def ready():
            assert proc.poll() is None, (base / "prometheus.log").read_text()[-3000:]
            try:
                return requests.get(f"{url}/-/ready", timeout=2).status_code == 200
            except requests.ConnectionError:
                return False
        wait_for(ready, timeout=60, interval=0.5, what="Prometheus ready")
        yield Prometheus(url)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_prometheus_scrapes_every_process_and_rabbitmq(prometheus, system):
    jobs = {job["job_name"] for job in yaml.safe_load((MONITORING / "prometheus.yml").read_text())["scrape_configs"]}

    def all_up():
        up = {r["metric"]["job"]: r["value"][1] for r in prometheus.query("up")}
        return up if set(up) == jobs and set(up.values()) == {"1"} else None
    wait_for(all_up, timeout=60, interval=1, what="every target up")
    # what the alerts and dashboards use of RabbitMQ's exporter is there, for this copy's queues
    for name in sorted(RABBITMQ_METRICS):
        assert prometheus.query(name), f"{name} not scraped"
    consumers = prometheus.query('rabbitmq_detailed_queue_consumers{queue="lianxin.suggestion.events"}')
    assert [r["metric"]["vhost"] for r in consumers] == [system.env["AMQP_VHOST"]]  # only the copy's vhost
    assert float(consumers[0]["value"][1]) >= 1
    for process in PROCESSES:  # the common gauges, from every service (the gateway has no database)
        if process != "gateway":
            assert prometheus.query(f'lianxin_dead_letters_waiting{{job="{process}", service="{process}"}}'), process


def test_the_alert_rules_load_and_evaluate_on_the_live_series(prometheus):
    def evaluated():
        groups = requests.get(f"{prometheus.url}/api/v1/rules", timeout=10).json()["data"]["groups"]
        rules = [rule for group in groups for rule in group["rules"]]
        return rules if rules and all(r.get("lastEvaluation", "").startswith("20") for r in rules) else None
    rules = wait_for(evaluated, timeout=30, interval=1, what="every rule evaluated once")
    expected = [r["alert"] for g in yaml.safe_load((MONITORING / "alerts.yml").read_text())["groups"] for r in g["rules"]]
    assert sorted(r["name"] for r in rules) == sorted(expected)
    assert {r["name"]: r["health"] for r in rules} == dict.fromkeys(expected, "ok")


def test_a_submitted_suggestion_shows_in_the_status_gauge(prometheus, system, api):
    gauge = 'lianxin_suggestions{job="suggestion", status="submitted"}'
    refreshed = 'lianxin_gauges_refreshed_timestamp_seconds{job="suggestion", service="suggestion"}'
    wait_for(lambda: prometheus.value(gauge) is not None, timeout=60, interval=1, what="the status gauge scraped")
    World(api).submit()
    submitted = time.time()
    engine = create_engine(f"{system.env['PG_URL']}/{system.env['DB_PREFIX']}_suggestion")
    try:
        with engine.connect() as conn:
            in_db = conn.execute(text("SELECT count(*) FROM suggestions WHERE status = 'submitted'")).scalar_one()
    finally:
        engine.dispose()
    assert in_db >= 1
    # the suggestion service refreshes it every GAUGE_INTERVAL (15 s), Prometheus scrapes every 2 s: a
    # refresh after the submission, scraped, counts what the database has (earlier tests' ones too)
    wait_for(lambda: (prometheus.value(refreshed) or 0) > submitted and prometheus.value(gauge) == in_db,
             timeout=60, interval=1, what=f"a refresh after the submission, and {gauge} = {in_db}")
    # the deadline gauges of the assignment service are scraped too, one series per reminder threshold
    assert {r["metric"]["within_days"] for r in prometheus.query("lianxin_assignments_due_soon")} == {"3", "14"}
    assert prometheus.value("lianxin_assignments_overdue") is not None
