"""GET /docs: Swagger UI over /api/v1/openapi.json, its assets served by the gateway itself.

The assets come from the PyPI package swagger-ui-bundle-v2 (requirements.lock), so the page
needs nothing but this gateway at run time; its Content-Security-Policy lets the browser
load nothing from anywhere else either.
"""
import hashlib
import pathlib
from functools import lru_cache

from swagger_ui_bundle import swagger_ui_path
from werkzeug.wrappers import Response

from gateway.contract import HTML
from gateway.errors import ApiError
from gateway.http import api

OPENAPI_URL = "/api/v1/openapi.json"
ASSETS_URL = "/docs/assets/"
ASSETS_DIR = pathlib.Path(str(swagger_ui_path))
SWAGGER_UI_VERSION = ASSETS_DIR.name.removeprefix("swagger-ui-")

CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".png": "image/png",
    ".map": "application/json",
}
# A URL carrying the asset's current fingerprint (?v=) never changes; any other is revalidated.
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, no-cache"
# Swagger UI sets inline styles and uses data: images in its CSS; scripts only from here.
PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
               "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'")

# Ours, not the package's: the page's only script besides Swagger UI (no inline script, see PAGE_POLICY).
INIT_SCRIPT = f"""window.ui = SwaggerUIBundle({{
  url: "{OPENAPI_URL}",
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
  persistAuthorization: true,
  displayRequestDuration: true,
  filter: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
}});
"""
INIT_NAME = "lianxin-docs.js"
PAGE_ASSETS = ("swagger-ui.css", "favicon-32x32.png", "swagger-ui-bundle.js", INIT_NAME)

PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>连心 API 文档</title>
  <link rel="stylesheet" href="{swagger-ui.css}">
  <link rel="icon" type="image/png" href="{favicon-32x32.png}">
</head>
<body>
  <noscript>本页需要启用 JavaScript；接口文档原文见 <a href="{openapi}">{openapi}</a>。</noscript>
  <div id="swagger-ui"></div>
  <script src="{swagger-ui-bundle.js}"></script>
  <script src="{lianxin-docs.js}"></script>
</body>
</html>
"""


# Only plain file names of the package's top directory with a known type are served, so '..',
# sub-directories and encoded slashes never reach the file system.
# (The package's own swagger-initializer.js is its petstore demo: not served.)
SERVED = {p.name: p for p in ASSETS_DIR.iterdir()
          if p.is_file() and p.suffix in CONTENT_TYPES and p.name != "swagger-initializer.js"}


def asset(name: str) -> tuple[bytes, str, str] | None:
    """(content, content type, fingerprint) of a servable asset; None for anything else."""
    return load(name) if name in SERVED or name == INIT_NAME else None


@lru_cache(maxsize=None)  # keyed by served names only (see asset)
def load(name: str) -> tuple[bytes, str, str]:
    content = INIT_SCRIPT.encode() if name == INIT_NAME else SERVED[name].read_bytes()
    kind = CONTENT_TYPES[pathlib.PurePosixPath(name).suffix]
    return content, kind, hashlib.sha256(content).hexdigest()[:16]


@lru_cache(maxsize=1)
def page() -> bytes:
    html = PAGE.replace("{openapi}", OPENAPI_URL)
    for name in PAGE_ASSETS:
        html = html.replace("{" + name + "}", f"{ASSETS_URL}{name}?v={asset(name)[2]}")
    return html.encode()


class DocsRoutes:

    # hidden: the page and its files are not part of the API document; no roles: no token read
    @api("GET", "/docs", media=HTML, hidden=True)
    def docs_page(self, request):
        """The interactive API page (Swagger UI)."""
        return Response(page(), mimetype="text/html", headers={
            "Cache-Control": "no-cache", "Content-Security-Policy": PAGE_POLICY,
            "X-Content-Type-Options": "nosniff"})

    @api("GET", "/docs/assets/<path:name>", hidden=True)
    def docs_asset(self, request, name):
        found = asset(name)
        if found is None:
            raise ApiError(404, "not_found", f"no such asset: {name}")
        content, kind, fingerprint = found
        response = Response(content, content_type=kind, headers={
            "Cache-Control": IMMUTABLE if request.args.get("v") == fingerprint else REVALIDATE,
            "X-Content-Type-Options": "nosniff"})
        response.set_etag(fingerprint)
        return response.make_conditional(request)
