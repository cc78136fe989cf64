"""The gateway's own Prometheus metrics, on a port of their own (GATEWAY_METRICS_ADDRESS).

The API port faces the internet (the Ingress routes ``/`` there); the metrics are for
Prometheus only, so they are served by a second nameko web server bound to
``METRICS_ADDRESS`` (127.0.0.1:9100 in development, 0.0.0.0:9100 in containers where
Prometheus scrapes the pod) and the API port answers ``/metrics`` with 404.
"""
from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer, parse_address

CONFIG_KEY = "METRICS_ADDRESS"


class MetricsServer(WebServer):
    """A web server of its own (nameko shares one per class), bound to METRICS_ADDRESS."""

    @property
    def bind_addr(self):
        return parse_address(self.container.config.get(CONFIG_KEY, "127.0.0.1:9100"))


class MetricsHandler(HttpRequestHandler):
    server = MetricsServer()


metrics_http = MetricsHandler.decorator
