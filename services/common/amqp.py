"""nameko's AMQP entrypoints and proxies, made to ride out a broker restart.

nameko 2.14 kills the whole container when a worker or the consumer thread raises (issues
#346, #511): an ack on a connection the broker closed (``ConnectionResetError``), an RPC reply
sent while the broker is down (``OperationalError: ECONNREFUSED``), or a reconnect that fails
with an error kombu's ``ConsumerMixin.run`` does not catch. Every process then stays down.

Here, one ``QueueConsumer`` per container (shared by our ``Rpc``, event consumer and RPC reply
listener, as nameko's own are) instead:
- keeps reconnecting, whatever the error, backing off up to ``RECONNECT_MAX_DELAY``;
- logs and drops an ack or requeue that cannot reach the broker: the message was not acked, so
  the broker delivers it again (consumers are idempotent, RPC callers have a deadline);
- hands a body that cannot be decoded to its entrypoint (``handle_undecodable``) instead of
  kombu's log-and-ack, so an event consumer can park it.
An RPC reply that cannot be sent is retried for ``REPLY_RETRY_SECONDS``, then logged and dropped.
"""
import base64
import logging
import sys
from dataclasses import dataclass, field
from functools import partial
from typing import NamedTuple

import eventlet
import kombu
from amqp.exceptions import AMQPError
from kombu.exceptions import ContentDisallowed, DecodeError, EncodeError, KombuError
from kombu.exceptions import ChannelError
from kombu.pools import producers
from nameko.amqp.publish import Publisher, UndeliverableMessage
from nameko.constants import AMQP_SSL_CONFIG_KEY, AMQP_URI_CONFIG_KEY, LOGIN_METHOD_CONFIG_KEY
from nameko.exceptions import ContainerBeingKilled, UnserializableValueError, serialize
from nameko.messaging import Consumer, QueueConsumer, QueueConsumerStopped
from nameko.rpc import (MethodProxy, ReplyListener, Responder, Rpc, RpcConsumer, RpcProxy, ServiceProxy,
                        get_rpc_exchange)
from nameko.utils import sanitize_url

from services.common import wire  # noqa: F401 - RPC and event bodies in UTF-8, not ASCII-escaped
from services.common.idempotency import CALL, REDELIVERED

log = logging.getLogger(__name__)

# what a broker that went away raises somewhere in kombu/py-amqp (sockets are OSErrors)
BROKER_ERRORS = (OSError, AMQPError, KombuError)
NOT_BROKER_ERRORS = (ContentDisallowed, DecodeError, EncodeError)  # a message's fault, not the broker's
RECONNECT_MAX_DELAY = 10.0
REPLY_RETRY_SECONDS = 3.0  # callers wait 3-5 s for an answer: a later reply reaches no one
# one publish attempt: give up on a refused connection within about a second, not kombu's ~10 s
FAST_RETRY_POLICY = {"max_retries": 2, "interval_start": 0.2, "interval_step": 0.3, "interval_max": 0.5}
FAST_TRANSPORT_OPTIONS = {"max_retries": 2, "interval_start": 0.2, "interval_step": 0.3, "interval_max": 0.5}


class PrefetchConsumer(kombu.Consumer):
    """A kombu consumer that sets its own prefetch as it starts consuming. RabbitMQ applies a
    per-consumer basic.qos to the consumers started after it on the channel, and kombu creates all
    of a channel's consumers (nameko: every entrypoint type of a container shares one) before it
    starts any: a qos set at creation left every consumer with the last one's. Seen in the ninth
    session: the RPC queues prefetching 100 requests for 10 workers (a replica hoarding requests
    its workers could not take), evaluation's events 10 (batches capped at 10)."""

    def __init__(self, *args, prefetch: int | None = None, **kwargs):
        self.prefetch = prefetch
        super().__init__(*args, **kwargs)

    def consume(self, no_ack=None):
        if self.prefetch:
            self.qos(prefetch_count=self.prefetch)
        return super().consume(no_ack)


