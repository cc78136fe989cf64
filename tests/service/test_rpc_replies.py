"""RPC replies are consumed without acks (services/common/amqp.py ResilientReplyListener): one frame
fewer to the broker per call, against real RabbitMQ."""
import subprocess
import time

from nameko.standalone.rpc import ClusterRpcProxy
from nameko.testing.services import entrypoint_hook

from services.common.amqp import ResilientRpcProxy
from services.common.service_base import ServiceBase, rpc
from tests.service.conftest import ENV, database_url
from tests.service.helpers import wait_for


class ReplyCaller(ServiceBase):
    """Asks another service (itself, by name) over RPC, as the gateway and the services do."""
    name = "replycaller"
    me = ResilientRpcProxy("replycaller")

    @rpc
    def echo(self, text):
        return text

    @rpc
    def ask(self, text):
        return self.me.echo(text)


def reply_consumers() -> list[tuple[str, str]]:
    out = subprocess.run(["rabbitmqctl", "-q", "list_consumers", "-p", ENV["AMQP_VHOST"], "--no-table-headers",
                          "queue_name", "ack_required"], capture_output=True, text=True, check=True).stdout
    # (only the consumers' rows: rabbitmqctl may add a line of its own, e.g. a warning, seen once in CI)
    rows = [line.split("\t") for line in out.splitlines() if line.count("\t") == 1]
    return [(q, ack) for q, ack in rows if q.startswith("rpc.reply-replycaller")]


def test_replies_arrive_on_a_consumer_that_acks_nothing(start_service):
    start_service(ReplyCaller, OUTBOX_RELAY=False, DB_URL=database_url("notify"))
    with ClusterRpcProxy({"AMQP_URI": ENV["AMQP_URI"], "serializer": "json"}, timeout=10) as proxy:
        assert [proxy.replycaller.ask(f"第{n}次") for n in range(3)] == ["第0次", "第1次", "第2次"]
    consumers = wait_for(reply_consumers, what="the reply listener's consumer")
    assert consumers and all(ack == "false" for _, ack in consumers), consumers


class ReplyOnly(ServiceBase):
    """A caller whose connection carries nothing but replies, as the gateway's does (its requests
    go out on the publisher's connection; nobody calls its own RPC)."""
    name = "replyonly"
    echoer = ResilientRpcProxy("replycaller")

    @rpc
    def ask(self, text):
        return self.echoer.echo(text)


def test_a_reply_listener_under_steady_traffic_keeps_its_connection(start_service, caplog):
    """A consumer that acks nothing sends the broker nothing, and kombu sends heartbeats only when
    no message came for a second: under steady replies RabbitMQ closed the gateway's reply
    connection every ~45 s (three 15 s heartbeats) and the calls waiting on it got a 503. The
    consumer now sends its heartbeats between messages too (ResilientQueueConsumer.on_iteration)."""
    caplog.set_level("WARNING", logger="services.common.amqp")
    start_service(ReplyCaller, OUTBOX_RELAY=False, DB_URL=database_url("notify"))
    caller = start_service(ReplyOnly, OUTBOX_RELAY=False, DB_URL=database_url("notify"), HEARTBEAT=1)
    answered, failed = 0, []
    with entrypoint_hook(caller, "ask") as ask:  # called in process: no request on its connection
        deadline = time.monotonic() + 10  # ten heartbeat intervals: RabbitMQ gives up after two or three
        while time.monotonic() < deadline:
            try:
                assert ask(f"第{answered}次") == f"第{answered}次"
            except Exception as exc:  # noqa: BLE001 - counted, and the assertion below names them
                failed.append(repr(exc))
            answered += 1
    lost = [r.getMessage() for r in caplog.records if "lost the broker" in r.getMessage()]
    assert answered > 100 and lost == [] and failed == [], (lost, failed[:3])
