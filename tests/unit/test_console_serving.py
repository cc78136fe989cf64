"""gateway/console.py without a running gateway: the build's files, the SPA paths, a missing build."""
import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway import console


def request(path="/"):
    return Request(EnvironBuilder(path=path).get_environ())


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


@pytest.mark.parametrize("path,spa", [
    ("admin/accounts", True), ("login", True), ("office/queue/12", True),
    ("api/v1/nope", False), ("api", False), ("docs/assets/x.js", False), ("assets/x.js", False),
    (".well-known/jwks.json", False), ("metrics", False),
])
def test_which_unknown_paths_the_console_router_owns(path, spa):
    assert console.spa_path(path) is spa
