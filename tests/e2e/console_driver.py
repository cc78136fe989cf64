"""What every console journey in headless Chromium uses: the production build, real people signed in
through the real sign-in steps, and a tab driven with real mouse clicks and typing (Console).

People are real accounts (created by the administrator over the API, first password changed and TOTP
enrolled through the real sign-in steps when asked); their tokens are put where the console's auth store
keeps them (sessionStorage "lianxin.session"). Screenshots go to .run/screenshots/<journey>-<step>.png."""
import base64
import json
import pathlib
import shutil
import subprocess
import time
import uuid

from tests.conftest import ROOT
from tests.e2e import browser
from tests.e2e.client import token
from tests.identity_people import first_sign_in

ADMIN = token("admin", sub="admin-console-e2e")
SECURITY_ADMIN = token("security_admin", sub="secadmin-console-e2e")
ADMINISTRATIVE = ("admin", "security_admin", "auditor")
CONSOLE = ROOT / "console"
SHOTS = ROOT / ".run" / "screenshots"
NEW_PASSWORD = "Console-journey-2026"


def built_console() -> pathlib.Path:
    """console/dist, built when missing or older than the sources."""
    dist = CONSOLE / "dist"
    newest = max(p.stat().st_mtime for p in (CONSOLE / "src").rglob("*") if p.is_file())
    if not (dist / "index.html").exists() or (dist / "index.html").stat().st_mtime < newest:
        npm = shutil.which("npm")
        assert npm, "npm is missing: `make up` installs Node.js and npm"
        if not (CONSOLE / "node_modules").exists():
            subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=CONSOLE, check=True, timeout=600)
        subprocess.run([npm, "run", "build:fast"], cwd=CONSOLE, check=True, timeout=600)
    return dist


def signed_in(api, login: str, password: str) -> dict:
    """The sign-in steps a person goes through the first time: new password, TOTP when asked."""
    return first_sign_in(api, login, password, NEW_PASSWORD)


def person(api, role: dict, name: str) -> dict:
    """A new account holding role (a binding), signed in. Under 三员分立 an administrator makes the
    account and only a security administrator binds an administrative role to it."""
    login = f"c{uuid.uuid4().hex[:8]}"
    administrative = role["role"] in ADMINISTRATIVE
    account = api.post("/accounts", ADMIN, {"login": login, "display_name": name,
                                            "roles": [] if administrative else [role]}, expect=201).json()
    if administrative:
        api.post(f"/accounts/{account['id']}/roles", SECURITY_ADMIN, role, expect=201)
    return signed_in(api, login, account["initial_password"])


