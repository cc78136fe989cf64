"""The office's local time: dates people read, and deadlines that end with a local day.

Instants are stored and answered in UTC (ISO 8601 with an offset); what a person reads (an export's
date columns, the urging letter, a notification) shows the date in the office's time zone, set
once for every service as OFFICE_TIMEZONE in config.yml (default Asia/Shanghai). A due date falls
at 23:59:59 local time of its day: 2026-11-26T16:30Z is already the 27th in Beijing, and an item
"due on the 27th" is not late until the 27th has ended there.
"""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "Asia/Shanghai"
END_OF_DAY = time(23, 59, 59)
DATE_FORMAT = "yyyy-mm-dd"  # Excel number formats of date and date-time cells
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"

Instant = datetime | str | None


def zone(name: str | None = None) -> ZoneInfo:
    """The ZoneInfo named ``name`` (empty: the default); an unknown name is a ValueError."""
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"OFFICE_TIMEZONE: unknown time zone {name!r}") from exc


def zone_from(config: dict) -> ZoneInfo:
    return zone(config.get("OFFICE_TIMEZONE") or None)


def instant(value: Instant) -> datetime | None:
    """A datetime from a datetime or its ISO text (what events and views carry); None for empty."""
    if value is None or value == "":
        return None
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def local_datetime(value: Instant, tz: ZoneInfo) -> datetime | None:
    """The local wall-clock time, naive (as an Excel cell holds it). A naive value is taken as
    already local: a date without an offset names a day, not an instant."""
    at = instant(value)
    if at is None:
        return None
    return at.astimezone(tz).replace(tzinfo=None) if at.tzinfo else at


def local_date(value: Instant, tz: ZoneInfo) -> date | None:
    at = local_datetime(value, tz)
    return at.date() if at is not None else None


def end_of_local_day(day: date | datetime, tz: ZoneInfo) -> datetime:
    """23:59:59 local time of ``day`` (an instant: of its local day), as a UTC instant."""
    if isinstance(day, datetime):
        day = local_date(day, tz)
    return datetime.combine(day, END_OF_DAY, tzinfo=tz).astimezone(timezone.utc)


def due_after(at: datetime, days: int, tz: ZoneInfo) -> datetime:
    """The end of the local day ``days`` days after the local day of ``at``."""
    return end_of_local_day(local_date(at, tz) + timedelta(days=days), tz)

