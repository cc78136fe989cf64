"""Waiting for what happens asynchronously (events, projections, processes)."""
import time


def wait_for(check, timeout: float = 20.0, interval: float = 0.05, what: str = "condition"):
    """Poll ``check`` until it returns something truthy, and return that; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}; last: {last!r}")
