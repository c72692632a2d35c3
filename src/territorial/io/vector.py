"""Any vector file of territories: GeoPackage, Shapefile, GeoJSON, FlatGeobuf, GeoParquet."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from territorial.errors import (
    ColumnNotFoundError,
    CRSMismatchError,
    DuplicateCodeError,
    GeographicCRSError,
    InvalidArgumentError,
    MissingCRSError,
    UnsupportedFormatError,
)
from territorial.io.tables import repair_codes
from territorial.territories.crs import metric_area_km2

__all__ = ["ADMIN_EXPRESS_LAYOUTS", "VECTOR_SUFFIXES", "LayerReport", "read_territories"]

VECTOR_SUFFIXES = (".gpkg", ".shp", ".geojson", ".json", ".fgb", ".parquet", ".geoparquet", ".zip")

#: IGN Admin Express layers recognised by their field names:
#: level -> (code field, name field, {parent level: field}).
ADMIN_EXPRESS_LAYOUTS: dict[str, tuple[str, str, dict[str, str]]] = {
    "commune": (
        "INSEE_COM", "NOM",
        {"epci": "SIREN_EPCI", "departement": "INSEE_DEP", "region": "INSEE_REG"},
    ),
    "arrondissement": ("INSEE_ARM", "NOM", {"commune": "INSEE_COM"}),
    "epci": ("CODE_SIREN", "NOM", {}),
    "departement": ("INSEE_DEP", "NOM", {"region": "INSEE_REG"}),
    "region": ("INSEE_REG", "NOM", {}),
}  # fmt: skip


@dataclass
class LayerReport:
    """What :func:`read_territories` found and changed."""

    path: str
    rows: int
    layout: str
    repaired_geometries: list[str] = field(default_factory=list)
    empty_geometries: list[str] = field(default_factory=list)
    repaired_codes: int = 0

    def lines(self) -> list[str]:
        out = [f"{self.rows} territories read from {self.path} ({self.layout})"]
        if self.repaired_geometries:
            out.append(
                f"{len(self.repaired_geometries)} invalid geometries repaired with make_valid "
                f"(e.g. {', '.join(self.repaired_geometries[:5])})"
            )
        if self.empty_geometries:
            out.append(
                f"{len(self.empty_geometries)} territories have no geometry "
                f"(kept, flagged): {', '.join(self.empty_geometries[:5])}"
            )
        if self.repaired_codes:
            out.append(f"{self.repaired_codes} codes repaired (leading zeros restored)")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


def _detect_admin_express(columns: pd.Index) -> str | None:
    cols = set(columns)
    for level in ("arrondissement", "commune", "epci", "departement", "region"):
        code, name, _ = ADMIN_EXPRESS_LAYOUTS[level]
        if code in cols and name in cols:
            if level == "departement" and "INSEE_COM" in cols:
                continue
            if level == "region" and ("INSEE_DEP" in cols or "INSEE_COM" in cols):
                continue
            return level
    return None


def read_territories(
    path: str | os.PathLike[str],
    *,
    code: str | None = None,
    name: str | None = None,
    population: str | None = None,
    layer: str | int | None = None,
    level: str | None = None,
    metric_crs: int | str | None = None,
    crs: int | str | None = None,
) -> gpd.GeoDataFrame:
    """Read territories from any vector file that pyogrio reads.

    IGN Admin Express layers are recognised by their standard fields
    (``INSEE_COM``, ``NOM``, ``POPULATION``, ``INSEE_DEP``, ``INSEE_REG``,
    ``SIREN_EPCI``); otherwise name the code and name columns.

    Parameters
    ----------
    path
        The file (``.gpkg``, ``.shp``, ``.geojson``, ``.fgb``, ``.parquet``...).
    code, name
        Columns holding the territory code and name. Required unless the layer is
        Admin Express.
    population
        Column holding the population (``POPULATION`` for Admin Express).
    layer
        Layer of a multi-layer file (GeoPackage).
    level
        Name of the level, stored in the ``level`` column (default: the layer's
        Admin Express level, else ``"territory"``).
    metric_crs
        CRS used for areas; default: the file's CRS if projected, else the UTM
        zone of the data.
    crs
        Declare the CRS of a file that has none (a shapefile without ``.prj``).
        A file without CRS and without this argument is an error: territorial
        never guesses. If the file has a CRS, it must be the same.

    Returns
    -------
    GeoDataFrame
        Indexed by ``code`` (strings), with ``name``, ``level``, ``population``
        (if known), ``area_km2``, ``metric_epsg``, parent-code columns (Admin
        Express), the other columns of the file, and the geometry in the file's
        CRS. The :class:`LayerReport` is in ``gdf.attrs["report"]``.

    Examples
    --------
    >>> from libpysal.examples import get_path  # doctest: +SKIP
    >>> g = read_territories(get_path("G_utm.shp"), code="AreaKey", name="AreaKey",
    ...                      crs=26916)  # doctest: +SKIP
    >>> len(g)  # doctest: +SKIP
    159
    """
    path = Path(path)
    if path.suffix.lower() not in VECTOR_SUFFIXES:
        raise UnsupportedFormatError("path", path, VECTOR_SUFFIXES)
    if not path.exists():
        raise InvalidArgumentError("path", str(path), "an existing file", "Check the path.")
    if path.suffix.lower() in (".parquet", ".geoparquet"):
        gdf = gpd.read_parquet(path)
    else:
        gdf = gpd.read_file(path, layer=layer, engine="pyogrio")
    if gdf.crs is None and crs is not None:
        gdf = gdf.set_crs(crs)
    elif crs is not None and not gdf.crs.equals(gpd.GeoSeries([], crs=crs).crs):
        raise CRSMismatchError(
            f"crs={crs!r} was given but {str(path)!r} declares {gdf.crs.to_string()}. "
            "Drop the crs argument, or reproject the file first."
        )
    if gdf.crs is None:
        raise MissingCRSError(
            f"The layer {str(path)!r}",
            "Declare it: read_territories(path, ..., crs=EPSG) (CLI: --crs EPSG), "
            "or add a .prj file.",
        )
    if code is not None and code not in gdf.columns and gdf.index.name == code:
        gdf = gdf.reset_index()
    layout = "user columns"
    parent_fields: dict[str, str] = {}
    detected = _detect_admin_express(gdf.columns) if code is None else None
    if detected is not None:
        code, default_name, parent_fields = ADMIN_EXPRESS_LAYOUTS[detected]
        name = name or default_name
        if population is None and "POPULATION" in gdf.columns:
            population = "POPULATION"
        level = level or detected
        layout = f"IGN Admin Express {detected} layer"
    if code is None or name is None:
        raise InvalidArgumentError(
            "code" if code is None else "name", None,
            f"a column name among {', '.join(map(str, gdf.columns[:15]))}",
            "Name the code and name columns: read_territories(path, code='COL', name='COL') "
            "(CLI: --code COL --name COL).",
        )  # fmt: skip
    for argument, column in (("code", code), ("name", name), ("population", population)):
        if column is not None and column not in gdf.columns:
            raise ColumnNotFoundError(argument, column, gdf.columns)
    codes, n_repaired, _ = repair_codes(gdf[code].astype(str))
    duplicated = codes[codes.duplicated()].unique().tolist()
    if duplicated:
        raise DuplicateCodeError(f"the {code!r} column of {path.name}", duplicated)
    report = LayerReport(path=str(path), rows=len(gdf), layout=layout, repaired_codes=n_repaired)
    geoms = gdf.geometry.to_numpy()
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    invalid = ~empty & ~shapely.is_valid(geoms)
    report.repaired_geometries = codes[invalid].tolist()
    report.empty_geometries = codes[empty].tolist()
    geoms = geoms.copy()
    geoms[invalid] = shapely.make_valid(geoms[invalid])
    out = pd.DataFrame(
        {"name": gdf[name].astype(str).to_numpy(), "level": level or "territory"},
        index=pd.Index(codes.to_numpy(), name="code"),
    )
    if population is not None:
        out["population"] = pd.to_numeric(gdf[population], errors="coerce").to_numpy()
    for parent, field_name in parent_fields.items():
        if field_name in gdf.columns:
            out[parent] = repair_codes(gdf[field_name].astype(str))[0].to_numpy()
    used = {code, name, population, *parent_fields.values(), gdf.geometry.name}
    for column in gdf.columns:
        if column not in used and column not in out.columns:
            out[column] = gdf[column].to_numpy()
    result = gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(geoms, crs=gdf.crs, index=out.index))
    if metric_crs is None:
        metric = gdf.crs if gdf.crs.is_projected else result.geometry.estimate_utm_crs()
    else:
        metric = gpd.GeoSeries([], crs=metric_crs).crs
    epsg = metric.to_epsg()
    if epsg is None:
        raise InvalidArgumentError(
            "metric_crs", str(metric), "a projected CRS with an EPSG code",
            "Pass metric_crs=EPSG_CODE (e.g. 2154 for Lambert-93).",
        )  # fmt: skip
    if metric.is_geographic:
        raise GeographicCRSError(
            f"metric_crs={metric_crs!r} is a geographic CRS: areas in degrees are meaningless. "
            "Give a projected (metric) CRS such as 2154 (Lambert-93), or leave it out."
        )
    result["metric_epsg"] = epsg
    result["area_km2"] = metric_area_km2(result.geometry, epsg)
    result.attrs["report"] = report
    result.attrs["territorial"] = {"level": level or "territory", "source": str(path)}
    return result
