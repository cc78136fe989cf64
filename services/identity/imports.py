"""Accounts from a workbook (a unit's clerks, a congress's deputies): sheet 账号, one row per person.

Headers (first row, any order): 登录名 | 姓名 | 手机 | 邮箱 | 角色 | 单位编号 | 代表编号 | 联络站编号.
角色 is one or more of 办理单位, 代表, 联络站, 交办办公室, 领导, 评估员 (or their codes unit, deputy,
station, office, leader, assessor), separated by 、,，; or spaces; 办理单位 needs 单位编号, 代表 代表编号,
联络站 联络站编号. Administrative roles are never imported (a security administrator binds them).

A dry run answers every bad row as {sheet, row, field, message} and writes nothing; a real run with
any bad row is a 422 listing them all, else every account is created in one transaction and the
one-time passwords are answered once."""
import io
import re
from time import sleep

from openpyxl import load_workbook
from pydantic import ValidationError

from services.common.errors import ValidationFailed
from services.identity import accounts
from services.identity.models import DeputyRecord
from services.identity.schemas import AccountIn
from services.identity.store import audit, deputy_holder, login_taken

SHEET = "账号"
COLUMNS = {"登录名": "login", "姓名": "display_name", "手机": "phone", "邮箱": "email", "角色": "roles",
           "单位编号": "unit_id", "代表编号": "deputy_id", "联络站编号": "station_id"}
REQUIRED = ("登录名", "姓名", "角色")
CHINESE_ROLES = {"办理单位": "unit", "承办单位": "unit", "代表": "deputy", "联络站": "station", "交办办公室": "office",
                 "领导": "leader", "评估员": "assessor"}
ROLE_NAMES = {**CHINESE_ROLES, **{code: code for code in CHINESE_ROLES.values()}}
SCOPE_COLUMN = {"unit": "单位编号", "deputy": "代表编号", "station": "联络站编号"}
HEADER_OF = {v: k for k, v in COLUMNS.items()}
SPLIT = re.compile(r"[、,，;；\s]+")
MAX_ROWS = 2000  # a congress's deputies, a city's unit clerks; each password is hashed (~0.1 s)


class BadWorkbook(ValueError):
    pass


def read(content: bytes) -> list[tuple[int, dict]]:
    """[(spreadsheet row, {header: value})] of sheet 账号."""
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the caller's error
        raise BadWorkbook(f"not a readable .xlsx workbook: {exc.__class__.__name__}") from None
    sheets = {ws.title.strip(): ws for ws in book.worksheets}
    if SHEET not in sheets:
        raise BadWorkbook(f"the workbook has no sheet {SHEET}")
    table = sheets[SHEET].iter_rows(values_only=True)
    header = [text(h) for h in next(table, ())]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise BadWorkbook(f"sheet {SHEET}: missing columns {', '.join(missing)}")
    rows = []
    for number, raw in enumerate(table, start=2):
        values = {h: text(v) for h, v in zip(header, raw) if h in COLUMNS}
        if any(values.values()):
            rows.append((number, values))
        if len(rows) > MAX_ROWS:
            raise BadWorkbook(f"sheet {SHEET}: at most {MAX_ROWS} rows")
    return rows


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def to_form(values: dict) -> tuple[dict, list[tuple[str, str]]]:
    """The row as AccountIn's data, and what is wrong with it as (header, message)."""
    errors, roles = [], []
    for name in (n for n in SPLIT.split(values.get("角色", "")) if n):
        role = ROLE_NAMES.get(name)
        if role is None:
            errors.append(("角色", f"unknown role {name!r}: one of {'、'.join(CHINESE_ROLES)}"))
            continue
        binding = {"role": role}
        column = SCOPE_COLUMN.get(role)
        if column:
            raw = values.get(column, "")
            if not raw:
                errors.append((column, f"required for the role {name}"))
                continue
            if not raw.isdigit() or int(raw) < 1:
                errors.append((column, "must be a positive whole number"))
                continue
            binding[COLUMNS[column]] = int(raw)
        roles.append(binding)
    if not values.get("角色"):
        errors.append(("角色", "required"))
    data = {"login": values.get("登录名", ""), "display_name": values.get("姓名", ""),
            "phone": values.get("手机") or None, "email": values.get("邮箱") or None, "roles": roles}
    return data, errors


def check(tx, rows: list[tuple[int, dict]]) -> tuple[list[AccountIn], list[dict]]:
    forms, errors, logins, deputies = [], [], {}, {}

    def bad(row: int, field: str, message: str) -> None:
        errors.append({"sheet": SHEET, "row": row, "field": field, "message": message})

    for number, values in rows:
        if number % 200 == 0:
            sleep(0)  # under eventlet a yield to the hub
        data, problems = to_form(values)
        for field, message in problems:
            bad(number, field, message)
        try:
            form = AccountIn.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                top = str(err["loc"][0]) if err["loc"] else "roles"
                bad(number, HEADER_OF.get(top, "角色"), err["msg"])
            continue
        login = form.login.lower()
        if login in logins:
            bad(number, "登录名", f"the same login as row {logins[login]}")
        elif login_taken(tx, login):
            bad(number, "登录名", f"the login {form.login!r} is taken")
        logins.setdefault(login, number)
        for b in form.roles:
            if b.deputy_id is None:
                continue
            if b.deputy_id in deputies:
                bad(number, "代表编号", f"deputy {b.deputy_id} is on row {deputies[b.deputy_id]} too")
            elif tx.get(DeputyRecord, b.deputy_id) is None:
                bad(number, "代表编号", f"deputy {b.deputy_id} is not on the roster")
            elif deputy_holder(tx, b.deputy_id) is not None:
                bad(number, "代表编号", f"deputy {b.deputy_id} has an account already")
            deputies.setdefault(b.deputy_id, number)
        if not problems:
            forms.append(form)
    return forms, errors


def run(tx, actor: dict, filename: str, content: bytes, dry_run: bool, client: dict | None = None) -> dict:
    try:
        rows = read(content)
    except BadWorkbook as exc:
        raise ValidationFailed(str(exc), [{"field": "file", "message": str(exc)}]) from None
    forms, errors = check(tx, rows)
    if dry_run:
        return {"dry_run": True, "valid": not errors, "rows": len(rows), "errors": errors}
    if errors:
        raise ValidationFailed(f"the workbook has {len(errors)} problems; nothing was imported "
                               "(a dry run lists them the same way)", errors)
    if not forms:
        raise ValidationFailed("the workbook has no rows", [{"field": "file", "message": f"sheet {SHEET} is empty"}])
    created = []
    for form in forms:
        created.append(accounts.insert_account(tx, actor, form))
    audit(tx, actor, "accounts_imported", {"account_id": [a["id"] for a in created]}, client,
          detail=f"{len(created)} accounts from {filename[:100] or 'a workbook'}")
    return {"dry_run": False, "created": len(created), "accounts": created}
