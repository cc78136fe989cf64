"""LIKE patterns from user text: ``%``, ``_`` and ``\\`` in it match only themselves.

Every ``like``/``ilike`` built from what a caller typed goes through here, with
``escape=ESCAPE`` passed to SQLAlchemy (PostgreSQL's default escape is the same
backslash, but saying so keeps the pattern right whatever the default).
"""
ESCAPE = "\\"


def escape_like(text: str) -> str:
    return text.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")


def contains_pattern(text: str) -> str:
    """Pattern of any value containing ``text``."""
    return f"%{escape_like(text)}%"


def prefix_pattern(text: str) -> str:
    """Pattern of any value starting with ``text``."""
    return f"{escape_like(text)}%"
