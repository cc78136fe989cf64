"""The station service's configurable rules (config.yml), given to workers as ``self.rules``."""
from dataclasses import dataclass, field

from nameko.extensions import DependencyProvider

from services.common.secret_check import setting
from services.station import domain

DEFAULT_POINTS = {"reception": 2, "research": 3, "inspection": 0, "training": 0, "visit": 0,
                  "suggestion_submitted": 5, "suggestion_accepted": 5, "suggestion_co_signed": 0}

@dataclass(frozen=True)
class Rules:
    points: dict = field(default_factory=lambda: dict(DEFAULT_POINTS))
    reception_day: int = 10
    reception_weekend: str = "keep"
    public_base_url: str = "http://127.0.0.1:8000"
    intake_limit: int = 5
    intake_window: int = 600
    intake_secret: str = ""  # refused at start-up when unset outside development mode

    def qr_url(self, token: str) -> str:
        return f"{self.public_base_url.rstrip('/')}/s/{token}"


def rules_from(config: dict) -> Rules:
    points = dict(DEFAULT_POINTS)
    for key, value in (config.get("POINTS") or {}).items():
        points[str(key)] = int(value)
    rules = Rules(points=points,
                  reception_day=int(config.get("RECEPTION_DAY", 10)),
                  reception_weekend=str(config.get("RECEPTION_WEEKEND", "keep")),
                  public_base_url=str(config.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000")),
                  intake_limit=int(config.get("INTAKE_RATE_LIMIT", 5)),
                  intake_window=int(config.get("INTAKE_RATE_WINDOW", 600)),
                  intake_secret=setting(config, "INTAKE_SECRET") or "")
    if not 1 <= rules.reception_day <= 31 or rules.reception_weekend not in domain.WEEKEND_RULES:
        raise ValueError("RECEPTION_DAY is 1-31 and RECEPTION_WEEKEND one of " + ", ".join(domain.WEEKEND_RULES))
    return rules


class StationRules(DependencyProvider):
    def setup(self):
        self.rules = rules_from(self.container.config)

    def get_dependency(self, worker_ctx):
        return self.rules
