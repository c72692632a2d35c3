"""Where territorial keeps the data it fetches and converts."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

CACHE_ENV = "TERRITORIAL_CACHE_DIR"


def cache_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """Return the cache folder, creating it if needed.

    Parameters
    ----------
    path
        Explicit folder. Without it, the environment variable
        ``TERRITORIAL_CACHE_DIR`` is used, then the user cache folder
        (``~/.cache/territorial`` on Linux).

    Examples
    --------
    >>> cache_dir("/tmp/territorial-doc").name
    'territorial-doc'
    """
    if path is None:
        path = os.environ.get(CACHE_ENV) or platformdirs.user_cache_dir("territorial")
    folder = Path(path).expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    return folder
