"""Single sign-on's settings (config.yml OIDC_*), given to workers as ``self.oidc``.

OIDC_ISSUER empty: single sign-on is off (its routes answer 404). Set, the client id and the
redirect URI must be too, or the service refuses to start naming what is missing."""
from dataclasses import dataclass

from nameko.extensions import DependencyProvider

from services.common.secret_check import setting
from services.identity.oidc_domain import ACCOUNT_FIELDS


@dataclass(frozen=True)
class OidcSettings:
    issuer: str = ""                 # the platform's issuer URL, exactly as its discovery document says
    client_id: str = ""
    client_secret: str = ""
    redirect_uri: str = ""           # the gateway's /api/v1/auth/oidc/callback as the platform reaches it
    subject_claim: str = "preferred_username"
    account_field: str = "login"     # login | phone | email: the account column the claim is matched with
    scopes: str = "openid profile"
    request_ttl: int = 600           # seconds between start and callback
    http_timeout: float = 5.0

    @property
    def enabled(self) -> bool:
        return bool(self.issuer)


def oidc_settings_from(config: dict) -> OidcSettings:
    settings = OidcSettings(
        issuer=str(config.get("OIDC_ISSUER") or "").strip(),
        client_id=str(config.get("OIDC_CLIENT_ID") or "").strip(),
        client_secret=setting(config, "OIDC_CLIENT_SECRET") or "",
        redirect_uri=str(config.get("OIDC_REDIRECT_URI") or "").strip(),
        subject_claim=str(config.get("OIDC_SUBJECT_CLAIM") or "preferred_username").strip(),
        account_field=str(config.get("OIDC_ACCOUNT_FIELD") or "login").strip().lower(),
        scopes=str(config.get("OIDC_SCOPES") or "openid profile"),
        request_ttl=int(config.get("OIDC_REQUEST_TTL") or 600),
        http_timeout=float(config.get("OIDC_HTTP_TIMEOUT") or 5))
    if settings.account_field not in ACCOUNT_FIELDS:
        raise ValueError(f"OIDC_ACCOUNT_FIELD must be one of {', '.join(ACCOUNT_FIELDS)}, "
                         f"not {settings.account_field!r}")
    if settings.enabled:
        missing = [name for name, value in (("OIDC_CLIENT_ID", settings.client_id),
                                            ("OIDC_CLIENT_SECRET", settings.client_secret),
                                            ("OIDC_REDIRECT_URI", settings.redirect_uri)) if not value]
        if missing:
            raise ValueError(f"OIDC_ISSUER is set but {', '.join(missing)} is not")
    return settings


class OidcConfig(DependencyProvider):
    def setup(self):
        self.settings = oidc_settings_from(self.container.config)

    def get_dependency(self, worker_ctx) -> OidcSettings:
        return self.settings
