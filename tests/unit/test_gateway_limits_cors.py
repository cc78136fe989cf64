"""The public routes' token bucket and the CORS policy, with a hand-driven clock."""
import pytest

from gateway import ratelimit
from gateway.auth import EVERYONE
from gateway.contract import Route
from gateway.cors import ALLOW_HEADERS, Cors
from gateway.errors import ApiError


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_a_burst_is_taken_then_refused_with_the_seconds_to_wait():
    clock = Clock()
    limiter = ratelimit.Limiter(per_minute=60, burst=3, clock=clock)
    assert [limiter.wait("1.2.3.4") for _ in range(3)] == [0, 0, 0]
    assert limiter.wait("1.2.3.4") == 1
    assert limiter.wait("5.6.7.8") == 0  # another address has its own bucket
    clock.now += 1.0
    assert limiter.wait("1.2.3.4") == 0  # one token a second
    assert limiter.wait("1.2.3.4") == 1


def test_refill_never_exceeds_the_burst_and_retry_after_is_whole_seconds():
    clock = Clock()
    limiter = ratelimit.Limiter(per_minute=6, burst=2, clock=clock)  # a token every 10 s
    assert [limiter.wait("a") for _ in range(3)] == [0, 0, 10]
    clock.now += 3.5
    assert limiter.wait("a") == 7  # 6.5 s left, rounded up; a refused request takes nothing
    clock.now += 3600
    assert [limiter.wait("a") for _ in range(3)] == [0, 0, 10]


def test_rate_zero_turns_it_off():
    limiter = ratelimit.Limiter(per_minute=0, burst=1, clock=Clock())
    assert not limiter.enabled
    assert all(limiter.wait("a") == 0 for _ in range(1000))


def test_buckets_are_bounded_dropping_the_least_recently_seen():
    clock = Clock()
    limiter = ratelimit.Limiter(per_minute=1, burst=1, clock=clock, max_clients=3)
    for key in "abc":
        assert limiter.wait(key) == 0
    assert limiter.wait("a") > 0  # a is now the most recent
    assert limiter.wait("d") == 0  # drops b
    assert list(limiter.buckets) == ["c", "a", "d"]
    assert limiter.wait("a") > 0


def test_check_raises_429_with_retry_after():
    limiter = ratelimit.Limiter(per_minute=30, burst=1, clock=Clock())
    ratelimit.check(limiter, "a")
    with pytest.raises(ApiError) as info:
        ratelimit.check(limiter, "a")
    assert (info.value.status, info.value.code, info.value.headers) == (429, "rate_limited", {"Retry-After": "2"})
    assert info.value.details[0]["retry_after"] == 2


def test_only_open_routes_without_a_token_count():
    def route(url, *roles):
        return Route(method="GET", url=url, name="x", roles=roles)

    public = route("/api/v1/public/suggestions", *EVERYONE)
    assert ratelimit.limited(public, {})
    assert not ratelimit.limited(public, {"Authorization": "Bearer x"})
    assert ratelimit.limited(route("/docs"), {}) and ratelimit.limited(route("/docs/assets/<path:name>"), {})
    for closed in (route("/api/v1/deputies", "office"), route("/healthz"), route("/readyz"), route("/metrics"),
                   route("/docsx")):
        assert not ratelimit.limited(closed, {})


def test_cors_off_by_default():
    cors = Cors("")
    assert not cors.enabled
    assert cors.preflight("https://a.example") == {} and cors.simple("https://a.example") == {}


def test_cors_list_allows_listed_origins_only():
    cors = Cors(" https://a.example/ , http://localhost:5173", max_age=120)
    pre = cors.preflight("https://a.example")
    assert pre["Access-Control-Allow-Origin"] == "https://a.example"
    assert pre["Access-Control-Allow-Headers"] == ALLOW_HEADERS
    assert "Idempotency-Key" in ALLOW_HEADERS and "PATCH" in pre["Access-Control-Allow-Methods"]
    assert pre["Access-Control-Max-Age"] == "120" and pre["Vary"] == "Origin"
    simple = cors.simple("HTTP://LOCALHOST:5173")
    assert simple["Access-Control-Allow-Origin"] == "HTTP://LOCALHOST:5173"
    assert simple["Access-Control-Expose-Headers"] == "X-Request-Id, Retry-After"
    for origin in ("https://evil.example", "https://a.example.evil.example", None, ""):
        assert "Access-Control-Allow-Origin" not in cors.preflight(origin)
        assert "Access-Control-Allow-Origin" not in cors.simple(origin)


def test_cors_star_allows_any_origin_without_credentials():
    cors = Cors("*")
    assert cors.simple("https://any.example")["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in cors.preflight("https://any.example")
    assert cors.simple(None) == {}  # not a browser's cross-origin call
