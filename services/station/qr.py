"""The QR code of a station's public intake link, as a PNG."""
import io

import qrcode
from qrcode.constants import ERROR_CORRECT_M

BOX = 10    # pixels per module
BORDER = 4  # modules of quiet zone (the standard's minimum)


def matrix(url: str) -> list[list[bool]]:
    """The modules of the code, quiet zone included (what a test compares a PNG against)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=BOX, border=BORDER)
    code.add_data(url)
    code.make(fit=True)
    return code.get_matrix()


def png(url: str) -> bytes:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=BOX, border=BORDER)
    code.add_data(url)
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(out, format="PNG")
    return out.getvalue()
