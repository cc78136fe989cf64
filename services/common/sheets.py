"""Rows for .xlsx worksheets: text cleared of what a worksheet cannot hold; number formats.

openpyxl refuses C0 control characters (ESC, BEL, ...) in a cell: text stored through the API or
echoed from a filter may carry them, and an export must not fail with a 500 because of it.
"""
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE


def sheet_row(values) -> list:
    return [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in values]


def format_columns(sheet, formats: dict[int, str], min_row: int = 2) -> None:
    """Number formats by column (1-based) on every row from ``min_row``: a date cell shows as a date
    (services/common/localtime.py DATE_FORMAT), a rate as a percentage."""
    for row in sheet.iter_rows(min_row=min_row):
        for cell in row:
            if cell.column in formats:
                cell.number_format = formats[cell.column]

