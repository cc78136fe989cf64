"""People's accounts (identity service): accounts and their role bindings (三员分立), the workbook
import, a deputy's account in one step, the people directory, the password policy."""
from pydantic import Field

from gateway.answers.accounts import (
    AccountAnswer,
    AccountImportAnswer,
    AccountPage,
    BoundAnswer,
    NewAccountAnswer,
    PersonPage,
    PolicyAnswer,
)
from gateway.errors import ApiError
from gateway.files import read_upload
from gateway.guards import UPLOAD_MAX_BYTES
from gateway.http import api
from gateway.queries import Page, Query, Text, page
from gateway.ratelimit import client_address
from gateway.routes.base import Proxies
from services.common.schemas import Id
from services.identity.schemas import (
    AccountIn,
    AccountUpdate,
    BindableRole,
    BindingIn,
    DeputyAccountIn,
    DisableIn,
    PolicyIn,
)

TAGS = ("accounts",)
ACCOUNT = "/api/v1/accounts/<int:account_id>"
ADMINS = ("admin", "security_admin")
IMPORT_TIMEOUT = 300  # every imported password is hashed (Argon2id, ~0.1 s each)


class AccountList(Page):
    role: BindableRole | None = None
    unit_id: Id | None = None
    q: Text | None = Field(None, description="part of the login or the display name")
    disabled: bool | None = None


class PeopleQuery(Page):
    role: str | None = Field(None, pattern="^(leader|assessor|office|unit)$")
    unit_id: Id | None = None
    q: Text | None = Field(None, description="part of the display name")


class ImportQuery(Query):
    dry_run: bool = Field(False, description="true: check every row and answer the bad ones; write nothing")


def client_of(request, settings) -> dict:
    """Where the call came from, for the identity service's audit records: {address, user_agent}."""
    return {"address": client_address(request, settings.trusted_proxies),
            "user_agent": (request.headers.get("User-Agent") or "")[:300] or None}


