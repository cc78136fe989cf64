"""RPC replies are consumed without acks (services/common/amqp.py ResilientReplyListener): one frame
fewer to the broker per call, against real RabbitMQ."""
import subprocess

from nameko.standalone.rpc import ClusterRpcProxy

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
    rows = [line.split("\t") for line in out.splitlines() if line.strip()]
    return [(q, ack) for q, ack in rows if q.startswith("rpc.reply-replycaller")]


def test_replies_arrive_on_a_consumer_that_acks_nothing(start_service):
    start_service(ReplyCaller, OUTBOX_RELAY=False, DB_URL=database_url("notify"))
    with ClusterRpcProxy({"AMQP_URI": ENV["AMQP_URI"], "serializer": "json"}, timeout=10) as proxy:
        assert [proxy.replycaller.ask(f"第{n}次") for n in range(3)] == ["第0次", "第1次", "第2次"]
    consumers = wait_for(reply_consumers, what="the reply listener's consumer")
    assert consumers and all(ack == "false" for _, ack in consumers), consumers
