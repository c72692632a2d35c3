"""Exact zonal statistics of a raster over territories, with exactextract.

Every cell counts with the fraction of its area covered by the territory. The
territories are reprojected to the raster's CRS; the raster is never warped.
The raster is given as an array with its georeferencing (reading the file is
the io layer's job, e.g. with rasterio).

Two things make this faster than calling ``exactextract.exact_extract`` on a
GeoDataFrame, with identical results: geometries are handed over as WKB
(exactextract's GeoPandas source serialises every feature to GeoJSON text), and
the territories can be split across worker processes (``workers=2``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from territorial.errors import InvalidArgumentError, MissingCRSError

__all__ = ["class_shares", "zonal_stats"]

_STATS = ("mean", "sum", "count", "min", "max", "median", "stdev", "majority", "minority",
          "variety", "weighted_mean", "weighted_sum", "coverage_area")  # fmt: skip
# the job shared with forked workers (set just before the pool starts, cleared after)
_JOB: dict[str, Any] = {}


def _bounds(transform: Any, shape: tuple[int, int]) -> tuple[float, float, float, float]:
    if isinstance(transform, Sequence) and len(transform) == 4:
        xmin, ymin, xmax, ymax = (float(v) for v in transform)
        return xmin, ymin, xmax, ymax
    a, b, c, d, e, f = (float(transform[i]) for i in range(6))
    if b != 0 or d != 0 or a <= 0 or e >= 0:
        raise InvalidArgumentError(
            "transform", (a, b, c, d, e, f), "a north-up transform without rotation",
            "Warp the raster to a north-up grid first (e.g. with rasterio.warp or gdalwarp).",
        )  # fmt: skip
    ny, nx = shape
    return c, f + e * ny, c + a * nx, f


def _source(values: np.ndarray, bounds, nodata, crs_wkt: str):
    from exactextract.raster import NumPyRasterSource

    if nodata is not None and np.issubdtype(values.dtype, np.integer):
        # exactextract wants the nodata value in the type of the cells (rasterio gives floats);
        # a fractional nodata can match no integer cell
        nodata = int(nodata) if float(nodata).is_integer() else None
    return NumPyRasterSource(values, *bounds, nodata=nodata, srs_wkt=crs_wkt)


def _feature_source(wkb: list[bytes], codes: list[str], crs_wkt: str):
    from exactextract.feature import Feature, FeatureSource

    class _WKBFeature(Feature):
        def __init__(self, geometry: bytes, code: str) -> None:
            super().__init__()
            self._geometry = geometry
            self._code = code

        def geometry(self) -> bytes:
            return self._geometry

        def set_geometry_format(self) -> str:  # pragma: no cover - input only
            return "wkb"

        def get(self, name: str) -> str:
            return self._code

        def fields(self) -> list[str]:
            return ["code"]

    class _WKBSource(FeatureSource):
        def count(self) -> int:
            return len(wkb)

        def __iter__(self):
            for g, c in zip(wkb, codes, strict=True):
                yield _WKBFeature(g, c)

        def srs_wkt(self) -> str:
            return crs_wkt

    return _WKBSource()


def _run(job: dict[str, Any], positions: np.ndarray) -> pd.DataFrame:
    from exactextract import exact_extract

    source = _source(job["values"], job["bounds"], job["nodata"], job["crs_wkt"])
    features = _feature_source(
        [job["wkb"][i] for i in positions], [job["codes"][i] for i in positions], job["crs_wkt"]
    )
    return exact_extract(source, features, job["ops"], include_cols=["code"], output="pandas")


def _run_shared(positions: np.ndarray) -> pd.DataFrame:
    return _run(_JOB, positions)


def _extract(
    values: np.ndarray,
    territories: gpd.GeoDataFrame | gpd.GeoSeries,
    *,
    transform: Any,
    crs: Any,
    ops: list[str],
    nodata: float | None,
    workers: int,
) -> pd.DataFrame:
    global _JOB
    from pyproj import CRS

    values = np.asarray(values)
    if values.ndim != 2:
        raise InvalidArgumentError(
            "values", f"array of shape {values.shape}", "a 2-D array (one band)",
            "Pass one band, e.g. dataset.read(1).",
        )  # fmt: skip
    if crs is None:
        raise MissingCRSError("the raster", "Pass crs=... (e.g. dataset.crs with rasterio).")
    geoms = territories.geometry if isinstance(territories, gpd.GeoDataFrame) else territories
    if geoms.crs is None:
        raise MissingCRSError("territories", "Set it with .set_crs(...).")
    raster_crs = CRS.from_user_input(crs)
    projected = geoms if geoms.crs.equals(raster_crs) else geoms.to_crs(raster_crs)
    job = {
        "values": values,
        "bounds": _bounds(transform, values.shape),
        "nodata": nodata,
        "crs_wkt": raster_crs.to_wkt(),
        "wkb": list(shapely.to_wkb(projected.to_numpy())),
        "codes": [str(c) for c in geoms.index],
        "ops": ops,
    }
    present = np.flatnonzero(~(projected.isna() | projected.is_empty).to_numpy())
    workers = max(1, min(int(workers), os.cpu_count() or 1, len(present) // 500 or 1))
    if workers == 1:
        out = _run(job, present)
    else:
        # spatially coherent chunks (sorted by x) keep each worker's raster reads local
        x = shapely.get_x(shapely.centroid(projected.to_numpy()[present]))
        chunks = [np.sort(c) for c in np.array_split(present[np.argsort(x)], workers)]
        import multiprocessing

        _JOB = job
        try:
            with ProcessPoolExecutor(
                workers, mp_context=multiprocessing.get_context("fork")
            ) as pool:
                parts = list(pool.map(_run_shared, chunks))
        finally:
            _JOB = {}
        out = pd.concat(parts, ignore_index=True)
    out = out.set_index("code")
    out.index = out.index.astype(str)
    return out.reindex(pd.Index(job["codes"], name=territories.index.name or "code"))


def zonal_stats(
    values: np.ndarray,
    territories: gpd.GeoDataFrame | gpd.GeoSeries,
    *,
    transform: Any,
    crs: Any,
    stats: Sequence[str] = ("mean",),
    nodata: float | None = None,
    workers: int = 1,
) -> pd.DataFrame:
    """Exact zonal statistics (cells weighted by the covered fraction) per territory.

    Parameters
    ----------
    values
        One raster band (2-D array).
    territories
        Polygons indexed by territory code, in any CRS (reprojected to ``crs``).
    transform
        The raster's affine transform (north-up, as given by rasterio) or its
        bounds ``(xmin, ymin, xmax, ymax)``.
    crs
        The raster's CRS (anything pyproj accepts).
    stats
        exactextract operations: ``mean``, ``sum``, ``count``, ``min``, ``max``,
        ``median``, ``stdev``, ``majority``, ``minority``, ``variety``...
    nodata
        Cell value to leave out.
    workers
        Processes to split the territories across (results are identical).

    Returns
    -------
    DataFrame
        Indexed like ``territories``, one float column per statistic (NaN for a
        territory outside the raster).

    Examples
    --------
    >>> from shapely import box
    >>> terr = gpd.GeoDataFrame(geometry=[box(0, 0, 2, 1)], index=["a"], crs=2154)
    >>> grid = np.array([[1.0, 3.0, 5.0]])
    >>> zonal_stats(grid, terr, transform=(0, 0, 3, 1), crs=2154, stats=["mean", "sum"]).loc["a"]
    mean    2.0
    sum     4.0
    Name: a, dtype: float64
    """
    bad = [s for s in stats if s.split("(")[0] not in _STATS]
    if bad or not stats:
        raise InvalidArgumentError(
            "stats", list(stats), f"a non-empty list of: {', '.join(_STATS)}",
            "Use class_shares() for the share of each class.",
        )  # fmt: skip
    out = _extract(values, territories, transform=transform, crs=crs, ops=list(stats),
                   nodata=nodata, workers=workers)  # fmt: skip
    return out.astype("float64")


def class_shares(
    values: np.ndarray,
    territories: gpd.GeoDataFrame | gpd.GeoSeries,
    *,
    transform: Any,
    crs: Any,
    nodata: float | None = None,
    classes: Sequence[float] | None = None,
    workers: int = 1,
) -> pd.DataFrame:
    """Share (%) of each class of a categorical raster in each territory, by covered area.

    Returns a DataFrame indexed like ``territories`` with one column per class
    (``class_<value>``), summing to 100 where the territory is covered by valid cells.

    Examples
    --------
    >>> from shapely import box
    >>> terr = gpd.GeoDataFrame(geometry=[box(0, 0, 2, 1)], index=["a"], crs=2154)
    >>> grid = np.array([[1, 2, 2]])
    >>> class_shares(grid, terr, transform=(0, 0, 3, 1), crs=2154).loc["a"].tolist()
    [50.0, 50.0]
    """
    raw = _extract(values, territories, transform=transform, crs=crs, ops=["unique", "frac"],
                   nodata=nodata, workers=workers)  # fmt: skip
    if classes is None:
        found = {v for arr in raw["unique"].dropna() for v in np.asarray(arr).tolist()}
        classes = sorted(found)
    out = pd.DataFrame(0.0, index=raw.index, columns=[f"class_{c:g}" for c in classes])
    for code, uniq, frac in zip(raw.index, raw["unique"], raw["frac"], strict=True):
        if not isinstance(uniq, np.ndarray | list):
            out.loc[code] = np.nan
            continue
        for v, f in zip(np.asarray(uniq).tolist(), np.asarray(frac).tolist(), strict=True):
            column = f"class_{v:g}"
            if column in out.columns:
                out.loc[code, column] = 100.0 * f
    return out
