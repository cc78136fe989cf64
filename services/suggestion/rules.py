"""The suggestion service's configurable rules (config.yml), given to workers as ``self.rules``."""
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from nameko.extensions import DependencyProvider

from services.common.files import DEFAULT_MAX_BYTES
from services.common.localtime import zone, zone_from
from services.suggestion import domain, taxonomy


@dataclass(frozen=True)
class Rules:
    # code -> 名称 of the category taxonomy, in the file's order
    categories: dict = field(default_factory=lambda: taxonomy.load(taxonomy.DEFAULT_FILE))
    zone: ZoneInfo = field(default_factory=zone)  # OFFICE_TIMEZONE: the export's dates are its dates
    # NUMBERING: "single" (one series per session) or "by_kind" (大会 and 闭会 series apart)
    numbering: str = "single"
    # the label's prefix of each kind's series when numbered by kind (闭会第0001号)
    number_prefixes: dict = field(default_factory=lambda: {"session": "", "recess": "闭会"})

    attachment_max_bytes: int = DEFAULT_MAX_BYTES  # ATTACHMENT_MAX_BYTES: a bigger file is a 413
    # the reply classes a past year's workbook may give (the assignment service's RESULT_CLASSES)
    result_classes: tuple = ("A", "B", "C")

    def __post_init__(self):
        domain.check_numbering(self.numbering, self.number_prefixes)

    def number_series(self, kind: str) -> tuple[str, str]:
        return domain.number_series(kind, self.numbering, self.number_prefixes)


def rules_from(config: dict) -> Rules:
    defaults = Rules.__dataclass_fields__["number_prefixes"].default_factory()
    prefixes = {kind: str(config.get(f"NUMBER_PREFIX_{kind.upper()}", default) or "")
                for kind, default in defaults.items()}
    return Rules(categories=taxonomy.load(config.get("CATEGORIES_FILE") or taxonomy.DEFAULT_FILE),
                 zone=zone_from(config), numbering=str(config.get("NUMBERING") or "single"),
                 number_prefixes=prefixes,
                 attachment_max_bytes=int(config.get("ATTACHMENT_MAX_BYTES") or DEFAULT_MAX_BYTES),
                 result_classes=tuple(str(c).strip() for c in str(config.get("HISTORY_RESULT_CLASSES") or "A,B,C").split(",")
                                      if str(c).strip()))


class SuggestionRules(DependencyProvider):
    """Rules built once when the service starts (the taxonomy file is read then)."""

    def setup(self):
        self.rules = rules_from(self.container.config)

    def get_dependency(self, worker_ctx):
        return self.rules