class ResilientQueueConsumer(QueueConsumer):
    """nameko's QueueConsumer that survives broker restarts (see the module's docstring)."""

    def run(self, _tokens=1, **kwargs):  # kombu's ConsumerMixin.run, catching every error
        delay = 0.5
        while not self.should_stop:
            try:
                for _ in self.consume(limit=None, **kwargs):
                    delay = 0.5
            except QueueConsumerStopped:
                raise  # nameko's stop() before we ever connected
            except Exception as exc:  # noqa: BLE001 - whatever broke, reconnect
                if self.should_stop:
                    break
                log.warning("AMQP consumer lost the broker at %s (%r); reconnecting in %.1fs",
                            sanitize_url(self.amqp_uri), exc, delay)
                eventlet.sleep(delay)
                delay = min(delay * 2, RECONNECT_MAX_DELAY)

    def on_consume_ready(self, connection, channel, consumers, **kwargs):
        self._consuming = connection
        super().on_consume_ready(connection, channel, consumers, **kwargs)

    def on_iteration(self):
        """nameko's, and the heartbeat. kombu sends heartbeats only when no message came for a
        second; a connection that only receives (RPC replies, consumed without acks) then sends
        the broker nothing under steady traffic, and RabbitMQ closed it after three intervals (the
        gateway's, every ~45 s, with the calls waiting on it). Cheap: a clock check per message."""
        super().on_iteration()
        connection = getattr(self, "_consuming", None)
        if connection is not None:
            connection.heartbeat_check()

    def ack_message(self, message):
        self._settle(message, "ack")

    def requeue_message(self, message):
        self._settle(message, "requeue")

    def _settle(self, message, action: str) -> None:
        # a message of a connection that is gone is back in its queue already
        if not message.channel.connection:
            return
        try:
            getattr(message, action)()
        except Exception as exc:  # noqa: BLE001 - the broker redelivers what was not acked
            log.warning("AMQP %s dropped, the connection is gone (%r): the broker delivers the "
                        "message again", action, exc)

    def get_consumers(self, consumer_cls, channel):  # as nameko's, plus on_decode_error and prefetch
        for provider in self._providers:
            # a provider whose messages need no ack (RPC replies) says so: one frame fewer each;
            # one that batches may hold more messages unacked than it runs workers (its prefetch)
            consumer = PrefetchConsumer(channel, queues=[provider.queue], accept=self.accept,
                                        no_ack=getattr(provider, "no_ack", False),
                                        callbacks=[partial(self.handle_message, provider)],
                                        on_decode_error=partial(self.on_undecodable, provider),
                                        prefetch=getattr(provider, "prefetch", None) or self.prefetch_count)
            self._consumers[provider] = consumer
        return self._consumers.values()

    def on_undecodable(self, provider, message, exc):
        handler = getattr(provider, "handle_undecodable", None)
        if handler is not None:
            handler(message, exc)
            return
        log.error("AMQP message body cannot be decoded, dropped: %r (content type %r, routing key %r)",
                  exc, message.content_type, message.delivery_info.get("routing_key"))
        self.ack_message(message)


@dataclass
class Undecodable:
    """A message whose body could not be decoded, as its worker receives it instead of a body."""
    error: str
    content_type: str | None
    content_encoding: str | None
    routing_key: str | None
    headers: dict = field(default_factory=dict)
    body: bytes = b""

    @classmethod
    def of(cls, message, exc: Exception) -> "Undecodable":
        body = message.body if isinstance(message.body, bytes) else str(message.body).encode()
        return cls(error=repr(exc), content_type=message.content_type,
                   content_encoding=message.content_encoding,
                   routing_key=message.delivery_info.get("routing_key"),
                   headers={k: str(v) for k, v in (message.headers or {}).items()}, body=body)

    def as_record(self) -> dict:
        """JSON-safe, the bytes kept exactly (base64) and readably (lossy text)."""
        return {"undecodable": True, "content_type": self.content_type,
                "content_encoding": self.content_encoding, "routing_key": self.routing_key,
                "headers": self.headers, "body_base64": base64.b64encode(self.body).decode(),
                "body_text": self.body.decode("utf-8", errors="replace").replace("\x00", "\ufffd")}


