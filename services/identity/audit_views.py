"""The audit trail's reads: the auditor's search (newest first) and its export workbook."""
import io

from openpyxl import Workbook
from sqlalchemy import func, select
from zoneinfo import ZoneInfo

from services.common.like import ESCAPE, contains_pattern
from services.common.localtime import DATETIME_FORMAT
from services.common.sheets import format_columns, sheet_row
from services.identity import audit_rules
from services.identity.models import AuditRecord

EXPORT_LIMIT = 50_000
FIELDS = ("id", "at", "service", "action", "outcome", "status", "sub", "role", "login", "path", "targets",
          "client", "user_agent", "request_id", "detail")


def _where(filters: dict, tz: ZoneInfo) -> list:
    r, wanted = AuditRecord, audit_rules.checked(filters)
    lo, hi = audit_rules.day_bounds(wanted.get("from"), wanted.get("to"), tz)
    where = []
    if lo is not None:
        where.append(r.at >= lo)
    if hi is not None:
        where.append(r.at < hi)
    for key in ("sub", "role", "outcome", "service", "request_id", "client"):
        if key in wanted:
            where.append(getattr(r, key) == wanted[key])
    if "action" in wanted:
        where.append(r.action.ilike(contains_pattern(wanted["action"]), escape=ESCAPE))
    if "target_type" in wanted:
        value = audit_rules.target_value(wanted["target_id"])
        where.append(r.targets.contains({wanted["target_type"]: [value]}))
    return where


def answer(record: AuditRecord) -> dict:
    found = {name: getattr(record, name) for name in FIELDS}
    return {**found, "at": record.at.isoformat()}


def search(session, filters: dict, limit: int, offset: int, tz: ZoneInfo) -> dict:
    where = _where(filters, tz)
    total = session.scalar(select(func.count()).select_from(AuditRecord).where(*where))
    rows = session.scalars(select(AuditRecord).where(*where).order_by(AuditRecord.at.desc(), AuditRecord.id.desc())
                           .limit(limit).offset(offset)).all()
    return {"items": [answer(r) for r in rows], "total": total, "limit": limit, "offset": offset}


def workbook(session, filters: dict, tz: ZoneInfo) -> bytes:
    """The filtered records, newest first, as .xlsx with Chinese headers (at most EXPORT_LIMIT rows)."""
    where = _where(filters, tz)
    rows = session.scalars(select(AuditRecord).where(*where).order_by(AuditRecord.at.desc(), AuditRecord.id.desc())
                           .limit(EXPORT_LIMIT))
    book = Workbook()
    sheet = book.active
    sheet.title = "审计记录"
    sheet.append(list(audit_rules.EXPORT_HEADERS))
    for record in rows:
        sheet.append(sheet_row(audit_rules.export_row(answer(record), tz)))
    format_columns(sheet, {1: DATETIME_FORMAT})
    for column, width in zip("ABCDEFGHIJK", (18, 16, 14, 48, 40, 28, 8, 8, 16, 34, 40)):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
