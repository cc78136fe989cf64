"""The people a service may name, projected from the identity service's events (issue 16).

A service that lets the office name people by their ``sub`` (assignment: supervising leaders,
evaluation: assessors) keeps one row per person: display name, disabled, and whether they hold
the one role it cares about. ``identity.account_created/updated`` carry the whole account (its
roles); ``identity.role_bound/unbound`` one binding. Each fact is guarded by the time of the
event that set it (``account_at`` for name and disabled, ``role_at`` for the role), so events
applied out of order or twice leave the newest facts.

Development subs (not ``person-<id>``: tokens from ``make token``) are not people of the identity
service: they are accepted as before (``is_person``).
"""
from datetime import datetime, timezone

from sqlalchemy import Boolean, DateTime, String, case, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Mapped, mapped_column

ACCOUNT_EVENTS = ("identity.account_created", "identity.account_updated")
ROLE_EVENTS = ("identity.role_bound", "identity.role_unbound")
EVENTS = ACCOUNT_EVENTS + ROLE_EVENTS
NEVER = datetime(1970, 1, 1, tzinfo=timezone.utc)


class PersonMixin:
    """Columns of a service's ``people`` table (the class names its table and Base)."""
    sub: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(100))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    holds: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")  # the role of interest
    account_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    role_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


def is_person(sub: str | None) -> bool:
    """A sub the identity service issued (``person-<id>``); others are development subs."""
    return bool(sub) and sub.startswith("person-")


def facts(event_type: str, payload: dict, role: str) -> dict | None:
    """What an identity event says of the person, as far as ``role`` goes (pure).

    Account events: name, disabled and whether ``role`` is among the roles; role events of
    ``role``: holds (bound) or not (unbound); other role events: None (nothing to record)."""
    if event_type in ACCOUNT_EVENTS:
        return {"sub": payload["sub"], "name": payload.get("display_name"), "disabled": bool(payload.get("disabled")),
                "holds": any(r.get("role") == role for r in payload.get("roles") or [])}
    if event_type in ROLE_EVENTS and payload.get("role") == role:
        return {"sub": payload["sub"], "holds": event_type == "identity.role_bound"}
    return None


def refusal(row, role: str) -> str | None:
    """Why a person's sub may not be named for ``role`` (None: it may). ``row``: their projection
    row (None: the identity service never told of them)."""
    if row is None:
        return "no such person"
    if row.disabled:
        return "this person's account is disabled"
    if not row.holds:
        return f"this person does not hold the {role} role"
    return None


def apply(tx, model, role: str, event_type: str, payload: dict, at: datetime) -> None:
    """Record an identity event's facts in ``model`` (a PersonMixin table), newest facts winning."""
    f = facts(event_type, payload, role)
    if f is None:
        return
    table = model.__table__
    values = {**f, "role_at": at}
    set_ = {"holds": _newer(table.c.role_at, at, table.c.holds, f["holds"]),
            "role_at": func.greatest(func.coalesce(table.c.role_at, NEVER), at)}
    if "name" in f:
        values["account_at"] = at
        set_.update({"name": _newer(table.c.account_at, at, table.c.name, f["name"]),
                     "disabled": _newer(table.c.account_at, at, table.c.disabled, f["disabled"]),
                     "account_at": func.greatest(func.coalesce(table.c.account_at, NEVER), at)})
    tx.execute(pg_insert(model).values(**values).on_conflict_do_update(index_elements=[table.c.sub], set_=set_))


def _newer(stamp, at: datetime, current, new):
    return case((func.coalesce(stamp, NEVER) <= at, new), else_=current)


def known(session, model, subs: list[str]) -> dict:
    """sub -> projection row, for the person subs among ``subs``."""
    wanted = [s for s in subs if is_person(s)]
    if not wanted:
        return {}
    return {row.sub: row for row in session.scalars(select(model).where(model.sub.in_(wanted)))}
