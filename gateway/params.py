"""Reading requests: JSON bodies, paging and filters, each failure a clear 400/422."""
import json

from gateway.http import ApiError

MAX_LIMIT = 200
DEFAULT_LIMIT = 50


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
    return data


def _int(request, name: str, default: int | None, low: int, high: int | None = None) -> int | None:
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(422, "validation_failed", f"{name} must be an integer",
                       [{"field": name, "message": "must be an integer"}]) from None
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ApiError(422, "validation_failed", f"{name} must be {bound}",
                       [{"field": name, "message": f"must be {bound}"}])
    return value


def paging(request) -> tuple[int, int]:
    return (_int(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT), _int(request, "offset", 0, 0, 10**9))


def int_arg(request, name: str) -> int | None:
    return _int(request, name, None, 1, 2**63 - 1)


def filters(request, *names: str, ints: tuple = (), bools: tuple = ()) -> dict:
    result = {n: request.args.get(n) for n in names if request.args.get(n)}
    for name in ints:
        value = int_arg(request, name)
        if value is not None:
            result[name] = value
    for name in bools:
        raw = request.args.get(name)
        if raw is not None:
            if raw.lower() not in ("true", "false", "1", "0"):
                raise ApiError(422, "validation_failed", f"{name} must be true or false",
                               [{"field": name, "message": "must be true or false"}])
            result[name] = raw.lower() in ("true", "1")
    return result
