"""QR codes as SVG, for pages and printed documents (segno, no image files).

A QR code carries exactly the text it is given; callers give a reference
number, never personal data, because anyone with a phone can read it.
"""

from __future__ import annotations

from typing import Final

import segno
from django.utils.safestring import SafeString, mark_safe

# Medium error correction survives a worn or folded card; segno raises it
# further when the version has room to spare.
ERROR_CORRECTION: Final = "m"
# The quiet zone the standard asks for, in modules.
BORDER: Final = 4


def qr_code(text: str) -> segno.QRCode:
    """The QR code (never a Micro QR, which phones seldom read) of ``text``."""
    return segno.make_qr(text, error=ERROR_CORRECTION)


def qr_svg(text: str, *, title: str = "") -> SafeString:
    """Inline ``<svg>`` markup for HTML, scalable with CSS (it has a viewBox, no size)."""
    svg: str = qr_code(text).svg_inline(
        border=BORDER, omitsize=True, svgclass="qr", title=title or None
    )
    return mark_safe(svg)  # noqa: S308 -- segno's own markup; ``title`` is escaped by segno.


def qr_data_uri(text: str) -> str:
    """A ``data:image/svg+xml`` URI for ``<img src>`` (what the PDF renderer reads best)."""
    uri: str = qr_code(text).svg_data_uri(border=BORDER, omitsize=True)
    return uri
