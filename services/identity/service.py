"""Identity service entrypoints: accounts, role bindings, sign-in and sessions, the audit trail."""
import base64

from nameko.extensions import DependencyProvider

from services.common.localtime import zone_from
from services.common.service_base import ServiceBase, event_consumer, rpc
from services.common.timers import config_timer
from services.identity import audit_rules, audit_trail, audit_views
from services.identity.consumers import HANDLERS


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
    audit = AuditSettings()

    on_event = event_consumer("identity", HANDLERS)

    # ---- the audit trail (docs/identity.md "Audit trail") ------------------------------------
    @rpc
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
