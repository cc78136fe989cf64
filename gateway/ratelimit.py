"""A token bucket per client address for what anyone may call without a token.

The routes open to the public role (/api/v1/public/*, the QR opinion POST, the API document
and /docs), when called without an Authorization header, take one token from the caller's
bucket; an empty bucket is a 429 with Retry-After. The buckets live in memory, per gateway
process: with N replicas behind a balancer a client may get up to N times the rate. The QR
intake keeps its own limit per link and address in the station service (shared by replicas).
The rate and burst are GATEWAY_PUBLIC_RATE and GATEWAY_PUBLIC_BURST (gateway/settings.py).
"""
import math
import time
from collections import OrderedDict

from gateway.errors import ApiError

DOCS = "/docs"
MAX_CLIENTS = 50_000  # buckets kept; the least recently seen is dropped first (it starts full again)


def client_address(request, trusted_proxies: int) -> str:
    """The caller's address, for the public routes' buckets and the QR intake limit.

    With no trusted proxy it is the connection's peer. Behind N proxies that each append the
    address they saw to X-Forwarded-For, it is the N-th entry from the right: entries further
    left were written by the client and prove nothing (as werkzeug's ProxyFix x_for=N).
    """
    forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",") if a.strip()]
    if trusted_proxies and len(forwarded) >= trusted_proxies:
        return forwarded[-trusted_proxies]
    return request.remote_addr or "unknown"


class Limiter:
    """Token buckets keyed by address: ``per_minute`` tokens a minute, at most ``burst`` stored."""

    def __init__(self, per_minute: float, burst: int, clock=time.monotonic, max_clients: int = MAX_CLIENTS):
        self.per_second = per_minute / 60
        self.burst = max(1, burst)
        self.clock = clock
        self.max_clients = max_clients
        self.buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, at)

    @property
    def enabled(self) -> bool:
        return self.per_second > 0

    def wait(self, key: str) -> int:
        """0 and a token taken, or the whole seconds until the next token (nothing taken)."""
        if not self.enabled:
            return 0
        now = self.clock()
        tokens, at = self.buckets.pop(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - at) * self.per_second)
        if tokens >= 1:
            tokens -= 1
            wait = 0
        else:
            wait = max(1, math.ceil((1 - tokens) / self.per_second))
        self.buckets[key] = (tokens, now)  # most recent last
        while len(self.buckets) > self.max_clients:
            self.buckets.popitem(last=False)
        return wait


def limited(route, headers) -> bool:
    """Counted: a route the public role may call, or the API's page (/docs, which reads no
    token), called without a token. Health, readiness and metrics are never counted."""
    open_route = route.public or route.url == DOCS or route.url.startswith(DOCS + "/")
    return open_route and not headers.get("Authorization")


def check(limiter: Limiter, key: str) -> None:
    wait = limiter.wait(key)
    if wait:
        raise ApiError(429, "rate_limited", f"too many requests from this address; retry in {wait} s",
                       [{"field": "client", "retry_after": wait}], headers={"Retry-After": str(wait)})

