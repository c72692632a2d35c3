"""Deterministic saving of static maps to PNG, SVG and PDF."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
from matplotlib.figure import Figure

from territorial.errors import InvalidArgumentError, UnsupportedFormatError
from territorial.files import atomic_path

__all__ = ["FORMATS", "save_map"]

FORMATS = (".png", ".svg", ".pdf")

_METADATA = {
    ".png": {"Software": None},
    ".svg": {"Date": None, "Creator": "territorial"},
    ".pdf": {"CreationDate": None, "ModDate": None, "Creator": "territorial", "Producer": None},
}


def save_map(fig: Figure, path: str | os.PathLike[str], *, dpi: float | None = None) -> Path:
    """Save a map to PNG, SVG or PDF; the same figure always gives the same bytes.

    No timestamp or version is written in the file's metadata, and SVG element
    ids are derived from a fixed salt. The file is written whole or not at all:
    a failure part-way leaves the previous file as it was.

    Parameters
    ----------
    fig
        A figure from :func:`territorial.render.map_territories`.
    path
        Output file ending in ``.png``, ``.svg`` or ``.pdf``; folders are created.
    dpi
        Resolution of PNG output; default the figure's (the one the geometry was
        simplified for: a higher one may show simplified outlines).

    Returns
    -------
    Path
        The written file.

    Examples
    --------
    >>> fig = Figure(figsize=(2, 2))
    >>> import tempfile; out = Path(tempfile.mkdtemp()) / "map.png"
    >>> save_map(fig, out).name
    'map.png'
    """
    if not isinstance(fig, Figure):
        raise InvalidArgumentError(
            "fig",
            type(fig).__name__,
            "a matplotlib Figure",
            "Pass the figure returned by map_territories(...).",
        )
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise UnsupportedFormatError("path", path, FORMATS)
    if dpi is not None and (not isinstance(dpi, int | float) or dpi <= 0):
        raise InvalidArgumentError("dpi", dpi, "a positive number", "For example dpi=150.")
    rc = {"svg.hashsalt": "territorial", "pdf.compression": 6, "svg.fonttype": "path"}
    with matplotlib.rc_context(rc), atomic_path(path) as tmp:
        fig.savefig(
            tmp,
            format=suffix[1:],
            dpi=dpi or fig.dpi,
            metadata=_METADATA[suffix],
            facecolor=fig.get_facecolor(),
            **({"pil_kwargs": {"compress_level": 3}} if suffix == ".png" else {}),
        )
    return path
