"""Hostile input at the door: body size (413) and media type (415), before any body is parsed.

Run by the HTTP entrypoint for every request, before the handler (and so before auth):
a refused body is never parsed, only read and dropped (up to DRAIN_MAX_BYTES) so that the
client gets to read its 413, and no RPC is made for it. The JSON limit is
GATEWAY_MAX_BODY_BYTES (gateway/settings.py); the import route's is fixed here.
"""
import io

from werkzeug.http import parse_options_header

from gateway.errors import ApiError

UPLOAD_FILE_BYTES = 10 * 1024 * 1024   # the import route's file (gateway/routes/suggestions.py)
UPLOAD_MAX_BYTES = UPLOAD_FILE_BYTES + 64 * 1024  # + multipart framing around it
BODY_METHODS = ("POST", "PUT", "PATCH")
DRAIN_MAX_BYTES = 32 * 1024 * 1024  # of a refused body read and dropped; above the Ingress's 20 MB
DRAIN_CHUNK = 64 * 1024
JSON_CHARSETS = ("utf-8", "utf8")


def too_large(limit: int) -> ApiError:
    return ApiError(413, "too_large", f"the body may be at most {limit} bytes",
                    [{"field": "body", "limit": limit}])


def drain(stream, most: int = DRAIN_MAX_BYTES) -> None:
    """Read and drop what is left of a refused body, at most ``most`` bytes.

    A client that sends the whole body before reading the answer (urllib, requests, a
    browser's fetch; curl waits for 100 Continue) and says ``Connection: close`` would
    otherwise see a connection reset, not the 413: eventlet closes such a connection
    without reading the rest, and unread bytes make the kernel send RST. Past ``most``
    the connection is left to eventlet as before.
    """
    left = most
    try:
        while left > 0:
            chunk = stream.read(min(DRAIN_CHUNK, left))
            if not chunk:
                return
            left -= len(chunk)
    except (ValueError, OSError):  # the client went away or broke its chunks: nothing to answer
        return


def body_limit(upload: bool, max_body_bytes: int, max_upload_bytes: int = UPLOAD_FILE_BYTES) -> int:
    """A multipart body: the larger of the import's file and an attachment (ATTACHMENT_MAX_BYTES),
    with the multipart framing around it; the route checks the file itself against its own limit."""
    if upload:
        return max(UPLOAD_FILE_BYTES, max_upload_bytes) + UPLOAD_MAX_BYTES - UPLOAD_FILE_BYTES
    return max_body_bytes


def admit_body(request, limit: int) -> None:
    """413 from Content-Length before parsing; a chunked body is read here, up to the limit.

    A refused body is drained (``drain``) before the 413, so the client gets to read it.
    werkzeug reads nothing of a body without Content-Length under eventlet (no
    wsgi.input_terminated), so a chunked body would silently be empty: it is read (at most
    limit + 1 bytes) and put back as a plain body of known length.
    """
    length = request.content_length
    if length is not None:
        if length > limit:
            drain(request.environ["wsgi.input"])
            raise too_large(limit)
        request.max_content_length = limit  # werkzeug enforces it again while reading
        return
    if "chunked" not in request.headers.get("Transfer-Encoding", "").lower():
        return
    environ = request.environ
    try:
        data = environ["wsgi.input"].read(limit + 1)
    except (ValueError, OSError) as exc:  # eventlet's ChunkReadError is a ValueError
        raise ApiError(400, "malformed", f"bad chunked body: {exc}") from None
    if len(data) > limit:
        drain(environ["wsgi.input"])
        raise too_large(limit)
    environ["wsgi.input"] = io.BytesIO(data)
    environ["CONTENT_LENGTH"] = str(len(data))
    environ.pop("HTTP_TRANSFER_ENCODING", None)
    for cached in ("content_length", "stream"):  # werkzeug cached_property, computed from the old environ
        request.__dict__.pop(cached, None)


def is_json(content_type: str) -> bool:
    """application/json or application/*+json, in UTF-8 (the only charset JSON may use)."""
    mimetype, options = parse_options_header(content_type or "")
    mimetype = mimetype.lower()
    json_type = mimetype == "application/json" or (mimetype.startswith("application/") and mimetype.endswith("+json"))
    return json_type and options.get("charset", "utf-8").lower() in JSON_CHARSETS


def is_multipart(content_type: str) -> bool:
    return parse_options_header(content_type or "")[0].lower() == "multipart/form-data"


def check_media_type(method: str, content_type: str, length: int | None, upload: bool) -> None:
    """415 for a body the route cannot read: JSON routes take JSON, the import route multipart.

    Only bodies of POST, PUT and PATCH are looked at; an empty body needs no content type
    (eventlet calls a missing one text/plain), so the route itself says what is missing.
    """
    if method not in BODY_METHODS or not length:
        return
    if upload:
        if not is_multipart(content_type):
            raise ApiError(415, "unsupported_media_type", "send the file as multipart/form-data",
                           [{"field": "Content-Type", "message": f"got {content_type or 'none'}"}])
        return
    if not is_json(content_type):
        raise ApiError(415, "unsupported_media_type",
                       "the body must be application/json (UTF-8)",
                       [{"field": "Content-Type", "message": f"got {content_type or 'none'}"}])


def admit(request, upload: bool, max_body_bytes: int, max_upload_bytes: int = UPLOAD_FILE_BYTES) -> None:
    """Both checks of a request, in order: size, then media type."""
    if request.method not in BODY_METHODS:
        return
    admit_body(request, body_limit(upload, max_body_bytes, max_upload_bytes))
    check_media_type(request.method, request.headers.get("Content-Type", ""), request.content_length, upload)
