"""One-page diagnostic sheets: the portrait of one territory, in HTML or PDF.

::

    from territorial.sheets import sheet_content, write_sheet
    from territorial.sources import open_source

    content = sheet_content(open_source("france:epci", purpose="diagnosis"), "200046977")
    write_sheet(content, "lyon.pdf")

:func:`sheet_inputs` computes once per level what every sheet reads (a batch builds
it once, then :func:`sheet_content` is cheap per territory); :func:`write_sheet` draws
the content (:mod:`territorial.render.sheet`) into a file, atomically.
"""

from __future__ import annotations

import os
from pathlib import Path

from territorial.errors import InvalidArgumentError
from territorial.sheets.content import (
    Figure,
    MapContent,
    Row,
    SheetContent,
    SheetInputs,
    sheet_content,
    sheet_inputs,
)

__all__ = [
    "FORMATS",
    "Figure",
    "MapContent",
    "Row",
    "SheetContent",
    "SheetInputs",
    "sheet_content",
    "sheet_inputs",
    "write_sheet",
]

#: The formats of a sheet, by file suffix.
FORMATS: tuple[str, ...] = (".html", ".pdf")


def write_sheet(content: SheetContent, path: str | os.PathLike[str]) -> Path:
    """Write a sheet to ``path``: ``.html`` (self-contained page) or ``.pdf`` (one A4
    page, printed by Chromium), whole or not at all.

    Examples
    --------
    >>> import tempfile
    >>> from territorial.sources import open_source
    >>> content = sheet_content(open_source("france:region", purpose="diagnosis"), "84")
    >>> out = write_sheet(content, Path(tempfile.mkdtemp()) / "ara.html")
    >>> out.read_text(encoding="utf-8").count("<main")
    1
    >>> write_sheet(content, "ara.docx")
    Traceback (most recent call last):
    ...
    territorial.errors.InvalidArgumentError: path='ara.docx' is not valid: expected a file \
ending in .html or .pdf. For example lyon.html or lyon.pdf.
    """
    from territorial.files import atomic_path, write_text_atomic
    from territorial.render.sheet import print_pdf, render_sheet

    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in FORMATS:
        raise InvalidArgumentError(
            "path",
            str(path),
            "a file ending in .html or .pdf",
            "For example lyon.html or lyon.pdf.",
        )
    html = render_sheet(content)
    if suffix == ".html":
        return write_text_atomic(target, html)
    with atomic_path(target) as tmp:
        print_pdf(html, tmp)
    return target
