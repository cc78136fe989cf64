"""The console in headless Chromium, the whole lifecycle by the people who do it: a deputy submits a
suggestion, the office accepts it and assigns it with the routing recommendation, the unit signs and
replies with its letter, the deputy rates the reply. Screenshots of each step go to .run/screenshots/.

People are real accounts (created by the administrator over the API, first password changed and the
office's TOTP enrolled through the real sign-in steps); their tokens are put where the console's auth
store keeps them (sessionStorage "lianxin.session")."""
import base64
import json
import pathlib
import shutil
import subprocess
import time
import uuid

import pytest

from tests.conftest import ROOT
from tests.e2e import browser
from tests.e2e.client import OFFICE, token
from tests.e2e.console_server import serve
from tests.identity_people import fresh_code
from tests.polling import wait_for

ADMIN = token("admin", sub="admin-console-e2e")
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


@pytest.fixture(scope="module")
def console_url(system):
    """The gateway's own `/` when it serves the console, else the build served beside it."""
    dist = built_console()
    page = system.api.http.get(system.url + "/", timeout=10)
    if page.status_code == 200 and 'id="app"' in page.text:
        yield system.url
        return
    server = serve(dist, system.url)
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def signed_in(api, login: str, password: str) -> dict:
    """The sign-in steps a person goes through the first time: new password, TOTP when asked."""
    step = api.post("/auth/sign-in", json={"login": login, "password": password}, expect=200).json()
    used: set = set()
    for _ in range(4):
        if step["status"] == "signed_in":
            return step
        if step["status"] == "password_change_required":
            step = api.post("/auth/password", json={"challenge": step["challenge"], "new_password": NEW_PASSWORD},
                            expect=200).json()
        elif step["status"] == "mfa_enrolment_required":
            secret = api.post("/auth/totp/enrol", json={"challenge": step["challenge"]}, expect=200).json()["secret"]
            step = api.post("/auth/totp/confirm", json={"challenge": step["challenge"],
                                                        "code": fresh_code(secret, used)}, expect=200).json()
        else:
            raise AssertionError(f"unexpected sign-in step {step['status']}")
    raise AssertionError("sign-in did not finish")


def person(api, role: dict, name: str) -> dict:
    login = f"c{uuid.uuid4().hex[:8]}"
    account = api.post("/accounts", ADMIN, {"login": login, "display_name": name, "roles": [role]},
                       expect=201).json()
    return signed_in(api, login, account["initial_password"])


class Console:
    """A Chromium tab on the console, driven with real mouse clicks and typing."""

    def __init__(self, page: browser.Page, url: str):
        self.page, self.url = page, url

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
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.js(f"(() => {{ try {{ return !!({condition}) }} catch (e) {{ return false }} }})()"):
                    return
            except AssertionError:
                pass  # the page is navigating
            time.sleep(0.2)
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
        box = self.js(f"(() => {{ const e = {element}; e.scrollIntoView({{block: 'center'}}); "
                      "const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2] })()")
        for kind in ("mousePressed", "mouseReleased"):
            self.page.send("Input.dispatchMouseEvent", self.page.session, type=kind, x=box[0], y=box[1],
                           button="left", clickCount=1)
        time.sleep(0.15)

    def type(self, element: str, text: str, what: str):
        self.click(element, what)
        self.page.send("Input.insertText", self.page.session, text=text)
        time.sleep(0.1)

    def upload(self, selector: str, path: pathlib.Path):
        root = self.page.send("DOM.getDocument", self.page.session)["root"]["nodeId"]
        node = self.page.send("DOM.querySelector", self.page.session, nodeId=root, selector=selector)["nodeId"]
        self.page.send("DOM.setFileInputFiles", self.page.session, nodeId=node, files=[str(path)])

    def shot(self, name: str):
        SHOTS.mkdir(parents=True, exist_ok=True)
        data = self.page.send("Page.captureScreenshot", self.page.session, format="png")["data"]
        (SHOTS / f"console-lifecycle-{name}.png").write_bytes(base64.b64decode(data))


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


