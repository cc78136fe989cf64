"""PostgreSQL run-time parameters a service's connections start with, or a transaction sets.

A setting given when a connection starts (``options=-c name=value``: make_engine's ``settings``)
costs nothing per transaction; ``SET LOCAL`` costs a round trip in each. Behind PgBouncer in
transaction pooling only ``SET LOCAL`` is safe (it refuses the startup parameter, and a session's
setting would reach other clients' transactions). ``set_local`` sets what the connection lacks.
No eventlet or nameko here: bench/read.py's client imports it through views.
"""
import re

from sqlalchemy import text

ENGINE_ATTRIBUTE = "lianxin_settings"  # on an engine: the settings its connections start with
_NAME, _VALUE = re.compile(r"[a-z_]+\Z"), re.compile(r"[A-Za-z0-9._]+\Z")


def checked(settings: dict | None) -> dict[str, str]:
    """The settings as text, refused unless each is a plain name and value (no quoting needed)."""
    result = {}
    for name, value in (settings or {}).items():
        if not (_NAME.match(name) and _VALUE.match(str(value))):
            raise ValueError(f"not a plain setting: {name!r} = {value!r}")
        result[name] = str(value)
    return result


def startup_options(settings: dict[str, str]) -> str:
    """libpq's ``options`` for a connection that starts with ``settings``."""
    return " ".join(f"-c {name}={value}" for name, value in checked(settings).items())


def set_local(session, **settings) -> None:
    """``SET LOCAL name = value`` in ``session``'s transaction for each setting its engine's
    connections did not start with: none on the service's own engine; each behind PgBouncer or
    on an engine made without them."""
    bind = session.get_bind()
    given = getattr(bind, ENGINE_ATTRIBUTE, {})
    for name, value in checked(settings).items():
        if given.get(name) != value:
            if autocommit(bind):  # PostgreSQL would only warn, and plan without it
                raise RuntimeError(f"SET LOCAL {name} needs a transaction: this session reads in autocommit")
            session.execute(text(f"SET LOCAL {name} = {value}"))


def autocommit(bind) -> bool:
    """Whether ``bind`` (an engine) runs each statement on its own (Db.read(autocommit=True))."""
    return bind.get_execution_options().get("isolation_level") == "AUTOCOMMIT"


def starts_with(bind, settings: dict) -> bool:
    """Whether every connection of ``bind`` starts with ``settings`` (make_engine)."""
    given = getattr(bind, ENGINE_ATTRIBUTE, {})
    return all(given.get(name) == value for name, value in checked(settings).items())
