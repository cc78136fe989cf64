"""The configurable category taxonomy, read from a YAML file an operator can edit."""
import os
from functools import lru_cache
from pathlib import Path

import yaml

DEFAULT_FILE = Path(__file__).with_name("categories.yml")


@lru_cache(maxsize=4)
def _load(path: str) -> dict[str, str]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or not data:
        raise ValueError(f"{path}: expected a mapping of category code to name")
    return {str(code): str(name) for code, name in data.items()}


def categories() -> dict[str, str]:
    """code -> 名称, in the file's order."""
    return _load(os.environ.get("SUGGESTION_CATEGORIES_FILE") or str(DEFAULT_FILE))


def code_for(value: str) -> str | None:
    """A category given as its code or its Chinese name (as spreadsheets have it)."""
    table = categories()
    if value in table:
        return value
    return next((code for code, name in table.items() if name == value), None)