def test_a_suggestion_from_draft_to_rating_in_the_console(system, console_url, tmp_path):
    api = system.api
    tag = uuid.uuid4().hex[:6]
    lead = api.post("/deputies", OFFICE, {"name": f"王建国{tag}", "level": "city", "delegation": "东城代表团"},
                    expect=201).json()
    cosigner = api.post("/deputies", OFFICE, {"name": f"李红梅{tag}", "level": "city", "delegation": "西城代表团"},
                        expect=201).json()
    unit = api.post("/units", OFFICE, {"name": f"市交通运输局{tag}", "code": f"JT-{tag}", "duties": "公共交通、公交站点",
                                       "keywords": ["公交", "站点"], "categories": ["transport"]}, expect=201).json()
    categories = api.get("/categories", OFFICE, expect=200).json()["items"]
    transport = next(c["name"] for c in categories if c["code"] == "transport")

    deputy = person(api, {"role": "deputy", "deputy_id": lead["id"]}, lead["name"])
    office = person(api, {"role": "office"}, "交办办公室刘敏")
    clerk = person(api, {"role": "unit", "unit_id": unit["id"]}, "交通局办理员")

    page = browser.Page(tmp_path / "profile", console_url + "/login", timeout=60)
    try:
        c = Console(page, console_url)
        page.send("Page.enable", page.session)
        page.send("DOM.enable", page.session)

        # 提: the deputy, on a phone, writes and submits with a co-signer
        c.viewport(390, 844, mobile=True)
        c.as_person(deputy, "/deputy/new")
        title = f"关于增设公交站点方便小区居民出行的建议{tag}"
        c.type(field("title"), title, "the title field")
        c.type(field("body"), "该小区距最近公交站两公里，建议增设公交站点。", "the body field")
        c.click(select("category") + ".querySelector('.el-select__wrapper')", "the category select")
        c.click(row_with(".el-select-dropdown__item", transport), "the transport category")
        c.type(field("session"), "十六届三次", "the session field")
        c.type(field("cosigner"), str(cosigner["id"]), "the co-signer number")
        c.click(row_with(".cosigners button", "添加"), "the add co-signer button")
        c.wait(f"document.querySelector('.cosigners .el-tag')?.innerText.match(/{cosigner['id']}|{cosigner['name']}/)",
               "the co-signer's tag")
        c.shot("1-deputy-new")
        c.click(q('[data-test="submit"]'), "the submit button")
        c.wait("location.pathname.startsWith('/deputy/suggestions/')", "the suggestion's page")
        sid = int(c.js("location.pathname.split('/').pop()"))
        c.wait(q('[data-test="status"]') + ".innerText.includes('已提交')", "status submitted")
        c.shot("2-deputy-submitted")
        suggestion = api.get(f"/suggestions/{sid}", OFFICE, expect=200).json()
        assert suggestion["title"] == title and suggestion["co_signer_ids"] == [cosigner["id"]]

        # 交: the office finds it in the queue, accepts it and assigns it as the routing recommends
        c.viewport(1366, 900)
        c.as_person(office, "/office/queue")
        c.type(field("q"), tag, "the keyword filter")
        page.send("Input.dispatchKeyEvent", page.session, type="keyDown", key="Enter", code="Enter",
                  windowsVirtualKeyCode=13, text="\r")
        page.send("Input.dispatchKeyEvent", page.session, type="keyUp", key="Enter", code="Enter",
                  windowsVirtualKeyCode=13)
        c.click(row_with('[data-test="queue"] .el-table__row', title), "the suggestion in the queue")
        c.wait(f"location.pathname === '/office/suggestions/{sid}'", "the office's suggestion page")
        c.shot("3-office-screening")
        c.click(q('[data-test="screen"]'), "the accept button")
        c.wait(q('[data-test="status"]') + ".innerText.includes('已立案')", "status accepted")
        c.click(row_with('[data-test="routing"] .el-table__row', unit["name"], "button"), "our unit's 选用")
        c.wait(select("lead-unit") + f".innerText.includes({json.dumps(unit['name'])})", "the lead unit chosen")
        c.shot("4-office-routing")
        c.watch_messages()
        c.click(q('[data-test="assign"]'), "the assign button")
        c.wait(q('[data-test="status"]') + ".innerText.includes('已交办')", "status assigned")
        c.shot("5-office-assigned")
        assignment_id = api.get(f"/suggestions/{sid}", OFFICE, expect=200).json()["assignment"]["assignment_id"]
        assignment = api.get(f"/assignments/{assignment_id}", OFFICE, expect=200).json()
        assert assignment["lead_unit_id"] == unit["id"]

        # 办: the unit signs, records a contact with the deputy and replies with its letter
        c.as_person(clerk, "/unit/assignments")
        c.click(row_with('[data-test="assignments"] .el-table__row', title), "the assignment in the unit's list")
        c.wait(f"location.pathname === '/unit/assignments/{assignment_id}'", "the assignment page")
        c.click(q('[data-test="sign"]'), "the sign button")
        c.wait(q('[data-test="signed"]'), "signed")
        c.type(field("contact-note"), "电话联系代表了解诉求", "the contact note")
        c.click(q('[data-test="add-contact"]'), "the record contact button")
        c.wait("document.body.innerText.includes('电话联系代表了解诉求')", "the contact listed")
        c.click(q('[data-test="class-A"]'), "result class A")
        c.type(field("content"), "经调研，已于小区东门增设公交站点。", "the reply content")
        c.type(field("signed-by"), "张局长", "signed by")
        letter = tmp_path / "答复函.pdf"
        letter.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
        c.upload('[data-test="letter"]', letter)
        c.shot("6-unit-reply")
        c.click(q('[data-test="submit-reply"]'), "the submit reply button")
        c.wait(q('[data-test="reply"]'), "the reply listed")
        c.shot("7-unit-replied")
        wait_for(lambda: api.get(f"/assignments/{assignment_id}/attachments", OFFICE, expect=200).json()["total"] == 1,
                 what="the reply letter attached")

        # 评: the deputy reads the reply and rates it
        c.viewport(390, 844, mobile=True)
        c.as_person(deputy, f"/deputy/suggestions/{sid}")
        c.wait(q('[data-test="status"]') + ".innerText.includes('已答复')", "status replied", timeout=30)
        c.wait("document.body.innerText.includes('东门增设公交站点')", "the reply's text")
        c.click(q('[data-test="rate-satisfied"]'), "满意")
        c.shot("8-deputy-rating")
        c.click(q('[data-test="submit-rating"]'), "the submit rating button")
        c.wait(q('[data-test="rated"]'), "the rating acknowledged")
        c.wait(q('[data-test="status"]') + ".innerText.match(/已评价|已办结/)", "status evaluated", timeout=30)
        c.shot("9-deputy-rated")

        # the rates dashboard counts it: charts and the units' ranking with our unit in it
        c.viewport(1366, 900)
        c.as_person(office, "/office/rates")
        c.wait(q('[data-test="rate-completion_rate"]'), "the completion rate")
        c.wait(row_with('[data-test="ranking"] .el-table__row', unit["name"]), "our unit in the ranking")
        c.wait("document.querySelectorAll('[data-test=\"rates\"] canvas').length >= 4", "the rate charts drawn")
        time.sleep(1)  # the charts' animation
        c.shot("10-office-rates")
    finally:
        page.close()

    final = wait_for(lambda: (s := api.get(f"/suggestions/{sid}", OFFICE, expect=200).json())["status"]
                     in ("evaluated", "closed") and s, what="the suggestion evaluated")
    steps = [t["type"] for t in final["timeline"]]
    for step in ("submitted", "accepted", "assigned", "signed", "replied", "evaluated"):
        assert step in steps, steps
