"""The web console (console/, a Vue single-page application) served at "/" from its build, console/dist.

- ``/`` and every unknown GET path outside /api/ (the SPA router's own paths, e.g. /admin/accounts):
  ``index.html`` with ``Cache-Control: no-cache`` (always revalidated, so a new build shows at once);
- ``/assets/<name>``: Vite's content-hashed files, ``public, max-age=31536000, immutable``, gzip-compressed
  for a browser that accepts it (``Vary: Accept-Encoding``; compressed once per file and kept);
- no build (``console/dist/index.html`` missing): a plain-text 503 saying how to build it.

/docs, /healthz, /readyz and /api/v1/* are routes of their own and are not affected. The
directory is console/dist next to the gateway package (the image and `make up` build it there)."""
import gzip
import hashlib
import mimetypes
import pathlib
import threading

from werkzeug.wrappers import Response

from gateway.contract import HTML
from gateway.errors import ApiError
from gateway.http import api

DEFAULT_DIST = pathlib.Path(__file__).resolve().parent.parent / "console" / "dist"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
# Element Plus sets inline styles; the TOTP QR code is a data: image; everything else from here
CONSOLE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                  "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
                  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'")
MISSING = ("连心 console is not built: run `make up` (or `cd console && npm ci && npm run build`).\n"
           "控制台尚未构建：请运行 make up。The API is at /api/v1/, its documentation at /docs.\n")
TYPES = {".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
         ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml", ".woff2": "font/woff2",
         ".woff": "font/woff", ".ttf": "font/ttf", ".png": "image/png", ".ico": "image/x-icon",
         ".json": "application/json", ".map": "application/json", ".html": "text/html; charset=utf-8"}
# text assets are sent gzip-compressed (6: most of level 9's gain for a fraction of its time)
COMPRESSIBLE = (".js", ".mjs", ".css", ".svg", ".json", ".map", ".html", ".txt")
GZIP_LEVEL = 6
_gzipped: dict[tuple, bytes] = {}  # (path, mtime_ns, size) → compressed bytes: a build's files, a few MB
_gzipped_lock = threading.Lock()
# paths the SPA never owns: an unknown one there stays the API's JSON 404
NOT_SPA = ("api/", ".well-known/", "docs/", "assets/", "metrics")


DIST = DEFAULT_DIST  # (tests point it elsewhere)


def dist_dir() -> pathlib.Path:
    return DIST


def spa_path(path: str) -> bool:
    """Is an unknown GET path one the console's router answers (not an API or asset path)?"""
    return not path.startswith(NOT_SPA) and path not in ("api", "docs", "assets")


def index_response(request) -> Response:
    index = dist_dir() / "index.html"
    try:
        content = index.read_bytes()
    except OSError:
        return Response(MISSING, status=503, content_type="text/plain; charset=utf-8",
                        headers={"Cache-Control": "no-store", "Retry-After": "30"})
    response = Response(content, content_type="text/html; charset=utf-8", headers={
        "Cache-Control": REVALIDATE, "Content-Security-Policy": CONSOLE_POLICY})
    response.set_etag(hashlib.sha256(content).hexdigest()[:16])
    return response.make_conditional(request)


def asset_file(name: str) -> pathlib.Path | None:
    """The file of /assets/<name>: a plain name in dist/assets (no sub-directories, no '..')."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    path = dist_dir() / "assets" / name
    return path if path.is_file() else None


class ConsoleRoutes:

    @api("GET", "/", media=HTML, hidden=True)
    def console_index(self, request):
        """The console's page (index.html of its build)."""
        return index_response(request)

    @api("GET", "/assets/<path:name>", hidden=True)
    def console_asset(self, request, name):
        """A content-hashed file of the console's build: cached for a year."""
        return asset_response(request, name)


def accepts_gzip(request) -> bool:
    return any(part.split(";")[0].strip().lower() in ("gzip", "*") and not part.strip().endswith(("q=0", "q=0.0"))
               for part in request.headers.get("Accept-Encoding", "").split(","))


def gzipped(path: pathlib.Path) -> bytes:
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    with _gzipped_lock:
        if key not in _gzipped:
            _gzipped[key] = gzip.compress(path.read_bytes(), compresslevel=GZIP_LEVEL, mtime=0)
        return _gzipped[key]


def asset_response(request, name: str) -> Response:
    """A file of the build, cached for a year; text files gzip-compressed when the browser accepts it."""
    path = asset_file(name)
    if path is None:
        raise ApiError(404, "not_found", f"no such asset: {name}")
    kind = TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    headers = {"Cache-Control": IMMUTABLE}
    if path.suffix not in COMPRESSIBLE:
        return Response(path.read_bytes(), content_type=kind, headers=headers)
    headers["Vary"] = "Accept-Encoding"
    if not accepts_gzip(request):
        return Response(path.read_bytes(), content_type=kind, headers=headers)
    return Response(gzipped(path), content_type=kind, headers={**headers, "Content-Encoding": "gzip"})
