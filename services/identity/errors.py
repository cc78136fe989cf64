"""Errors of the identity service the gateway answers as they are; registered for RPC (the gateway
imports this module, so they arrive as these classes, not a bare RemoteError)."""
from nameko.exceptions import deserialize_to_instance

from services.common.errors import LianxinError


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
