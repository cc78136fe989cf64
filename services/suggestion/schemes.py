"""Category schemes (分类方案), pure rules: which scheme is in force for a session, and what makes
a scheme sound. The store side is catalog.py.

An office classifies suggestions by a scheme of its own, and may change it from one congress
(届) to the next: Shiyan uses 政治建设、经济建设、文化建设、社会建设、生态文明建设. Each scheme
names the congress (or session series) it serves as a prefix of session labels ("十六届"
serves "十六届一次", "十六届二次"…); the longest prefix matching a session wins, and the
default scheme (congress "") serves every session no other scheme does. A category leaves a
scheme by being retired (``active`` false): old suggestions keep its code and name, new ones
may not use it.
"""
from dataclasses import dataclass, field
from functools import cached_property


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    parent: str | None = None
    active: bool = True

    def as_dict(self) -> dict:
        return {"code": self.code, "name": self.name, "parent": self.parent, "active": self.active}


@dataclass(frozen=True)
class Scheme:
    id: int | None  # None: the built-in taxonomy (categories.yml) when no default scheme is stored
    name: str
    congress: str = ""  # "" is the default scheme
    categories: tuple[Category, ...] = ()

    @property
    def active(self) -> dict[str, str]:
        """code -> 名称 of the categories a new suggestion may take, in the scheme's order."""
        return {c.code: c.name for c in self.categories if c.active}

    @cached_property  # read for every row of a list page (views.to_dict): made once per scheme
    def names(self) -> dict[str, str]:
        """code -> 名称 of every category, retired ones too (old suggestions keep their names)."""
        return {c.code: c.name for c in self.categories}

    def category_error(self, code: str, session: str) -> str | None:
        """Why ``code`` may not classify a new suggestion of ``session`` (None: it may)."""
        if code in self.active:
            return None
        allowed = ", ".join(self.active)
        if code in self.names:
            return f"category {code} is retired in the scheme {self.name}; one of {allowed}"
        return f"unknown category for session {session} (scheme {self.name}); one of {allowed}"

    def summary(self) -> dict:
        return {"id": self.id, "name": self.name, "congress": self.congress, "default": self.congress == ""}

    def as_dict(self, retired: bool = True) -> dict:
        return {**self.summary(), "categories": [c.as_dict() for c in self.categories if retired or c.active]}


def builtin(categories: dict[str, str]) -> Scheme:
    """The built-in taxonomy (categories.yml) as the default scheme."""
    return Scheme(None, "默认分类", "", tuple(Category(code, name) for code, name in categories.items()))


@dataclass(frozen=True)
class Catalog:
    """Every scheme of the office; ``fallback`` serves when no default scheme is stored."""
    schemes: tuple[Scheme, ...] = ()
    fallback: Scheme = field(default_factory=lambda: Scheme(None, "默认分类"))
    # session label -> the scheme in force: a list page asks once per row, the catalog (cached by
    # catalog.load while unchanged) serves many pages; bounded, as labels come from the data
    _in_force: dict = field(default_factory=dict, compare=False, repr=False)

    def in_force(self, session: str | None) -> Scheme:
        """The scheme of the longest congress prefix of ``session``; else the default one."""
        session = session or ""
        matching = [s for s in self.schemes if s.congress and session.startswith(s.congress)]
        if matching:
            return max(matching, key=lambda s: len(s.congress))
        return next((s for s in self.schemes if s.congress == ""), self.fallback)

    def name(self, session: str | None, code: str) -> str | None:
        """A category's name as the scheme of the suggestion's session has it (retired ones too)."""
        scheme = self._in_force.get(session)
        if scheme is None:
            if len(self._in_force) >= 1024:
                self._in_force.clear()
            scheme = self._in_force[session] = self.in_force(session)
        return scheme.names.get(code)


def scheme_errors(categories: list[dict]) -> list[tuple[str, str]]:
    """(field, message) for what makes a scheme's categories unsound: codes must be distinct; a
    parent must be another category of the scheme, itself top-level (two levels); one at least active."""
    errors = []
    codes = [c["code"] for c in categories]
    parents = {c["code"]: c.get("parent") for c in categories}
    for i, c in enumerate(categories):
        where = f"categories.{i}"
        if codes.count(c["code"]) > 1:
            errors.append((f"{where}.code", f"{c['code']} is given twice"))
        parent = c.get("parent")
        if parent is None:
            continue
        if parent == c["code"] or parent not in parents:
            errors.append((f"{where}.parent", f"{parent} is not another category of this scheme"))
        elif parents[parent] is not None:
            errors.append((f"{where}.parent", f"{parent} is itself a subcategory (two levels at most)"))
    if categories and not any(c.get("active", True) for c in categories):
        errors.append(("categories", "at least one category must be active"))
    return errors


def merged(old: list[Category], given: list[dict]) -> list[dict]:
    """A scheme's categories after an update: those given, in their order, then every old one not
    given, kept retired (suggestions may carry its code)."""
    given_codes = {c["code"] for c in given}
    kept = [{**c.as_dict(), "active": False} for c in old if c.code not in given_codes]
    return [*given, *kept]
