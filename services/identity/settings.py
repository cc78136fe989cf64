"""The identity service's settings (config.yml), given to workers as ``self.settings``, and the
sign-in policy in force (``effective_policy``)."""
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from nameko.extensions import DependencyProvider

from services.common.localtime import zone_from
from services.common.secret_check import setting

AUDIENCE = "lianxin-api"


@dataclass(frozen=True)
class Policy:
    """What sign-in enforces; the accounts part's policy table overrides these defaults."""
    lockout_threshold: int = 5
    lockout_minutes: int = 15
    idle_minutes: int = 30
    access_ttl: int = 600
    refresh_ttl_hours: int = 12
    mfa_roles: tuple[str, ...] = ("office", "leader", "admin", "security_admin", "auditor")
    password_min_length: int = 10
    password_history: int = 5


@dataclass(frozen=True)
class IdentitySettings:
    issuer: str = "lianxin"
    data_key: str = ""
    zone: ZoneInfo = ZoneInfo("Asia/Shanghai")
    defaults: Policy = Policy()


def settings_from(config: dict) -> IdentitySettings:
    roles = config.get("MFA_ROLES")
    roles = ",".join(Policy.mfa_roles) if roles is None else str(roles)
    defaults = Policy(lockout_threshold=int(config.get("LOCKOUT_THRESHOLD", 5)),
                      lockout_minutes=int(config.get("LOCKOUT_MINUTES", 15)),
                      idle_minutes=int(config.get("IDLE_MINUTES", 30)),
                      access_ttl=int(config.get("ACCESS_TTL", 600)),
                      refresh_ttl_hours=int(config.get("REFRESH_TTL_HOURS", 12)),
                      mfa_roles=tuple(r.strip() for r in roles.split(",") if r.strip()))
    return IdentitySettings(issuer=str(config.get("IDENTITY_ISSUER") or "lianxin"),
                            data_key=setting(config, "IDENTITY_DATA_KEY") or "",
                            zone=zone_from(config), defaults=defaults)


def effective_policy(session, settings: IdentitySettings) -> Policy:
    """The policy in force. TODO(merge): the accounts part's ``policy.current(session)`` replaces
    the config defaults here (one place)."""
    return settings.defaults


class Settings(DependencyProvider):
    def setup(self):
        self.settings = settings_from(self.container.config)

    def get_dependency(self, worker_ctx) -> IdentitySettings:
        return self.settings