# the payload fields that name what an event is about, most specific first: events about the same
# suggestion (its assignments' too), deputy, person or unit keep their order
ORDERING_FIELDS = ("suggestion_id", "assignment_id", "deputy_id", "sub", "id")


def ordering_key(body) -> object:
    """What ``body`` (an event envelope, as decoded) is about; events with the same key are handled
    in arrival order. A body with none of ``ORDERING_FIELDS`` is about itself (its event id)."""
    if not isinstance(body, dict):
        return None
    payload = body.get("payload")
    if isinstance(payload, dict):
        for name in ORDERING_FIELDS:
            value = payload.get(name)
            if value is not None and not isinstance(value, (dict, list)):
                return name, value
    return body.get("event_id")


DEFAULT_BATCH_WINDOW = 0.05  # seconds (EVENT_BATCH_WINDOW): see BatchEventConsumer


class BatchEventConsumer(Consumer):
    """An event consumer whose workers are each given a list of bodies (an undecodable one as an
    ``Undecodable``), in arrival order. Events go to one of ``EVENT_BATCH_WORKERS`` lanes by what
    they are about (``ordering_key``: a suggestion and its assignments, a deputy, a person); a lane
    runs one worker at a time, which takes every event that arrived in the lane meanwhile (at most
    ``EVENT_BATCH_SIZE``). So a suggestion's events are handled in order, and other suggestions'
    beside them. A worker's messages are acked together once it ends, so a crash before its commit
    leaves them all to be delivered again.

    Under load, an event that finds its lane idle waits ``EVENT_BATCH_WINDOW`` seconds for others
    to join it (0: never), so the per-event costs of a worker, a transaction and a commit are
    shared (group commit; services/common/inbox.py ``handle_events``). "Under load": the lane's
    last batch ended less than a window ago. A lone event (a quiet hour, a test) is handled at
    once; at a steady 100 submissions a second a 20 ms window cut each consumer's CPU per event
    by a quarter, 50 ms by another sixth, the fan-out lag p99 still ~0.1 s (bench/README.md
    "Prebuilt statements").
    """

    queue_consumer = ResilientQueueConsumer()

    def setup(self):
        super().setup()
        config = self.container.config
        self.batch_size = max(1, int(config.get("EVENT_BATCH_SIZE", 50)))
        # one lane by default: measured, more lanes made smaller batches (more CPU per event) and,
        # in evaluation, concurrent batches deadlocked on the shared rate cells (bench/README.md)
        self.lanes = max(1, int(config.get("EVENT_BATCH_WORKERS", 1)))
        # unacked at most: a batch per lane being handled and the next ones gathering
        self.prefetch = (self.lanes + 1) * self.batch_size
        self.window = max(0.0, float(config.get("EVENT_BATCH_WINDOW", DEFAULT_BATCH_WINDOW)))
        self._pending: list[list] = [[] for _ in range(self.lanes)]
        self._busy = [False] * self.lanes
        self._timers: list = [None] * self.lanes
        self._ended = [float("-inf")] * self.lanes  # when each lane's last batch ended (hub clock)

    def handle_message(self, body, message):
        self._add(self._lane(body), body, message)

    def handle_undecodable(self, message, exc):
        log.error("event body cannot be decoded: %r (content type %r)", exc, message.content_type)
        self._add(0, Undecodable.of(message, exc), message)

    def _lane(self, body) -> int:
        return hash(ordering_key(body)) % self.lanes

    def _add(self, lane: int, body, message) -> None:
        self._pending[lane].append((body, message))
        if self._busy[lane]:
            return  # the next batch, when the lane's worker ends
        if self.window and len(self._pending[lane]) < self.batch_size and self._under_load(lane):
            if self._timers[lane] is None:
                self._timers[lane] = eventlet.spawn_after(self.window, self._window_ended, lane)
            return
        self._next_batch(lane)

    def _under_load(self, lane: int) -> bool:
        return eventlet.hubs.get_hub().clock() - self._ended[lane] < self.window

    def _window_ended(self, lane: int) -> None:
        self._timers[lane] = None
        if not self._busy[lane]:
            self._next_batch(lane)

    def _cancel_timer(self, lane: int) -> None:
        if self._timers[lane] is not None:
            self._timers[lane].cancel()
            self._timers[lane] = None

    def _next_batch(self, lane: int) -> None:
        self._cancel_timer(lane)
        pending = self._pending[lane]
        batch, self._pending[lane] = pending[:self.batch_size], pending[self.batch_size:]
        if not batch:
            return
        messages = [message for _, message in batch]
        self._busy[lane] = True
        try:
            self.container.spawn_worker(self, ([body for body, _ in batch],), {}, context_data={},
                                        handle_result=partial(self.handle_batch_result, lane, messages))
        except ContainerBeingKilled:
            self._busy[lane] = False
            for message in messages:
                self.queue_consumer.requeue_message(message)

    def handle_batch_result(self, lane, messages, worker_ctx, result=None, exc_info=None):
        for message in messages:
            self.queue_consumer.ack_message(message)
        self._busy[lane] = False
        self._ended[lane] = eventlet.hubs.get_hub().clock()
        self._next_batch(lane)  # what arrived in the lane meanwhile
        return result, exc_info

    def stop(self):
        # what was gathered but not handed to a worker goes back to the queue
        for lane in range(self.lanes):
            self._cancel_timer(lane)
            batch, self._pending[lane] = self._pending[lane], []
            for _, message in batch:
                self.queue_consumer.requeue_message(message)
        super().stop()


