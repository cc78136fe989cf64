"""Domain errors shared by every service and the gateway.

Registered with nameko's ``deserialize_to_instance`` so that an error raised in
a service arrives in the gateway as the same class, not a bare RemoteError.
"""
from nameko.exceptions import deserialize_to_instance


class LianxinError(Exception):
    code = "error"
    status = 400

    def __init__(self, message: str = "", details: list | None = None):
        super().__init__(message, details or [])
        self.message = message
        self.details = details or []


@deserialize_to_instance
class ValidationFailed(LianxinError):
    """422: details is a list of {"field": ..., "message": ...}."""
    code = "validation_failed"
    status = 422


@deserialize_to_instance
class NotFound(LianxinError):
    code = "not_found"
    status = 404


@deserialize_to_instance
class Conflict(LianxinError):
    """409: not allowed in the current state, or a duplicate."""
    code = "conflict"
    status = 409


@deserialize_to_instance
class Forbidden(LianxinError):
    code = "forbidden"
    status = 403


@deserialize_to_instance
class UnsupportedFile(LianxinError):
    """415: an attached file whose content is not one of the allowed types (services/common/files.py)."""
    code = "unsupported_media_type"
    status = 415


@deserialize_to_instance
class FileTooLarge(LianxinError):
    """413: an attached file larger than ATTACHMENT_MAX_BYTES."""
    code = "too_large"
    status = 413


@deserialize_to_instance
class Unavailable(LianxinError):
    """503: a backing service did not answer in time."""
    code = "unavailable"
    status = 503


@deserialize_to_instance
class DatabaseBusy(Unavailable):
    """503: every connection of the process's pool stayed busy for DB_POOL_TIMEOUT seconds."""


def field_error(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"{field}: {message}", [{"field": field, "message": message}])


def from_pydantic(exc) -> ValidationFailed:
    """Turn a pydantic ValidationError into a 422 naming each field."""
    details = [
        {"field": ".".join(str(p) for p in err["loc"]) or "body", "message": err["msg"]}
        for err in exc.errors()
    ]
    fields = ", ".join(d["field"] for d in details)
    return ValidationFailed(f"invalid fields: {fields}", details)
