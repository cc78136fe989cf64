"""Attached files (issue 15): what a file is, told by its content, and the rules every service that
stores files applies before storing one. Pure: no database, no nameko.

A suggestion's photos and documents (suggestion service) and a reply's signed 答复函 (assignment
service) are stored by the service that owns the item, in its own database (bytea with sha256,
size, media type, who and when), never on a process's disk. The gateway hands the file over RPC
in base64 (≤ ATTACHMENT_MAX_BYTES, 10 MiB by default: ~13.4 MB on the wire, well within
RabbitMQ's message size).

The type is told by the content's magic bytes, never by the name alone: a program renamed
.pdf is refused (415 naming the field ``file``), and so is a name whose extension says another
of the allowed types than the content (a PNG called .pdf).
"""
import hashlib
import io
import unicodedata
import zipfile
from dataclasses import dataclass

from services.common.errors import FileTooLarge, UnsupportedFile

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# media type -> the extensions a name of that type may have (the first is given to a name without one)
EXTENSIONS = {PDF: (".pdf",), JPEG: (".jpg", ".jpeg"), PNG: (".png",), DOCX: (".docx",), XLSX: (".xlsx",)}
LABELS = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG", DOCX: "Word (.docx)", XLSX: "Excel (.xlsx)"}
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_NAME_CHARS = 200
FIELD = "file"


@dataclass(frozen=True)
class Checked:
    """A file that passed: its media type (by content), a safe name, its size and sha256."""
    media_type: str
    filename: str
    size: int
    sha256: str


def sniff(content: bytes) -> str | None:
    """The media type the content's magic bytes say, among the allowed ones; None otherwise.

    DOCX and XLSX are ZIP archives (Office Open XML): told apart by the part each must have."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return DOCX
            if "xl/workbook.xml" in names:
                return XLSX
    return None


def safe_name(name: str | None, media_type: str) -> str:
    """The file's name without any path, control characters or surrounding blanks, at most
    MAX_NAME_CHARS (extension kept); a name left empty becomes 附件 with the type's extension."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip().strip(".")
    if not base:
        return "附件" + EXTENSIONS[media_type][0]
    if len(base) > MAX_NAME_CHARS:
        stem, dot, ext = base.rpartition(".")
        ext = dot + ext if dot and len(ext) <= 10 else ""
        base = (stem if ext else base)[:MAX_NAME_CHARS - len(ext)] + ext
    return base


def extension_of(name: str) -> str:
    _, dot, ext = name.rpartition(".")
    return "." + ext.lower() if dot else ""


def check(content: bytes, name: str | None, max_bytes: int, allowed: tuple[str, ...] = tuple(EXTENSIONS)) -> Checked:
    """The rules of an attached file: not empty, not over ``max_bytes`` (413), a type of
    ``allowed`` by its content (415), and a name that does not claim another allowed type (415)."""
    if len(content) > max_bytes:
        raise FileTooLarge(f"the file may be at most {max_bytes // (1024 * 1024)} MB ({max_bytes} bytes); "
                           f"it has {len(content)} bytes", [{"field": FIELD, "message": f"at most {max_bytes} bytes"}])
    if not content:
        raise UnsupportedFile("the file is empty", [{"field": FIELD, "message": "empty"}])
    kinds = ", ".join(LABELS[t] for t in allowed)
    media_type = sniff(content)
    if media_type not in allowed:
        raise UnsupportedFile(f"file: its content is not one of the allowed types ({kinds})",
                              [{"field": FIELD, "message": f"allowed: {kinds}; the content is none of them"}])
    filename = safe_name(name, media_type)
    ext = extension_of(filename)
    claimed = next((t for t, exts in EXTENSIONS.items() if ext in exts), None)
    if claimed is not None and claimed != media_type:
        raise UnsupportedFile(f"file: the name says {LABELS[claimed]} but the content is {LABELS[media_type]}",
                              [{"field": FIELD, "message": f"the content is {LABELS[media_type]}, not {ext}"}])
    if claimed is None:  # no extension, or one of no allowed type (.exe): the content's is added
        filename = filename[:MAX_NAME_CHARS - 5] + EXTENSIONS[media_type][0]
    return Checked(media_type, filename, len(content), hashlib.sha256(content).hexdigest())
