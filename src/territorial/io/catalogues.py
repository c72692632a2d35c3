"""Read indicator catalogues: a user's YAML file, or one shipped with the package."""

from __future__ import annotations

import os

from territorial.errors import CatalogueError

#: Largest catalogue file read, in bytes: far above any real catalogue (the built-in
#: one has about 16 000 bytes), small enough to never exhaust memory.
MAX_CATALOGUE_BYTES = 2_000_000


def read_catalogue_file(
    path: str | os.PathLike[str], *, max_bytes: int = MAX_CATALOGUE_BYTES
) -> str:
    """The text of a catalogue YAML file.

    Raises :class:`~territorial.errors.CatalogueError` when the file does not
    exist, is a folder, is larger than ``max_bytes``, is not UTF-8 text or
    cannot be read.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "c.yaml"
    >>> _ = p.write_text("indicators: []\\n")
    >>> read_catalogue_file(p)
    'indicators: []\\n'
    """
    name = os.fspath(path)
    if not os.path.exists(path):
        raise CatalogueError(f"Catalogue file {name!r} does not exist.")
    if os.path.isdir(path):
        raise CatalogueError(f"Catalogue file {name!r} is a folder. Give the path of a YAML file.")
    too_big = (
        f"Catalogue file {name!r} has more than {max_bytes:,} bytes, far more than a catalogue "
        "needs (the built-in one has about 16,000). Check that this is the catalogue you meant."
    )
    if os.path.getsize(path) > max_bytes:
        raise CatalogueError(too_big)
    try:
        with open(path, encoding="utf-8") as handle:
            # read at most one character more than allowed: a device or a growing file
            # whose size says nothing cannot fill the memory
            text = handle.read(max_bytes + 1)
    except UnicodeDecodeError as error:
        raise CatalogueError(
            f"Catalogue file {name!r} is not UTF-8 text (byte {error.start}: {error.reason}). "
            "Save it as UTF-8."
        ) from None
    except OSError as error:
        raise CatalogueError(
            f"Catalogue file {name!r} cannot be read ({error.strerror}). Check its permissions."
        ) from None
    if len(text.encode("utf-8")) > max_bytes:
        raise CatalogueError(too_big)
    return text