class Prepared(NamedTuple):
    """A payload already serialized (``kombu.serialization.dumps``'s answer), published as it is."""
    content_type: str
    content_encoding: str
    body: bytes


class PooledPublisher(Publisher):
    """nameko's Publisher, without building a kombu Connection on every publish: nameko's
    ``get_producer`` makes one per call only to look up kombu's producer pool by its settings (URL
    parsing, hashing the transport options), about half of a publish (nameko 134–145 µs a message,
    through the kept pool 67–69: `make bench-publish`, bench/README.md "Writes at commit"). Here
    the pool is looked up once per settings and kept; the same pool, producers, retries and errors
    as nameko's publish, which this follows step by step.

    An RPC request or reply (no compression, only exchange, routing key, reply-to and correlation
    id besides the message's options) is sent the quick way: the message built and sent on the
    producer's channel (``_send``), as kombu's ``Producer._publish`` does, without kombu's
    ``publish`` around it — its retry wrapper (``Connection.ensure``) built anew on every call, its
    argument shuffling and serializer look-up were more than half of a request's publish in the
    gateway (bench/README.md "Fewer statements and frames at the commit"). A quick send that fails
    on the connection goes through kombu's ``publish`` with the retry policy, which reconnects and
    sends again, as kombu's own retry would have."""

    _pools: dict = {}  # (uri, confirms, ssl, login method, transport options) -> kombu producer pool
    QUICK_KWARGS = frozenset({"exchange", "routing_key", "reply_to", "correlation_id"})

    def _pool(self, use_confirms: bool, transport_options: dict):
        key = (self.amqp_uri, use_confirms, repr(self.ssl), self.login_method, repr(sorted(transport_options.items())))
        pool = self._pools.get(key)
        if pool is None:
            options = {**transport_options, "confirm_publish": use_confirms}
            pool = self._pools[key] = producers[kombu.Connection(
                self.amqp_uri, transport_options=options, ssl=self.ssl, login_method=self.login_method)]
        return pool

    def publish(self, payload, **kwargs):
        publish_kwargs = self.publish_kwargs.copy()
        headers = publish_kwargs.pop("headers", {}).copy()
        headers.update(kwargs.pop("headers", {}))
        headers.update(kwargs.pop("extra_headers", {}))
        use_confirms = kwargs.pop("use_confirms", self.use_confirms)
        transport_options = kwargs.pop("transport_options", self.transport_options)
        declare = self.declare[:]
        declare.extend(kwargs.pop("declare", ()))
        options = {"delivery_mode": self.delivery_mode, "mandatory": self.mandatory, "priority": self.priority,
                   "expiration": self.expiration, "compression": self.compression, "retry": self.retry,
                   "retry_policy": self.retry_policy, "serializer": self.serializer}
        for name in options:
            if name in kwargs:
                options[name] = kwargs.pop(name)
        publish_kwargs.update(kwargs)  # remaining publish-time kwargs win
        quick = options["compression"] is None and self.QUICK_KWARGS.issuperset(publish_kwargs)
        if quick or isinstance(payload, Prepared):
            payload = payload if isinstance(payload, Prepared) else Prepared(
                *kombu.serialization.dumps(payload, options["serializer"]))
            options.pop("serializer")  # kombu publishes a body with its content type as it is
            publish_kwargs.update(content_type=payload.content_type, content_encoding=payload.content_encoding)
        with self._pool(use_confirms, transport_options).acquire(block=True) as producer:
            try:
                if quick:
                    connection = producer.connection
                    try:
                        return self._send(producer, payload, headers, declare, options, publish_kwargs)
                    except connection.recoverable_connection_errors + connection.recoverable_channel_errors:
                        if not options["retry"]:
                            raise
                    # kombu's publish from here: it reconnects and sends again under the policy
                body = payload.body if isinstance(payload, Prepared) else payload
                producer.publish(body, headers=headers, declare=declare, **options, **publish_kwargs)
            except ChannelError as exc:
                if "NO_ROUTE" in str(exc):
                    raise UndeliverableMessage() from exc
                raise

    @staticmethod
    def _send(producer, payload: Prepared, headers: dict, declare: list, options: dict, publish_kwargs: dict):
        """kombu's ``Producer.publish`` and ``_publish`` for a prepared body, step by step."""
        exchange = publish_kwargs.get("exchange") or producer.exchange
        exchange_name, delivery_mode = producer._delivery_details(exchange, options["delivery_mode"])
        properties = {"delivery_mode": delivery_mode}
        for name in ("reply_to", "correlation_id"):
            if name in publish_kwargs:
                properties[name] = publish_kwargs[name]
        if options["expiration"] is not None:
            properties["expiration"] = str(int(options["expiration"] * 1000))
        routing_key = publish_kwargs.get("routing_key")
        channel = producer.channel
        message = channel.prepare_message(payload.body, options["priority"], payload.content_type,
                                          payload.content_encoding, headers, properties)
        for entity in declare:
            producer.maybe_declare(entity, retry=options["retry"], **options["retry_policy"])
        channel.basic_publish(message, exchange=exchange_name,
                              routing_key=producer.routing_key if routing_key is None else routing_key,
                              mandatory=options["mandatory"])


