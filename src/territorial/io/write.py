"""Write territories and tables: GeoPackage, GeoJSON, GeoParquet, FlatGeobuf, CSV, XLSX."""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import pandas as pd

from territorial.errors import UnsupportedFormatError

WRITE_SUFFIXES = (".gpkg", ".geojson", ".parquet", ".fgb", ".csv", ".xlsx")
#: Formats that need a geometry column (a plain table cannot be written to them).
GEOMETRY_SUFFIXES = (".gpkg", ".geojson", ".fgb")


def check_write_suffix(
    path: str | os.PathLike[str], *, argument: str = "path", geometry: bool = True
) -> str:
    """Check, before any long computation, that :func:`write_layer` can write ``path``.

    Parameters
    ----------
    path
        The output file.
    argument
        The name given in the error (e.g. ``"--output"`` for a command-line option).
    geometry
        Whether the data to write will have a geometry; without one, only
        ``.csv``, ``.xlsx`` and ``.parquet`` are allowed.

    Returns
    -------
    str
        The lower-case suffix.

    Raises
    ------
    UnsupportedFormatError
        The suffix is not one :func:`write_layer` writes (for this data).

    Examples
    --------
    >>> check_write_suffix("out/epci.GPKG")
    '.gpkg'
    >>> check_write_suffix("long.gpkg", geometry=False)
    Traceback (most recent call last):
    ...
    territorial.errors.UnsupportedFormatError: path='long.gpkg' has an unsupported format. \
Use a file ending in one of: .csv, .xlsx, .parquet.
    """
    suffix = Path(path).suffix.lower()
    allowed = WRITE_SUFFIXES if geometry else (".csv", ".xlsx", ".parquet")
    if suffix not in allowed:
        raise UnsupportedFormatError(argument, path, allowed)
    return suffix


def write_layer(data: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write a layer or table, the format chosen by the file's extension.

    ``.csv`` and ``.xlsx`` leave the geometry out; ``.gpkg``, ``.geojson``,
    ``.fgb`` and ``.parquet`` keep it (GeoJSON is written in EPSG:4326).
    Column values that are tuples or lists are written as ``;``-joined text
    where the format cannot hold them.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> df = pd.DataFrame({"x": [1]}, index=pd.Index(["01"], name="code"))
    >>> write_layer(df, pathlib.Path(tempfile.mkdtemp()) / "t.csv").name
    't.csv'
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in WRITE_SUFFIXES:
        raise UnsupportedFormatError("path", path, WRITE_SUFFIXES)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = data.copy()
    for column in data.columns:
        if (
            data[column].dtype == object
            and data[column].map(lambda v: isinstance(v, tuple | list)).any()
        ):
            data[column] = data[column].map(
                lambda v: ";".join(map(str, v)) if isinstance(v, tuple | list) else v
            )
    if isinstance(data, gpd.GeoDataFrame) and suffix in (".csv", ".xlsx"):
        data = pd.DataFrame(data.drop(columns=data.geometry.name))
    data.attrs = {}
    if suffix == ".csv":
        data.to_csv(path, encoding="utf-8")
    elif suffix == ".xlsx":
        data.to_excel(path)
    elif suffix == ".parquet":
        data.to_parquet(path)
    elif isinstance(data, gpd.GeoDataFrame):
        if suffix == ".geojson" and data.crs is not None and data.crs.to_epsg() != 4326:
            data = data.to_crs(4326)
        driver = {".gpkg": "GPKG", ".geojson": "GeoJSON", ".fgb": "FlatGeobuf"}[suffix]
        if path.exists():
            path.unlink()
        data.reset_index().to_file(path, driver=driver, engine="pyogrio")
    else:
        raise UnsupportedFormatError(
            "path (a table without geometry)", path, (".csv", ".xlsx", ".parquet")
        )
    return path
