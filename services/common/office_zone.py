"""The office's time zone as a worker dependency (for a service with no rules of its own to carry it)."""
from nameko.extensions import DependencyProvider

from services.common.localtime import zone_from


class OfficeZone(DependencyProvider):
    """The ZoneInfo named by OFFICE_TIMEZONE, read once at start-up (a bad name fails the start)."""

    def setup(self):
        self.zone = zone_from(self.container.config)

    def get_dependency(self, worker_ctx):
        return self.zone
