"""Write territories and tables: GeoPackage, GeoJSON, GeoParquet, FlatGeobuf, CSV, XLSX.

Every file is written whole or not at all (:func:`territorial.files.atomic_path`):
a failure part-way leaves the previous file, and its metadata side file, as they were.
"""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

import geopandas as gpd
import pandas as pd

from territorial.errors import UnsupportedFormatError, WriteError
from territorial.files import atomic_path

WRITE_SUFFIXES = (".gpkg", ".geojson", ".parquet", ".fgb", ".csv", ".xlsx")
#: Formats that need a geometry column (a plain table cannot be written to them).
GEOMETRY_SUFFIXES = (".gpkg", ".geojson", ".fgb")


def metadata_path(path: str | os.PathLike[str]) -> Path:
    """Where :func:`write_layer` puts the metadata of a format that cannot hold a second table:
    ``epci.csv`` -> ``epci.metadata.csv`` (also for ``.geojson`` and ``.fgb``).

    Examples
    --------
    >>> metadata_path("out/epci.csv").as_posix()
    'out/epci.metadata.csv'
    """
    path = Path(path)
    return path.with_name(f"{path.stem}.metadata.csv")


def write_layer(
    data: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    metadata: pd.DataFrame | None = None,
) -> Path:
    """Write a layer or table, the format chosen by the file's extension.

    ``.csv`` and ``.xlsx`` leave the geometry out; ``.gpkg``, ``.geojson``,
    ``.fgb`` and ``.parquet`` keep it (GeoJSON is written in EPSG:4326).
    Column values that are tuples or lists are written as ``;``-joined text
    where the format cannot hold them. ``metadata``, a table describing the
    columns (e.g. each indicator's labels, unit, source and vintage), is
    written with the data: a ``metadata`` sheet in ``.xlsx`` (the data in
    ``data``), a ``metadata`` table in ``.gpkg``, JSON under the
    ``territorial`` key of the schema metadata in ``.parquet`` (see
    :func:`read_parquet_metadata`), and a file beside the others (see
    :func:`metadata_path`).

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
    if not isinstance(data, gpd.GeoDataFrame) and suffix in GEOMETRY_SUFFIXES:
        raise UnsupportedFormatError(
            "path (a table without geometry)", path, (".csv", ".xlsx", ".parquet")
        )
    side = metadata is not None and suffix in (".csv", ".geojson", ".fgb")
    # the side file and the data are written to temporaries, then renamed (data first)
    with contextlib.ExitStack() as stack:
        if side:
            side_tmp = stack.enter_context(atomic_path(metadata_path(path)))
        tmp = stack.enter_context(atomic_path(path))
        _write(data, tmp, suffix, metadata, layer=path.stem, target=path)
        if side:
            metadata.to_csv(side_tmp, encoding="utf-8")  # type: ignore[union-attr]
    return path


def _write(
    data: pd.DataFrame,
    tmp: Path,
    suffix: str,
    metadata: pd.DataFrame | None,
    *,
    layer: str,
    target: Path,
) -> None:
    """Write ``data`` (and the metadata it can hold) to the temporary file ``tmp``; ``layer``
    names the layer as the final file would (not after the temporary name), and errors name
    ``target``, the final file."""
    if suffix == ".csv":
        data.to_csv(tmp, encoding="utf-8")
    elif suffix == ".xlsx":
        # built in memory, then written in one go: a full disk part-way through the
        # zip container would leave openpyxl's writer half-closed, noisy at exit
        buffer = io.BytesIO()
        failure = None
        try:
            with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
                data.to_excel(writer, sheet_name="data")
                if metadata is not None:
                    metadata.to_excel(writer, sheet_name="metadata")
        except OSError as error:  # openpyxl's own temporary files failed (a full /tmp)
            failure = WriteError(target, error.strerror or error)
        if failure is not None:  # the traceback is gone: its half-built writers can go
            _collect_quietly()
            raise failure
        tmp.write_bytes(buffer.getvalue())
    elif suffix == ".parquet":
        data.to_parquet(tmp)
        if metadata is not None:
            _parquet_metadata(tmp, metadata)
    else:
        assert isinstance(data, gpd.GeoDataFrame)
        if suffix == ".geojson" and data.crs is not None and data.crs.to_epsg() != 4326:
            data = data.to_crs(4326)
        driver = {".gpkg": "GPKG", ".geojson": "GeoJSON", ".fgb": "FlatGeobuf"}[suffix]
        import pyogrio.errors

        try:
            data.reset_index().to_file(tmp, driver=driver, engine="pyogrio", layer=layer)
            if metadata is not None and suffix == ".gpkg":
                pyogrio.write_dataframe(
                    metadata.reset_index(), tmp, layer="metadata", driver="GPKG"
                )
        except (pyogrio.errors.DataSourceError, pyogrio.errors.FeatureError) as error:
            raise WriteError(target, error) from None


def _collect_quietly() -> None:
    """Collect the objects a failed writer left behind without their cleanup's tracebacks
    (they are reported as "Exception ignored" and say nothing the error has not said)."""
    import gc
    import sys

    hook = sys.unraisablehook
    sys.unraisablehook = lambda unraisable: None
    try:
        gc.collect()
    finally:
        sys.unraisablehook = hook


def _parquet_metadata(path: Path, metadata: pd.DataFrame) -> None:
    """Add ``metadata`` as JSON under the ``territorial`` key of a Parquet file's schema
    (``path`` is the temporary file that :func:`write_layer` renames once complete)."""
    import json

    import pyarrow.parquet as pq

    table = pq.read_table(path)
    records = metadata.reset_index().to_dict(orient="records")
    extra = {b"territorial": json.dumps({"columns": records}, ensure_ascii=False).encode()}
    pq.write_table(table.replace_schema_metadata({**(table.schema.metadata or {}), **extra}), path)


def read_parquet_metadata(path: str | os.PathLike[str]) -> pd.DataFrame | None:
    """The metadata table that :func:`write_layer` stored in a Parquet file (None if none).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.parquet"
    >>> meta = pd.DataFrame({"unit": ["%"]}, index=pd.Index(["share"], name="id"))
    >>> _ = write_layer(pd.DataFrame({"share": [1.0]}), p, metadata=meta)
    >>> read_parquet_metadata(p).loc["share", "unit"]
    '%'
    """
    import json

    import pyarrow.parquet as pq

    raw = (pq.read_schema(path).metadata or {}).get(b"territorial")
    if raw is None:
        return None
    frame = pd.DataFrame(json.loads(raw)["columns"])
    return frame.set_index(frame.columns[0])
