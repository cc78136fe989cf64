"""Reading requests: JSON bodies, paging and filters, each failure a clear 400/422."""
import json

from gateway.http import ApiError
from services.common.errors import field_error
from services.common.schemas import MAX_ID

MAX_LIMIT = 200
DEFAULT_LIMIT = 50


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


def _int(request, name: str, default: int | None, low: int, high: int | None = None) -> int | None:
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise field_error(name, "must be an integer") from None
    if value < low or (high is not None and value > high):
        raise field_error(name, f"must be between {low} and {high}" if high is not None else f"must be at least {low}")
    return value


def paging(request) -> tuple[int, int]:
    return (_int(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT), _int(request, "offset", 0, 0, 10**9))


def int_arg(request, name: str) -> int | None:
    return _int(request, name, None, 1, MAX_ID)


def filters(request, *names: str, ints: tuple = (), bools: tuple = ()) -> dict:
    result = {n: request.args.get(n) for n in names if request.args.get(n)}
    for name, value in result.items():
        check_text(value, name)
    for name in ints:
        value = int_arg(request, name)
        if value is not None:
            result[name] = value
    for name in bools:
        raw = request.args.get(name)
        if raw is not None:
            if raw.lower() not in ("true", "false", "1", "0"):
                raise field_error(name, "must be true or false")
            result[name] = raw.lower() in ("true", "1")
    return result
