"""Secrets a process refuses to start with outside development mode.

Development mode is explicit: ``LIANXIN_ENV=development``, which scripts/env.sh sets for
`make up` and the tests and which compose and Kubernetes never set. In it a secret left unset
takes its development value below. Outside it every process checks its secrets when it starts
(``SecretCheck``, a dependency of ServiceBase and of the gateway) and refuses a missing, short,
published or placeholder one, naming the variable in the log and in the exception it exits with.
"""
import logging
import os
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from nameko.extensions import DependencyProvider

log = logging.getLogger(__name__)

MODE_VARIABLE = "LIANXIN_ENV"
DEVELOPMENT = "development"
MIN_KEY_BYTES = 32       # HMAC keys (JWT HS256, intake, webhooks): at least the hash's 32 bytes
MIN_PASSWORD_BYTES = 16  # accounts on the broker and the database

# Published in this repository for development, so known to everyone.
DEVELOPMENT_VALUES = {
    "GATEWAY_JWT_SECRET": "dev-secret-change-me-0123456789abcdef",
    "INTAKE_SECRET": "dev-intake-secret-change-me",
    "WEBHOOK_SECRET": "dev-webhook-secret-change-me",
    "IDENTITY_DATA_KEY": "dev-identity-data-key-change-me-0123456789abcdef",
}
KNOWN = {v.lower() for v in DEVELOPMENT_VALUES.values()} | {
    "guest", "lianxin", "postgres", "root", "admin", "password", "secret", "changeme", "change-me"}
PLACEHOLDER = re.compile(r"change.?me|placeholder|dev.?only|dev.?secret|example|^<.*>$|\$\{", re.I)

# name -> (required, minimum bytes) of the keys a process may name in SecretCheck(...)
KEYS = {
    "GATEWAY_JWT_SECRET": (True, MIN_KEY_BYTES),
    "INTAKE_SECRET": (True, MIN_KEY_BYTES),
    "WEBHOOK_SECRET": (True, MIN_KEY_BYTES),
    "IDENTITY_DATA_KEY": (True, MIN_KEY_BYTES),  # AES-GCM of TOTP secrets and signing keys (identity)
    "SMTP_PASSWORD": (False, 1),  # the mail provider's; empty: no SMTP login
    "OIDC_CLIENT_SECRET": (False, MIN_PASSWORD_BYTES),  # issued by the identity platform; empty: no SSO
}


class WeakSecrets(RuntimeError):
    """Raised at start-up outside development mode; the message names every variable at fault."""


@dataclass(frozen=True)
class Secret:
    name: str  # what the operator sets, as they would look for it
    value: str | None
    min_bytes: int = MIN_KEY_BYTES
    required: bool = True


def problem(secret: Secret) -> str | None:
    """Why this secret may not be used outside development mode, or None."""
    value = secret.value or ""
    if not value:
        return f"{secret.name} is not set" if secret.required else None
    if value.lower() in KNOWN:
        return f"{secret.name} is a published default value"
    if PLACEHOLDER.search(value):
        return f"{secret.name} is a placeholder"
    if len(value.encode()) < secret.min_bytes:
        return f"{secret.name} is shorter than {secret.min_bytes} bytes"
    return None


def development_mode(environ=os.environ) -> bool:
    return environ.get(MODE_VARIABLE, "").strip().lower() == DEVELOPMENT


def setting(config: dict | None, name: str, environ=os.environ) -> str | None:
    """A secret from config.yml, else the environment; unset in development mode: its development value."""
    value = (config or {}).get(name)
    if value is None or value == "":
        value = environ.get(name) or None
    if value is None and development_mode(environ):
        value = DEVELOPMENT_VALUES.get(name)
    return None if value is None else str(value)


def broker_problems(uri: str | None) -> list[str | None]:
    """The AMQP account: kombu logs in as guest/guest when the URI names no user."""
    parts = urlsplit(uri or "")
    password = unquote(parts.password or "guest")
    found = [problem(Secret("AMQP_URI's password", password, MIN_PASSWORD_BYTES))]
    if unquote(parts.username or "guest") == "guest":
        found.append("AMQP_URI logs in as RabbitMQ's guest account")
    return found


def database_problem(url: str | None, environ=os.environ) -> str | None:
    """The database password if one is given (in the URL, else PGPASSWORD): none may mean peer or cert auth."""
    password = urlsplit(url or "").password
    if password is not None:
        return problem(Secret("the password in PG_URL", unquote(password), MIN_PASSWORD_BYTES))
    return problem(Secret("PGPASSWORD", environ.get("PGPASSWORD"), MIN_PASSWORD_BYTES, required=False))


def problems_of(config: dict, names=(), environ=os.environ) -> list[str]:
    """Every problem of a process's secrets: the keys it names, its broker account, its database's."""
    found = [problem(Secret(name, setting(config, name, environ), KEYS[name][1], KEYS[name][0])) for name in names]
    found += broker_problems(config.get("AMQP_URI"))
    if config.get("DB_URL"):
        found.append(database_problem(config["DB_URL"], environ))
    return [p for p in found if p]


def refuse_weak_secrets(config: dict, names=(), environ=os.environ) -> None:
    if development_mode(environ):
        return
    problems = problems_of(config, names, environ)
    if problems:
        message = (f"refusing to start outside development mode ({MODE_VARIABLE}={DEVELOPMENT} not set): "
                   + "; ".join(problems))
        log.critical(message)
        raise WeakSecrets(message)


class SecretCheck(DependencyProvider):
    """``secret_check = SecretCheck("INTAKE_SECRET")``: checks the named keys (see KEYS), the
    broker account and the database password when the container is set up."""

    def __init__(self, *names: str):
        unknown = set(names) - set(KEYS)
        if unknown:
            raise ValueError(f"no rule for {sorted(unknown)}")
        self.names = names

    def setup(self):
        refuse_weak_secrets(self.container.config, self.names)
