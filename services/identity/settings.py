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
                      access_ttl=int(config.get("ACCESS_TTL_SECONDS", 600)),
                      refresh_ttl_hours=int(config.get("REFRESH_TTL_HOURS", 12)),
                      mfa_roles=tuple(r.strip() for r in roles.split(",") if r.strip()))
    return IdentitySettings(issuer=str(config.get("IDENTITY_ISSUER") or "lianxin"),
                            data_key=setting(config, "IDENTITY_DATA_KEY") or "",
                            zone=zone_from(config), defaults=defaults)


def effective_policy(session, settings: IdentitySettings) -> Policy:
    """What sign-in enforces now: the security administrator's policy (policy.current, seeded from
    config.yml), with the session's absolute lifetime from config.yml."""
    from services.identity import policy  # policy imports the models; settings is imported before them

    stored = policy.current(session)
    return Policy(lockout_threshold=stored.lockout_threshold, lockout_minutes=stored.lockout_minutes,
                  idle_minutes=stored.idle_minutes, access_ttl=stored.access_ttl_seconds,
                  refresh_ttl_hours=settings.defaults.refresh_ttl_hours, mfa_roles=tuple(stored.mfa_roles))


class Settings(DependencyProvider):
    def setup(self):
        self.settings = settings_from(self.container.config)

    def get_dependency(self, worker_ctx) -> IdentitySettings:
        return self.settings
