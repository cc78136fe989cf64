"""Idempotency-Key on creating routes: the key, who asks (scope) and what is asked (fingerprint).

The gateway only reads the header; the service claims the key in the transaction that creates
(services/common/idempotency.py). The three values travel as nameko context data, which nameko
sends as AMQP headers: strings only.
"""
import hashlib
import json
import re

from gateway.errors import ApiError
from gateway.ratelimit import client_address
from gateway.tokens import ID_CLAIMS
from services.common.idempotency import FINGERPRINT, HEADER, KEY, SCOPE

KEY_PATTERN = re.compile(r"[\x21-\x7e]{1,255}")  # printable ASCII, no spaces (as openapi.py)
CHUNK = 64 * 1024


def context_for(request, actor: dict, trusted_proxies: int) -> dict:
    """Context data entries for a creating request: {} without the header."""
    key = request.headers.get(HEADER)
    if key is None:
        return {}
    check_key(key)
    return {KEY: key, SCOPE: scope_of(actor, request, trusted_proxies), FINGERPRINT: fingerprint(request)}


def check_key(key: str) -> None:
    if not KEY_PATTERN.fullmatch(key):
        raise ApiError(400, "invalid_idempotency_key",
                       f"the {HEADER} header must be 1 to 255 printable ASCII characters, no spaces",
                       [{"field": HEADER, "message": "1 to 255 printable ASCII characters, no spaces"}])


def scope_of(actor: dict, request, trusted_proxies: int) -> str:
    """Keys are per caller: the signed-in identity, or for the public the client's address.

    The identity is the role, sub and every id claim: two tokens that share a sub but not a
    deputy_id (any hand-made token, or `make token` before subs named the id) are two callers.
    """
    if actor.get("role", "public") == "public":
        return f"public:{client_address(request, trusted_proxies)}"
    identity = {name: actor[name] for name in ("role", "sub", *ID_CLAIMS) if actor.get(name) is not None}
    return json.dumps(identity, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def fingerprint(request) -> str:
    """sha256 of method, path, query and the body in a canonical form.

    JSON is re-dumped with sorted keys (spacing and key order do not make another request);
    multipart is its fields and its files' names and contents (the boundary varies per send).
    """
    digest = hashlib.sha256()
    query = sorted(request.args.items(multi=True))
    head = [request.method.upper(), request.path, query]
    digest.update(json.dumps(head, ensure_ascii=False).encode())
    digest.update(b"\n")
    if request.mimetype == "multipart/form-data":
        multipart_into(digest, request)
    else:
        digest.update(canonical_json(request.get_data(cache=True)))
    return digest.hexdigest()


def canonical_json(raw: bytes) -> bytes:
    """The body as the routes read it (empty is {}); bytes that are not JSON stay as they are."""
    if not raw.strip():
        return b"{}"
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):  # too deep: the route answers 422
        return raw  # the route answers 400; the fingerprint still tells bodies apart
    # surrogatepass: a lone surrogate ("\ud800") must reach the route's 422, not fail here
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8", "surrogatepass")


def multipart_into(digest, request) -> None:
    fields = sorted(request.form.items(multi=True))
    digest.update(json.dumps(fields, ensure_ascii=False).encode())
    for name, upload in sorted(request.files.items(multi=True), key=lambda item: (item[0], item[1].filename or "")):
        digest.update(json.dumps([name, upload.filename or ""], ensure_ascii=False).encode())
        content = hashlib.sha256()
        while chunk := upload.stream.read(CHUNK):
            content.update(chunk)
        upload.stream.seek(0)  # the route reads it next
        digest.update(content.hexdigest().encode())
