"""The suggestion service's configurable rules (config.yml), given to workers as ``self.rules``."""
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from nameko.extensions import DependencyProvider

from services.common.files import DEFAULT_MAX_BYTES
from services.common.localtime import zone, zone_from
from services.suggestion import taxonomy


@dataclass(frozen=True)
class Rules:
    # code -> 名称 of the category taxonomy, in the file's order
    categories: dict = field(default_factory=lambda: taxonomy.load(taxonomy.DEFAULT_FILE))
    zone: ZoneInfo = field(default_factory=zone)  # OFFICE_TIMEZONE: the export's dates are its dates
    attachment_max_bytes: int = DEFAULT_MAX_BYTES  # ATTACHMENT_MAX_BYTES: a bigger file is a 413


def rules_from(config: dict) -> Rules:
    return Rules(categories=taxonomy.load(config.get("CATEGORIES_FILE") or taxonomy.DEFAULT_FILE),
                 zone=zone_from(config),
                 attachment_max_bytes=int(config.get("ATTACHMENT_MAX_BYTES") or DEFAULT_MAX_BYTES))


class SuggestionRules(DependencyProvider):
    """Rules built once when the service starts (the taxonomy file is read then)."""

    def setup(self):
        self.rules = rules_from(self.container.config)

    def get_dependency(self, worker_ctx):
        return self.rules
