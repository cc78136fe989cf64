"""Keyboard and screen-reader basics on every page of every role's menu, in headless Chromium: each
form control, button and image a screen reader reaches has an accessible name (Chromium's own
accessibility tree, as a screen reader gets it), the page is Chinese (lang="zh-CN"), and the keyboard
reaches the page: Tab moves the focus onto something visible.

The pages are found by clicking through the menu the role sees, so a new page is checked the day it
is added to a role's menu. Screenshots: .run/screenshots/console-a11y-<role>-<n>.png."""
import time
import uuid

import pytest

from tests.e2e import browser
from tests.e2e.client import OFFICE
from tests.e2e.console_driver import Console, person

NAMED = {"textbox", "searchbox", "combobox", "spinbutton", "checkbox", "radio", "switch", "slider", "button",
         "link", "menuitem", "tab", "img", "listbox"}


def unnamed(page: browser.Page) -> list[str]:
    """The focusable or form-like nodes of the accessibility tree that a screen reader cannot name."""
    nodes = page.send("Accessibility.getFullAXTree", page.session)["nodes"]
    found = []
    for n in nodes:
        role = (n.get("role") or {}).get("value")
        if n.get("ignored") or role not in NAMED:
            continue
        props = {p["name"]: p.get("value", {}).get("value") for p in n.get("properties", [])}
        if props.get("hidden") or (role == "img" and not props.get("focusable")
                                   and (n.get("name") or {}).get("value") is None):
            continue  # decorative: an <svg>/<img> outside the tab order that the tree leaves unnamed
        if not ((n.get("name") or {}).get("value") or "").strip():
            described = page.send("DOM.describeNode", page.session, backendNodeId=n["backendDOMNodeId"])["node"] \
                if n.get("backendDOMNodeId") else {}
            attrs = described.get("attributes", [])
            found.append(f"{role} <{described.get('localName', '?')} {' '.join(attrs[:6])}>")
    return found


def check_pages(c: Console, role: str) -> list[str]:
    """Every page in the role's menu: problems found, as '<page>: <problem>'."""
    c.wait("document.querySelectorAll('[data-test=\"menu\"] .el-menu-item').length > 0", f"{role}'s menu")
    titles = c.js("[...document.querySelectorAll('[data-test=\"menu\"] .el-menu-item')].map(e => e.innerText.trim())")
    problems = []
    for n, title in enumerate(titles):
        c.click(f"[...document.querySelectorAll('[data-test=\"menu\"] .el-menu-item')].find(e => e.innerText.trim()"
                f" === {title!r})", f"{role}'s menu item {title}")
        c.wait("![...document.querySelectorAll('.el-loading-mask')].some(m => m.offsetParent !== null)",
               f"{title} loaded")
        time.sleep(0.6)
        c.shot(f"{role}-{n}")
        if c.js("document.documentElement.lang") != "zh-CN":
            problems.append(f"{title}: the page's language is not zh-CN")
        problems += [f"{role}/{title}: no accessible name: {p}" for p in unnamed(c.page)]
        c.js("document.activeElement && document.activeElement.blur(); true")
        c.page.send("Input.dispatchKeyEvent", c.page.session, type="keyDown", key="Tab", code="Tab",
                    windowsVirtualKeyCode=9)
        c.page.send("Input.dispatchKeyEvent", c.page.session, type="keyUp", key="Tab", code="Tab",
                    windowsVirtualKeyCode=9)
        time.sleep(0.1)
        if not c.js("(() => { const e = document.activeElement; return !!e && e !== document.body && "
                    "e.getClientRects().length > 0 })()"):
            problems.append(f"{role}/{title}: Tab does not move the focus onto the page")
    return problems


@pytest.fixture(scope="module")
def people(system):
    """One real, signed-in person per role, bound to what their role needs."""
    api = system.api
    tag = uuid.uuid4().hex[:6]
    station = api.post("/stations", OFFICE, {"name": f"无障碍联络站{tag}", "type": "station",
                                             "region": f"江北区{tag}/观音桥街道", "address": "观音桥步行街1号"},
                       expect=201).json()
    deputy = api.post("/deputies", OFFICE, {"name": f"周读屏{tag}", "level": "city", "delegation": "江北代表团",
                                            "station_id": station["id"]}, expect=201).json()
    unit = api.post("/units", OFFICE, {"name": f"市无障碍局{tag}", "code": f"WZA-{tag}", "duties": "无障碍设施"},
                    expect=201).json()
    bindings = {
        "office": {"role": "office"}, "leader": {"role": "leader"}, "assessor": {"role": "assessor"},
        "deputy": {"role": "deputy", "deputy_id": deputy["id"]},
        "unit": {"role": "unit", "unit_id": unit["id"]}, "station": {"role": "station", "station_id": station["id"]},
        **{role: {"role": role} for role in ("admin", "security_admin", "auditor")},
    }
    return {role: person(api, binding, f"读屏{role}") for role, binding in bindings.items()}


ROLES = ["office", "unit", "deputy", "leader", "station", "assessor", "admin", "security_admin", "auditor"]


def test_every_page_of_every_role_can_be_named_and_reached_by_keyboard(system, console_url, people, tmp_path):
    page = browser.Page(tmp_path / "profile", console_url + "/login", timeout=60)
    problems = []
    try:
        page.send("Page.enable", page.session)
        page.send("DOM.enable", page.session)
        page.send("Accessibility.enable", page.session)
        c = Console(page, console_url, journey="console-a11y")
        c.viewport(1366, 900)
        for role in ROLES:
            c.as_person(people[role], "/")
            problems += check_pages(c, role)
    finally:
        page.close()
    assert not problems, "\n".join(problems)


def test_the_pages_open_without_signing_in_can_be_named(system, console_url, tmp_path):
    """The sign-in page, the public's disclosed suggestions and the QR intake form on a phone."""
    station = system.api.post("/stations", OFFICE, {"name": "无障碍二维码联络站", "type": "station",
                                                    "region": f"江北区{uuid.uuid4().hex[:6]}/观音桥街道",
                                                    "address": "观音桥步行街1号"}, expect=201).json()
    page = browser.Page(tmp_path / "profile", console_url + "/login", timeout=60)
    try:
        page.send("DOM.enable", page.session)
        page.send("Accessibility.enable", page.session)
        c = Console(page, console_url, journey="console-a11y")
        c.wait("document.querySelector('input')", "the sign-in form")
        assert unnamed(page) == []
        assert c.js("document.documentElement.lang") == "zh-CN"
        c.click("document.querySelector('[data-test=\"public-link\"]')", "the link to the disclosed suggestions")
        c.wait("location.pathname === '/public' && document.querySelector('input')", "the public search")
        time.sleep(0.5)
        assert unnamed(page) == []
        c.viewport(390, 844, mobile=True)
        c.js(f"location.href = {console_url + '/s/' + station['qr_token']!r}; true")
        c.wait("document.body.innerText.includes('无障碍二维码联络站') && document.querySelector('textarea')",
               "the intake form")
        c.shot("public-intake")
        assert unnamed(page) == []
    finally:
        page.close()
