"""Identity service entrypoints: accounts, role bindings, sign-in and sessions, the audit trail."""
from services.common.service_base import ServiceBase, event_consumer
from services.identity.consumers import HANDLERS


class IdentityService(ServiceBase):
    name = "identity"

    on_event = event_consumer("identity", HANDLERS)
