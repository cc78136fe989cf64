"""The unified identity platform the OIDC tests sign in at: panva's node-oidc-provider (OpenID
Certified), started from tests/oidc/provider.mjs, and a browser's walk through its pages.

``npm ci`` runs in tests/oidc when its node_modules are missing (make test-tools does it first, so
the suite itself normally finds them installed)."""
import fcntl
import html
import json
import pathlib
import re
import secrets
import subprocess
import time
from contextlib import contextmanager
from urllib.parse import parse_qs, urljoin, urlsplit

import requests

from scripts.isolation import ROOT

PROVIDER_DIR = ROOT / "tests" / "oidc"
CLIENT_ID = "lianxin-test"
USERS = {
    # linked to accounts by login (preferred_username) or by phone (phone_number, E.164 as platforms send it)
    "zhangsan": {"name": "张三", "phone_number": "+86 138-0000-0001", "employee_no": "E1001"},
    "lisi": {"name": "李四", "phone_number": "+8613800000002", "employee_no": "E1002"},
    "wanger": {"name": "王二", "phone_number": "+8613900000099", "employee_no": "E9999"},  # no account
    "zhaoliu": {"name": "赵六", "phone_number": "+8613800000004", "employee_no": "E1004"},  # disabled account
}


def installed() -> bool:
    return (PROVIDER_DIR / "node_modules" / "oidc-provider" / "package.json").exists()


def ensure_installed() -> None:
    """npm ci in tests/oidc once (package-lock.json pins oidc-provider and everything under it);
    a lock file keeps two test processes (the suite's lanes) from installing at once."""
    if installed():
        return
    with open(PROVIDER_DIR / ".npm-ci.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not installed():
            done = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=PROVIDER_DIR, capture_output=True,
                                  text=True, timeout=600)
            assert done.returncode == 0, f"npm ci in tests/oidc failed:\n{done.stdout}\n{done.stderr}"


@contextmanager
def running_platform(port: int, redirect_uri: str, log: pathlib.Path):
    """The provider on 127.0.0.1:port; yields {issuer, client_id, client_secret}."""
    ensure_installed()
    secret = secrets.token_urlsafe(32)
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "OIDC_PORT": str(port), "OIDC_CLIENT_ID": CLIENT_ID,
           "OIDC_CLIENT_SECRET": secret, "OIDC_REDIRECT_URI": redirect_uri, "OIDC_USERS": json.dumps(USERS)}
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "w") as out:
        process = subprocess.Popen(["node", str(PROVIDER_DIR / "provider.mjs")], cwd=PROVIDER_DIR, env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
    issuer = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(issuer + "/.well-known/openid-configuration", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert process.poll() is None, f"the OIDC provider exited:\n{log.read_text(errors='replace')}"
            assert time.monotonic() < deadline, f"the OIDC provider did not start:\n{log.read_text(errors='replace')}"
            time.sleep(0.2)
        yield {"issuer": issuer, "client_id": CLIENT_ID, "client_secret": secret}
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


FORM = re.compile(r'<form[^>]*action="([^"]+)"[^>]*>(.*?)</form>', re.S)
INPUT = re.compile(r'<input([^>]*)>')
ATTR = re.compile(r'(\w+)="([^"]*)"')


def form_of(page: str, prompt: str) -> tuple[str, dict]:
    """(action, fields) of the page's form for ``prompt`` (login or consent), as a browser would post it."""
    for action, body in FORM.findall(page):
        fields = {}
        for attrs in INPUT.findall(body):
            a = dict(ATTR.findall(attrs))
            if "name" in a:
                fields[a["name"]] = html.unescape(a.get("value", ""))
        if fields.get("prompt") == prompt:
            return html.unescape(action), fields
    raise AssertionError(f"no {prompt} form on the page:\n{page[:2000]}")


def sign_in_at_platform(authorization_url: str, login: str, redirect_uri: str) -> dict:
    """A person's browser: the platform's sign-in page (login + password), its consent page, and
    back towards ``redirect_uri``; returns the query the platform sends there ({code, state, iss})."""
    browser = requests.Session()
    url, method, data = authorization_url, "GET", None
    for _ in range(20):
        if url.startswith(redirect_uri):
            return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        response = browser.request(method, url, data=data, allow_redirects=False, timeout=10)
        if response.status_code in (302, 303):
            url, method, data = urljoin(url, response.headers["Location"]), "GET", None
            continue
        assert response.status_code == 200, f"{method} {url}: {response.status_code} {response.text[:500]}"
        if 'name="prompt" value="login"' in response.text:
            action, fields = form_of(response.text, "login")
            fields.update(login=login, password="密码-any")  # devInteractions: the account id signs in
        else:
            action, fields = form_of(response.text, "consent")
        url, method, data = urljoin(url, action), "POST", fields
    raise AssertionError("the platform never sent the browser back")
