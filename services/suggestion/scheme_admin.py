"""Management of category schemes (分类方案) by the office: create one, rename it, change the
congress it serves, replace its categories (a category left out is kept retired). The rules are
in schemes.py; catalog.py reads the schemes."""
from sqlalchemy import delete, func, select

from services.common.clock import now
from services.common.errors import Conflict, ValidationFailed
from services.common.store import load_or_404
from services.common.validation import parse
from services.suggestion import schemes
from services.suggestion.catalog import changed, get_scheme, read
from services.suggestion.models import CategoryScheme, SchemeCategory
from services.suggestion.schemas import CategorySchemeIn, CategorySchemeUpdate

CATALOG_LOCK = 0x5C4E3E  # the pg_advisory_xact_lock key that orders writes of schemes


def _check(categories: list[dict]) -> None:
    errors = schemes.scheme_errors(categories)
    if errors:
        raise ValidationFailed("the scheme's categories are not sound", [{"field": f, "message": m}
                                                                        for f, m in errors])


def _check_congress(tx, congress: str, scheme_id: int | None = None) -> None:
    other = tx.scalar(select(CategoryScheme.id).where(CategoryScheme.congress == congress))
    if other is not None and other != scheme_id:
        raise Conflict(f"scheme {other} already serves the sessions of {congress}")


def _write_categories(tx, scheme_id: int, categories: list[dict]) -> None:
    tx.execute(delete(SchemeCategory).where(SchemeCategory.scheme_id == scheme_id))
    for position, c in enumerate(categories):
        tx.add(SchemeCategory(scheme_id=scheme_id, code=c["code"], name=c["name"], parent=c.get("parent"),
                              active=c.get("active", True), position=position))


def create(tx, actor: dict, data: dict, builtin: dict[str, str]) -> dict:
    form = parse(CategorySchemeIn, data)
    categories = [c.model_dump() for c in form.categories]
    _check(categories)
    # schemes are few and rarely written: one lock orders concurrent writers (no duplicate congress)
    tx.execute(select(func.pg_advisory_xact_lock(CATALOG_LOCK)))
    _check_congress(tx, form.congress)
    scheme = CategoryScheme(name=form.name, congress=form.congress)
    tx.add(scheme)
    tx.flush()
    _write_categories(tx, scheme.id, categories)
    tx.flush()
    changed(tx)
    return get_scheme(tx, builtin, scheme.id, fresh=True)


def update(tx, actor: dict, scheme_id: int, data: dict, builtin: dict[str, str]) -> dict:
    form = parse(CategorySchemeUpdate, data)
    tx.execute(select(func.pg_advisory_xact_lock(CATALOG_LOCK)))
    scheme = load_or_404(tx, CategoryScheme, scheme_id, "category scheme", True)
    if form.congress is not None and form.congress != scheme.congress:
        if scheme.congress == "":
            raise Conflict("the default scheme serves every session no other scheme does: its congress stays")
        _check_congress(tx, form.congress, scheme.id)
        scheme.congress = form.congress
    if form.name is not None:
        scheme.name = form.name
    if form.categories is not None:
        old = next(s for s in read(tx, builtin).schemes if s.id == scheme.id).categories
        categories = schemes.merged(list(old), [c.model_dump() for c in form.categories])
        _check(categories)
        _write_categories(tx, scheme.id, categories)
    scheme.updated_at = now()
    tx.flush()
    changed(tx)
    return get_scheme(tx, builtin, scheme.id, fresh=True)

