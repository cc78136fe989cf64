"""Reading request bodies: a JSON object, each failure a clear 400/422 (query strings: queries.py)."""
import json

from gateway.errors import ApiError
from services.common.errors import field_error


def check_text(value, path: str = "body") -> None:
    """PostgreSQL cannot store NUL in text: refuse it here, naming where it was."""
    if isinstance(value, str):
        if "\x00" in value:
            raise field_error(path, "must not contain NUL characters")
    elif isinstance(value, dict):
        for key, item in value.items():
            check_text(key, path)
            check_text(item, f"{path}.{key}" if path != "body" else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_text(item, f"{path}.{index}")


def body(request) -> dict:
    raw = request.get_data(cache=True)
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, "malformed", f"body is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ApiError(400, "malformed", "body must be a JSON object")
    check_text(data)
    return data