class PooledMethodProxy(MethodProxy):
    publisher_cls = PooledPublisher


class PooledServiceProxy(ServiceProxy):
    """nameko's ServiceProxy, its method proxies publishing through PooledPublisher."""

    def __getattr__(self, name):
        return PooledMethodProxy(self.worker_ctx, self.service_name, name, self.reply_listener, **self.options)


class ReplyPublisher(PooledPublisher):
    retry_policy = FAST_RETRY_POLICY
    transport_options = FAST_TRANSPORT_OPTIONS
    # no publisher confirm (a broker round trip per reply): a reply is worth something only to a
    # caller still waiting, whose deadline already answers one that is lost (a 503; a retried
    # write meets its Idempotency-Key); a connection that is gone still fails the publish, and
    # send_response retries that
    use_confirms = False


class ResilientResponder(Responder):
    publisher_cls = ReplyPublisher

    def send_response(self, result, exc_info):
        deadline = eventlet.hubs.get_hub().clock() + REPLY_RETRY_SECONDS
        while True:
            try:
                return self._send_once(result, exc_info)
            except BROKER_ERRORS as exc:
                if eventlet.hubs.get_hub().clock() >= deadline:
                    log.error("RPC reply dropped: the broker is unreachable (%r); the caller's "
                              "deadline answers it", exc)
                    return result, exc_info
                eventlet.sleep(0.5)

    def _send_once(self, result, exc_info):
        """nameko's ``send_response``, the reply serialized once: nameko serializes the result to
        see that it can, then the publish serializes the whole reply again (a list page twice)."""
        error = None if exc_info is None else serialize(exc_info[1])
        # the reply is encoded as the request was
        serializer = kombu.serialization.registry.type_to_name[self.message.properties["content_type"]]
        try:
            prepared = Prepared(*kombu.serialization.dumps({"result": result, "error": error}, serializer))
        except Exception:  # noqa: BLE001 - as nameko: the caller gets an error, the service lives on
            exc_info = sys.exc_info()
            error = serialize(UnserializableValueError(result))
            result = None
            prepared = Prepared(*kombu.serialization.dumps({"result": None, "error": error}, serializer))
        self.publisher_cls(self.amqp_uri, ssl=self.ssl, login_method=self.login_method).publish(
            prepared, exchange=self.exchange, routing_key=self.message.properties["reply_to"],
            correlation_id=self.message.properties.get("correlation_id"))
        return result, exc_info


