"""Prometheus metrics: nameko-prometheus times every entrypoint; helpers for our own.

prometheus_client's default registry refuses a metric name twice, and tests
start a service container many times in one process, so metrics are created
once per name and reused.
"""
from nameko_prometheus import PrometheusMetrics
from nameko_prometheus.dependencies import MetricsServer

_created: dict = {}
_provider_metrics: dict = {}


def get_or_create(kind, name: str, documentation: str, labels=(), **kwargs):
    if name not in _created:
        _created[name] = kind(name, documentation, labels, **kwargs)
    return _created[name]


class MetricsExposition(MetricsServer):
    """nameko-prometheus's ``/metrics`` answer, also for a request with no ``Accept`` header.

    It reads ``request.headers["Accept"]``, a KeyError (a 500) for clients that send none,
    such as Python's urllib; no header means any type, so the plain text format.
    """

    def expose_metrics(self, request):
        request.environ.setdefault("HTTP_ACCEPT", "*/*")
        return super().expose_metrics(request)


class Metrics(PrometheusMetrics):
    """nameko-prometheus, safe to set up more than once per process."""

    def get_dependency(self, worker_ctx) -> MetricsExposition:
        return MetricsExposition()

    def setup(self) -> None:
        prefix = self.container.service_name
        if prefix in _provider_metrics:
            self.__dict__.update(_provider_metrics[prefix])
            return
        before = set(self.__dict__)
        super().setup()
        _provider_metrics[prefix] = {k: v for k, v in self.__dict__.items() if k not in before}

