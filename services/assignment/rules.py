"""The assignment service's configurable rules (config.yml), given to workers as ``self.rules``."""
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from nameko.extensions import DependencyProvider

from services.assignment import domain, schedule
from services.common.files import DEFAULT_MAX_BYTES
from services.common.localtime import zone_from

OFFICE_LEVELS = ("national", "provincial", "city", "county", "township")
LETTER_TEMPLATE = Path(__file__).with_name("templates") / "urging_letter.txt"


@dataclass(frozen=True)
class Rules:
    deadlines: dict = field(default_factory=lambda: dict(domain.DEFAULT_DEADLINES))
    result_classes: dict = field(default_factory=lambda: dict(domain.RESULT_CLASSES))
    follow_up_classes: tuple = domain.FOLLOW_UP_CLASSES
    due_soon_days: tuple = schedule.DUE_SOON_DAYS
    letter_template: Path = LETTER_TEMPLATE
    zone: ZoneInfo = domain.OFFICE_ZONE  # OFFICE_TIMEZONE: due dates end with its days, letters show its dates
    attachment_max_bytes: int = DEFAULT_MAX_BYTES  # ATTACHMENT_MAX_BYTES: a reply's file may be this large
    # the congress this office serves (OFFICE_LEVEL, OFFICE_REGION): routing's jurisdiction (issue 18)
    office_level: str | None = None
    office_region: str | None = None


def rules_from(config: dict) -> Rules:
    """DEADLINES (days), RESULT_CLASSES ({code: label}), FOLLOW_UP_CLASSES, DUE_SOON_DAYS,
    URGING_LETTER_TEMPLATE, OFFICE_TIMEZONE, OFFICE_LEVEL, OFFICE_REGION; anything missing takes the
    DESIGN.md default (no level or region: routing ranks without jurisdiction)."""
    deadlines = dict(domain.DEFAULT_DEADLINES)
    for key, value in (config.get("DEADLINES") or {}).items():
        if key not in deadlines:
            raise ValueError(f"DEADLINES: unknown key {key!r} (known: {', '.join(deadlines)})")
        deadlines[key] = int(value)
    classes = {str(k): str(v) for k, v in (config.get("RESULT_CLASSES") or domain.RESULT_CLASSES).items()}
    follow_up = tuple(str(c) for c in (config.get("FOLLOW_UP_CLASSES") or domain.FOLLOW_UP_CLASSES))
    unknown = [c for c in follow_up if c not in classes]
    if unknown:
        raise ValueError(f"FOLLOW_UP_CLASSES {unknown} are not in RESULT_CLASSES {list(classes)}")
    due_soon = tuple(int(d) for d in (config.get("DUE_SOON_DAYS") or schedule.DUE_SOON_DAYS))
    template = Path(config.get("URGING_LETTER_TEMPLATE") or LETTER_TEMPLATE)
    if not template.is_absolute():  # relative to the repository, wherever the process runs
        template = LETTER_TEMPLATE.parents[3] / template
    level = str(config.get("OFFICE_LEVEL") or "").strip() or None
    if level is not None and level not in OFFICE_LEVELS:
        raise ValueError(f"OFFICE_LEVEL {level!r} is not one of {', '.join(OFFICE_LEVELS)}")
    region = str(config.get("OFFICE_REGION") or "").strip() or None
    return Rules(deadlines, classes, follow_up, due_soon, template, zone_from(config),
                 attachment_max_bytes=int(config.get("ATTACHMENT_MAX_BYTES") or DEFAULT_MAX_BYTES),
                 office_level=level, office_region=region)


class AssignmentRules(DependencyProvider):
    """Parses the config once at start-up (a bad value fails the start, not a request)."""

    def setup(self):
        self.rules = rules_from(self.container.config)

    def get_dependency(self, worker_ctx):
        return self.rules
