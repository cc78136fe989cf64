"""Reading a JSON body that may be hostile: strict UTF-8, bounded depth, strings and numbers.

Malformed bytes or JSON are a 400; JSON that parses but cannot be taken (too deep, a string too
long, a lone surrogate or NUL PostgreSQL cannot store, a number no column can hold) is a 422
naming where it is, as pydantic names fields ("title", "votes.0.unit_id"). Services' models then
apply their own, tighter per-field limits. The depth and string limits are GATEWAY_MAX_JSON_DEPTH
and GATEWAY_MAX_STRING_CHARS (gateway/settings.py).
"""
import json
import math
import re
from dataclasses import dataclass

from gateway.errors import ApiError
from services.common.errors import field_error

INT_RANGE = (-2**63, 2**63 - 1)  # PostgreSQL bigint
SURROGATE = re.compile("[\ud800-\udfff]")  # only a lone one survives json.loads ("\\ud800")
KEY_SHOWN = 64  # characters of a key shown in a field path


@dataclass(frozen=True)
class Limits:
    max_depth: int
    max_string: int


def _constant(name: str):
    raise ValueError(f"{name} is not JSON")


def parse(raw: bytes, limits: Limits, root_object: bool = True):
    """The body's value, or an ApiError/ValidationFailed saying what is wrong with it."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError(400, "malformed", f"body is not valid UTF-8 (byte {exc.start})") from None
    try:
        data = json.loads(text, parse_constant=_constant)
    except RecursionError:  # json's C scanner stops near 1,000 levels: far past the limit anyway
        raise too_deep("body", limits) from None
    except ValueError as exc:
        raise ApiError(400, "malformed", f"body is not valid JSON: {exc}") from None
    if root_object and not isinstance(data, dict):
        raise ApiError(400, "malformed", "body must be a JSON object")
    inspect(data, limits)
    return data


def too_deep(path: str, limits: Limits):
    return field_error(path, f"nests deeper than {limits.max_depth} levels")


def check_string(value: str, path: str, limits: Limits) -> None:
    if len(value) > limits.max_string:
        raise field_error(path, f"is longer than {limits.max_string} characters")
    if "\x00" in value:
        raise field_error(path, "must not contain NUL characters")
    if SURROGATE.search(value):
        raise field_error(path, "must not contain lone surrogates (not valid Unicode)")


def _join(path: str, key) -> str:
    key = str(key)
    if len(key) > KEY_SHOWN:
        key = key[:KEY_SHOWN] + "…"
    return f"{path}.{key}" if path else key


def inspect(data, limits: Limits, root: str = "body") -> None:
    """Walk the parsed value without recursion; the first thing refused raises a 422."""
    stack = [(data, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        where = path or root
        if isinstance(value, str):
            check_string(value, where, limits)
        elif isinstance(value, bool) or value is None:
            continue
        elif isinstance(value, int):
            if not INT_RANGE[0] <= value <= INT_RANGE[1]:
                raise field_error(where, "is out of range (a 64-bit integer at most)")
        elif isinstance(value, float):
            if not math.isfinite(value):
                raise field_error(where, "must be a finite number")
        elif isinstance(value, (dict, list)):
            if depth >= limits.max_depth:
                raise too_deep(where, limits)
            items = list(value.items() if isinstance(value, dict) else enumerate(value))
            for key, item in reversed(items):  # popped in document order: the first fault is named
                if isinstance(key, str):
                    check_string(key, _join(path, key), limits)
                stack.append((item, _join(path, key), depth + 1))