class AccountRoutes(Proxies):

    @api("POST", "/api/v1/accounts", roles=("admin",), body=AccountIn, answer=NewAccountAnswer, status=201,
         creates=True, tags=TAGS)
    def create_account(self, request):
        """Create a person's account with business roles; answers a one-time password once (changed at
        the first sign-in). The administrative roles are bound by a security administrator."""
        return 201, self.call(self.identity.create_account, request.actor, self.body(request),
                              client_of(request, self.settings))

    @api("GET", "/api/v1/accounts", roles=ADMINS, query=AccountList, answer=AccountPage, tags=TAGS)
    def list_accounts(self, request):
        """Accounts, filtered by role, unit, login or name, disabled."""
        wanted, limit, offset = page(request)
        return self.call(self.identity.list_accounts, request.actor, wanted, limit, offset)

    @api("GET", ACCOUNT, roles=ADMINS, answer=AccountAnswer, tags=TAGS)
    def get_account(self, request, account_id):
        """One account with its role bindings."""
        return self.call(self.identity.get_account, request.actor, account_id)

    @api("PATCH", ACCOUNT, roles=("admin",), body=AccountUpdate, answer=AccountAnswer, tags=TAGS)
    def update_account(self, request, account_id):
        """Change the display name, phone or email."""
        return self.call(self.identity.update_account, request.actor, account_id, self.body(request),
                         client_of(request, self.settings))

    @api("POST", ACCOUNT + "/disable", roles=ADMINS, body=DisableIn, answer=AccountAnswer, tags=TAGS)
    def disable_account(self, request, account_id):
        """Disable an account (its sessions end; it cannot sign in). An account holding an administrative
        role is disabled by a security administrator, any other by an administrator; never one's own;
        never the last security administrator."""
        return self.call(self.identity.disable_account, request.actor, account_id, self.body(request),
                         client_of(request, self.settings))

    @api("POST", ACCOUNT + "/enable", roles=ADMINS, answer=AccountAnswer, tags=TAGS)
    def enable_account(self, request, account_id):
        """Enable a disabled account again (who may: as for disabling)."""
        return self.call(self.identity.enable_account, request.actor, account_id, client_of(request, self.settings))

    @api("POST", ACCOUNT + "/reset-password", roles=ADMINS, answer=NewAccountAnswer, tags=TAGS)
    def reset_password(self, request, account_id):
        """A new one-time password, answered once, to be changed at the next sign-in (who may: as for
        disabling)."""
        return self.call(self.identity.reset_password, request.actor, account_id, client_of(request, self.settings))

    @api("POST", ACCOUNT + "/roles", roles=ADMINS, body=BindingIn, answer=BoundAnswer, status=201, creates=True,
         tags=TAGS)
    def bind_role(self, request, account_id):
        """Bind a role (三员分立): business roles by an administrator or security administrator; admin,
        security_admin and auditor by a security administrator only, never to oneself, never two of
        them to one person (409)."""
        return 201, self.call(self.identity.bind_role, request.actor, account_id, self.body(request),
                              client_of(request, self.settings))

    @api("DELETE", ACCOUNT + "/roles/<int:binding_id>", roles=ADMINS, answer=BoundAnswer, tags=TAGS)
    def unbind_role(self, request, account_id, binding_id):
        """Remove a role binding (who may: as for binding); the last security administrator stays (409)."""
        return self.call(self.identity.unbind_role, request.actor, account_id, binding_id,
                         client_of(request, self.settings))

    @api("POST", "/api/v1/accounts/imports", roles=("admin",), upload=True, query=ImportQuery, status=(200, 201),
         answer=AccountImportAnswer, creates=True, tags=TAGS)
    def import_accounts(self, request):
        """Create accounts from a workbook (.xlsx, multipart field `file`): sheet 账号 with the headers
        登录名, 姓名, 手机, 邮箱, 角色 (办理单位/代表/联络站/交办办公室/领导/评估员), 单位编号, 代表编号,
        联络站编号. `dry_run=true`: 200 with every bad row as {sheet, row, field, message}, nothing written.
        Otherwise any bad row is a 422 listing them all; else 201 with every account and its one-time
        password (shown once), all created in one transaction."""
        if request.content_length and request.content_length > UPLOAD_MAX_BYTES:
            raise ApiError(413, "too_large", f"the workbook may be at most {UPLOAD_MAX_BYTES // 1024 // 1024} MB")
        filename, encoded = read_upload(request, UPLOAD_MAX_BYTES)
        dry_run = bool(request.query.get("dry_run", False))
        answer = self.call(self.identity.import_accounts, request.actor, filename, encoded, dry_run,
                           client_of(request, self.settings), timeout=IMPORT_TIMEOUT)
        return (200, answer) if dry_run else (201, answer)

    @api("POST", "/api/v1/deputies/<int:deputy_id>/account", roles=("admin", "office"), body=DeputyAccountIn,
         answer=NewAccountAnswer, status=201, creates=True, tags=TAGS)
    def account_for_deputy(self, request, deputy_id):
        """Give a deputy on the roster an account bound to the deputy role, in one step (login: as sent,
        else the deputy's phone number, else deputy<id>); answers a one-time password once. 404: not on
        the roster; 409: the deputy has an account."""
        return 201, self.call(self.identity.account_for_deputy, request.actor, deputy_id, self.body(request),
                              client_of(request, self.settings))

    @api("GET", "/api/v1/people", roles=("office", "leader", "admin"), query=PeopleQuery, answer=PersonPage,
         tags=TAGS)
    def people(self, request):
        """The directory of enabled people by role (leaders, assessors, office staff, unit clerks): the
        office picks supervising leaders and assessors by their `sub` from it."""
        wanted, limit, offset = page(request)
        return self.call(self.identity.people, request.actor, wanted, limit, offset)

    @api("GET", "/api/v1/security/policy", roles=("security_admin",), answer=PolicyAnswer, tags=("security",))
    def get_policy(self, request):
        """The password and session policy."""
        return self.call(self.identity.get_policy, request.actor)

    @api("PUT", "/api/v1/security/policy", roles=("security_admin",), body=PolicyIn, answer=PolicyAnswer,
         tags=("security",))
    def put_policy(self, request):
        """Change the policy; fields not sent keep their value (min_length at least 8)."""
        return self.call(self.identity.put_policy, request.actor, self.body(request), client_of(request, self.settings))
