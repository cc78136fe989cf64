"""GET /docs: Swagger UI served by the gateway from its own assets, rendered in headless Chromium."""
import base64
import http.client
import json
import pathlib
import re
import shutil
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from PIL import Image

from tests.e2e import browser
from tests.e2e.client import OFFICE

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
    dom = browser.run(tmp_path / "profile", url, "--virtual-time-budget=15000", "--dump-dom")
    assert 'class="swagger-ui' in dom, dom[:2000]
    assert "Failed to load API definition" not in dom
    operations = re.findall(r'class="opblock opblock-(get|post|put|patch|delete)', dom)
    assert len(operations) >= 2, dom[:2000]
    assert "/api/v1/suggestions" in dom
    assert "btn authorize" in dom, "no Authorize button: the document declares no bearer scheme"

    shot = tmp_path / "docs.png"
    browser.run(tmp_path / "profile", url, "--virtual-time-budget=15000", f"--screenshot={shot}",
                f"--window-size={WIDTH},{HEIGHT}", "--hide-scrollbars")
    with Image.open(shot) as image:
        assert image.format == "PNG" and image.size == (WIDTH, HEIGHT)
        colours = image.convert("RGB").getcolors(maxcolors=WIDTH * HEIGHT)
    assert len(colours) > 50, f"a blank page: {len(colours)} colours"
    kept = pathlib.Path(system.env["RUN_DIR"]) / "docs.png"  # for a person to look at
    shutil.copyfile(shot, kept)


# Drives the page as a person would: open GET /api/v1/categories, Try it out, Execute (no token: 401),
# then Authorize with a pasted bearer token and Execute again. React inputs need the native setter.
TRY_IT = r"""(async () => {
  const PATH = "/api/v1/categories", TOKEN = %s;
  const sleep = ms => new Promise(done => setTimeout(done, ms));
  const until = async (find, what) => {
    for (let i = 0; i < 300; i++) { const found = find(); if (found) return found; await sleep(100); }
    throw new Error("timed out waiting for " + what);
  };
  const text = node => (node ? node.textContent : "").replace(/\u200b/g, "").trim();
  const block = await until(() => [...document.querySelectorAll(".opblock.opblock-get")]
    .find(b => text(b.querySelector(".opblock-summary-path")) === PATH), PATH);
  block.querySelector(".opblock-summary-control").click();
  (await until(() => block.querySelector(".try-out__btn"), "Try it out")).click();
  const execute = async () => {
    block.querySelector(".btn-clear")?.click();
    await until(() => !block.querySelector(".live-responses-table"), "the old response to go");
    (await until(() => block.querySelector(".btn.execute"), "Execute")).click();
    const status = await until(() => block.querySelector(".live-responses-table tr.response .response-col_status"), "a response");
    return {status: text(status.firstChild), curl: text(block.querySelector(".curl-command")),
            body: text(block.querySelector(".live-responses-table tr.response .response-col_description"))};
  };
  const before = await execute();
  document.querySelector(".btn.authorize").click();
  const field = await until(() => document.querySelector(".dialog-ux input[type=text], .dialog-ux input:not([type])"), "the token field");
  Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set.call(field, TOKEN);
  field.dispatchEvent(new Event("input", {bubbles: true}));
  document.querySelector(".dialog-ux .modal-btn.authorize").click();
  await until(() => [...document.querySelectorAll(".dialog-ux button")].find(b => text(b) === "Logout"), "Logout");
  document.querySelector(".dialog-ux .btn-done").click();
  await until(() => !document.querySelector(".dialog-ux"), "the dialog to close");
  const after = await execute();
  block.scrollIntoView();  // for the screenshot
  return {before, after};
})()"""


def test_docs_authorize_and_try_a_request(system, tmp_path):
    page = browser.Page(tmp_path / "profile", system.url + "/docs")
    try:
        page.send("Emulation.setDeviceMetricsOverride", page.session, width=WIDTH, height=1400,
                  deviceScaleFactor=1, mobile=False)
        tried = page.evaluate(TRY_IT % json.dumps(OFFICE))
        shot = page.send("Page.captureScreenshot", page.session, format="png")["data"]
    finally:
        page.close()
    assert tried["before"]["status"] == "401", tried
    assert "Authorization" not in tried["before"]["curl"]
    assert tried["after"]["status"] == "200", tried
    assert f"Authorization: Bearer {OFFICE}" in tried["after"]["curl"], tried["after"]["curl"]
    assert "transport" in tried["after"]["body"]  # the categories themselves, as the gateway answered
    (pathlib.Path(system.env["RUN_DIR"]) / "docs-try.png").write_bytes(base64.b64decode(shot))
