"""Any vector file of territories: GeoPackage, Shapefile, GeoJSON, FlatGeobuf, GeoParquet."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from territorial.errors import (
    ColumnNotFoundError,
    CRSMismatchError,
    DuplicateCodeError,
    GeographicCRSError,
    InvalidArgumentError,
    MissingCRSError,
    UnsupportedFormatError,
    format_values,
)
from territorial.io.tables import repair_codes
from territorial.report import Report
from territorial.territories.crs import metric_area_km2

__all__ = [
    "ADMIN_EXPRESS_LAYOUTS",
    "VECTOR_SUFFIXES",
    "LayerReport",
    "parse_crs",
    "read_territories",
    "read_vector",
]

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
class LayerReport(Report):
    """What :func:`read_territories` found and changed (a
    :class:`~territorial.report.Report`)."""

    kind: ClassVar[str] = "layer"

    path: str
    rows: int
    layout: str
    repaired_geometries: list[str] = field(default_factory=list)
    empty_geometries: list[str] = field(default_factory=list)
    repaired_codes: int = 0
    not_polygons: dict[str, list[str]] = field(default_factory=dict)
    layer: str | None = None
    other_layers: list[str] = field(default_factory=list)
    without_code: int = 0
    non_finite: dict[str, int] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """Rows read; geometries and codes repaired; rows without code or polygon dropped."""
        repaired = {"geometries": len(self.repaired_geometries), "codes": self.repaired_codes}
        dropped = {
            "without code": self.without_code,
            **{f"{kind} geometries": len(c) for kind, c in self.not_polygons.items()},
        }
        return {"read": self.rows, "matched": None,
                "repaired": {k: v for k, v in repaired.items() if v},
                "dropped": {k: v for k, v in dropped.items() if v}}  # fmt: skip

    def lines(self) -> list[str]:
        out = [f"{self.rows} territories read from {self.path} ({self.layout})"]
        if self.without_code:
            out.append(
                f"{self.without_code} rows without a code (missing or empty) left out: they "
                "cannot be joined or told apart"
            )
        for column, n in self.non_finite.items():
            out.append(f"{column}: {n} infinite values read as missing")
        if self.other_layers:
            out.append(
                f"layer {self.layer!r} read; the file has other layers: "
                f"{format_values(self.other_layers)} (choose one with layer=NAME, CLI: "
                "--layer NAME)"
            )
        for kind, codes in self.not_polygons.items():
            out.append(
                f"{len(codes)} {kind} geometries left out (territories are polygons): "
                f"{', '.join(codes[:10])}" + (" ..." if len(codes) > 10 else "")
            )
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


def parse_crs(value: object, *, argument: str = "crs") -> CRS:
    """A CRS from an EPSG code (``2154``, ``"2154"``, ``"EPSG:2154"``) or any text pyproj reads.

    Raises
    ------
    InvalidArgumentError
        The value is not a CRS pyproj knows.

    Examples
    --------
    >>> parse_crs("2154").name
    'RGF93 v1 / Lambert-93'
    >>> parse_crs(99999, argument="--crs")
    Traceback (most recent call last):
    ...
    territorial.errors.InvalidArgumentError: --crs=99999 is not valid: expected an EPSG code \
