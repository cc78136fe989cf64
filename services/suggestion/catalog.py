"""Category schemes (分类方案) as stored: the read side (schemes.py has the rules, scheme_admin.py
the office's changes).

The schemes are a few dozen rows, read on every submission and every list: ``load`` keeps them in
memory under the token of ``catalog_version``, one primary-key read per call, and reads them anew
when the token differs. scheme_admin replaces the token in the transaction that changes a scheme,
so every worker and replica sees a change as soon as it commits. A token is random, never a
counter: a transaction that read its own uncommitted change and then rolled back leaves a cache
entry under a token no committed state will ever carry. scheme_admin itself reads with ``read``
(never cached), since it reads its own uncommitted changes.
"""
from sqlalchemy import literal_column, select, table, text

from services.common.store import load_or_404
from services.suggestion import schemes
from services.suggestion.models import CategoryScheme, SchemeCategory
from services.suggestion.schemes import Catalog, Category, Scheme


CURRENT_TOKEN = text("SELECT token FROM catalog_version WHERE id = 1")
# the token as a column of another select (an InitPlan, read once per statement): a list's page
# brings it along instead of a round trip of its own (views.ITEM)
TOKEN_COLUMN = (select(literal_column("token")).select_from(table("catalog_version"))
                .where(literal_column("id") == 1).scalar_subquery().label("catalog_token"))
NEW_TOKEN = text("UPDATE catalog_version SET token = gen_random_uuid() WHERE id = 1")
_cached: dict = {}      # {"key": (token, id of builtin), "catalog": Catalog}
TOKEN_MEMO = "catalog_token"  # Transaction.memo's key


def load(session, builtin: dict[str, str], token=None) -> Catalog:
    """Every stored scheme, as of ``session``'s snapshot (from memory while the token is the same).
    ``token``: as another statement read it (a list's page reads TOKEN_COLUMN), no read of its own."""
    key = (token if token is not None else _token(session), id(builtin))
    if key[0] is not None and _cached.get("key") == key:
        return _cached["catalog"]
    catalog = read(session, builtin)
    if key[0] is not None:
        _cached.update(key=key, catalog=catalog)
    return catalog


def _token(session):
    """The token as of ``session``. In a Transaction it is read once (``Transaction.memo``), with
    the roster check when a submission has made one (``remember_token``), and on the transaction's
    connection without the ORM session's execution. No flush is needed: the token changes only by
    ``changed``'s statement, never by pending ORM rows."""
    memo = getattr(session, "memo", None)
    if memo is not None:
        return memo(TOKEN_MEMO, lambda: session.run(CURRENT_TOKEN, flush=False).scalar())
    return session.connection().execute(CURRENT_TOKEN).scalar()


def remember_token(tx, token) -> None:
    """The token as another statement of ``tx`` read it (roster.ACTIVE_AMONG): ``load`` needs no
    read of its own. The first one read in a transaction stays, so its check and answer agree."""
    memo = getattr(tx, "memo", None)
    if memo is not None:
        memo(TOKEN_MEMO, lambda: token)


def changed(session) -> None:
    """In the transaction that changes a scheme: a new token, so every cache reads it again."""
    session.execute(NEW_TOKEN)
    forget = getattr(session, "forget", None)
    if forget is not None:
        forget(TOKEN_MEMO)


def read(session, builtin: dict[str, str]) -> Catalog:
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


def get_scheme(session, builtin: dict[str, str], scheme_id: int, fresh: bool = False) -> dict:
    """One scheme; ``fresh``: read now, not from memory (scheme_admin, after its own change)."""
    found = next((s for s in (read if fresh else load)(session, builtin).schemes if s.id == scheme_id), None)
    if found is None:
        load_or_404(session, CategoryScheme, scheme_id, "category scheme")
    return found.as_dict()
