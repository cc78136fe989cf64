"""gateway/console.py without a running gateway: the build's files, the SPA paths, a missing build."""
import gzip

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway import console


def request(path="/", **headers):
    return Request(EnvironBuilder(path=path, headers=headers).get_environ())


@pytest.fixture
def dist(tmp_path, monkeypatch):
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text('<!DOCTYPE html><script type="module" src="/assets/index-abc.js"></script>')
    (tmp_path / "assets" / "index-abc.js").write_text("console.log(1)")
    monkeypatch.setattr(console, "DIST", tmp_path)
    return tmp_path


def test_index_is_revalidated_and_has_its_own_policy(dist):
    answer = console.index_response(request())
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-cache"
    assert answer.headers["Content-Type"].startswith("text/html")
    assert "script-src 'self'" in answer.headers["Content-Security-Policy"]
    assert b"/assets/index-abc.js" in answer.get_data()


def test_a_missing_build_is_a_clear_503_text(tmp_path, monkeypatch):
    monkeypatch.setattr(console, "DIST", tmp_path / "nothing")
    answer = console.index_response(request())
    assert answer.status_code == 503
    assert answer.headers["Content-Type"].startswith("text/plain")
    assert "make up" in answer.get_data(as_text=True)


def test_assets_are_plain_names_of_the_build(dist):
    assert console.asset_file("index-abc.js") == dist / "assets" / "index-abc.js"
    for name in ("../index.html", "sub/x.js", ".hidden", "", "nope.js", "..\\index.html"):
        assert console.asset_file(name) is None, name


def test_assets_are_immutable_and_gzipped_for_a_browser_that_accepts_it(dist):
    (dist / "assets" / "logo-abc.png").write_bytes(b"\x89PNG....")
    plain = console.asset_response(request("/assets/index-abc.js"), "index-abc.js")
    assert plain.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert plain.headers["Vary"] == "Accept-Encoding" and "Content-Encoding" not in plain.headers
    assert plain.get_data() == b"console.log(1)" and plain.headers["Content-Type"].startswith("text/javascript")
    packed = console.asset_response(request("/assets/index-abc.js", **{"Accept-Encoding": "gzip, deflate, br"}),
                                    "index-abc.js")
    assert packed.headers["Content-Encoding"] == "gzip"
    assert packed.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert gzip.decompress(packed.get_data()) == b"console.log(1)"
    refused = console.asset_response(request("/assets/index-abc.js", **{"Accept-Encoding": "gzip;q=0"}),
                                     "index-abc.js")
    assert "Content-Encoding" not in refused.headers
    image = console.asset_response(request("/assets/logo-abc.png", **{"Accept-Encoding": "gzip"}), "logo-abc.png")
    assert "Content-Encoding" not in image.headers and image.headers["Cache-Control"].endswith("immutable")
    with pytest.raises(console.ApiError):
        console.asset_response(request("/assets/nope.js"), "nope.js")


def test_a_rebuilt_file_is_compressed_anew(dist):
    accept = {"Accept-Encoding": "gzip"}
    first = console.asset_response(request("/assets/index-abc.js", **accept), "index-abc.js").get_data()
    (dist / "assets" / "index-abc.js").write_text("console.log(22)")
    again = console.asset_response(request("/assets/index-abc.js", **accept), "index-abc.js").get_data()
    assert gzip.decompress(first) == b"console.log(1)" and gzip.decompress(again) == b"console.log(22)"


@pytest.mark.parametrize("path,spa", [
    ("admin/accounts", True), ("login", True), ("office/queue/12", True),
    ("api/v1/nope", False), ("api", False), ("docs/assets/x.js", False), ("assets/x.js", False),
    (".well-known/jwks.json", False), ("metrics", False),
])
def test_which_unknown_paths_the_console_router_owns(path, spa):
    assert console.spa_path(path) is spa