class Console:
    """A Chromium tab on the console, driven with real mouse clicks and typing."""

    def __init__(self, page: browser.Page, url: str, journey: str = "console-lifecycle"):
        self.page, self.url, self.journey = page, url, journey

    def js(self, script: str):
        return self.page.evaluate(script)

    def viewport(self, width: int, height: int, mobile: bool = False):
        self.page.send("Emulation.setDeviceMetricsOverride", self.page.session, width=width, height=height,
                       deviceScaleFactor=1, mobile=mobile)

    def as_person(self, session: dict, path: str):
        stored = json.dumps({"accessToken": session["access_token"], "refreshToken": session["refresh_token"],
                             "login": session["account"]["login"]})
        self.js(f"sessionStorage.setItem('lianxin.session', {json.dumps(stored)}); location.href = "
                f"{json.dumps(self.url + path)}; true")
        time.sleep(0.3)

    def wait(self, condition: str, what: str, timeout: float = 20):
        if self.shown(condition, timeout):
            return
        self.shot(f"failed-{what.replace(' ', '-')}")
        messages = self.js("[...new Set(window.__messages || [])].join(' | ')")
        raise AssertionError(f"waited {timeout}s for {what}; messages: {messages}; page: {self.text()[:1500]}")

    def watch_messages(self):
        self.js("window.__messages = []; new MutationObserver(() => document.querySelectorAll('.el-message')"
                ".forEach(m => window.__messages.push(m.innerText))).observe(document.body, {childList: true, "
                "subtree: true}); true")

    def text(self) -> str:
        return self.js("document.body.innerText") or ""

    def click(self, element: str, what: str):
        """Clicks the middle of the element the JavaScript expression gives, as a mouse would."""
        self.wait(element, what)
        self.wait("![...document.querySelectorAll('.el-loading-mask')].some(m => m.offsetParent !== null)",
                  f"the page to load before clicking {what}")
        where = (f"(() => {{ const e = {element}; e.scrollIntoView({{block: 'center'}}); "
                 "const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2] })()")
        # a dropdown or dialog still opening (Element Plus zooms them in) moves its items: click only
        # where the element has come to rest, or a busy machine's click lands on a neighbour (seen in CI)
        box, deadline = self.js(where), time.monotonic() + 2
        while time.monotonic() < deadline:
            time.sleep(0.05)
            again = self.js(where)
            if again == box:
                break
            box = again
        for kind in ("mousePressed", "mouseReleased"):
            self.page.send("Input.dispatchMouseEvent", self.page.session, type=kind, x=box[0], y=box[1],
                           button="left", clickCount=1)
        time.sleep(0.15)

    def choose(self, name: str, text: str, what: str, tries: int = 3):
        """Opens the select ``data-test=name`` and clicks its shown option with ``text``. A click on
        a select that lands while its dialog is still opening may leave it focused with its menu
        shut (seen in CI on a slow machine): it is clicked again until a menu shows, up to ``tries``
        times, and then the option is waited for as usual."""
        wrapper = select(name) + ".querySelector('.el-select__wrapper')"
        menu = "[...document.querySelectorAll('.el-select-dropdown')].some(e => e.offsetParent !== null)"
        for _ in range(tries):
            self.click(wrapper, f"the {name} select")
            if self.shown(menu, timeout=3):
                break
        self.click(option(text), what)

    def shown(self, condition: str, timeout: float) -> bool:
        """Whether ``condition`` holds within ``timeout`` seconds (``wait`` without failing)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                if self.js(f"(() => {{ try {{ return !!({condition}) }} catch (e) {{ return false }} }})()"):
                    return True
            except AssertionError:
                pass  # the page is navigating
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.2)

    def type(self, element: str, text: str, what: str):
        self.click(element, what)
        self.page.send("Input.insertText", self.page.session, text=text)
        time.sleep(0.1)

    def press_enter(self):
        for kind, extra in (("keyDown", {"text": "\r"}), ("keyUp", {})):
            self.page.send("Input.dispatchKeyEvent", self.page.session, type=kind, key="Enter", code="Enter",
                           windowsVirtualKeyCode=13, **extra)
        time.sleep(0.1)

    def upload(self, selector: str, path: pathlib.Path):
        root = self.page.send("DOM.getDocument", self.page.session)["root"]["nodeId"]
        node = self.page.send("DOM.querySelector", self.page.session, nodeId=root, selector=selector)["nodeId"]
        self.page.send("DOM.setFileInputFiles", self.page.session, nodeId=node, files=[str(path)])

    def shot(self, name: str):
        SHOTS.mkdir(parents=True, exist_ok=True)
        data = self.page.send("Page.captureScreenshot", self.page.session, format="png")["data"]
        (SHOTS / f"{self.journey}-{name}.png").write_bytes(base64.b64decode(data))


def q(selector: str) -> str:
    return f"document.querySelector({json.dumps(selector)})"


def field(name: str) -> str:
    """The input or textarea an Element Plus field put its data-test on (itself, or inside it)."""
    s = f'[data-test="{name}"]'
    return (f"document.querySelector({json.dumps(f'input{s}, textarea{s}, {s} input, {s} textarea')})")


def select(name: str) -> str:
    return f"document.querySelector('[data-test=\"{name}\"]').closest('.el-select')"


def row_with(selector: str, text: str, inner: str = "") -> str:
    pick = f".querySelector({json.dumps(inner)})" if inner else ""
    return (f"[...document.querySelectorAll({json.dumps(selector)})].find(e => e.innerText.includes("
            f"{json.dumps(text)})){pick}")


def option(text: str) -> str:
    """The shown option of the open select whose text has `text`: Element Plus keeps every select's
    dropdown in the page (hidden), and another select of the same form may list the same names."""
    return (f"[...document.querySelectorAll('.el-select-dropdown__item')].find(e => e.offsetParent !== null && "
            f"e.innerText.includes({json.dumps(text)}))")
