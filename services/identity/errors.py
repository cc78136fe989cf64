"""Errors of sign-in the gateway answers as they are (401, 423); registered for RPC."""
from services.common.errors import LianxinError, deserialize_to_instance  # the contract names no nameko


@deserialize_to_instance
class InvalidCredentials(LianxinError):
    """401: the login name or password is wrong (or the account disabled; never which)."""
    code = "invalid_credentials"
    status = 401


@deserialize_to_instance
class AccountLocked(LianxinError):
    """423: too many failed sign-ins for this login name; the message says until when (local time)."""
    code = "locked"
    status = 423


@deserialize_to_instance
class InvalidChallenge(LianxinError):
    """401: a sign-in challenge that is unknown, used, expired, or of another step."""
    code = "invalid_challenge"
    status = 401


@deserialize_to_instance
class InvalidCode(LianxinError):
    """401: a wrong, reused or expired second-factor code."""
    code = "invalid_code"
    status = 401


@deserialize_to_instance
class SessionEnded(LianxinError):
    """401: the refresh token or its session is no longer good (timed out, revoked, reused)."""
    code = "session_ended"
    status = 401


MESSAGES = {"invalid_credentials": "login name or password is wrong"}


@deserialize_to_instance
class InvalidState(LianxinError):
    """400: a single sign-on callback whose state is unknown, expired or used already."""
    code = "invalid_state"
    status = 400


@deserialize_to_instance
class SsoFailed(LianxinError):
    """401: the unified identity platform refused the sign-in, or its answer did not verify."""
    code = "sso_failed"
    status = 401
