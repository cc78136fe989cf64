"""Category schemes (分类方案) as stored: the read side (schemes.py has the rules, scheme_admin.py
the office's changes).

The schemes are a few dozen rows: each call reads them all (``load``) rather than caching them,
so every worker sees a change at once.
"""
from sqlalchemy import select

from services.common.store import load_or_404
from services.suggestion import schemes
from services.suggestion.models import CategoryScheme, SchemeCategory
from services.suggestion.schemes import Catalog, Category, Scheme


def load(session, builtin: dict[str, str]) -> Catalog:
    """Every stored scheme; ``builtin`` (the taxonomy file) serves if no default scheme is stored."""
    rows = session.execute(select(CategoryScheme).order_by(CategoryScheme.id)).scalars().all()
    by_scheme: dict[int, list[Category]] = {r.id: [] for r in rows}
    for c in session.execute(select(SchemeCategory).order_by(SchemeCategory.scheme_id,
                                                             SchemeCategory.position)).scalars():
        by_scheme[c.scheme_id].append(Category(c.code, c.name, c.parent, c.active))
    stored = tuple(Scheme(r.id, r.name, r.congress, tuple(by_scheme[r.id])) for r in rows)
    return Catalog(stored, schemes.builtin(builtin))


def in_force(session, builtin: dict[str, str], session_label: str | None, retired: bool = False) -> dict:
    """GET /categories: the scheme in force for a session (the default one without), its categories."""
    scheme = load(session, builtin).in_force(session_label)
    return scheme.as_dict(retired=retired)


def list_schemes(session, builtin: dict[str, str]) -> list[dict]:
    catalog = load(session, builtin)
    stored = [s.as_dict() for s in catalog.schemes]
    if not any(s.congress == "" for s in catalog.schemes):
        stored.insert(0, catalog.fallback.as_dict())
    return stored


def get_scheme(session, builtin: dict[str, str], scheme_id: int) -> dict:
    found = next((s for s in load(session, builtin).schemes if s.id == scheme_id), None)
    if found is None:
        load_or_404(session, CategoryScheme, scheme_id, "category scheme")
    return found.as_dict()
