"""Notify's configuration (config.yml keys, each settable from the environment)."""
from dataclasses import dataclass, field

from nameko.extensions import DependencyProvider

from services.common.localtime import DEFAULT_ZONE, zone_from
from services.common.secret_check import setting
from services.notify import domain, policy


@dataclass(frozen=True)
class Settings:
    smtp_host: str = ""  # empty: the e-mail channel is off
    smtp_port: int = 25
    smtp_tls: str = "none"  # none | starttls | ssl
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = "lianxin@localhost"
    smtp_timeout: float = 10.0
    smtp_ca_file: str = ""  # a private CA to trust for TLS (empty: the system's)
    webhook_secret: str = ""  # refused at start-up when unset outside development mode
    webhook_timeout: float = 5.0
    office_emails: list = field(default_factory=list)
    leader_emails: list = field(default_factory=list)
    backoff: tuple = policy.DEFAULT_BACKOFF
    lease_seconds: float = 60.0  # a claimed delivery is retried after this if its sender died
    batch: int = 50
    digest_hour: int = 8
    timezone: str = DEFAULT_ZONE  # OFFICE_TIMEZONE: local dates in texts, the digest's day and hour
    digest_max_items: int = 50
    digest_due_soon_days: int = 7
    history_days: int = 30  # NOTIFY_HISTORY_DAYS: a step recorded this long after it happened tells no one
    templates: dict = field(default_factory=dict)

    @property
    def email_enabled(self) -> bool:
        return bool(self.smtp_host)


def _str(config: dict, key: str, default: str) -> str:
    value = config.get(key)
    return default if value is None or value == "" else str(value)


def from_config(config: dict) -> Settings:
    d = Settings()
    return Settings(
        smtp_host=_str(config, "SMTP_HOST", ""),
        smtp_port=int(_str(config, "SMTP_PORT", "25")),
        smtp_tls=_str(config, "SMTP_TLS", "none").lower(),
        smtp_user=_str(config, "SMTP_USER", ""),
        smtp_password=_str(config, "SMTP_PASSWORD", ""),
        smtp_from=_str(config, "SMTP_FROM", d.smtp_from),
        smtp_timeout=float(_str(config, "SMTP_TIMEOUT", "10")),
        smtp_ca_file=_str(config, "SMTP_CA_FILE", ""),
        webhook_secret=setting(config, "WEBHOOK_SECRET") or "",
        webhook_timeout=float(_str(config, "WEBHOOK_TIMEOUT", "5")),
        office_emails=policy.split_list(config.get("OFFICE_EMAILS")),
        leader_emails=policy.split_list(config.get("LEADER_EMAILS")),
        backoff=policy.parse_backoff(config.get("DELIVERY_BACKOFF")),
        lease_seconds=float(_str(config, "DELIVERY_LEASE", "60")),
        batch=int(_str(config, "DELIVERY_BATCH", "50")),
        digest_hour=int(_str(config, "DIGEST_HOUR", "8")),
        timezone=zone_from(config).key,
        digest_max_items=int(_str(config, "DIGEST_MAX_ITEMS", "50")),
        digest_due_soon_days=int(_str(config, "DIGEST_DUE_SOON_DAYS", "7")),
        history_days=int(_str(config, "NOTIFY_HISTORY_DAYS", "30")),
        templates=domain.load_templates(config.get("NOTIFY_TEMPLATES") or None),
    )


class NotifySettings(DependencyProvider):
    """Settings built once when the service starts (templates are read then)."""

    def setup(self):
        self.settings = from_config(self.container.config)

    def get_dependency(self, worker_ctx):
        return self.settings
