"""Resolve a territories source given as text: ``france:LEVEL`` or a file path."""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd

from territorial.errors import InvalidArgumentError
from territorial.io.france import FRANCE_LEVELS, load_france
from territorial.io.vector import read_territories


def load_source(
    source: str,
    *,
    code: str | None = None,
    name: str | None = None,
    population: str | None = None,
    layer: str | None = None,
    crs: int | str | None = None,
    cache: str | os.PathLike[str] | None = None,
    progress: bool = True,
) -> gpd.GeoDataFrame:
    """Load territories from ``france:LEVEL`` or from a vector file.

    Parameters
    ----------
    source
        ``france:commune``, ``france:departement``... (see
        :data:`~territorial.io.france.FRANCE_LEVELS`) or the path of a vector file.
    code, name, population, layer, crs
        Passed to :func:`~territorial.io.vector.read_territories` for files.
    cache
        Cache folder of the built-in data.
    progress
        Progress bars when the built-in data must be fetched.

    Examples
    --------
    >>> load_source("france:region", progress=False).shape[0]  # doctest: +SKIP
    18
    """
    if source.startswith("france:"):
        level = source.split(":", 1)[1]
        if level not in FRANCE_LEVELS:
            raise InvalidArgumentError(
                "source", source, "france:LEVEL with LEVEL one of " + ", ".join(FRANCE_LEVELS),
                "For example: france:departement.",
            )  # fmt: skip
        return load_france(level, cache=cache, progress=progress)
    path = Path(source)
    if not path.exists():
        raise InvalidArgumentError(
            "source", source, "france:LEVEL or the path of an existing vector file",
            "Check the path, or use e.g. france:commune.",
        )  # fmt: skip
    return read_territories(
        path, code=code, name=name, population=population, layer=layer, crs=crs
    )
