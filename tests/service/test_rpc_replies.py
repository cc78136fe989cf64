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


class Odd(ServiceBase):
    name = "oddreplies"

    @rpc
    def echo(self, text):
        return text

    @rpc
    def unwritable(self):
        return {"when": object()}  # JSON has no form for it


def test_an_answer_that_cannot_be_written_is_an_error_to_its_caller_and_the_service_lives_on(start_service):
    """The reply is serialized once (ResilientResponder._send_once), and an answer JSON cannot
    carry is the caller's UnserializableValueError, as nameko's own responder answers it."""
    from nameko.exceptions import RemoteError

    start_service(Odd, OUTBOX_RELAY=False, DB_URL=database_url("notify"))
    with ClusterRpcProxy({"AMQP_URI": ENV["AMQP_URI"], "serializer": "json"}, timeout=10) as proxy:
        try:
            proxy.oddreplies.unwritable()
            raise AssertionError("an unwritable answer was answered")
        except RemoteError as exc:
            assert exc.exc_type == "UnserializableValueError", exc
        assert proxy.oddreplies.echo("还在") == "还在"


def test_a_quick_publish_on_a_dead_connection_is_sent_again_through_kombus_retry():
    """PooledPublisher sends an RPC-shaped message on the producer's channel itself; when that
    connection is gone, kombu's publish reconnects and sends it, with every property intact."""
    import socket
    import uuid

    from kombu import Connection, Exchange, Queue

    from services.common.amqp import PooledPublisher

    key = f"lianxin.test.quick.{uuid.uuid4()}"
    exchange = Exchange("amq.direct")
    publisher = PooledPublisher(ENV["AMQP_URI"], use_confirms=False, exchange=exchange)
    with Connection(ENV["AMQP_URI"]) as conn:
        queue = Queue(key, exchange=exchange, routing_key=key, auto_delete=True)(conn.default_channel)
        queue.declare()
        sent = []
        for n in range(2):
            if n == 1:  # the pooled producer's connection dies under it
                with publisher._pool(False, publisher.transport_options).acquire(block=True) as producer:
                    producer.connection.connection.transport.sock.shutdown(socket.SHUT_RDWR)
            correlation_id = str(uuid.uuid4())
            publisher.publish({"args": [f"第{n}次"], "kwargs": {}}, routing_key=key, reply_to="replies",
                              correlation_id=correlation_id, expiration=30, extra_headers={"nameko.call_id_stack": ["t"]})
            sent.append(correlation_id)
        got = []
        for _ in range(20):
            message = queue.get(no_ack=True)
            if message is None:
                if len(got) == 2:
                    break
                time.sleep(0.1)
                continue
            got.append(message)
        assert [m.payload for m in got] == [{"args": ["第0次"], "kwargs": {}}, {"args": ["第1次"], "kwargs": {}}]
        for message, correlation_id in zip(got, sent):
            assert message.properties["correlation_id"] == correlation_id
            assert message.properties["reply_to"] == "replies"
            assert message.properties["expiration"] == "30000"
            assert message.properties["delivery_mode"] == 2
            assert message.content_type == "application/json"
            assert message.headers == {"nameko.call_id_stack": ["t"]}
