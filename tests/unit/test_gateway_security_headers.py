"""Security headers on every answer of the gateway's WSGI app (gateway/security.py)."""
from werkzeug.routing import Map, Rule
from werkzeug.test import Client
from werkzeug.wrappers import Response

from gateway.http import JsonErrorsApp
from gateway.security import over_https, secure
from gateway.settings import settings_from


class Provider:
    def __init__(self, response):
        self.response = response

    def handle_request(self, request):
        return self.response()


class Server:
    settings = settings_from({})  # config.yml's defaults, as the API server reads them at start

    def __init__(self, **rules):
        self.rules = rules

    def make_url_map(self):
        return Map([Rule(path, endpoint=Provider(answer), methods=["GET"]) for path, answer in self.rules.items()])


def client(**rules):
    return Client(JsonErrorsApp(Server(**rules)))


def json_answer():
    return Response('{"items": []}', content_type="application/json")


def own_cache_answer():
    return Response("x", headers={"Cache-Control": "public, max-age=60", "Content-Security-Policy": "default-src 'self'"})


def test_api_answers_are_not_stored_framed_or_sniffed():
    answer = client(**{"/api/v1/deputies": json_answer}).get("/api/v1/deputies")
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]
    assert answer.headers["Referrer-Policy"] == "no-referrer"
    assert "Strict-Transport-Security" not in answer.headers


def test_the_routers_own_refusals_get_them_too():
    app = client(**{"/api/v1/deputies": json_answer})
    for answer in (app.get("/no\nsuch"), app.post("/api/v1/deputies")):
        assert answer.status_code in (404, 405)
        assert answer.headers["X-Content-Type-Options"] == "nosniff" and answer.headers["Cache-Control"] == "no-store"


def test_an_answer_with_its_own_cache_and_policy_keeps_them():
    answer = client(**{"/docs/assets/a.css": own_cache_answer}).get("/docs/assets/a.css")
    assert answer.headers["Cache-Control"] == "public, max-age=60"
    assert answer.headers["Content-Security-Policy"] == "default-src 'self'"
    assert answer.headers["X-Frame-Options"] == "DENY"


def test_hsts_only_over_https_or_from_a_trusted_proxy():
    https = {"X-Forwarded-Proto": "https"}
    assert over_https({"wsgi.url_scheme": "https"}, {}, trusted_proxies=0)
    assert not over_https({"wsgi.url_scheme": "http"}, https, trusted_proxies=0)  # a client could say so
    assert over_https({"wsgi.url_scheme": "http"}, https, trusted_proxies=1)
    assert not over_https({"wsgi.url_scheme": "http"}, {"X-Forwarded-Proto": "https, http"}, trusted_proxies=1)
    answer = secure(Response(), {"wsgi.url_scheme": "http"}, https, trusted_proxies=1, hsts_max_age=600)
    assert answer.headers["Strict-Transport-Security"] == "max-age=600; includeSubDomains"
    assert "Strict-Transport-Security" not in secure(Response(), {}, https, trusted_proxies=1, hsts_max_age=0).headers


def test_the_api_server_sends_without_waiting_for_acks():
    """TCP_NODELAY on the listening socket, which accepted connections inherit: an answer larger
    than eventlet's write buffer leaves in two writes, and the body must not wait for the
    client's delayed ACK of the headers (bench/README.md "Fixed cost per read")."""
    import socket

    import eventlet

    from gateway.http import ApiServer

    sock = eventlet.listen(("127.0.0.1", 0))
    try:
        ApiServer.get_wsgi_server(object.__new__(ApiServer), sock, client().application)
        client_sock = socket.create_connection(sock.getsockname())
        accepted, _ = sock.accept()
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        accepted.close()
        client_sock.close()
    finally:
        sock.close()
