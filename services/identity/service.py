"""Identity service entrypoints: accounts, role bindings, sign-in and sessions, the audit trail.

Sign-in use cases return (not raise) a refusal that must keep what they wrote (a failure counted,
an audit record, a revoked family): ``_answer`` raises it after the transaction committed."""
from services.common.context import current_request_id
from services.common.errors import Forbidden, LianxinError
from services.common.secret_check import SecretCheck
from services.common.service_base import ServiceBase, event_consumer, rpc
from services.common.timers import config_timer
from services.common.validation import parse
from services.identity import keys, oidc, sessions, signin, totp
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


class IdentityService(ServiceBase):
    name = "identity"
    settings = Settings()
    oidc = OidcConfig()
    secret_check = SecretCheck("IDENTITY_DATA_KEY", "OIDC_CLIENT_SECRET")

    on_event = event_consumer("identity", HANDLERS)

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
            return sessions.me(session, actor)

    @rpc
    def list_sessions(self, actor):
        with self.db.read() as session:
            return sessions.list_sessions(session, actor)

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
