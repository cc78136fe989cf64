"""Errors of the station service that the gateway needs to know by class."""
from services.common.errors import LianxinError, deserialize_to_instance  # the contract names no nameko


@deserialize_to_instance
class RateLimited(LianxinError):
    """429: details[0]["retry_after"] is the number of seconds to wait."""
    code = "rate_limited"
    status = 429


def rate_limited(seconds: int) -> RateLimited:
    return RateLimited(f"too many submissions; try again in {seconds}s",
                       [{"field": "qr_token", "message": "rate limited", "retry_after": seconds}])
