"""Request models of the identity service (the published contract the gateway imports)."""
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.common.schemas import Id

BindableRole = Literal["admin", "security_admin", "auditor", "office", "leader", "assessor", "deputy",
                       "unit", "station"]
SCOPE_OF = {"deputy": "deputy_id", "unit": "unit_id", "station": "station_id"}


class BindingIn(BaseModel):
    """One role binding: a deputy/unit/station role names its deputy/unit/station, no other does."""
    model_config = ConfigDict(extra="forbid")
    role: BindableRole
    deputy_id: Id | None = None
    unit_id: Id | None = None
    station_id: Id | None = None

    @model_validator(mode="after")
    def scoped(self):
        needs = SCOPE_OF.get(self.role)
        for field in SCOPE_OF.values():
            given = getattr(self, field) is not None
            if field == needs and not given:
                raise ValueError(f"{field} is required for the {self.role} role")
            if field != needs and given:
                raise ValueError(f"{field} is not allowed for the {self.role} role")
        return self


class AccountIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    login: str = Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._@-]*$")
    display_name: str = Field(min_length=1, max_length=100)
    phone: str | None = Field(default=None, max_length=30)
    email: str | None = Field(default=None, max_length=200)
    roles: list[BindingIn] = Field(default_factory=list, max_length=20)


# ---- sign-in and sessions (signin.py, sessions.py) -----------------------------------------
class SignInIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    login: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=1000)
    binding_id: Id | None = None


class MfaIn(BaseModel):
    """The second factor: ``code`` (TOTP) or ``recovery_code``, exactly one."""
    model_config = ConfigDict(extra="forbid")
    challenge: str = Field(min_length=1, max_length=200)
    code: str | None = Field(default=None, max_length=20)
    recovery_code: str | None = Field(default=None, max_length=40)

    @model_validator(mode="after")
    def one_factor(self):
        if (self.code is None) == (self.recovery_code is None):
            raise ValueError("give either code or recovery_code")
        return self


class TotpEnrolIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    challenge: str | None = Field(default=None, max_length=200)


class TotpConfirmIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=20)
    challenge: str | None = Field(default=None, max_length=200)


class PasswordChangeIn(BaseModel):
    """With a password_change challenge, or signed in with ``current_password``."""
    model_config = ConfigDict(extra="forbid")
    new_password: str = Field(min_length=1, max_length=1000)
    challenge: str | None = Field(default=None, max_length=200)
    current_password: str | None = Field(default=None, max_length=1000)


class RefreshIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    refresh_token: str = Field(min_length=1, max_length=200)