such as 2154 (Lambert-93) or 4326 (longitude/latitude), or a CRS text pyproj reads. \
EPSG:99999 is not in the EPSG database: check the code.
    """
    text = str(value).strip()
    candidate: object = int(text) if text.isdigit() and not isinstance(value, bool) else value
    if isinstance(value, float) and value.is_integer():
        candidate = int(value)
    try:
        if isinstance(value, bool):
            raise CRSError("a boolean is not a CRS")
        return CRS.from_user_input(candidate)
    except CRSError as error:
        if isinstance(candidate, int) or text.upper().startswith("EPSG:"):
            code = text.upper().removeprefix("EPSG:")
            fix = f"EPSG:{code} is not in the EPSG database: check the code."
        else:
            fix = f"pyproj cannot read it ({str(error).split(': (', 1)[0]})."
        raise InvalidArgumentError(
            argument, value,
            "an EPSG code such as 2154 (Lambert-93) or 4326 (longitude/latitude), or a CRS "
            "text pyproj reads",
            fix,
        ) from None  # fmt: skip


def read_vector(
    path: Path,
    *,
    layer: str | int | None = None,
    argument: str = "path",
    layer_fix: str = "CLI: --layer NAME.",
) -> tuple[gpd.GeoDataFrame, str | None, list[str]]:
    """Read a vector file; damaged files and unknown layers are clear errors.

    Returns the frame, the layer read (None for GeoParquet) and the file's other layers.
    A file with several layers and no ``layer`` gives its first one.

    Examples
    --------
    >>> import tempfile
    >>> from shapely import box
    >>> path = Path(tempfile.mkdtemp()) / "two.gpkg"
    >>> for name in ("zones", "roads"):
    ...     gpd.GeoDataFrame({"id": [name]}, geometry=[box(0, 0, 1, 1)], crs=2154).to_file(
    ...         path, layer=name)
    >>> gdf, layer, others = read_vector(path)
    >>> layer, others, gdf["id"].tolist()
    ('zones', ['roads'], ['zones'])
    """
    if path.suffix.lower() in (".parquet", ".geoparquet"):
        try:
            return gpd.read_parquet(path), None, []
        except (OSError, ValueError) as error:  # pyarrow's errors derive from these
            raise InvalidArgumentError(
                argument, str(path), "a GeoParquet file",
                f"It cannot be read ({str(error).splitlines()[0]}).",
            ) from None  # fmt: skip
    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
    except pyogrio.errors.DataSourceError:
        raise InvalidArgumentError(
            argument, str(path),
            "a vector file that GDAL reads (GeoPackage, Shapefile, GeoJSON, FlatGeobuf, "
            "GeoParquet)",
            "The file is damaged or is not a vector file: check that it is the right file "
            "and that it was written completely.",
        ) from None  # fmt: skip
    if not layers:
        raise InvalidArgumentError(
            argument, str(path), "a vector file with at least one layer", "The file is empty."
        )
    if layer is None:
        chosen: str | int = layers[0]
    elif isinstance(layer, str) and layer in layers:
        chosen = layer
    elif isinstance(layer, int) and not isinstance(layer, bool) and 0 <= layer < len(layers):
        chosen = layers[layer]
    else:
        raise InvalidArgumentError(
            "layer", layer, f"a layer of {path.name}: {format_values(layers)}", layer_fix
        )
    try:
        gdf = gpd.read_file(path, layer=chosen, engine="pyogrio")
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as error:
        raise InvalidArgumentError(
            argument, str(path), "a vector file that GDAL reads",
            f"The layer {chosen!r} cannot be read ({str(error).splitlines()[0]}).",
        ) from None  # fmt: skip
    return gdf, str(chosen), [n for n in layers if n != chosen]


#: shapely type ids of what is not a polygon, by the name used in reports
_NOT_POLYGONS = {"point": (0, 4), "line": (1, 2, 5)}


def _polygonal(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Polygons kept; collections reduced to their polygons; True where nothing polygonal."""
    geoms = geoms.copy()
    types = shapely.get_type_id(geoms)
    collections = np.flatnonzero(types == 7)
    for i in collections:
        parts = [g for g in shapely.get_parts(geoms[i]) if shapely.get_type_id(g) in (3, 6)]
        geoms[i] = shapely.multipolygons(shapely.get_parts(parts)) if parts else None
    lost = np.zeros(len(geoms), dtype=bool)
    lost[collections] = shapely.is_missing(geoms[collections])
    return geoms, lost


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
    A small file made for the example: two squares of 1 km² in Lambert-93, a code
    that lost its leading zero, and a point that is not a territory.

    >>> import tempfile
    >>> from shapely import Point, box
    >>> path = Path(tempfile.mkdtemp()) / "zones.geojson"
    >>> shapes = [box(700_000, 6_600_000, 701_000, 6_601_000),
    ...           box(701_000, 6_600_000, 702_000, 6_601_000), Point(700_500, 6_600_500)]
    >>> gpd.GeoDataFrame({"id": ["1001", "01002", "01003"], "nom": ["A", "B", "C"]},
    ...                  geometry=shapes, crs=2154).to_file(path)
    >>> zones = read_territories(path, code="id", name="nom")
    >>> zones["area_km2"].round(3).to_dict()
    {'01001': 1.0, '01002': 1.0}
    >>> print(zones.attrs["report"])  # doctest: +ELLIPSIS
    3 territories read from .../zones.geojson (user columns)
    1 point geometries left out (territories are polygons): 01003
    1 codes repaired (leading zeros restored)
    """
    path = Path(path)
    if path.suffix.lower() not in VECTOR_SUFFIXES:
        raise UnsupportedFormatError("path", path, VECTOR_SUFFIXES)
    if not path.exists():
        raise InvalidArgumentError("path", str(path), "an existing file", "Check the path.")
    given_crs = parse_crs(crs) if crs is not None else None
    if metric_crs is not None:
        parse_crs(metric_crs, argument="metric_crs")
    gdf, layer_read, other_layers = read_vector(path, layer=layer)
    if gdf.crs is None and given_crs is not None:
        gdf = gdf.set_crs(given_crs)
    elif given_crs is not None and not gdf.crs.equals(given_crs):
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
    raw_codes = gdf[code]
    no_code = (raw_codes.isna() | (raw_codes.astype(str).str.strip() == "")).to_numpy()
    if no_code.all():
        raise InvalidArgumentError(
            "code", code, "a column holding a code for each territory",
            f"Every row of {path.name} has a missing or empty {code!r}: choose another column "
            "(CLI: --code COL).",
        )  # fmt: skip
    n_rows = len(gdf)
    if no_code.any():
        gdf = gdf[~no_code]
    codes, n_repaired, _ = repair_codes(gdf[code].astype(str))
    duplicated = codes[codes.duplicated()].unique().tolist()
    if duplicated:
        raise DuplicateCodeError(f"the {code!r} column of {path.name}", duplicated)
    report = LayerReport(
        path=str(path), rows=n_rows, layout=layout, repaired_codes=n_repaired,
        layer=layer_read, other_layers=other_layers, without_code=int(no_code.sum()),
    )  # fmt: skip
    geoms = gdf.geometry.to_numpy()
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    types = shapely.get_type_id(geoms)
    drop = np.zeros(len(geoms), dtype=bool)
    for kind, ids in _NOT_POLYGONS.items():
        is_kind = ~empty & np.isin(types, ids)
        if is_kind.any():
            report.not_polygons[kind] = codes[is_kind].tolist()
            drop |= is_kind
    invalid = ~empty & ~drop & ~shapely.is_valid(geoms)
    report.repaired_geometries = codes[invalid].tolist()
    report.empty_geometries = codes[empty].tolist()
    geoms = geoms.copy()
    geoms[invalid] = shapely.make_valid(geoms[invalid])
    geoms, lost = _polygonal(geoms)
    lost &= ~empty
    if lost.any():
        report.not_polygons["line or point (after repair)"] = codes[lost].tolist()
        drop |= lost
    if drop.all():
        found = ", ".join(f"{len(c)} {k}" for k, c in report.not_polygons.items())
        raise InvalidArgumentError(
            "path", str(path), "a layer of polygons (territories have an area)",
            f"Its geometries are {found}: use read_points for points, or give the polygons.",
        )  # fmt: skip
    if drop.any():
        keep = ~drop
        gdf, codes, geoms = gdf[keep], codes[keep], geoms[keep]
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
    for column in out.columns:  # inf and -inf are missing values, counted
        if pd.api.types.is_float_dtype(out[column]):
            infinite = np.isinf(out[column].to_numpy())
            if infinite.any():
                out.loc[infinite, column] = np.nan
                report.non_finite[str(column)] = int(infinite.sum())
    result = gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(geoms, crs=gdf.crs, index=out.index))
    if metric_crs is None:
        metric = gdf.crs if gdf.crs.is_projected else result.geometry.estimate_utm_crs()
    else:
        metric = parse_crs(metric_crs, argument="metric_crs")
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
