"""The one-page sheet of a territory, drawn from its content (:mod:`territorial.sheets`).

:func:`render_sheet` turns a :class:`~territorial.sheets.content.SheetContent` into one
self-contained HTML page (inline CSS with a print stylesheet, inline SVG, nothing from
the network), A4 portrait; :func:`print_pdf` prints such a page to a one-page PDF with
the Debian Chromium. Everything from the data is escaped (jinja2 autoescape); nothing
is computed here but the drawing.
"""

from __future__ import annotations

from territorial.render.sheet.html import render_sheet
from territorial.render.sheet.pdf import CHROMIUM, ChromiumNotFoundError, print_pdf

__all__ = ["CHROMIUM", "ChromiumNotFoundError", "print_pdf", "render_sheet"]
