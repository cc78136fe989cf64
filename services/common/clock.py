"""The current time; a single place so tests can move it (LIANXIN_CLOCK_OFFSET seconds)."""
import os
from datetime import datetime, timedelta, timezone

_offset = timedelta(seconds=float(os.environ.get("LIANXIN_CLOCK_OFFSET", "0")))


def now() -> datetime:
    return datetime.now(timezone.utc) + _offset


def set_offset(seconds: float) -> None:
    global _offset
    _offset = timedelta(seconds=seconds)
