"""The current time, in one place: LIANXIN_CLOCK_OFFSET (seconds) moves it for tests and demos."""
import os
from datetime import datetime, timedelta, timezone

_offset = timedelta(seconds=float(os.environ.get("LIANXIN_CLOCK_OFFSET", "0")))


def now() -> datetime:
    return datetime.now(timezone.utc) + _offset

