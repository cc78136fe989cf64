"""The audit trail, for the auditor only (三员分立: the auditor reads it and changes nothing).

No route writes, changes or deletes a record: the only writers are the services' outboxes and the
gateway's refusal records (gateway/audit.py). The auditor's own searches and exports are recorded.
"""
import base64
from typing import Literal

from pydantic import Field
from werkzeug.wrappers import Response

from gateway.answers.audit import AuditPage
from gateway.contract import XLSX
from gateway.http import api
from gateway.queries import Date, Page, Query, Text, page
from gateway.routes.base import Proxies, WORKBOOK_TIMEOUT

TAGS = ("audit",)
AUDITOR = ("auditor",)


class AuditFilters(Query):
    from_: Date | None = Field(None, alias="from", description="from this office-local day")
    to: Date | None = Field(None, description="to this office-local day, inclusive")
    sub: Text | None = Field(None, description="the person, e.g. person-7")
    role: Text | None = None
    action: Text | None = Field(None, description="part of the action, e.g. /screening or sign_in")
    outcome: Literal["ok", "failed", "denied", "locked"] | None = None
    service: Text | None = Field(None, description="the service that recorded it (gateway: a refusal)")
    target_type: Text | None = Field(None, pattern=r"^[a-z][a-z_]*_id$", description="e.g. suggestion_id")
    target_id: Text | None = Field(None, description="with target_type, e.g. 5")
    request_id: Text | None = Field(None, description="the X-Request-Id of the request")
    client: Text | None = Field(None, description="the client's address")


class AuditList(AuditFilters, Page):
    pass


class AuditRoutes(Proxies):
    @api("GET", "/api/v1/audit", roles=AUDITOR, query=AuditList, answer=AuditPage, tags=TAGS)
    def search_audit(self, request):
        """Audit records, newest first: who (sub, role), what (action, path, targets), when, from
        where (client), the request id and the outcome. The search itself is recorded."""
        wanted, limit, offset = page(request)
        return self.call(self.identity.search_audit, request.actor, wanted, limit, offset)

    @api("GET", "/api/v1/audit/export", roles=AUDITOR, query=AuditFilters, media=XLSX, tags=TAGS)
    def export_audit(self, request):
        """The filtered records as an Excel workbook (Chinese headers, local times). Recorded too."""
        content = base64.b64decode(self.call(self.identity.export_audit, request.actor, request.query,
                                             timeout=WORKBOOK_TIMEOUT))
        return Response(content, status=200, mimetype=XLSX,
                        headers={"Content-Disposition": "attachment; filename=audit.xlsx",
                                 "Cache-Control": "private, no-store"})
