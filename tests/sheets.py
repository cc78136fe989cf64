"""A workbook made in memory, as a secretariat's batch file would arrive."""
import io

from openpyxl import Workbook


def xlsx(*rows) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
