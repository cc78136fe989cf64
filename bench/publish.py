"""One RPC-sized publish: nameko's Publisher against ours (services/common/amqp.py PooledPublisher),
side by side on the same broker, without confirms, as the gateway's requests and the services'
replies are published (issue 19); ours both ways: its quick send, and through kombu's
``Producer.publish`` as before the twelfth session (a subclass that never takes the quick way).

    python -m bench.publish [--messages 3000] [--rounds 3]

Publishes to amq.direct with a routing key no queue is bound to (the broker drops each message:
the publishing side is what is measured), alternating the two for --rounds rounds; prints µs per
publish of each round.
"""
from __future__ import annotations

import argparse
import os
import time

from kombu import Exchange
from nameko.amqp.publish import Publisher

from services.common.amqp import PooledPublisher

BODY = {"args": [{"role": "deputy", "sub": "bench"}, {"title": "关于加强社区养老服务的建议"}], "kwargs": {}}


class ThroughKombu(PooledPublisher):
    QUICK_KWARGS = frozenset()  # every publish through kombu's Producer.publish


def per_publish_us(publisher, messages: int) -> float:
    started = time.perf_counter()
    for _ in range(messages):
        publisher.publish(BODY, routing_key="lianxin.bench.nowhere", expiration=5)
    return (time.perf_counter() - started) / messages * 1e6


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--messages", type=int, default=3000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)
    uri = os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
    exchange = Exchange("amq.direct")
    sides = {"nameko Publisher": Publisher(uri, use_confirms=False, exchange=exchange),
             "PooledPublisher through kombu's publish": ThroughKombu(uri, use_confirms=False, exchange=exchange),
             "PooledPublisher": PooledPublisher(uri, use_confirms=False, exchange=exchange)}
    for publisher in sides.values():
        per_publish_us(publisher, 200)  # connect, warm up
    for round_ in range(1, args.rounds + 1):
        print(f"round {round_}: " + ", ".join(
            f"{name} {per_publish_us(p, args.messages):.0f} µs" for name, p in sides.items()))


if __name__ == "__main__":
    main()
