"""The configurable category taxonomy, read from a YAML file an operator can edit (rules.py says which)."""
from pathlib import Path

import yaml

DEFAULT_FILE = Path(__file__).with_name("categories.yml")


def load(path: Path | str) -> dict[str, str]:
    """code -> 名称, in the file's order."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or not data:
        raise ValueError(f"{path}: expected a mapping of category code to name")
    return {str(code): str(name) for code, name in data.items()}


def code_for(categories: dict[str, str], value: str) -> str | None:
    """A category given as its code or its Chinese name (as spreadsheets have it)."""
    if value in categories:
        return value
    return next((code for code, name in categories.items() if name == value), None)
