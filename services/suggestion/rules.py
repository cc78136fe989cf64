"""The suggestion service's configurable rules (config.yml), given to workers as ``self.rules``."""
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from nameko.extensions import DependencyProvider

from services.common.localtime import zone, zone_from
from services.suggestion import taxonomy


@dataclass(frozen=True)
class Rules:
    # code -> 名称 of the category taxonomy, in the file's order
    categories: dict = field(default_factory=lambda: taxonomy.load(taxonomy.DEFAULT_FILE))
    zone: ZoneInfo = field(default_factory=zone)  # OFFICE_TIMEZONE: the export's dates are its dates
    # the reply classes a past year's workbook may give (the assignment service's RESULT_CLASSES)
    result_classes: tuple = ("A", "B", "C")


def rules_from(config: dict) -> Rules:
    return Rules(categories=taxonomy.load(config.get("CATEGORIES_FILE") or taxonomy.DEFAULT_FILE),
                 zone=zone_from(config),
                 result_classes=tuple(str(c).strip() for c in str(config.get("HISTORY_RESULT_CLASSES") or "A,B,C").split(",")
                                      if str(c).strip()))


class SuggestionRules(DependencyProvider):
    """Rules built once when the service starts (the taxonomy file is read then)."""

    def setup(self):
        self.rules = rules_from(self.container.config)

    def get_dependency(self, worker_ctx):
        return self.rules
