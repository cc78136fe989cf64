"""The gateway serves the web console's build (console/dist, gateway/console.py) at "/"."""
import re

import pytest
import requests

from gateway.console import DEFAULT_DIST

pytestmark = pytest.mark.skipif(not (DEFAULT_DIST / "index.html").is_file(),
                                reason="console/dist is not built (scripts/console.sh builds it)")


def get(system, path, **kw):
    return requests.get(system.url + path, timeout=10, **kw)


def test_the_console_page_and_its_hashed_assets(system):
    page = get(system, "/")
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert page.headers["Cache-Control"] == "no-cache"
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert '<div id="app">' in page.text and "://" not in page.text
    assets = re.findall(r'(?:src|href)="(/assets/[^"]+)"', page.text)
    assert any(a.endswith(".js") for a in assets) and any(a.endswith(".css") for a in assets)
    for url in assets:
        answer = get(system, url)
        assert answer.status_code == 200, url
        assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable", url
        kind = "text/javascript" if url.endswith(".js") else "text/css"
        assert answer.headers["Content-Type"].startswith(kind), url
    again = get(system, "/", headers={"If-None-Match": page.headers["ETag"]})
    assert again.status_code == 304


def test_the_routers_own_paths_answer_the_page(system):
    for path in ("/login", "/admin/accounts", "/office/queue/12?tab=new"):
        answer = get(system, path)
        assert answer.status_code == 200, path
        assert '<div id="app">' in answer.text and answer.headers["Cache-Control"] == "no-cache", path


def test_the_api_and_operations_keep_their_answers(system):
    missing = get(system, "/api/v1/no-such-route")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    asset = get(system, "/assets/no-such-file.js")
    assert asset.status_code == 404 and asset.json()["error"]["code"] == "not_found"
    assert get(system, "/assets/..%2Findex.html").status_code == 404
    assert get(system, "/healthz").json()["status"] == "ok"
    assert get(system, "/docs").headers["Content-Type"].startswith("text/html")
    assert get(system, "/metrics").status_code == 404
    assert get(system, "/api/v1/openapi.json").json()["openapi"].startswith("3.")
    posted = requests.post(system.url + "/admin/accounts", timeout=10)
    assert posted.status_code == 404 and posted.json()["error"]["code"] == "not_found"
