"""People for the identity tests, written straight into the identity database (until the accounts
part's routes create them), and a TOTP code generator as an authenticator app would be."""
import time

import pyotp
from sqlalchemy import text

from services.identity.passwords import hash_password

PASSWORD = "Correct-Horse-9-Battery"


def create_person(engine, login: str, roles: list[dict], password: str = PASSWORD, must_change: bool = False,
                  display_name: str | None = None, disabled: bool = False) -> int:
    hashed = hash_password(password)
    with engine.begin() as conn:
        account_id = conn.execute(text(
            "INSERT INTO accounts (login, display_name, disabled) VALUES (:l, :n, :d) RETURNING id"),
            {"l": login.lower(), "n": display_name or f"测试{login}", "d": disabled}).scalar()
        conn.execute(text("INSERT INTO credentials (account_id, password_hash, must_change) VALUES (:a, :h, :m)"),
                     {"a": account_id, "h": hashed, "m": must_change})
        for r in roles:
            conn.execute(text("INSERT INTO role_bindings (account_id, role, deputy_id, unit_id, station_id) "
                              "VALUES (:a, :r, :d, :u, :s)"),
                         {"a": account_id, "r": r["role"], "d": r.get("deputy_id"), "u": r.get("unit_id"),
                          "s": r.get("station_id")})
    return account_id


def code_for(secret: str, offset_steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30 * offset_steps)


def fresh_code(secret: str, used: set) -> str:
    """A code not used yet: the next step's when this step's was (a code counts once)."""
    for offset in (0, 1):
        code = code_for(secret, offset)
        if code not in used:
            used.add(code)
            return code
    raise AssertionError("no unused code within the window")


def audit_records(engine, action: str | None = None) -> list[dict]:
    """The audit.recorded events the identity service wrote to its outbox."""
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT envelope FROM outbox WHERE type = 'audit.recorded' ORDER BY id")).scalars()
        payloads = [r["payload"] for r in rows]
    return [p for p in payloads if action is None or p["action"] == action]


def first_sign_in(api, login: str, password: str, new_password: str) -> dict:
    """The sign-in steps a person goes through the first time, over the API (``api`` as
    tests/e2e/client.Api): a new password, TOTP enrolment when asked; the signed_in step."""
    step = api.post("/auth/sign-in", json={"login": login, "password": password}, expect=200).json()
    used: set = set()
    for _ in range(4):
        if step["status"] == "signed_in":
            return step
        if step["status"] == "password_change_required":
            step = api.post("/auth/password", json={"challenge": step["challenge"], "new_password": new_password},
                            expect=200).json()
        elif step["status"] == "mfa_enrolment_required":
            secret = api.post("/auth/totp/enrol", json={"challenge": step["challenge"]}, expect=200).json()["secret"]
            step = api.post("/auth/totp/confirm", json={"challenge": step["challenge"],
                                                        "code": fresh_code(secret, used)}, expect=200).json()
        else:
            raise AssertionError(f"{login}: unexpected sign-in step {step['status']}")
    raise AssertionError(f"{login}: the sign-in did not finish")
