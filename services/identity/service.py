"""Identity service entrypoints: accounts, role bindings, sign-in and sessions, the audit trail."""
from services.common.context import current_request_id
from services.common.secret_check import SecretCheck
from services.common.service_base import ServiceBase, event_consumer, rpc
from services.identity import oidc
from services.identity.consumers import HANDLERS
from services.identity.oidc_settings import OidcConfig
from services.identity.settings import Settings


class IdentityService(ServiceBase):
    name = "identity"
    settings = Settings()
    oidc = OidcConfig()
    secret_check = SecretCheck("OIDC_CLIENT_SECRET")

    on_event = event_consumer("identity", HANDLERS)

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