class ResilientRpcConsumer(RpcConsumer):
    queue_consumer = ResilientQueueConsumer()

    def handle_result(self, message, result, exc_info):  # as nameko's, with our responder
        config = self.container.config
        responder = ResilientResponder(
            config[AMQP_URI_CONFIG_KEY], get_rpc_exchange(config), config.get("serializer", "json"),
            message, ssl=config.get(AMQP_SSL_CONFIG_KEY), login_method=config.get(LOGIN_METHOD_CONFIG_KEY))
        result, exc_info = responder.send_response(result, exc_info)
        self.queue_consumer.ack_message(message)
        return result, exc_info


class ResilientRpc(Rpc):
    rpc_consumer = ResilientRpcConsumer()

    def unpack_message_headers(self, message):
        """The caller's context data, and which request this is and whether the broker delivered
        it before (services/common/idempotency.py replays a redelivered request's answer). Taken
        from the message, over anything a caller's headers say."""
        data = super().unpack_message_headers(message)
        data.pop(REDELIVERED, None)
        data[CALL] = message.properties.get("correlation_id")
        if message.delivery_info.get("redelivered"):
            data[REDELIVERED] = True
        return data


class ResilientReplyListener(ReplyListener):
    """nameko's reply listener, consuming without acks: an ack per reply was one more frame to the
    broker on every call (issue 19), and a reply is only worth something to the caller waiting in
    this process; one this process cannot take is lost with it, acked or not (ack_message is then
    a no-op: kombu skips acks of a no-ack consumer)."""
    queue_consumer = ResilientQueueConsumer()
    no_ack = True


class ResilientRpcProxy(RpcProxy):
    """An RpcProxy whose replies arrive through the resilient consumer and whose requests give
    up on an unreachable broker within about a second (the caller turns that into a 503)."""

    rpc_reply_listener = ResilientReplyListener()

    def __init__(self, target_service, **options):
        options.setdefault("retry_policy", FAST_RETRY_POLICY)
        super().__init__(target_service, **options)

    def get_dependency(self, worker_ctx):
        return PooledServiceProxy(worker_ctx, self.target_service, self.rpc_reply_listener, **self.options)


def broker_error(exc: BaseException) -> bool:
    """Whether ``exc`` says the broker could not be reached (a 503, not a fault)."""
    return isinstance(exc, BROKER_ERRORS) and not isinstance(exc, NOT_BROKER_ERRORS)
