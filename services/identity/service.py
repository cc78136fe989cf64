"""Identity service entrypoints: accounts, role bindings, sign-in and sessions, the audit trail.

Sign-in use cases return (not raise) a refusal that must keep what they wrote (a failure counted,
an audit record, a revoked family): ``_answer`` raises it after the transaction committed."""
import base64

from nameko.extensions import DependencyProvider

from services.common.context import current_request_id
from services.common.errors import Forbidden, LianxinError
from services.common.localtime import zone_from
from services.common.secret_check import SecretCheck
from services.common.service_base import ServiceBase, event_consumer, rpc
from services.common.timers import config_timer
from services.common.validation import parse
from services.identity import (accounts, audit_rules, audit_trail, audit_views, imports, keys, oidc, policy, roles,
                               session_views, sessions, signin, totp, views)
from services.identity.consumers import HANDLERS
from services.identity.errors import MESSAGES, InvalidCredentials
from services.identity.oidc_settings import OidcConfig
from services.identity.schemas import MfaIn, PasswordChangeIn, RefreshIn, SignInIn, TotpConfirmIn, TotpEnrolIn
from services.identity.settings import Settings, effective_policy


def _answer(result):
    if isinstance(result, LianxinError):
        raise result
    return result


def security_admin_only(actor: dict) -> None:
    if (actor or {}).get("role") != "security_admin":
        raise Forbidden("only a security administrator may do this")


def without_passwords(answer):
    """What an Idempotency-Key replay answers: the account(s) without the one-time password, which
    is shown once and never stored (reset the password if the first answer was lost)."""
    if isinstance(answer, dict):
        return {k: (None if k == "initial_password" else without_passwords(v)) for k, v in answer.items()}
    if isinstance(answer, list):
        return [without_passwords(v) for v in answer]
    return answer


class AuditSettings(DependencyProvider):
    """AUDIT_RETENTION_DAYS (refused under 180 when the service starts) and the office's zone."""

    def setup(self):
        config = self.container.config
        self.retention_days = audit_rules.retention_days(config.get("AUDIT_RETENTION_DAYS"))
        self.zone = zone_from(config)

    def get_dependency(self, worker_ctx):
        return self


