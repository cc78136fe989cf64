"""Messages a consumer must survive: duplicates of delivered events, and bad ones."""
import json
import uuid
from datetime import datetime, timezone

from kombu import Connection, Exchange

from scripts.isolation import SERVICES
from services.common.topology import EVENTS_EXCHANGE, queue_name
from tests.faults.reconcile import rows

# the issue's own case: a string where a list belongs, ids that are not numbers
BAD_PAYLOAD = {"suggestion_id": "abc", "lead_deputy_id": "d", "co_signer_ids": "nope"}
# an event type each consumer subscribes to (services/common/topology.py)
SUBSCRIBED = {"suggestion": "assignment.replied", "assignment": "suggestion.accepted",
              "evaluation": "assignment.replied", "station": "suggestion.submitted", "notify": "assignment.replied"}


def envelope(type_: str, payload: dict) -> dict:
    return {"event_id": str(uuid.uuid4()), "type": type_, "version": 1, "producer": type_.split(".")[0],
            "occurred_at": datetime.now(timezone.utc).isoformat(), "payload": payload}


def bad_messages(service: str) -> list[tuple[bytes, str, str | None]]:
    """(body, content type, event id if it has one) that ``service`` must park, each one."""
    invalid = [envelope(SUBSCRIBED[service], BAD_PAYLOAD)]
    if service == "evaluation":  # it stored an empty payload in its event_log without a word
        invalid.append(envelope("assignment.replied", {}))
    return [(b"\x00\xffthis is { not json", "application/json", None),
            ("这不是一个事件".encode(), "text/plain", None),
            *[(json.dumps(e).encode(), "application/json", e["event_id"]) for e in invalid]]


def plant(uri: str, service: str, messages: list[tuple[bytes, str, str | None]]) -> None:
    """Straight into the service's queue, as a faulty or hostile producer would."""
    with Connection(uri, transport_options={"confirm_publish": True}) as conn:
        producer = conn.Producer(exchange=Exchange(""))
        for body, content_type, event_id in messages:
            producer.publish(body, routing_key=queue_name(service), content_type=content_type,
                             content_encoding="binary", delivery_mode=2, message_id=event_id or str(uuid.uuid4()))


def republish_sent(system, services=SERVICES, where: str = "TRUE", fresh_ids: bool = False, **params) -> int:
    """Events already published from the outboxes (``where`` chooses), published again to the
    exchange: as they were (a duplicate delivery), or with ``fresh_ids`` as if new events."""
    count = 0
    with Connection(system.node.amqp_uri, transport_options={"confirm_publish": True}) as conn:
        producer = conn.Producer(exchange=EVENTS_EXCHANGE, serializer="json")
        for service in services:
            for row in rows(system, service, f"SELECT type, envelope FROM outbox WHERE sent_at IS NOT NULL "
                            f"AND {where} ORDER BY id", **params):
                envelope = {**row.envelope, **({"event_id": str(uuid.uuid4())} if fresh_ids else {})}
                producer.publish(envelope, routing_key=row.type, delivery_mode=2, message_id=envelope["event_id"],
                                 headers={"nameko.request_id": envelope.get("request_id") or ""})
                count += 1
    return count
