"""Read indicator catalogues: a user's YAML file, or one shipped with the package."""

from __future__ import annotations

import os
from importlib import resources

from territorial.errors import CatalogueError


def read_catalogue_file(path: str | os.PathLike[str]) -> str:
    """The text of a catalogue YAML file.

    Raises :class:`~territorial.errors.CatalogueError` when the file does not
    exist.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "c.yaml"
    >>> _ = p.write_text("indicators: []\\n")
    >>> read_catalogue_file(p)
    'indicators: []\\n'
    """
    if not os.path.exists(path):
        raise CatalogueError(f"Catalogue file {str(path)!r} does not exist.")
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def read_builtin_catalogue(name: str) -> str:
    """The text of a catalogue shipped in ``territorial/indicators/catalogues/``.

    Examples
    --------
    >>> read_builtin_catalogue("france").lstrip().startswith("#")
    True
    """
    # files of the installed package, read without importing territorial.indicators
    folder = resources.files("territorial").joinpath("indicators").joinpath("catalogues")
    return folder.joinpath(f"{name}.yaml").read_text(encoding="utf-8")
