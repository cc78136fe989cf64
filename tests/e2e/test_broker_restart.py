"""RabbitMQ restarted under load, and bodies no consumer can decode: on a broker node of our own.

The system is started as `make up` starts it (scripts/up.sh), its AMQP_URI pointing at a second
RabbitMQ node (tests/brokers.py) that this module stops and starts; the machine's broker is
never touched.
"""
import base64
import json
import pathlib
import subprocess
import threading
import time
from collections import Counter

import psycopg
import pytest
import requests
from kombu import Connection, Exchange

from scripts.isolation import TEST_ID, drop_databases
from services.common.settings import SERVICES
from services.common.topology import queue_name
from tests.brokers import start_node
from tests.conftest import ROOT
from tests.conftest import test_env as isolated_env
from tests.e2e.client import Api, World
from tests.polling import wait_for

ENV = isolated_env("brk", 17400)
ENV.update({"GATEWAY_PUBLIC_RATE": "0"})
BROKER_PORT = int(ENV["GATEWAY_ADDRESS"].rsplit(":", 1)[1]) + 50
PROCESSES = (*SERVICES, "gateway")


class BrokerSystem:
    def __init__(self, env: dict, node):
        self.env, self.node = env, node
        self.url = f"http://{env['GATEWAY_ADDRESS']}"
        self.api = Api(self.url)

    def pids(self) -> dict:
        return {name: (pathlib.Path(self.env["RUN_DIR"]) / f"{name}.pid").read_text().strip()
                for name in PROCESSES}

    def log(self, name: str) -> str:
        return (pathlib.Path(self.env["RUN_DIR"]) / f"{name}.log").read_text(errors="replace")

    def ready(self) -> bool:
        try:
            return requests.get(self.url + "/readyz", timeout=10).status_code == 200
        except requests.RequestException:
            return False

    def sql(self, service: str, query: str):
        with psycopg.connect(host="127.0.0.1", user="root",
                             dbname=f"{self.env['DB_PREFIX']}_{service}") as conn:
            return conn.execute(query).fetchall()

    def publish_raw(self, service: str, body: bytes, content_type: str) -> None:
        with Connection(self.env["AMQP_URI"], transport_options={"confirm_publish": True}) as amqp:
            amqp.Producer(exchange=Exchange("")).publish(
                body, routing_key=queue_name(service), content_type=content_type,
                content_encoding="utf-8", delivery_mode=2, mandatory=True,
                headers={"nameko.request_id": "undecodable-test"})


@pytest.fixture(scope="module")
def broker_system():
    subprocess.run(["bash", "scripts/down.sh"], cwd=ROOT, env=ENV, capture_output=True)
    node = start_node(f"lianxin-brk{TEST_ID}", BROKER_PORT)
    env = dict(ENV, AMQP_URI=node.add_vhost(ENV["AMQP_VHOST"]))
    try:
        drop_databases(env)
        for old in pathlib.Path(env["RUN_DIR"]).glob("*.log"):  # the checks read this run's logs only
            old.unlink()
        up = subprocess.run(["bash", "scripts/up.sh"], cwd=ROOT, env=env, capture_output=True, text=True)
        assert up.returncode == 0, f"make up failed:\n{up.stdout}\n{up.stderr}"
        yield BrokerSystem(env, node)
    finally:
        subprocess.run(["bash", "scripts/down.sh"], cwd=ROOT, env=env, capture_output=True)
        node.delete()


UNDECODABLE = [(b"\x00\xffthis is { not json", "application/json"), (b"plain words, not an event", "text/plain")]


@pytest.mark.parametrize("service", SERVICES)
def test_an_undecodable_body_is_parked_in_every_consumer(broker_system, service):
    for body, content_type in UNDECODABLE:
        broker_system.publish_raw(service, body, content_type)

    def parked():
        rows = broker_system.sql(service, "SELECT envelope, error FROM dead_letters WHERE type = 'undecodable' "
                                          "ORDER BY id")
        return rows if len(rows) >= 2 else None
    rows = wait_for(parked, timeout=30, what=f"{service} to park both bodies")
    kept = {base64.b64decode(env["body_base64"]): env for env, _ in rows}
    assert set(kept) == {body for body, _ in UNDECODABLE}
    assert kept[b"plain words, not an event"]["content_type"] == "text/plain"
    assert kept[b"plain words, not an event"]["body_text"] == "plain words, not an event"
    assert kept[b"\x00\xffthis is { not json"]["routing_key"] == queue_name(service)
    # `make deadletters SERVICE=x` lists them
    listed = subprocess.run([str(ROOT / ".venv/bin/python"), "-m", "services.common.deadletters", service, "list"],
                            cwd=ROOT, env=broker_system.env, capture_output=True, text=True, check=True).stdout
    assert sum(json.loads(line)["type"] == "undecodable" for line in listed.splitlines()) == 2
    metrics = requests.get(f"http://{broker_system.env[service.upper() + '_METRICS_ADDRESS']}/metrics",
                           timeout=10).text
    assert f'lianxin_events_handled_total{{consumer="{service}",outcome="undecodable",type="undecodable"}} 2.0' \
        in metrics


