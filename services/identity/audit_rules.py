"""The audit trail's pure rules: retention, search filters, the export's rows (no I/O)."""
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.common.errors import field_error
from services.common.localtime import local_datetime

MIN_RETENTION_DAYS = 180  # 等保 2.0: at least six months
DEFAULT_RETENTION_DAYS = 365
OUTCOMES = ("ok", "failed", "denied", "locked")
FILTERS = ("from", "to", "sub", "role", "action", "outcome", "service", "target_type", "target_id",
           "request_id", "client")
EXPORT_HEADERS = ("时间", "人员", "角色", "操作", "路径", "对象", "结果", "状态码", "客户端地址", "请求编号", "说明")
OUTCOME_NAMES = {"ok": "成功", "failed": "失败", "denied": "拒绝", "locked": "锁定"}


def retention_days(value) -> int:
    """AUDIT_RETENTION_DAYS: records are kept this many days; fewer than 180 is refused at start-up."""
    try:
        days = int(value if value not in (None, "") else DEFAULT_RETENTION_DAYS)
    except (TypeError, ValueError):
        raise ValueError(f"AUDIT_RETENTION_DAYS must be a whole number of days, not {value!r}") from None
    if days < MIN_RETENTION_DAYS:
        raise ValueError(f"AUDIT_RETENTION_DAYS={days}: the audit trail is kept at least "
                         f"{MIN_RETENTION_DAYS} days (six months)")
    return days


def purge_before(now: datetime, days: int) -> datetime:
    """Records older than this instant may be purged."""
    return now - timedelta(days=days)


def _day(filters: dict, key: str) -> date | None:
    value = filters.get(key)
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise field_error(key, "must be a date YYYY-MM-DD") from None


def checked(filters: dict | None) -> dict:
    """The search filters, checked (422 naming the filter); from/to as dates."""
    wanted = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    unknown = sorted(set(wanted) - set(FILTERS))
    if unknown:
        raise field_error(unknown[0], "unknown filter")
    for key in ("from", "to"):
        if key in wanted:
            wanted[key] = _day(wanted, key)
    if wanted.get("from") and wanted.get("to") and wanted["from"] > wanted["to"]:
        raise field_error("from", "must not be after to")
    if wanted.get("outcome") and wanted["outcome"] not in OUTCOMES:
        raise field_error("outcome", f"one of {', '.join(OUTCOMES)}")
    if ("target_type" in wanted) != ("target_id" in wanted):
        raise field_error("target_id" if "target_type" in wanted else "target_type",
                          "target_type and target_id go together (e.g. suggestion_id and 5)")
    if "target_type" in wanted and not str(wanted["target_type"]).endswith("_id"):
        raise field_error("target_type", "names an id, e.g. suggestion_id")
    for key in ("sub", "role", "action", "service", "request_id", "client", "target_type"):
        if key in wanted:
            wanted[key] = str(wanted[key])
    return wanted


def target_value(raw) -> int | str:
    """A target id as stored: numbers as integers (path parameters and event ids are)."""
    text = str(raw)
    return int(text) if text.isdigit() and len(text) < 19 else text


def day_bounds(start: date | None, end: date | None, tz: ZoneInfo) -> tuple[datetime | None, datetime | None]:
    """[start of the local day ``start``, start of the local day after ``end``) as aware instants."""
    lo = datetime.combine(start, time.min, tzinfo=tz) if start else None
    hi = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz) if end else None
    return lo, hi


def targets_text(targets: dict | None) -> str:
    """{"suggestion_id": [5], "unit_id": [3, 4]} → "suggestion_id=5; unit_id=3,4" """
    return "; ".join(f"{k}={','.join(str(v) for v in values)}" for k, values in sorted((targets or {}).items()))


def export_row(record: dict, tz: ZoneInfo) -> list:
    """One record as the export's columns (EXPORT_HEADERS): the time as local wall-clock time."""
    return [local_datetime(record["at"], tz), record.get("sub") or "", record.get("role") or "",
            record.get("action") or "", record.get("path") or "", targets_text(record.get("targets")),
            OUTCOME_NAMES.get(record.get("outcome"), record.get("outcome") or ""), record.get("status"),
            record.get("client") or "", record.get("request_id") or "",
            "; ".join(x for x in (record.get("login") and f"login={record['login']}", record.get("detail")) if x)]
