"""The gateway's settings, read from gateway/config.yml when the container starts.

Every value there comes from a ``GATEWAY_*`` variable (``${VAR:default}``); this module only
turns the config into one frozen object that the API server (gateway/http.py) holds and hands
to the entrypoints and, as ``self.settings``, to the route handlers.
"""
from dataclasses import dataclass, field

from gateway.json_body import Limits
from services.common.secret_check import development_mode, setting


@dataclass(frozen=True)
class GatewaySettings:
    rpc_timeout: float = 5.0          # seconds an RPC may take before the caller gets a 503
    max_body_bytes: int = 1024 * 1024  # a JSON body (the import route has its own, guards.py)
    max_upload_bytes: int = 10 * 1024 * 1024  # an attached file (ATTACHMENT_MAX_BYTES; the services check it too)
    max_json_depth: int = 20
    max_string_chars: int = 100_000
    public_rate: float = 120.0        # per minute and client address on open routes; 0 = off
    public_burst: int = 30
    trusted_proxies: int = 0          # proxies in front that append to X-Forwarded-For/-Proto
    cors_origins: str = ""            # comma-separated, or *; empty: no CORS headers
    cors_max_age: int = 600
    hsts_max_age: int = 31_536_000     # 0: no HSTS
    token_max_ttl: int = 12 * 3600    # the longest exp - iat accepted
    jwt_secret: str = ""              # HS256 key of development tokens; read in development mode only
    token_issuer: str = "lianxin"     # iss of the identity service's access tokens (IDENTITY_ISSUER)
    jwks_ttl: float = 300.0           # seconds the identity service's public keys are kept
    keys: object = field(default=None, compare=False, repr=False)  # the JwksCache (gateway/http.py ApiServer)

    @property
    def json_limits(self) -> Limits:
        return Limits(self.max_json_depth, self.max_string_chars)


def _value(config: dict, key: str, cast, default, if_empty):
    """``default`` when the key is absent, ``if_empty`` when its variable is set but empty
    (as the environment was read before: GATEWAY_PUBLIC_RATE= turns the limit off)."""
    if key not in config:
        return default
    value = config[key]
    return if_empty if value is None or value == "" else cast(value)


def settings_from(config: dict) -> GatewaySettings:
    d = GatewaySettings()
    return GatewaySettings(
        rpc_timeout=_value(config, "RPC_TIMEOUT", float, d.rpc_timeout, d.rpc_timeout),
        max_body_bytes=_value(config, "MAX_BODY_BYTES", int, d.max_body_bytes, d.max_body_bytes),
        max_upload_bytes=_value(config, "MAX_UPLOAD_BYTES", int, d.max_upload_bytes, d.max_upload_bytes),
        max_json_depth=_value(config, "MAX_JSON_DEPTH", int, d.max_json_depth, d.max_json_depth),
        max_string_chars=_value(config, "MAX_STRING_CHARS", int, d.max_string_chars, d.max_string_chars),
        public_rate=_value(config, "PUBLIC_RATE", float, d.public_rate, 0.0),
        public_burst=_value(config, "PUBLIC_BURST", int, d.public_burst, 1),
        trusted_proxies=_value(config, "TRUSTED_PROXIES", int, d.trusted_proxies, 0),
        cors_origins=_value(config, "CORS_ORIGINS", str, d.cors_origins, ""),
        cors_max_age=_value(config, "CORS_MAX_AGE", int, d.cors_max_age, d.cors_max_age),
        hsts_max_age=_value(config, "HSTS_MAX_AGE", int, d.hsts_max_age, 0),
        token_max_ttl=_value(config, "TOKEN_MAX_TTL", int, d.token_max_ttl, d.token_max_ttl),
        token_issuer=_value(config, "TOKEN_ISSUER", str, d.token_issuer, d.token_issuer),
        jwks_ttl=_value(config, "JWKS_TTL", float, d.jwks_ttl, d.jwks_ttl),
        # outside development mode no HS256 token is accepted, so no key is needed or read
        jwt_secret=(setting(config, "GATEWAY_JWT_SECRET") or "") if development_mode() else "")
