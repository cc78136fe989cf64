"""Rows for .xlsx worksheets: text cleared of what a worksheet cannot hold.

openpyxl refuses C0 control characters (ESC, BEL, ...) in a cell: text stored through the API or
echoed from a filter may carry them, and an export must not fail with a 500 because of it.
"""
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE


def sheet_row(values) -> list:
    return [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in values]
