"""Every exchange, queue and binding of the system, declared before any service starts.

An event published before its consumer's queue exists is dropped silently, so
`make up` (and Kubernetes' topology Job) runs ``python -m services.common.topology``
first; each consumer also declares its own queue when it starts.

All events go to one durable topic exchange, routing key = event type
("assignment.replied"). Each consuming service has one durable queue.
"""
import sys

from kombu import Connection, Exchange, Queue, binding

EVENTS_EXCHANGE = Exchange("lianxin.events", type="topic", durable=True)

PEOPLE = ["identity.account_created", "identity.account_updated", "identity.role_bound", "identity.role_unbound"]

# consumer service -> the event types (topic patterns) it receives
SUBSCRIPTIONS: dict[str, list[str]] = {
    "suggestion": [
        "station.deputy_registered", "station.deputy_updated", "station.opinion_escalated",
        "assignment.#", "evaluation.evaluated",
    ],
    # identity.account_*/role_*: the people who may be named supervising leaders (assignment) and
    # assessors (evaluation) (services/common/people.py)
    "assignment": ["suggestion.accepted", "suggestion.withdrawn", "evaluation.evaluated",
                   "station.deputy_registered", "station.deputy_updated", *PEOPLE],
    "evaluation": ["assignment.#", "suggestion.#", "station.deputy_registered", "station.deputy_updated", *PEOPLE],
    "station": ["suggestion.submitted", "suggestion.accepted"],
    "notify": [
        "suggestion.#", "assignment.#", "evaluation.#", "station.deputy_registered",
        "station.deputy_updated", "station.opinion_escalated",
        "identity.account_created", "identity.account_updated",  # people's own addresses (person:<sub>)
    ],
    # the roster, to give a registered deputy an account in one step; the audit trail of every service
    "identity": ["station.deputy_registered", "station.deputy_updated", "audit.recorded"],
}


def matches(pattern: str, routing_key: str) -> bool:
    """RabbitMQ's topic match: ``*`` is one word, ``#`` zero or more."""
    def match(p: list[str], k: list[str]) -> bool:
        if not p:
            return not k
        if p[0] == "#":
            return any(match(p[1:], k[i:]) for i in range(len(k) + 1))
        return bool(k) and p[0] in ("*", k[0]) and match(p[1:], k[1:])
    return match(pattern.split("."), routing_key.split("."))


def queue_name(service: str) -> str:
    return f"lianxin.{service}.events"


def event_queue(service: str) -> Queue:
    return Queue(
        queue_name(service),
        bindings=[binding(EVENTS_EXCHANGE, routing_key=key) for key in SUBSCRIPTIONS[service]],
        durable=True,
    )


def declare_all(amqp_uri: str) -> list[str]:
    with Connection(amqp_uri) as conn:
        channel = conn.channel()
        EVENTS_EXCHANGE(channel).declare()
        names = []
        for service in SUBSCRIPTIONS:
            queue = event_queue(service)(channel)
            queue.declare()
            names.append(queue.name)
        return names


def main(argv: list[str]) -> int:
    import os

    uri = argv[1] if len(argv) > 1 else os.environ.get("AMQP_URI", "pyamqp://guest:guest@127.0.0.1:5672//")
    for name in declare_all(uri):
        print(f"declared {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