class Traffic(threading.Thread):
    """Submits suggestions one after another until stopped, counting the answers' statuses."""

    def __init__(self, world: World):
        super().__init__(daemon=True)
        self.world, self.statuses, self.created, self.wrong = world, Counter(), [], []
        self.stopping = threading.Event()

    def run(self):
        n = 0
        while not self.stopping.is_set():
            n += 1
            try:
                answer = self.world.api.post("/suggestions", self.world.deputy_token, {
                    "title": f"关于第{n}个小区停车难问题的建议", "body": "建议增设停车位。", "category": "transport",
                    "kind": "session", "session": "十六届三次", "source": "research"})
            except requests.RequestException as exc:
                self.statuses[type(exc).__name__] += 1
                continue
            self.statuses[answer.status_code] += 1
            if answer.status_code == 201:
                self.created.append(answer.json()["id"])
            else:  # only a 503 naming the outage, with Retry-After, may answer
                if answer.status_code != 503 or "Retry-After" not in answer.headers:
                    self.wrong.append((answer.status_code, dict(answer.headers), answer.text))
                time.sleep(0.2)


def test_a_broker_restart_under_load_is_ridden_out(broker_system):
    system = broker_system
    world = World(system.api)
    pids = system.pids()
    traffic = Traffic(world)
    traffic.start()
    try:
        wait_for(lambda: len(traffic.created) >= 5, timeout=30, what="submissions before the restart")
        system.node.stop_app()
        time.sleep(5)
        outage = requests.get(system.url + "/readyz", timeout=10)
        system.node.start_app()
        before = len(traffic.created)
        wait_for(system.ready, timeout=90, interval=0.5, what="/readyz 200 again, with no manual step")
        wait_for(lambda: len(traffic.created) >= before + 5, timeout=60, what="submissions after the restart")
    finally:
        traffic.stopping.set()
        traffic.join(timeout=30)
    # every process rode it out: the same pids, so the supervisor did not have to restart anything
    assert system.pids() == pids
    for name in PROCESSES:
        assert "thread exited with error" not in system.log(name), name
    assert outage.status_code == 503 and "rabbitmq" in outage.json()["down"]
    assert int(outage.headers["Retry-After"]) > 0
    # every answer was a 201 or a 503 with Retry-After, some of each
    assert not traffic.wrong, traffic.wrong[:3]
    assert set(traffic.statuses) == {201, 503}, traffic.statuses
    assert traffic.statuses[201] >= 10
    # every committed outbox row was published, and every submission was heard of exactly once
    for service in SERVICES:
        wait_for(lambda: system.sql(service, "SELECT count(*) FROM outbox WHERE sent_at IS NULL")[0][0] == 0,
                 timeout=60, what=f"{service}'s outbox to drain")
    created = set(traffic.created)

    def office_heard():
        rows = system.sql("notify", "SELECT suggestion_id, count(*) FROM notifications "
                                    "WHERE type = 'suggestion.submitted' GROUP BY suggestion_id")
        heard = {sid: n for sid, n in rows if sid in created}
        return heard if set(heard) == created else None
    heard = wait_for(office_heard, timeout=60, what="the office's notification of every submission")
    assert set(heard.values()) == {1}


def test_a_killed_process_is_restarted_by_its_supervisor(broker_system):
    system = broker_system
    old = system.pids()["notify"]
    subprocess.run(["bash", "scripts/svc.sh", "kill", "notify"], cwd=ROOT, env=system.env, check=True,
                   capture_output=True)
    new = wait_for(lambda: (pid := system.pids()["notify"]) != old and pid, timeout=30, what="a new notify pid")
    assert pathlib.Path(f"/proc/{new}").exists()
    wait_for(system.ready, timeout=60, interval=0.5, what="/readyz 200 with no `svc.sh start`")
    assert f"notify (pid {old}) exited with status 137" in system.log("notify")
