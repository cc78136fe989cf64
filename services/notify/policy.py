"""Pure rules of delivery and digests: retry schedule, webhook signatures, what a digest lists."""
import hashlib
import hmac
from datetime import date, datetime, timedelta

from services.common import localtime

OPEN_STATES = ("assigned", "signed", "rehandling")  # the unit still owes a reply

DEFAULT_BACKOFF = (1.0, 5.0, 30.0, 120.0, 600.0)


def parse_backoff(value) -> tuple[float, ...]:
    """"1,5,30" or [1, 5, 30] -> (1.0, 5.0, 30.0); empty means no retry at all."""
    if value is None:
        return DEFAULT_BACKOFF
    items = value.split(",") if isinstance(value, str) else list(value)
    return tuple(float(x) for x in items if str(x).strip())


def after_failure(attempts: int, backoff: tuple[float, ...]) -> float | None:
    """Seconds until the next try after ``attempts`` failed tries; None: give up (dead letter).

    With backoff (1, 5, 30) a delivery is tried 4 times: at once, +1 s, +5 s, +30 s.
    """
    if attempts <= len(backoff):
        return backoff[attempts - 1]
    return None


def signature(secret: str, body: bytes) -> str:
    """The X-Lianxin-Signature header: sha256=<hex HMAC-SHA256 of the raw body>."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str | None) -> bool:
    return bool(header) and hmac.compare_digest(signature(secret, body), header)


def split_list(value) -> list[str]:
    """A config list: "a@x, b@y" or [a@x, b@y] -> ["a@x", "b@y"]."""
    if not value:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    return [str(x).strip() for x in items if str(x).strip()]


def local_day(at: datetime, tz: str) -> tuple[date, int]:
    """The local date and hour at ``at`` in timezone ``tz`` (the digest's clock)."""
    local = localtime.local_datetime(at, localtime.zone(tz))
    return local.date(), local.hour


def classify(due_at: datetime | None, at: datetime, due_soon_days: int) -> str:
    """An open item on a unit's desk is overdue, due_soon or pending."""
    if due_at is None:
        return "pending"
    if due_at < at:
        return "overdue"
    if due_at - at <= timedelta(days=due_soon_days):
        return "due_soon"
    return "pending"


STATUS_TEXT = {"overdue": "已逾期", "due_soon": "即将到期", "pending": "办理中"}


def digest_items(rows: list[dict], at: datetime, due_soon_days: int) -> tuple[dict, list[dict]]:
    """Counts and the ordered items (overdue first, then by due date) of a unit's digest."""
    items = []
    for row in rows:
        status = classify(row.get("due_at"), at, due_soon_days)
        items.append({**row, "status_code": status, "status": STATUS_TEXT[status]})
    order = {"overdue": 0, "due_soon": 1, "pending": 2}
    items.sort(key=lambda r: (order[r["status_code"]], r.get("due_at") or datetime.max.replace(tzinfo=at.tzinfo)))
    counts = {"pending": len(items),
              "due_soon": sum(1 for r in items if r["status_code"] == "due_soon"),
              "overdue": sum(1 for r in items if r["status_code"] == "overdue")}
    return counts, items
