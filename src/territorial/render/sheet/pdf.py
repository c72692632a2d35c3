"""Print a sheet's HTML page to a PDF of one A4 page with the Debian Chromium.

Chromium (``apt-get install chromium``; ``scripts/setup_system.sh`` installs it) prints
the page headless, with the network, the components and the GPU off, and no header nor
footer: the page's own ``@page`` rule (A4 portrait, no margin) sets the paper.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from territorial.errors import TerritorialError

__all__ = ["CHROMIUM", "ChromiumNotFoundError", "chromium_path", "print_pdf"]

#: Where the Debian package puts Chromium; ``TERRITORIAL_CHROMIUM`` overrides it.
CHROMIUM = "/usr/bin/chromium"
#: Flags of a headless print that reaches nothing on the network.
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-extensions",
    "--disable-sync", "--no-default-browser-check", "--no-pdf-header-footer",
    "--run-all-compositor-stages-before-draw",
)  # fmt: skip


class ChromiumNotFoundError(TerritorialError, FileNotFoundError):
    """No Chromium to print the PDF with."""

    def __init__(self, path: str) -> None:
        super().__init__(
            f"Chromium is needed to print a sheet to PDF and was not found at {path!r}. "
            "Install it (sudo apt-get install -y chromium, or scripts/setup_system.sh), point "
            "TERRITORIAL_CHROMIUM at a Chromium, or write the sheet as .html."
        )


def chromium_path() -> str:
    """The Chromium to print with (``TERRITORIAL_CHROMIUM``, else ``/usr/bin/chromium``,
    else ``chromium`` on the PATH); raises :class:`ChromiumNotFoundError`.

    Examples
    --------
    >>> chromium_path()  # doctest: +SKIP
    '/usr/bin/chromium'
    """
    wanted = os.environ.get("TERRITORIAL_CHROMIUM") or CHROMIUM
    if Path(wanted).is_file() and os.access(wanted, os.X_OK):
        return wanted
    found = None if os.environ.get("TERRITORIAL_CHROMIUM") else shutil.which("chromium")
    if found:
        return found
    raise ChromiumNotFoundError(wanted)


def print_pdf(html: str, path: str | os.PathLike[str], *, timeout: float = 120.0) -> Path:
    """Print ``html`` (a whole page) to the PDF file ``path`` (written by Chromium into a
    temporary folder, then moved: the caller makes it atomic).

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "a.pdf"
    >>> _ = print_pdf("<!DOCTYPE html><p>Bonjour</p>", out)
    >>> out.read_bytes()[:5]
    b'%PDF-'
    """
    chromium = chromium_path()
    target = Path(path)
    with tempfile.TemporaryDirectory(prefix="territorial-pdf-") as folder:
        page = Path(folder) / "sheet.html"
        page.write_text(html, encoding="utf-8")
        out = Path(folder) / "sheet.pdf"
        profile = Path(folder) / "profile"
        command = [chromium, *FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={out}",
                   page.as_uri()]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                              check=False)  # fmt: skip
        if not out.exists() or out.stat().st_size == 0:
            tail = (done.stderr or "").strip().splitlines()[-3:]
            raise TerritorialError(
                f"Chromium did not print the PDF (exit {done.returncode}): "
                f"{' / '.join(tail) or 'no message'}. Try the .html output."
            )
        shutil.move(str(out), target)
    return target
