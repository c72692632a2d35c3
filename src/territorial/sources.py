"""Resolve a territories source given as text: ``france:LEVEL`` or a file path."""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd

from territorial.errors import InvalidArgumentError, UnknownLevelError
from territorial.france.data import FRANCE_LEVELS, load_france
from territorial.io.vector import read_territories


def refuse_file_options(source: str, options: dict[str, object]) -> None:
    """Raise if an option that describes a file (its columns, layer, CRS) is given with
    built-in territories, instead of ignoring it.

    ``options`` maps each option's name, as the caller spells it (``"code"`` or
    ``"--code"``), to its value (None when not given).

    Examples
    --------
    >>> refuse_file_options("france:region", {"--code": None})
    >>> refuse_file_options("france:region", {"--crs": "2154"})
    Traceback (most recent call last):
    ...
    territorial.errors.InvalidArgumentError: --crs='2154' is not valid: expected nothing with \
france:region. It describes the columns, layers or CRS of a file; the built-in territories \
have their own. Leave it out.
    """
    for option, value in options.items():
        if value is not None:
            raise InvalidArgumentError(
                option, value, f"nothing with {source}",
                "It describes the columns, layers or CRS of a file; the built-in "
                "territories have their own. Leave it out.",
            )  # fmt: skip


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
        :data:`~territorial.france.data.FRANCE_LEVELS`) or the path of a vector file.
    code, name, population, layer, crs
        Passed to :func:`~territorial.io.vector.read_territories` for files.
    cache
        Cache folder of the built-in data.
    progress
        Progress bars when the built-in data must be fetched.

    Examples
    --------
    The built-in regions (from the cached data):

    >>> regions = load_source("france:region", progress=False)
    >>> len(regions), regions.loc["84", "name"]
    (18, 'Auvergne-Rhône-Alpes')

    A file of your own, here a square of 1 km² made for the example:

    >>> import tempfile
    >>> from shapely import box
    >>> path = Path(tempfile.mkdtemp()) / "zone.gpkg"
    >>> gpd.GeoDataFrame({"id": ["z1"], "nom": ["Zone"]}, crs=2154,
    ...                  geometry=[box(700_000, 6_600_000, 701_000, 6_601_000)]).to_file(path)
    >>> zone = load_source(str(path), code="id", name="nom")
    >>> zone.index.tolist(), round(float(zone["area_km2"].iloc[0]), 3)
    (['z1'], 1.0)
    """
    if source.startswith("france:"):
        level = source.split(":", 1)[1]
        if level not in FRANCE_LEVELS:
            raise UnknownLevelError(
                level, FRANCE_LEVELS, "source", value=source,
                expected="france:LEVEL with LEVEL one of " + ", ".join(FRANCE_LEVELS),
                fix="For example: france:departement.",
            )  # fmt: skip
        refuse_file_options(
            source,
            {"code": code, "name": name, "population": population, "layer": layer, "crs": crs},
        )
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
