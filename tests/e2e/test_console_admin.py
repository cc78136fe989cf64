"""The administrators in the console (headless Chromium): the administrator resets a person's password
and reads the one-time password once; the security administrator resets a person's two-factor and
changes the security policy. Each effect is asserted
over the API (the person's next sign-in asks for the new password, for a new enrolment). Screenshots:
.run/screenshots/console-admin-journey-*.png."""
import json

from tests.e2e import browser
from tests.e2e.console_driver import NEW_PASSWORD, SECURITY_ADMIN, Console, field, person, q, row_with

CHANGED = "Console-journey-2026-reset"  # not one of the last passwords (the policy's history)


def find_account(c: Console, login: str):
    c.type(field("q"), login, "the keyword filter")
    c.press_enter()
    c.wait(row_with('[data-test="accounts-table"] .el-table__row', login), f"{login} listed")


def test_administrators_reset_a_password_and_two_factor_and_keep_the_policy(system, console_url, tmp_path):
    api = system.api
    admin = person(api, {"role": "admin"}, "系统管理员周")
    security = person(api, {"role": "security_admin"}, "安全管理员吴")
    clerk = person(api, {"role": "office"}, "交办办公室郑")  # office: two-factor enrolled when signed in
    login = clerk["account"]["login"]
    before = api.get("/security/policy", SECURITY_ADMIN, expect=200).json()

    page = browser.Page(tmp_path / "profile", console_url + "/login", timeout=60)
    try:
        c = Console(page, console_url, journey="console-admin-journey")
        c.viewport(1366, 900)

        # the administrator resets the clerk's password: shown once, the old one stops working
        c.as_person(admin, "/admin/accounts")
        find_account(c, login)
        c.click(row_with('[data-test="accounts-table"] .el-table__row', login, '[data-test="reset-password"]'),
                "重置密码")
        c.click("[...document.querySelectorAll('.el-message-box button')].find(b => b.innerText.includes('重置'))",
                "the confirmation")
        c.wait(q('[data-test="reset-initial-password"]'), "the new one-time password")
        c.shot("1-password-reset")
        one_time = c.js(q('[data-test="reset-initial-password"]') + ".innerText").strip()
        assert api.post("/auth/sign-in", json={"login": login, "password": NEW_PASSWORD}).status_code != 200
        step = api.post("/auth/sign-in", json={"login": login, "password": one_time}, expect=200).json()
        assert step["status"] == "password_change_required"
        api.post("/auth/password", json={"challenge": step["challenge"], "new_password": CHANGED}, expect=200)

        # the security administrator resets the clerk's two-factor: the next sign-in enrols again
        c.as_person(security, "/admin/accounts")
        c.watch_messages()
        find_account(c, login)
        c.click(row_with('[data-test="accounts-table"] .el-table__row', login, '[data-test="reset-mfa"]'),
                "重置两步验证")
        c.click("[...document.querySelectorAll('.el-message-box button')].find(b => b.innerText.includes('重置'))",
                "the confirmation")
        c.wait("(window.__messages || []).some(m => m.includes('已重置两步验证'))", "the reset acknowledged")
        c.shot("2-mfa-reset")
        step = api.post("/auth/sign-in", json={"login": login, "password": CHANGED}, expect=200).json()
        assert step["status"] == "mfa_enrolment_required", step

        # the policy: the idle time-out lengthened
        c.as_person(security, "/admin/security")
        c.watch_messages()
        c.wait(field("idle_minutes") + f".value === {json.dumps(str(before['idle_minutes']))}", "the policy loaded")
        c.click(field("idle_minutes"), "the idle minutes")
        c.js(field("idle_minutes") + ".select(); true")
        c.page.send("Input.insertText", c.page.session, text=str(before["idle_minutes"] + 15))
        c.click(q('[data-test="save"]'), "保存策略")
        c.wait("(window.__messages || []).some(m => m.includes('安全策略已保存'))", "the policy saved")
        c.shot("3-policy")
        assert api.get("/security/policy", SECURITY_ADMIN, expect=200).json()["idle_minutes"] == \
            before["idle_minutes"] + 15
    finally:
        page.close()
        api.call("PUT", "/api/v1/security/policy", SECURITY_ADMIN, {"idle_minutes": before["idle_minutes"]}, expect=200)
