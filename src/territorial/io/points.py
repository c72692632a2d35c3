"""Point layers: CSV with coordinate columns plus a CRS, or any vector file."""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import pandas as pd

from territorial.errors import (
    ColumnNotFoundError,
    InvalidArgumentError,
    MissingCRSError,
    UnsupportedFormatError,
)
from territorial.io.tables import read_table
from territorial.io.vector import VECTOR_SUFFIXES

X_CANDIDATES = ("lon", "lng", "long", "longitude", "x", "coordonnee_x", "coord_x")
Y_CANDIDATES = ("lat", "latitude", "y", "coordonnee_y", "coord_y")


def _pick(columns: list[str], given: str | None, candidates: tuple[str, ...], arg: str) -> str:
    if given is not None:
        if given not in columns:
            raise ColumnNotFoundError(arg, given, columns)
        return given
    lowered = {c.lower(): c for c in columns}
    for candidate in candidates:
        if candidate in lowered:
            return lowered[candidate]
    raise InvalidArgumentError(
        arg, None, f"a coordinate column (none of {', '.join(candidates)} was found)",
        f"Name it: read_points(path, {arg}='COLUMN', ...).",
    )  # fmt: skip


def read_points(
    path: str | os.PathLike[str],
    *,
    x: str | None = None,
    y: str | None = None,
    crs: int | str | None = None,
    layer: str | int | None = None,
) -> gpd.GeoDataFrame:
    """Read a point layer.

    Parameters
    ----------
    path
        A CSV (or XLSX/Parquet table) with coordinate columns, or any vector file.
    x, y
        Coordinate columns; detected among ``lon/lng/longitude/x`` and
        ``lat/latitude/y`` when omitted.
    crs
        CRS of the coordinates of a table (e.g. ``4326`` for lon/lat, ``2154`` for
        Lambert-93). Required for tables: territorial never guesses a CRS.
    layer
        Layer of a multi-layer vector file.

    Returns
    -------
    GeoDataFrame
        The points; rows with missing or non-numeric coordinates are left out
        and counted in ``gdf.attrs["report"]``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "p.csv"
    >>> _ = p.write_text("id,lon,lat\\n1,4.83,45.76\\n2,,\\n")
    >>> pts = read_points(p, crs=4326)
    >>> len(pts), pts.attrs["report"]["dropped_missing_coordinates"]
    (1, 1)
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv", ".xlsx"):
        if crs is None:
            raise MissingCRSError(
                f"The coordinates of {str(path)!r}",
                "Pass crs=4326 for longitude/latitude in degrees, crs=2154 for Lambert-93 "
                "(CLI: --crs 4326).",
            )
        import io

        from territorial.io.tables import _decode, _sniff_separator

        if suffix == ".xlsx":
            frame = pd.read_excel(path, dtype=object)
        else:
            text, _ = _decode(path.read_bytes(), None)
            frame = pd.read_csv(io.StringIO(text), sep=_sniff_separator(text), dtype=str)
        columns = [str(c) for c in frame.columns]
        x_col = _pick(columns, x, X_CANDIDATES, "x")
        y_col = _pick(columns, y, Y_CANDIDATES, "y")
        xs = pd.to_numeric(frame[x_col].astype(str).str.replace(",", "."), errors="coerce")
        ys = pd.to_numeric(frame[y_col].astype(str).str.replace(",", "."), errors="coerce")
        keep = xs.notna() & ys.notna()
        points = gpd.GeoDataFrame(
            frame[keep].drop(columns=[x_col, y_col]),
            geometry=gpd.points_from_xy(xs[keep], ys[keep]),
            crs=crs,
        )
        points.attrs["report"] = {
            "rows": len(frame),
            "points": int(keep.sum()),
            "dropped_missing_coordinates": int((~keep).sum()),
        }
        return points
    if suffix in VECTOR_SUFFIXES:
        if suffix in (".parquet", ".geoparquet"):
            points = gpd.read_parquet(path)
        else:
            points = gpd.read_file(path, layer=layer, engine="pyogrio")
        if points.crs is None:
            raise MissingCRSError(
                f"The layer {str(path)!r}",
                "Declare the CRS in the file, or read it with geopandas and call set_crs(EPSG).",
            )
        empty = points.geometry.isna() | points.geometry.is_empty
        points = points[~empty]
        points.attrs["report"] = {
            "rows": len(empty),
            "points": int((~empty).sum()),
            "dropped_missing_coordinates": int(empty.sum()),
        }
        return points
    raise UnsupportedFormatError("path", path, (".csv", ".xlsx", *VECTOR_SUFFIXES))


__all__ = ["read_points", "read_table"]
