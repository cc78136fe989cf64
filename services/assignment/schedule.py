"""Pure rules of the deadline scheduler: which reminders are due for one assignment.

Each (kind, threshold) is sent at most once per due date (the service records a
mark for it under a unique key); a new due date (extension, reroute, rehandling)
starts a fresh set of reminders.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

DUE_SOON_DAYS = (14, 3)  # days before the due date


@dataclass(frozen=True)
class Reminder:
    kind: str          # "due_soon" or "overdue"
    threshold: int     # days before the due date (due_soon); 0 for overdue
    publish: bool      # False: passed already by a tighter one, only marked as done


def due_reminders(due_at: datetime, at: datetime, marked: set[tuple[str, int]],
                  thresholds: tuple[int, ...] = DUE_SOON_DAYS) -> list[Reminder]:
    """Reminders to record now; only the tightest one crossed is published.

    An assignment found 2 days before its due date gets the 3-day reminder only
    (the 14-day one is marked without a message); one found late gets `overdue`.
    """
    crossed: list[tuple[str, int]] = []
    for days in sorted(thresholds, reverse=True):
        if at >= due_at - timedelta(days=days):
            crossed.append(("due_soon", days))
    if at > due_at:
        crossed.append(("overdue", 0))
    todo = [c for c in crossed if c not in marked]
    if not todo:
        return []
    tightest = crossed[-1]
    return [Reminder(kind, threshold, (kind, threshold) == tightest) for kind, threshold in todo]


def horizon(at: datetime, thresholds: tuple[int, ...] = DUE_SOON_DAYS) -> datetime:
    """Assignments due before this moment may need a reminder now."""
    return at + timedelta(days=max(thresholds, default=0))


def days_left(due_at: datetime, at: datetime) -> int:
    """Whole days until the due date, rounded up (due in 2.5 days: 3)."""
    seconds = (due_at - at).total_seconds()
    return max(int(-(-seconds // 86400)), 0)
