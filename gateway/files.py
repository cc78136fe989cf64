"""Attached files over HTTP (issue 15): the multipart upload handed to the owning service in base64,
and the download answered with its media type and a Content-Disposition that carries a UTF-8 name.

The owning service checks the type by content and stores the file (services/common/files.py);
here only the size is checked before any RPC (413 with the limit), against ATTACHMENT_MAX_BYTES.
"""
import base64
from urllib.parse import quote

from werkzeug.wrappers import Response

from gateway.errors import ApiError
from services.common.errors import field_error

# the download's declared media type: any, as the file's own (PDF, JPEG, PNG, DOCX, XLSX) is answered
ANY_FILE = "*/*"


def too_large(limit: int) -> ApiError:
    return ApiError(413, "too_large", f"the file may be at most {limit // (1024 * 1024)} MB ({limit} bytes)",
                    [{"field": "file", "limit": limit}])


def read_upload(request, limit: int) -> tuple[str, str]:
    """(file name, content in base64) of the multipart field ``file``: 422 naming it if missing,
    413 if larger than ``limit``."""
    upload = request.files.get("file")
    if upload is None:
        raise field_error("file", "send the file as multipart/form-data field 'file'")
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise too_large(limit)
    return upload.filename or "", base64.b64encode(content).decode()


def content_disposition(filename: str, inline: bool = False) -> str:
    """``attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded>`` (RFC 6266/5987):
    browsers take the UTF-8 name (报告.pdf), old clients the ASCII one."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in filename)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback or 'file'}\"; filename*=UTF-8''{quote(filename, safe='')}"


def file_response(answer: dict) -> Response:
    """A service's file answer ({filename, media_type, sha256, content (base64)}) as the download."""
    content = base64.b64decode(answer["content"])
    return Response(content, status=200, mimetype=answer["media_type"], headers={
        "Content-Disposition": content_disposition(answer["filename"]),
        "X-Content-SHA256": answer["sha256"],
        "Cache-Control": "private, no-store",
    })
