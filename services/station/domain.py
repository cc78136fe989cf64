"""Pure rules of the station service: regions, reception day, titles, points, the intake limit."""
import calendar
import hashlib
import hmac
import math
import re
from datetime import date, datetime, time, timedelta, timezone

from services.common.like import prefix_pattern

WEEKEND_RULES = ("keep", "next_monday", "previous_friday")
TITLE_HEAD = 20
ACTIVITY_LABELS = {"reception": "接待选民", "research": "调研", "inspection": "视察", "training": "培训",
                   "visit": "走访"}
# what a deputy's points were earned for: an activity of a type, or a step of a suggestion
POINT_REASON_LABELS = {**ACTIVITY_LABELS, "suggestion_submitted": "提交建议", "suggestion_accepted": "建议立案",
                       "suggestion_co_signed": "联名提出建议"}


def region_prefix(region: str) -> str:
    """LIKE pattern of everything beneath ``region`` ("%" and "_" match only themselves)."""
    return prefix_pattern(region + "/")


def suggested_title(content: str, head: int = TITLE_HEAD) -> str:
    """关于{the first 20 characters}的建议: 5–100 characters, whatever the content."""
    text = re.sub(r"\s+", " ", content or "").strip()
    text = text[:head].rstrip("，。,.;；:：!！?？ 、")
    return f"关于{text or '群众意见'}的建议"


def parse_month(value: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{4})-(\d{2})", value or "")
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1900:
        raise ValueError("month is YYYY-MM")
    return int(match.group(1)), int(match.group(2))


def reception_day(year: int, month: int, day: int = 10, weekend: str = "keep") -> date:
    """The month's reception day (接待选民日): ``day`` (the last day in a shorter month);
    on a weekend it stays (keep) or moves to the next Monday / previous Friday."""
    if weekend not in WEEKEND_RULES:
        raise ValueError(f"weekend rule is one of {WEEKEND_RULES}")
    result = date(year, month, min(max(day, 1), calendar.monthrange(year, month)[1]))
    if result.weekday() >= 5 and weekend == "next_monday":
        result += timedelta(days=7 - result.weekday())
    elif result.weekday() >= 5 and weekend == "previous_friday":
        result -= timedelta(days=result.weekday() - 4)
    return result


def handled_rate(handled: int, total: int) -> float | None:
    """Opinions with a disposition / opinions received; None when nothing was received."""
    return round(handled / total, 4) if total else None


def activity_points(rules: dict, activity_type: str) -> int:
    return int(rules.get(activity_type, 0) or 0)


def intake_key(secret: str, token: str, client: str) -> str:
    """What the rate limit counts by: an HMAC of (token, client), so no address is stored."""
    return hmac.new(secret.encode(), f"{token}\n{client}".encode(), hashlib.sha256).hexdigest()


def retry_after(hits: list[datetime], now: datetime, limit: int, window: float) -> int | None:
    """Sliding window: None if one more is allowed, else whole seconds until the oldest hit leaves."""
    recent = sorted(h for h in hits if (now - h).total_seconds() < window)
    if len(recent) < limit:
        return None
    oldest = recent[len(recent) - limit]
    return max(1, math.ceil(window - (now - oldest).total_seconds()))


def latest_inspection(inspections: list[dict]) -> dict | None:
    """The inspection the station's stars follow: the latest date, then the latest recorded."""
    return max(inspections, key=lambda i: (i["date"], i["id"]), default=None)


def may_dispose(status: str) -> bool:
    return status == "open"


CHINA = timezone(timedelta(hours=8))  # dates (activities, reception days, stats) are China's calendar


def today(at: datetime) -> date:
    return at.astimezone(CHINA).date()


def day_bounds(start: date | None, end: date | None) -> tuple[datetime | None, datetime | None]:
    """[start 00:00, end+1 00:00) in China's time, for filtering timestamps by calendar dates
    (no upper bound when ``end`` is the last day a date can name)."""
    lo = datetime.combine(start, time.min, CHINA) if start else None
    hi = datetime.combine(end + timedelta(days=1), time.min, CHINA) if end and end < date.max else None
    return lo, hi
