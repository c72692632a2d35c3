"""Rasters: one band read with rasterio, with its georeferencing.

The indicators never read files: they take any object with the attributes of
:class:`Raster` (``values``, ``transform``, ``crs``, ``nodata``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from territorial.errors import InvalidArgumentError, MissingCRSError

__all__ = ["Raster", "read_raster"]


@dataclass(frozen=True)
class Raster:
    """One raster band and its georeferencing.

    Attributes
    ----------
    values
        The band, a 2-D array.
    transform
        The affine transform (north-up, as given by rasterio) or the bounds
        ``(xmin, ymin, xmax, ymax)``.
    crs
        The CRS (anything pyproj accepts), never ``None`` once read.
    nodata
        The value of cells without data, or ``None``.

    Examples
    --------
    >>> r = Raster(np.zeros((2, 3)), (0, 0, 3, 2), 2154, None)
    >>> r.values.shape, r.crs
    ((2, 3), 2154)
    """

    values: np.ndarray
    transform: Any
    crs: Any
    nodata: float | None = None


def read_raster(path: str | os.PathLike[str], *, band: int = 1) -> Raster:
    """Read one band of a raster file (GeoTIFF or anything rasterio opens).

    Parameters
    ----------
    path
        The file.
    band
        Band number, from 1.

    Returns
    -------
    Raster

    Examples
    --------
    >>> import tempfile, pathlib, rasterio
    >>> from affine import Affine
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.tif"
    >>> with rasterio.open(p, "w", driver="GTiff", width=2, height=1, count=1, dtype="uint8",
    ...                    crs="EPSG:2154", transform=Affine(1, 0, 0, 0, -1, 1), nodata=0) as f:
    ...     f.write(np.array([[1, 2]], dtype="uint8"), 1)
    >>> r = read_raster(p)
    >>> r.values.tolist(), r.nodata, r.crs.to_epsg()
    ([[1, 2]], 0.0, 2154)
    """
    import rasterio

    path = Path(path)
    if not path.exists():
        raise InvalidArgumentError("path", str(path), "an existing raster file", "Check the path.")
    try:
        dataset = rasterio.open(path)
    except rasterio.errors.RasterioIOError as error:
        raise InvalidArgumentError(
            "path", str(path), "a raster file that rasterio can open (e.g. GeoTIFF)",
            f"rasterio says: {error}",
        ) from None  # fmt: skip
    with dataset:
        if not 1 <= band <= dataset.count:
            raise InvalidArgumentError(
                "band", band, f"a band number from 1 to {dataset.count}",
                f"{str(path)!r} has {dataset.count} band(s).",
            )  # fmt: skip
        if dataset.crs is None:
            raise MissingCRSError(
                f"The raster {str(path)!r}",
                "Declare it in the file, e.g. gdal_edit.py -a_srs EPSG:2154 FILE.",
            )
        return Raster(
            values=dataset.read(band),
            transform=dataset.transform,
            crs=dataset.crs,
            nodata=dataset.nodata,
        )
