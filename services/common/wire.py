"""JSON on the wire (RPC requests and replies, events): UTF-8, not ASCII-escaped.

kombu's ``json`` serializer escapes every non-ASCII character (``\\u516c``: six bytes where
UTF-8 takes three), so a list page of Chinese suggestions crossed RabbitMQ at about twice its
size, and each side spent CPU escaping and unescaping it (bench/README.md "Fixed cost per
read"). ``register()`` replaces the encoder of the ``json`` serializer for this process: the
same content type and encoding (``application/json``, ``utf-8``) and the same decoder, so what
either form is read by either side unchanged (a rolling upgrade mixes them safely). A text
that is not valid Unicode (a lone surrogate cannot be UTF-8) goes ASCII-escaped, as before.
"""
from kombu import serialization
from kombu.utils import json as kombu_json

CONTENT_TYPE = "application/json"


def dumps(data) -> bytes:
    """``data`` as kombu's json serializer writes it (its types: datetime, UUID, Decimal …), in UTF-8."""
    text = kombu_json.dumps(data, ensure_ascii=False)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: only the escaped form is valid JSON in UTF-8
        return kombu_json.dumps(data).encode("ascii")


def register() -> None:
    """Make ``serializer="json"`` write UTF-8 in this process (idempotent)."""
    serialization.register("json", dumps, kombu_json.loads, content_type=CONTENT_TYPE,
                           content_encoding="utf-8")


register()
