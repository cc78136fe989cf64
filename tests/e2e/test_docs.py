"""GET /docs: Swagger UI served by the gateway from its own assets, rendered in headless Chromium."""
import http.client
import pathlib
import re
import shutil
import subprocess
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from PIL import Image

# Headless and offline: without the background-networking flags Chromium calls home.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--virtual-time-budget=15000"]
CONTENT_TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}
WIDTH, HEIGHT = 1280, 2000


class References(HTMLParser):
    """Every URL the page makes the browser load or link to."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]


def references(html: str) -> list[str]:
    parser = References()
    parser.feed(html)
    return parser.urls


def raw_get(system, path: str) -> tuple[int, bytes]:
    """A GET whose path is sent exactly as written (requests would resolve '..' itself)."""
    host, port = system.env["GATEWAY_ADDRESS"].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.request("GET", path)
        answer = conn.getresponse()
        return answer.status, answer.read()
    finally:
        conn.close()


def chromium(tmp_path: pathlib.Path, url: str, *args: str) -> subprocess.CompletedProcess:
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    assert binary, "headless Chromium is missing: `make test-tools` (bash scripts/system.sh browser) installs it"
    profile = tmp_path / "profile"
    return subprocess.run([binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args, url],
                          capture_output=True, text=True, timeout=120, check=True)


def test_page_loads_only_its_own_assets(system, api):
    page = api.call("GET", "/docs", expect=200)
    assert page.headers["Content-Type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert "://" not in page.text, "the page names another host"
    urls = references(page.text)
    assets = [u for u in urls if u.startswith("/docs/assets/")]
    assert {urlsplit(u).path.rsplit("/", 1)[1] for u in assets} >= {"swagger-ui-bundle.js", "swagger-ui.css"}
    assert set(urls) - set(assets) == {"/api/v1/openapi.json"}  # the <noscript> link
    for url in assets:
        answer = api.call("GET", url, expect=200)
        suffix = pathlib.PurePosixPath(urlsplit(url).path).suffix
        assert answer.headers["Content-Type"].startswith(CONTENT_TYPES[suffix]), url
        assert "immutable" in answer.headers["Cache-Control"], url  # it carries its fingerprint (?v=)
        assert len(answer.content) > 0
        unchanged = api.call("GET", url, headers={"If-None-Match": answer.headers["ETag"]})
        assert unchanged.status_code == 304 and not unchanged.content, url
    # the same asset without its current fingerprint must be revalidated, not kept for a year
    stale = api.call("GET", "/docs/assets/swagger-ui.css?v=old", expect=200)
    assert "immutable" not in stale.headers["Cache-Control"] and "no-cache" in stale.headers["Cache-Control"]
    assert api.call("GET", "/api/v1/openapi.json", expect=200).json()["openapi"].startswith("3.1")


@pytest.mark.parametrize("path", [
    "/docs/assets/../../gateway/docs.py",
    "/docs/assets/..%2F..%2Fgateway%2Fdocs.py",
    "/docs/assets/%2e%2e/%2e%2e/requirements.lock",
    "/docs/assets/%2Fetc%2Fpasswd",
    "/docs/assets//etc/passwd",
    "/docs/assets/../vendor/swagger-ui-5.31.0/index.j2",
    "/docs/assets/index.j2",
    "/docs/assets/swagger-initializer.js",
    "/docs/assets/nothing.js",
    "/docs/assets/",
])
def test_assets_refuse_anything_else(system, path):
    status, content = raw_get(system, path)
    assert status == 404, (path, status, content[:200])
    assert b"import" not in content and b"root:" not in content and b"nameko" not in content


def test_docs_render_in_headless_chromium(system, tmp_path):
    url = system.url + "/docs"
    dom = chromium(tmp_path, url, "--dump-dom").stdout
    assert 'class="swagger-ui' in dom, dom[:2000]
    assert "Failed to load API definition" not in dom
    operations = re.findall(r'class="opblock opblock-(get|post|put|patch|delete)', dom)
    assert len(operations) >= 2, dom[:2000]
    assert "/api/v1/suggestions" in dom
    assert "btn authorize" in dom, "no Authorize button: the document declares no bearer scheme"

    shot = tmp_path / "docs.png"
    chromium(tmp_path, url, f"--screenshot={shot}", f"--window-size={WIDTH},{HEIGHT}", "--hide-scrollbars")
    with Image.open(shot) as image:
        assert image.format == "PNG" and image.size == (WIDTH, HEIGHT)
        colours = image.convert("RGB").getcolors(maxcolors=WIDTH * HEIGHT)
    assert len(colours) > 50, f"a blank page: {len(colours)} colours"
    kept = pathlib.Path(system.env["RUN_DIR"]) / "docs.png"  # for a person to look at
    shutil.copyfile(shot, kept)
