"""Reading request bodies: a JSON object, each failure a clear 400/422 (query strings: queries.py)."""
from gateway import json_body


def body(request) -> dict:
    """The JSON object sent (empty: {}). Size and media type were checked before the handler ran
    (gateway/guards.py); depth, strings, numbers and Unicode are checked here (gateway/json_body.py)."""
    raw = request.get_data(cache=True)
    if not raw:
        return {}
    return json_body.parse(raw)
