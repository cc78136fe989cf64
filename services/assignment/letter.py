"""The urging letter (督办函): a text template an operator can edit, filled in here."""
from datetime import datetime
from pathlib import Path
from string import Formatter
from zoneinfo import ZoneInfo

from services.common.localtime import local_date, zone


class _Blank(dict):
    def __missing__(self, key):
        return ""


# by the unit's part (domain.UNIT_ROLES): how the letter names it, its due date, and what it owes
TERMS = {"lead": ("主办", "答复期限", "答复"), "co": ("会办", "会办意见期限", "提交会办意见"),
         "separate": ("分办", "答复期限", "答复")}


def lateness(days_late: int, days_left: int, role: str = "lead") -> str:
    _, due_label, owed = TERMS.get(role, TERMS["lead"])
    if days_late > 0:
        return f"截至目前已逾期{days_late}天，尚未{owed}。"
    if days_left > 0:
        return f"距{due_label}还有{days_left}天。"
    return f"今日为{due_label}。"


def render(template: str, *, number: str | None, title: str | None, unit_name: str | None,
           assigned_at: datetime, due_at: datetime, at: datetime, days_late: int, days_left: int,
           note: str | None = None, tz: ZoneInfo | None = None, role: str = "lead") -> str:
    """Fill the template for the unit urged (its name, its part ``role``: lead/co/separate, its own
    due date and days late); unknown {names} in an edited template become blank, never an error.
    Dates are the office's local dates (``tz``, default Asia/Shanghai): 2026年11月27日."""
    tz = tz or zone()
    part, due_label, _ = TERMS.get(role, TERMS["lead"])
    values = _Blank(
        number=number or "", title=title or "", unit_name=unit_name or "",
        assigned_date=_date(assigned_at, tz), due_date=_date(due_at, tz), date=_date(at, tz),
        days_late=days_late, days_left=days_left, role=part, due_label=due_label,
        lateness=lateness(days_late, days_left, role), note=f"    {note}\n" if note else "",
    )
    return Formatter().vformat(template, (), values)


def _date(at: datetime, tz: ZoneInfo) -> str:
    day = local_date(at, tz)
    return f"{day.year}年{day.month}月{day.day}日"


def load(path: Path) -> str:
    """Read at each use, so an edited template applies without a restart."""
    return path.read_text(encoding="utf-8")
