"""The urging letter (督办函): a text template an operator can edit, filled in here."""
from datetime import datetime
from pathlib import Path
from string import Formatter
from zoneinfo import ZoneInfo

from services.common.localtime import local_date, zone


class _Blank(dict):
    def __missing__(self, key):
        return ""


def lateness(days_late: int, days_left: int) -> str:
    if days_late > 0:
        return f"截至目前已逾期{days_late}天，尚未答复。"
    if days_left > 0:
        return f"距答复期限还有{days_left}天。"
    return "今日为答复期限。"


def render(template: str, *, number: str | None, title: str | None, unit_name: str | None,
           assigned_at: datetime, due_at: datetime, at: datetime, days_late: int, days_left: int,
           note: str | None = None, tz: ZoneInfo | None = None) -> str:
    """Fill the template; unknown {names} in an edited template become blank, never an error.
    Dates are the office's local dates (``tz``, default Asia/Shanghai)."""
    tz = tz or zone()
    values = _Blank(
        number=number or "", title=title or "", unit_name=unit_name or "",
        assigned_date=_date(assigned_at, tz), due_date=_date(due_at, tz), date=_date(at, tz),
        days_late=days_late, days_left=days_left,
        lateness=lateness(days_late, days_left), note=f"    {note}\n" if note else "",
    )
    return Formatter().vformat(template, (), values)


def _date(at: datetime, tz: ZoneInfo) -> str:
    day = local_date(at, tz)
    return f"{day.year}年{day.month}月{day.day}日"


def load(path: Path) -> str:
    """Read at each use, so an edited template applies without a restart."""
    return path.read_text(encoding="utf-8")
