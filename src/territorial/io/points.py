"""Point layers: CSV with coordinate columns plus a CRS, or any vector file."""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import pandas as pd

from territorial.errors import (
    ColumnNotFoundError,
    CRSMismatchError,
    InvalidArgumentError,
    MissingCRSError,
    UnsupportedFormatError,
)
from territorial.io.tables import TableReport, clean_columns, read_frame
from territorial.io.vector import VECTOR_SUFFIXES, parse_crs, read_vector
from territorial.report import RecordReport

X_CANDIDATES = ("lon", "lng", "long", "longitude", "x", "coordonnee_x", "coord_x")
Y_CANDIDATES = ("lat", "latitude", "y", "coordonnee_y", "coord_y")
#: Files read as tables of points with coordinate columns.
TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx")


def _to_float(values: pd.Series) -> pd.Series:
    """Numbers as floats; text (decimal comma accepted) parsed, anything else NaN."""
    if pd.api.types.is_numeric_dtype(values):
        return values.astype("float64")
    text = values.astype("string").str.replace(r"[ \u00a0\u202f]", "", regex=True)
    return pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce").astype(
        "float64"
    )


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
        A CSV (or XLSX table) with coordinate columns, or any vector file.
        Tables are read like :func:`~territorial.io.tables.read_table` reads
        them: separator and encoding detected, decimal commas and thousands
        separators accepted (``1,5`` is 1.5 in every numeric column).
    x, y
        Coordinate columns; detected among ``lon/lng/longitude/x`` and
        ``lat/latitude/y`` when omitted.
    crs
        CRS of the coordinates of a table (e.g. ``4326`` for lon/lat, ``2154`` for
        Lambert-93). Required for tables: territorial never guesses a CRS. For a
        vector file it must equal the CRS the file declares (or is set when the
        file declares none).
    layer
        Layer of a multi-layer vector file.

    Returns
    -------
    GeoDataFrame
        The points; rows with missing or non-numeric coordinates are left out
        and counted in ``gdf.attrs["report"]`` (``rows``, ``points``,
        ``dropped_missing_coordinates``; for tables also
        ``decimal_comma_columns``).

    Raises
    ------
    MissingCRSError
        A table without ``crs``, or a vector file without a CRS.
    CRSMismatchError
        ``crs`` differs from the CRS a vector file declares.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "p.csv"
    >>> _ = p.write_text("id;lon;lat;weight\\n1;4,83;45,76;1,5\\n2;;;2\\n")
    >>> pts = read_points(p, crs=4326)
    >>> len(pts), pts.attrs["report"]["dropped_missing_coordinates"]
    (1, 1)
    >>> pts.geometry.x.tolist(), pts["weight"].tolist()
    ([4.83], [1.5])
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (*TABLE_SUFFIXES, *VECTOR_SUFFIXES) and not path.exists():
        raise InvalidArgumentError("path", str(path), "an existing file", "Check the path.")
    given_crs = parse_crs(crs) if crs is not None else None
    if suffix in TABLE_SUFFIXES:
        if crs is None:
            raise MissingCRSError(
                f"The point table {str(path)!r}",
                "Pass crs=4326 for longitude/latitude in degrees, crs=2154 for Lambert-93.",
            )
        frame, encoding, separator = read_frame(path)
        columns = list(frame.columns)
        x_col = _pick(columns, x, X_CANDIDATES, "x")
        y_col = _pick(columns, y, Y_CANDIDATES, "y")
        if x_col == y_col:
            raise InvalidArgumentError(
                "y", y_col, f"another column than x={x_col!r}", "Name both: x='COL', y='COL'."
            )
        # read_table's cleaning (decimal commas, thousands separators, missing markers)
        table_report = TableReport(path=str(path), rows=len(frame), code_column="",
                                   encoding=encoding, separator=separator)  # fmt: skip
        frame = clean_columns(frame, table_report)
        xs, ys = _to_float(frame[x_col]), _to_float(frame[y_col])
        keep = (xs.notna() & ys.notna()).to_numpy()
        points = gpd.GeoDataFrame(
            frame[keep].drop(columns=[x_col, y_col]),
            geometry=gpd.points_from_xy(xs[keep], ys[keep]),
            crs=given_crs,
        )
        comma = list(table_report.decimal_comma_columns)
        points.attrs["report"] = _report(path, len(frame), int(keep.sum()), comma)
        return points
    if suffix in VECTOR_SUFFIXES:
        points, _, _ = read_vector(
            path, layer=layer, layer_fix="Name one of them: read_points(path, layer=NAME)."
        )
        if points.crs is None and given_crs is not None:
            points = points.set_crs(given_crs)
        elif given_crs is not None and not points.crs.equals(given_crs, ignore_axis_order=True):
            raise CRSMismatchError(
                f"crs={crs!r} was given but {str(path)!r} declares {points.crs.to_string()}. "
                "Drop the crs argument, or reproject the file first."
            )
        if points.crs is None:
            raise MissingCRSError(
                f"The layer {str(path)!r}",
                "Declare the CRS in the file, or pass crs=EPSG.",
            )
        empty = points.geometry.isna() | points.geometry.is_empty
        points = points[~empty]
        points.attrs["report"] = _report(path, len(empty), int((~empty).sum()))
        return points
    raise UnsupportedFormatError("path", path, (*TABLE_SUFFIXES, *VECTOR_SUFFIXES))


def _report(
    path: str | os.PathLike[str], rows: int, kept: int, comma: list[str] | None = None
) -> RecordReport:
    """What :func:`read_points` read and left out, as a :class:`~territorial.report.Report`."""
    record: dict[str, object] = {"rows": rows, "points": kept,
                                 "dropped_missing_coordinates": rows - kept}  # fmt: skip
    lines = [
        f"{kept} points read from {path}"
        + (f"; {rows - kept} rows without coordinates left out" if rows > kept else "")
    ]
    if comma is not None:
        record["decimal_comma_columns"] = comma
        if comma:
            lines.append(f"decimal commas converted in {len(comma)} columns")
    return RecordReport(
        "points",
        record,
        read=rows,
        dropped={"missing coordinates": rows - kept},
        repaired={"decimal comma columns": len(comma or ())},
        lines=lines,
    )


__all__ = ["read_points"]
