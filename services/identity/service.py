"""Identity service entrypoints: accounts, role bindings, sign-in and sessions, the audit trail."""
import base64

from services.common.service_base import ServiceBase, event_consumer, rpc
from services.identity import accounts, imports, policy, roles, views
from services.identity.consumers import HANDLERS


def without_passwords(answer):
    """What an Idempotency-Key replay answers: the account(s) without the one-time password, which
    is shown once and never stored (reset the password if the first answer was lost)."""
    if isinstance(answer, dict):
        return {k: (None if k == "initial_password" else without_passwords(v)) for k, v in answer.items()}
    if isinstance(answer, list):
        return [without_passwords(v) for v in answer]
    return answer


class IdentityService(ServiceBase):
    name = "identity"
    policy_defaults = policy.PolicyDefaults()

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

    @rpc
    def update_account(self, actor, account_id, data, client=None):
        with self.db.transaction() as tx:
            return accounts.update(tx, actor, account_id, data, client)

    @rpc
    def disable_account(self, actor, account_id, data, client=None):
        with self.db.transaction() as tx:
            return accounts.set_disabled(tx, actor, account_id, True, data, client)

    @rpc
    def enable_account(self, actor, account_id, client=None):
        with self.db.transaction() as tx:
            return accounts.set_disabled(tx, actor, account_id, False, None, client)

    @rpc
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

    @rpc
    def unbind_role(self, actor, account_id, binding_id, client=None):
        with self.db.transaction() as tx:
            return roles.unbind(tx, actor, account_id, binding_id, client)

    # ---- policy ------------------------------------------------------------------------
    @rpc
    def get_policy(self, actor):
        with self.db.read() as session:
            return policy.current(session).as_dict()

    @rpc
    def put_policy(self, actor, data, client=None):
        with self.db.transaction() as tx:
            return policy.put(tx, actor, data, client)
