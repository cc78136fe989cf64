"""The second factor: TOTP (RFC 6238, pyotp) with secrets encrypted at rest, one-use codes, and
ten one-use recovery codes stored as SHA-256."""
import base64
import hmac
import io
import secrets

import pyotp
import qrcode
from sqlalchemy import delete, select

from services.common.clock import now
from services.common.errors import Conflict, NotFound
from services.identity.crypto import digest, seal, unseal
from services.identity.models import Account, RecoveryCode, TotpSecret
from services.identity.security_events import record

PURPOSE = b"totp_secrets.secret"
PERIOD = 30
WINDOW = 1  # steps either side of now accepted (clock drift)
RECOVERY_CODES = 10
ISSUER_NAME = "Lianxin 连心"


# ---- pure ----------------------------------------------------------------------------------
def step_of(timestamp: float) -> int:
    return int(timestamp // PERIOD)


def matching_step(secret: str, code: str, timestamp: float, last_step: int, window: int = WINDOW) -> int | None:
    """The time step ``code`` belongs to, within ``window`` steps of now and after ``last_step``
    (a code already used, or an older one, is refused); None if it matches none."""
    code = (code or "").strip().replace(" ", "")
    if not code.isdigit() or len(code) != 6:
        return None
    otp, current = pyotp.TOTP(secret), step_of(timestamp)
    for step in range(current - window, current + window + 1):
        if step > last_step and hmac.compare_digest(otp.generate_otp(step), code):
            return step
    return None


def png(text: str) -> bytes:
    out = io.BytesIO()
    qrcode.make(text, box_size=6, border=4).save(out, format="PNG")
    return out.getvalue()


def new_recovery_code() -> str:
    raw = secrets.token_hex(5)  # 10 hex digits, shown as xxxxx-xxxxx
    return f"{raw[:5]}-{raw[5:]}"


def normal_recovery(code: str) -> str:
    return (code or "").strip().lower().replace(" ", "").replace("-", "")


# ---- stored --------------------------------------------------------------------------------
def enrolled(tx, account_id: int) -> bool:
    row = tx.get(TotpSecret, account_id)
    return row is not None and row.confirmed_at is not None


def enrol(tx, settings, account: Account) -> dict:
    """A new secret awaiting its first code (replaces an unconfirmed one); 409 once confirmed."""
    row = tx.get(TotpSecret, account.id, with_for_update=True)
    if row is not None and row.confirmed_at is not None:
        raise Conflict("two-factor sign-in is already set up; a security administrator can reset it")
    secret = pyotp.random_base32()
    sealed = seal(settings.data_key, secret.encode(), PURPOSE)
    if row is None:
        tx.add(TotpSecret(account_id=account.id, secret=sealed, created_at=now(), last_step=0))
    else:
        row.secret, row.created_at, row.last_step = sealed, now(), 0
    uri = pyotp.TOTP(secret).provisioning_uri(name=account.login, issuer_name=ISSUER_NAME)
    return {"secret": secret, "otpauth_uri": uri,
            "qr_png": "data:image/png;base64," + base64.b64encode(png(uri)).decode()}


def check(tx, settings, account_id: int, code: str, confirmed: bool = True) -> bool:
    """True (and the code used up) if ``code`` is the person's current TOTP code."""
    row = tx.get(TotpSecret, account_id, with_for_update=True)
    if row is None or (row.confirmed_at is not None) != confirmed:
        return False
    secret = unseal(settings.data_key, row.secret, PURPOSE).decode()
    step = matching_step(secret, code, now().timestamp(), row.last_step)
    if step is None:
        return False
    row.last_step = step
    return True


def confirm(tx, settings, account: Account, code: str, client: dict) -> list[str] | None:
    """The first code confirms the enrolment: ten fresh recovery codes, or None for a wrong code."""
    if not check(tx, settings, account.id, code, confirmed=False):
        return None
    tx.get(TotpSecret, account.id).confirmed_at = now()
    codes = [new_recovery_code() for _ in range(RECOVERY_CODES)]
    tx.execute(delete(RecoveryCode).where(RecoveryCode.account_id == account.id))
    for c in codes:
        tx.add(RecoveryCode(account_id=account.id, code_hash=digest(normal_recovery(c))))
    record(tx, "totp_enrolled", "ok", client=client, account=account)
    return codes


def use_recovery_code(tx, account_id: int, code: str) -> bool:
    row = tx.scalar(select(RecoveryCode).where(RecoveryCode.account_id == account_id,
                                               RecoveryCode.code_hash == digest(normal_recovery(code)),
                                               RecoveryCode.used_at.is_(None)).with_for_update())
    if row is None:
        return False
    row.used_at = now()
    return True


def reset(tx, actor: dict, account_id: int, client: dict) -> dict:
    """A security administrator's reset: the person enrols again at their next sign-in."""
    account = tx.get(Account, account_id)
    if account is None:
        raise NotFound(f"no such account: {account_id}")
    had = tx.execute(delete(TotpSecret).where(TotpSecret.account_id == account_id)).rowcount
    tx.execute(delete(RecoveryCode).where(RecoveryCode.account_id == account_id))
    record(tx, "totp_reset", "ok", client=client, actor=actor, login=account.login,
           targets={"account_id": [account_id]})
    return {"account_id": account_id, "reset": bool(had)}