class IdentityService(ServiceBase):
    name = "identity"
    policy_defaults = policy.PolicyDefaults()
    audit = AuditSettings()
    settings = Settings()
    oidc = OidcConfig()
    secret_check = SecretCheck("IDENTITY_DATA_KEY", "OIDC_CLIENT_SECRET")

    on_event = event_consumer("identity", HANDLERS)

    # ---- accounts ----------------------------------------------------------------------
    @rpc(idempotent=True, redact=without_passwords)
    def create_account(self, actor, data, client=None):
        with self.db.transaction() as tx:
            return accounts.create(tx, actor, data, client)

    @rpc
    def list_accounts(self, actor, filters, limit=50, offset=0):
        with self.db.read() as session:
            return views.list_accounts(session, filters or {}, limit, offset)

    @rpc
    def get_account(self, actor, account_id):
        with self.db.read() as session:
            return views.get_account(session, account_id)

    @rpc(writes=True)
    def update_account(self, actor, account_id, data, client=None):
        with self.db.transaction() as tx:
            return accounts.update(tx, actor, account_id, data, client)

    @rpc(writes=True)
    def disable_account(self, actor, account_id, data, client=None):
        with self.db.transaction() as tx:
            return accounts.set_disabled(tx, actor, account_id, True, data, client)

    @rpc(writes=True)
    def enable_account(self, actor, account_id, client=None):
        with self.db.transaction() as tx:
            return accounts.set_disabled(tx, actor, account_id, False, None, client)

    @rpc(writes=True, redact=without_passwords)
    def reset_password(self, actor, account_id, client=None):
        with self.db.transaction() as tx:
            return accounts.reset_password(tx, actor, account_id, client)

    @rpc(idempotent=True, redact=without_passwords)
    def import_accounts(self, actor, filename, content_b64, dry_run=False, client=None):
        with self.db.transaction() as tx:
            return imports.run(tx, actor, filename, base64.b64decode(content_b64), dry_run, client)

    @rpc(idempotent=True, redact=without_passwords)
    def account_for_deputy(self, actor, deputy_id, data=None, client=None):
        with self.db.transaction() as tx:
            return accounts.account_for_deputy(tx, actor, deputy_id, data, client)

    @rpc
    def people(self, actor, filters, limit=50, offset=0):
        with self.db.read() as session:
            return views.people(session, filters or {}, limit, offset)

    # ---- role bindings -----------------------------------------------------------------
    @rpc(idempotent=True)
    def bind_role(self, actor, account_id, data, client=None):
        with self.db.transaction() as tx:
            return roles.bind(tx, actor, account_id, data, client)

    @rpc(writes=True)
    def unbind_role(self, actor, account_id, binding_id, client=None):
        with self.db.transaction() as tx:
            return roles.unbind(tx, actor, account_id, binding_id, client)

    # ---- policy ------------------------------------------------------------------------
    @rpc
    def get_policy(self, actor):
        with self.db.read() as session:
            return policy.current(session).as_dict()

    @rpc(writes=True)
    def put_policy(self, actor, data, client=None):
        with self.db.transaction() as tx:
            return policy.put(tx, actor, data, client)

    # ---- the audit trail (docs/identity.md "Audit trail") ------------------------------------
    @rpc(writes=True)
    def record_audit(self, record):
        """The gateway's record of a write route it refused or that failed (best-effort)."""
        with self.db.transaction() as tx:
            audit_trail.record_refusal(tx, record)

    @rpc
    def search_audit(self, actor, filters, limit, offset):
        """Records newest first, filtered; the search itself is recorded (audit.search)."""
        filters = filters or {}
        with self.db.transaction() as tx:
            audit_trail.record_read(tx, actor, "audit.search", filters)
            return audit_views.search(tx.session, filters, limit, offset, self.audit.zone)

    @rpc
    def export_audit(self, actor, filters):
        """The filtered records as an .xlsx workbook (base64); the export is recorded (audit.export)."""
        filters = filters or {}
        with self.db.transaction() as tx:
            audit_trail.record_read(tx, actor, "audit.export", filters)
            content = audit_views.workbook(tx.session, filters, self.audit.zone)
        return base64.b64encode(content).decode()

    @config_timer("AUDIT_PURGE_INTERVAL", 86400)
    def purge_audit_records(self):
        """Deletes records older than AUDIT_RETENTION_DAYS (0 interval: off)."""
        audit_trail.purge(self.db, self.audit.retention_days)

    # ---- sign-in -----------------------------------------------------------------------
    @rpc
    def sign_in(self, data, client=None):
        body = parse(SignInIn, data).model_dump()
        with self.db.transaction() as tx:
            result = signin.sign_in(tx, self.settings, body, client or {})
        return _answer(result)

    @rpc
    def mfa(self, data, client=None):
        body = parse(MfaIn, data).model_dump()
        with self.db.transaction() as tx:
            result = signin.mfa(tx, self.settings, body, client or {})
        return _answer(result)

    @rpc
    def totp_enrol(self, actor, data, client=None):
        body = parse(TotpEnrolIn, data)
        with self.db.transaction() as tx:
            account = signin.enrolment_account(tx, actor, body.challenge, client or {})
            if account is not None:
                return totp.enrol(tx, self.settings, account)
        raise InvalidCredentials(MESSAGES["invalid_credentials"])

    @rpc
    def totp_confirm(self, actor, data, client=None):
        body = parse(TotpConfirmIn, data).model_dump()
        with self.db.transaction() as tx:
            result = signin.confirm_totp(tx, self.settings, actor, body, client or {})
        return _answer(result)

    @rpc
    def change_password(self, actor, data, client=None):
        body = parse(PasswordChangeIn, data).model_dump()
        with self.db.transaction() as tx:
            result = signin.change_password(tx, self.settings, actor, body, client or {})
        return _answer(result)

    @rpc
    def reset_mfa(self, actor, account_id, client=None):
        security_admin_only(actor)
        with self.db.transaction() as tx:
            return totp.reset(tx, actor, account_id, client or {})

    # ---- sessions ----------------------------------------------------------------------
    @rpc
    def refresh(self, data, client=None):
        body = parse(RefreshIn, data)
        with self.db.transaction() as tx:
            result = sessions.refresh(tx, self.settings, body.refresh_token, client or {})
        return _answer(result)

    @rpc
    def sign_out(self, data, client=None):
        body = parse(RefreshIn, data)
        with self.db.transaction() as tx:
            return sessions.sign_out(tx, body.refresh_token, client or {})

    @rpc
    def sign_out_everywhere(self, actor, client=None):
        with self.db.transaction() as tx:
            return sessions.sign_out_everywhere(tx, actor, client or {})

    @rpc
    def me(self, actor):
        with self.db.read() as session:
            return session_views.me(session, actor)

    @rpc
    def list_sessions(self, actor):
        with self.db.read() as session:
            return session_views.list_sessions(session, actor)

    @config_timer("SESSION_PURGE_INTERVAL", 3600)
    def purge_sessions(self):
        """Every SESSION_PURGE_INTERVAL s (0: off): expired challenges, long-ended sessions."""
        with self.db.transaction() as tx:
            sessions.purge(tx)

    # ---- signing keys ------------------------------------------------------------------
    @rpc
    def jwks(self):
        """The public keys of the access tokens (the gateway verifies with these). Made on first need."""
        with self.db.read() as session:
            document = keys.jwks(session)
        if document["keys"]:
            return document
        with self.db.transaction() as tx:
            keys.current(tx, self.settings)
        with self.db.read() as session:
            return keys.jwks(session)

    @rpc
    def rotate_keys(self, actor, client=None):
        security_admin_only(actor)
        with self.db.transaction() as tx:
            return keys.rotate(tx, self.settings, effective_policy(tx.session, self.settings), actor, client or {})

    # ---- single sign-on (OIDC, the unified identity platform) ----------------------------
    @rpc
    def oidc_start(self, return_to=None, binding_id=None):
        """{authorization_url}: where to send the person to sign in at the platform."""
        return oidc.start(self.db, self.oidc, return_to, binding_id)

    @rpc
    def oidc_callback(self, params, client):
        """The platform's answer ({code, state, iss?} or {error, state}) → the sign-in answer."""
        client = {**(client or {}), "request_id": current_request_id()}
        return oidc.callback(self.db, self.oidc, self.settings, params or {}, client)
