"""Events the identity service publishes (its contract; services/common/events.py registers them)."""
from services.common.events import Event


class AccountEvent(Event):
    """identity.account_created / account_updated: who a person is, for contacts and directories."""
    account_id: int
    sub: str
    login: str
    display_name: str
    phone: str | None
    email: str | None
    disabled: bool
    roles: list[dict]  # [{role, deputy_id?, unit_id?, station_id?}]


class AccountCreated(AccountEvent):
    event_type = "identity.account_created"


class AccountUpdated(AccountEvent):
    event_type = "identity.account_updated"


class RoleEvent(Event):
    account_id: int
    sub: str
    binding_id: int
    role: str
    deputy_id: int | None
    unit_id: int | None
    station_id: int | None
    actor: str | None


class RoleBound(RoleEvent):
    event_type = "identity.role_bound"


class RoleUnbound(RoleEvent):
    event_type = "identity.role_unbound"
