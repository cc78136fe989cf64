"""The password and session policy: one row (password_policy), its defaults from config.yml.

``current(session)`` is what sign-in, change-password, lockout and token issuing read; the
security administrator changes it with ``put`` (GET/PUT /api/v1/security/policy)."""
from dataclasses import asdict, dataclass, replace

from nameko.extensions import DependencyProvider
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from services.common.clock import now
from services.common.db import make_engine
from services.common.validation import parse
from services.identity.models import PolicyRow
from services.identity.schemas import PolicyIn
from services.identity.store import audit

DEFAULT_MFA_ROLES = ("office", "leader", "admin", "security_admin", "auditor")


@dataclass(frozen=True)
class Policy:
    min_length: int = 12             # at least 8
    classes: int = 3                 # of lower, upper, digit, symbol
    history: int = 5                 # a new password is none of the last N
    lockout_threshold: int = 5       # failures in a row that lock the account
    lockout_minutes: int = 15
    idle_minutes: int = 30           # a session unused this long ends
    access_ttl_seconds: int = 600    # an access token's life
    mfa_roles: tuple[str, ...] = DEFAULT_MFA_ROLES  # roles that must sign in with a second factor

    def as_dict(self) -> dict:
        return {**asdict(self), "mfa_roles": list(self.mfa_roles)}


FIELDS = tuple(Policy.__dataclass_fields__)
CONFIG_NAMES = {"min_length": "PASSWORD_MIN_LENGTH", "classes": "PASSWORD_CLASSES", "history": "PASSWORD_HISTORY",
                "lockout_threshold": "LOCKOUT_THRESHOLD", "lockout_minutes": "LOCKOUT_MINUTES",
                "idle_minutes": "IDLE_MINUTES", "access_ttl_seconds": "ACCESS_TTL_SECONDS",
                "mfa_roles": "MFA_ROLES"}

def defaults_from(config) -> Policy:
    """The policy config.yml gives; validated as a PUT would be (a bad value stops the service)."""
    values = {}
    for name, key in CONFIG_NAMES.items():
        raw = config.get(key)
        if raw is None or raw == "":
            continue
        if name == "mfa_roles":
            values[name] = [r.strip() for r in raw.split(",") if r.strip()] if isinstance(raw, str) else list(raw)
        else:
            values[name] = int(raw)
    return from_form(parse(PolicyIn, values), Policy())


def from_form(form: PolicyIn, base: Policy) -> Policy:
    changes = {k: getattr(form, k) for k in form.model_fields_set}
    if "mfa_roles" in changes:
        changes["mfa_roles"] = tuple(dict.fromkeys(changes["mfa_roles"]))
    return replace(base, **changes)


def seed(session, policy: Policy) -> None:
    """Store the configured defaults as the policy unless one is stored already (service start)."""
    session.execute(insert(PolicyRow).values(id=1, **policy.as_dict()).on_conflict_do_nothing())


def current(session) -> Policy:
    """The policy in force (the one row, seeded from config.yml when the service starts)."""
    row = session.get(PolicyRow, 1)
    if row is None:  # before the service first started (it stores config.yml's defaults then)
        return Policy()
    return Policy(**{k: getattr(row, k) for k in FIELDS if k != "mfa_roles"},
                  mfa_roles=tuple(row.mfa_roles))


def put(tx, actor: dict, data: dict, client: dict | None = None) -> dict:
    """Change the policy (fields not sent keep their value); recorded in the audit trail."""
    form = parse(PolicyIn, data)
    before = current(tx.session)
    policy = from_form(form, before)
    row = tx.get(PolicyRow, 1, with_for_update=True)
    if row is None:
        row = PolicyRow(id=1)
        tx.add(row)
    for key, value in policy.as_dict().items():
        setattr(row, key, value)
    row.updated_by, row.updated_at = actor.get("sub"), now()
    tx.flush()
    changed = sorted(k for k in FIELDS if getattr(before, k) != getattr(policy, k))
    audit(tx, actor, "policy_changed", {}, client, detail="changed: " + (", ".join(changed) or "nothing"))
    return policy.as_dict()


class PolicyDefaults(DependencyProvider):
    """Reads the policy's defaults from config.yml when the service starts (a bad value stops it)
    and stores them as the policy if none is stored yet; workers get the configured defaults."""

    def setup(self):
        self.defaults = defaults_from(self.container.config)

    def start(self):
        engine = make_engine(self.container.config["DB_URL"], pool_size=1,
                             application_name=f"lianxin-{self.container.service_name}-policy")
        try:
            with Session(engine) as session, session.begin():
                seed(session, self.defaults)
        finally:
            engine.dispose()

    def get_dependency(self, worker_ctx):
        return self.defaults
