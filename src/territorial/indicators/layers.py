"""Catalogue layers (points, rasters, zonings) turned into additive components per unit.

A catalogue may declare ``layers:`` next to its indicators (see
:class:`~territorial.indicators.spec.LayerSpec`). :func:`layer_components`
turns each layer into component columns per finest unit (commune), named after
the layer id, that the indicators then use like any other component. The
columns are additive, so every level and every custom territory is right by
construction: a ratio is the sum of the numerators over the sum of the
denominators of the member units.

- ``points``: ``{id}`` (points in the unit, or the sum of ``weight``),
  ``{id}_popkm`` (population x distance in km from the unit to the nearest
  point) and ``{id}_pop`` (population of the units with such a distance).
- ``raster``: ``{id}_sum`` (coverage-weighted sum of the cell values),
  ``{id}_cells`` (coverage-weighted number of valid cells), ``{id}_km2``
  (covered area of valid cells) and ``{id}_{class}_km2`` per declared class.
- ``zones``: ``{id}_{column}`` for each ``extensive`` column, interpolated
  to the units (area or population weights).

Nothing here reads a file: the data is given as objects (GeoDataFrames, and
for rasters any object with ``values, transform, crs, nodata`` such as
:class:`territorial.io.raster.Raster`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from territorial.errors import (
    ColumnNotFoundError,
    GeographicCRSError,
    InvalidArgumentError,
    MissingCRSError,
    format_values,
)
from territorial.indicators.spec import Catalogue, LayerSpec
from territorial.report import RecordReport

__all__ = ["layer_components", "layers_used", "report_lines"]

_RASTER_ATTRIBUTES = ("values", "transform", "crs", "nodata")
_UNIT_WORD = re.compile(r"\bunit(s?)\b")


def _used_columns(catalogue: Catalogue) -> dict[str, set[str]]:
    """Component column -> ids of the indicators of the catalogue that use it."""
    used: dict[str, set[str]] = {}
    for sid in catalogue:
        columns = [c for cols in catalogue.columns_of(sid).values() for c in cols]
        columns += list(catalogue[sid].breakdown or ())
        for column in columns:
            used.setdefault(column, set()).add(sid)
    return used


def layers_used(catalogue: Catalogue) -> dict[str, set[str]]:
    """The layers whose components the indicators use: layer id -> used component columns.

    Examples
    --------
    >>> from territorial.indicators.spec import load_catalogue
    >>> cat = load_catalogue('''
    ... layers:
    ...   - {id: schools, type: points, label: Écoles}
    ... indicators:
    ...   - {id: n_schools, label: Écoles, theme: society, unit: nombre,
    ...      polarity: neutral, kind: stock, numerator: schools}
    ... ''')
    >>> layers_used(cat)
    {'schools': {'schools'}}
    """
    used = _used_columns(catalogue)
    out: dict[str, set[str]] = {}
    for layer in catalogue.layers:
        columns = {c for c in layer.components() if c in used}
        if columns:
            out[layer.id] = columns
    return out


def _metric_epsg(units: gpd.GeoDataFrame, epsg: int | None, layer: LayerSpec) -> pd.Series:
    """One metric EPSG code per unit: ``epsg``, else ``units["metric_epsg"]``, else the CRS."""
    if epsg is not None:
        return pd.Series(int(epsg), index=units.index)
    if "metric_epsg" in units.columns:
        return units["metric_epsg"].astype("int64")
    if units.crs is not None and units.crs.is_projected and units.crs.to_epsg():
        return pd.Series(int(units.crs.to_epsg()), index=units.index)
    raise InvalidArgumentError(
        "epsg", epsg, f"a metric EPSG code for the distances and areas of layer {layer.id!r}",
        "Pass epsg=2154 (Lambert-93) or another projected CRS, or give the units a "
        "'metric_epsg' column (load_france('commune') has one).",
    )  # fmt: skip


def _n(count: int, word: str) -> str:
    """``1 point``, ``2 points``."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def _population(units: gpd.GeoDataFrame, population: str) -> pd.Series:
    if population not in units.columns:
        raise ColumnNotFoundError("population", population, units.columns)
    return pd.to_numeric(units[population]).astype("float64")


def _geometry_types(geoms: gpd.GeoSeries) -> str:
    return ", ".join(sorted(str(t) for t in geoms.geom_type.dropna().unique()))


# --- points -----------------------------------------------------------------------------------


def _points(
    layer: LayerSpec,
    data: Any,
    units: gpd.GeoDataFrame,
    wanted: set[str],
    *,
    population: str,
    epsg: int | None,
    origins: gpd.GeoSeries | None,
) -> tuple[pd.DataFrame, dict]:
    from territorial.indicators.accessibility import nearest_distance
    from territorial.indicators.points import count_points

    where = f"layers[{layer.id!r}]"
    if not isinstance(data, gpd.GeoDataFrame | gpd.GeoSeries):
        raise InvalidArgumentError(
            where, type(data).__name__, "a GeoDataFrame or GeoSeries of points",
            f"Layer {layer.id!r} is declared with type: points. Read a file with "
            "territorial.io.points.read_points(path, crs=...).",
        )  # fmt: skip
    geoms = data.geometry if isinstance(data, gpd.GeoDataFrame) else data
    if geoms.crs is None:
        raise MissingCRSError(
            f"The points of layer {layer.id!r}",
            "Set it with .set_crs(...) (CLI: --layer-crs ID=EPSG for a CSV).",
        )
    if units.crs is None:
        raise MissingCRSError("units", "Set it with .set_crs(...).")
    present = (geoms.notna() & ~geoms.is_empty).to_numpy()
    kinds = set(geoms[present].geom_type.unique())
    if kinds - {"Point"}:
        raise InvalidArgumentError(
            where, f"{_geometry_types(geoms[present])} geometries",
            "points (the layer is declared with type: points)",
            "Take their representative points first, or declare the layer as type: zones.",
        )  # fmt: skip
    report: dict[str, Any] = {
        "type": "points",
        "points": int(present.sum()),
        "dropped_empty": int((~present).sum()),
    }
    lines: list[str] = []
    weights = None
    if layer.weight is not None:
        if not isinstance(data, gpd.GeoDataFrame) or layer.weight not in data.columns:
            available = data.columns if isinstance(data, gpd.GeoDataFrame) else []
            raise ColumnNotFoundError(f"{where}.weight", layer.weight, available)
        raw = data[layer.weight][present]
        weights = pd.to_numeric(raw, errors="coerce")
        report["weight"] = layer.weight
        report["weight_missing"] = int(weights.isna().sum())
        unreadable = raw.notna() & weights.isna()
        if len(weights) and weights.isna().all() and unreadable.any():
            raise InvalidArgumentError(
                f"{where}.weight", layer.weight, "a column of numbers",
                f"None of its values reads as a number (e.g. {str(raw[unreadable].iloc[0])!r}). "
                "Write numbers with a decimal point, or read the file with "
                "territorial.io.points.read_points, which converts decimal commas.",
            )  # fmt: skip
        weights = weights.fillna(0.0).to_numpy(dtype="float64")
    points = geoms[present]
    if not points.crs.equals(units.crs):
        report["reprojected_from"] = points.crs.to_string()
        lines.append(
            f"{layer.id}: points reprojected from {points.crs.to_string()} to the units' CRS "
            f"{units.crs.to_string()}"
        )
        points = points.to_crs(units.crs)
    out = pd.DataFrame(index=units.index)
    if layer.id in wanted:
        # each point in one unit only, so that the sums over units never count it twice
        counts = count_points(points, units, weights=weights, name=layer.id, boundary="one")
        report["in_units"] = report["points"] - int(counts.attrs["outside"])
        report["outside"] = int(counts.attrs["outside"])
        report["on_shared_boundary"] = int(counts.attrs["shared"])
        out[layer.id] = counts.to_numpy(dtype="float64")
        line = (
            f"{layer.id}: {report['in_units']} of {_n(report['points'], 'point')} in a unit; "
            f"{report['outside']} outside every unit"
        )
        if report["dropped_empty"]:
            line += f"; {report['dropped_empty']} without geometry left out"
        if report["on_shared_boundary"]:
            line += (
                f"; {report['on_shared_boundary']} on a boundary between units, each counted "
                "in the first of them only"
            )
        lines.insert(0, line)
        if weights is not None:
            lines.append(
                f"{layer.id}: sum of {layer.weight!r} instead of a count "
                f"({report['weight_missing']} missing values counted as 0)"
            )
    if {f"{layer.id}_popkm", f"{layer.id}_pop"} & wanted:
        pop = _population(units, population)
        codes = _metric_epsg(units, epsg, layer)
        fallback = units.geometry.representative_point()
        if origins is None:
            origin = fallback
            report["origin"] = "representative point of each unit"
        else:
            if origins.crs is None:
                raise MissingCRSError("origins", "Set it with .set_crs(...).")
            given = origins.reindex(units.index).to_crs(units.crs)
            missing = given.isna() | given.is_empty
            origin = given.where(~missing, fallback)
            what = str(origins.name) if origins.name else "given origin"
            report["origin"] = f"{what} of each unit, else its representative point"
            report["origins_fallback"] = int(missing.sum())
        has = (origin.notna() & ~origin.is_empty).to_numpy()
        distance = pd.Series(np.nan, index=units.index, dtype="float64")
        if has.any():
            near = nearest_distance(origin[has], points, epsg=codes[has])
            distance[has] = near.to_numpy()
        known = distance.notna() & pop.notna()
        out[f"{layer.id}_popkm"] = (pop * distance).where(known, 0.0).where(pop.notna())
        out[f"{layer.id}_pop"] = pop.where(known, 0.0).where(pop.notna())
        report["units_with_distance"] = int(known.sum())
        report["units_without_distance"] = int((~known & pop.notna()).sum())
        lines.append(
            f"{layer.id}: distance to the nearest of {_n(report['points'], 'point')} for "
            f"{report['units_with_distance']} of {len(units)} units (from the "
            f"{report['origin']}, in a metric CRS per unit)"
        )
        if report["units_without_distance"]:
            lines.append(
                f"{layer.id}: {report['units_without_distance']} units with a population "
                "but no distance (no geometry, or no point) are left out of the mean"
            )
    read = report["points"] + report["dropped_empty"]
    summary = {"read": read, "matched": report.get("in_units"),
               "dropped": {"without geometry": report["dropped_empty"],
                           "outside every unit": report.get("outside", 0)}}  # fmt: skip
    return out, RecordReport("points layer", report, lines=lines, **summary)


# --- rasters ----------------------------------------------------------------------------------


def _cell_area_km2(raster: Any, layer: LayerSpec) -> float:
    from pyproj import CRS

    crs = CRS.from_user_input(raster.crs)
    if not crs.is_projected:
        raise GeographicCRSError(
            f"Layer {layer.id!r}: the raster is in a geographic CRS ({crs.to_string()}), its "
            f"cells have no fixed area. {layer.id}_km2 and the class areas need a projected "
            "raster: warp it once (e.g. gdalwarp -t_srs EPSG:2154 in.tif out.tif), or use only "
            f"{layer.id}_sum and {layer.id}_cells."
        )
    to_m = float(crs.axis_info[0].unit_conversion_factor or 1.0)
    values = np.asarray(raster.values)
    transform = raster.transform
    if len(transform) == 4:
        xmin, ymin, xmax, ymax = (float(v) for v in transform)
        width = (xmax - xmin) / values.shape[1]
        height = (ymax - ymin) / values.shape[0]
    else:
        width, height = float(transform[0]), float(transform[4])
    return abs(width * height) * to_m * to_m / 1e6


def _raster(
    layer: LayerSpec, data: Any, units: gpd.GeoDataFrame, wanted: set[str]
) -> tuple[pd.DataFrame, dict]:
    from territorial.indicators.raster import class_shares, zonal_stats

    lacking = [a for a in _RASTER_ATTRIBUTES if not hasattr(data, a)]
    if lacking or isinstance(data, gpd.GeoDataFrame | gpd.GeoSeries):
        raise InvalidArgumentError(
            f"layers[{layer.id!r}]", type(data).__name__,
            "a raster: an object with values, transform, crs and nodata",
            f"Layer {layer.id!r} is declared with type: raster. Read a file with "
            "territorial.io.read_raster(path).",
        )  # fmt: skip
    if data.crs is None:
        raise MissingCRSError(
            f"The raster of layer {layer.id!r}",
            "Give its CRS (territorial.io.read_raster(path) reads it from the file).",
        )
    if units.crs is None:
        raise MissingCRSError("units", "Set it with .set_crs(...).")
    values = np.asarray(data.values)
    nodata = data.nodata
    id_ = layer.id
    area_columns = {f"{id_}_km2"} | {f"{id_}_{n}_km2" for n in (layer.classes or {}).values()}
    cell_km2 = _cell_area_km2(data, layer) if area_columns & wanted else None
    stats = zonal_stats(
        values, units.geometry, transform=data.transform, crs=data.crs,
        stats=["sum", "count"], nodata=nodata,
    )  # fmt: skip
    cells = stats["count"].fillna(0.0)
    out = pd.DataFrame(index=units.index)
    out[f"{id_}_sum"] = stats["sum"].fillna(0.0).to_numpy()
    out[f"{id_}_cells"] = cells.to_numpy()
    if cell_km2 is not None:
        out[f"{id_}_km2"] = cells.to_numpy() * cell_km2
    wanted_classes = {
        value: name
        for value, name in (layer.classes or {}).items()
        if f"{id_}_{name}_km2" in wanted
    }
    if wanted_classes and cell_km2 is not None:
        shares = class_shares(
            values, units.geometry, transform=data.transform, crs=data.crs,
            nodata=nodata, classes=list(wanted_classes),
        )  # fmt: skip
        for value, name in wanted_classes.items():
            share = shares[f"class_{float(value):g}"].fillna(0.0) / 100.0
            out[f"{id_}_{name}_km2"] = share.to_numpy() * cells.to_numpy() * cell_km2
    empty = cells.to_numpy() <= 0
    examples = [str(c) for c in units.index[empty][:5]]
    report: dict[str, Any] = {
        "type": "raster",
        "units": len(units),
        "units_without_valid_cell": int(empty.sum()),
        "examples": examples,
        "cell_km2": cell_km2,
    }
    line = f"{id_}: {len(units) - int(empty.sum())} of {len(units)} units covered by valid cells"
    if empty.any():
        line += f"; {int(empty.sum())} without any (e.g. {', '.join(examples)}), counted as 0"
    covered = len(units) - int(empty.sum())
    return out.astype("float64"), RecordReport(
        "raster layer", report, read=len(units), matched=covered, lines=[line]
    )


# --- zonings ----------------------------------------------------------------------------------


def _zones(
    layer: LayerSpec,
    data: Any,
    units: gpd.GeoDataFrame,
    wanted: set[str],
    *,
    population: str,
    epsg: int | None,
) -> tuple[pd.DataFrame, dict]:
    from territorial.indicators.interpolate import areal_interpolate

    where = f"layers[{layer.id!r}]"
    if not isinstance(data, gpd.GeoDataFrame):
        raise InvalidArgumentError(
            where, type(data).__name__, "a GeoDataFrame of polygons",
            f"Layer {layer.id!r} is declared with type: zones. Read a file with "
            "territorial.io.vector.read_territories(path, code=..., name=...).",
        )  # fmt: skip
    present = (data.geometry.notna() & ~data.geometry.is_empty).to_numpy()
    if set(data.geometry[present].geom_type.unique()) - {"Polygon", "MultiPolygon"}:
        raise InvalidArgumentError(
            where, f"{_geometry_types(data.geometry[present])} geometries",
            "polygons (the layer is declared with type: zones)",
            "Declare a layer of points with type: points.",
        )  # fmt: skip
    if data.crs is None:
        raise MissingCRSError(f"The zones of layer {layer.id!r}", "Set it with .set_crs(...).")
    if units.crs is None:
        raise MissingCRSError("units", "Set it with .set_crs(...).")
    columns = [c for c in layer.extensive or () if f"{layer.id}_{c}" in wanted]
    for column in columns:
        if column not in data.columns:
            raise ColumnNotFoundError(f"{where}.extensive", column, data.columns)
    zones = data[present]
    weights = layer.weights or "area"
    if weights == "population":
        _population(units, population)
    codes = _metric_epsg(units, epsg, layer)
    out = pd.DataFrame(0.0, index=units.index, columns=[f"{layer.id}_{c}" for c in columns])
    overlapped = 0
    for code, idx in codes.groupby(codes).groups.items():
        target = units.loc[idx]
        part = areal_interpolate(
            zones, target, extensive=columns, weights=weights, crs=int(code),
            ancillary=target if weights == "population" else None, population=population,
        )  # fmt: skip
        for column in columns:
            out.loc[idx, f"{layer.id}_{column}"] = part[column].to_numpy()
        overlapped += part.attrs["report"]["sources_overlapped_by_several_targets"]
    # sources that no unit overlaps
    unit_geoms = units.geometry.to_crs(zones.crs).to_numpy()
    unit_geoms = unit_geoms[~(shapely.is_missing(unit_geoms) | shapely.is_empty(unit_geoms))]
    hit, _ = shapely.STRtree(unit_geoms).query(zones.geometry.to_numpy(), predicate="intersects")
    without = len(zones) - len(np.unique(hit))
    report: dict[str, Any] = {
        "type": "zones",
        "weights": weights,
        "zones": len(zones),
        "dropped_empty": int((~present).sum()),
        "zones_without_unit": int(without),
    }
    lines = [
        f"{layer.id}: {_n(len(zones), 'zone')} interpolated to {_n(len(units), 'unit')} "
        f"({weights} weights); {without} of them overlap no unit"
    ]
    for column in columns:
        total = float(np.nansum(pd.to_numeric(zones[column]).to_numpy(dtype="float64")))
        reached = float(out[f"{layer.id}_{column}"].sum())
        share = reached / total if total else None
        report[f"{column}_share_reached"] = share
        if share is not None:
            lines.append(
                f"{layer.id}: {100 * share:.2f}% of the total of {column!r} reached a unit"
            )
    if report["dropped_empty"]:
        lines.append(f"{layer.id}: {report['dropped_empty']} zones without geometry left out")
    report["zones_over_overlapping_units"] = overlapped
    if overlapped:
        lines.append(
            f"{layer.id}: {_n(overlapped, 'zone')} over units that overlap each other, shared "
            "in proportion to their pieces (never more than their total)"
        )
    summary = {"read": len(zones) + int(report["dropped_empty"]),
               "matched": len(zones) - int(without),
               "dropped": {"without geometry": int(report["dropped_empty"]),
                           "overlapping no unit": int(without)}}  # fmt: skip
    return out.astype("float64"), RecordReport("zones layer", report, lines=lines, **summary)


# --- front door -------------------------------------------------------------------------------


def layer_components(
    catalogue: Catalogue,
    layers: Mapping[str, Any],
    units: gpd.GeoDataFrame,
    *,
    population: str = "population",
    epsg: int | None = None,
    origins: gpd.GeoSeries | None = None,
    unit_name: str = "unit",
) -> tuple[pd.DataFrame, dict]:
    """Additive components per unit from the layers a catalogue declares.

    Only the layers (and the components of each layer) that an indicator of
    ``catalogue`` uses are computed; distances only when ``{id}_popkm`` or
    ``{id}_pop`` is used.

    Parameters
    ----------
    catalogue
        A catalogue with ``layers`` (pass ``catalogue.select(ids)`` to compute
        the layers of some indicators only).
    layers
        Layer id -> data: points (GeoDataFrame or GeoSeries of points), raster
        (any object with ``values, transform, crs, nodata``, e.g.
        :func:`territorial.io.read_raster`), zones (GeoDataFrame of polygons).
    units
        The finest units (e.g. ``load_france("commune")``): polygons indexed by
        code with a CRS, and a population column for distances and population
        weights.
    population
        The population column of ``units``.
    epsg
        Metric CRS for distances and interpolation areas; default: the units'
        ``metric_epsg`` column (one CRS per unit), else their projected CRS.
    origins
        Points from which distances are measured, indexed like ``units``
        (default and fallback: a representative point of each unit); the
        series' name, if any, says what they are in the report.
    unit_name
        What the units are called in the report lines (``"commune"``).

    Returns
    -------
    tuple
        The components (float columns, indexed like ``units``) and a report per
        layer id: what was matched, left outside or reprojected, with
        human-readable ``lines``.

    Examples
    --------
    >>> from shapely import Point, box
    >>> from territorial.indicators.spec import load_catalogue
    >>> cat = load_catalogue('''
    ... layers:
    ...   - {id: schools, type: points, label: Écoles}
    ... indicators:
    ...   - {id: n_schools, label: Écoles, theme: society, unit: nombre,
    ...      polarity: neutral, kind: stock, numerator: schools}
    ... ''')
    >>> units = gpd.GeoDataFrame({"population": [10.0, 20.0]}, index=["a", "b"],
    ...     geometry=[box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000)], crs=2154)
    >>> pts = gpd.GeoSeries([Point(500, 500), Point(1500, 500), Point(1600, 400)], crs=2154)
    >>> comp, report = layer_components(cat, {"schools": pts}, units)
    >>> comp["schools"].tolist()
    [1.0, 2.0]
    >>> report["schools"]["lines"][0]
    'schools: 3 of 3 points in a unit; 0 outside every unit'
    """
    declared = [layer.id for layer in catalogue.layers]
    unknown = [k for k in layers if k not in declared]
    if unknown:
        raise InvalidArgumentError(
            "layers", unknown[0],
            f"a layer declared by the catalogue {catalogue.name!r} "
            f"({format_values(declared) or 'it declares none'})",
            "Declare it under 'layers:' in the catalogue, with its type (points, raster, zones).",
        )  # fmt: skip
    used = layers_used(catalogue)
    by_column = _used_columns(catalogue)
    missing = [lid for lid in used if lid not in layers]
    if missing:
        lid = missing[0]
        users = sorted({s for c in used[lid] for s in by_column[c]})
        raise InvalidArgumentError(
            "layers", sorted(layers),
            f"data for the layer {lid!r}, used by {format_values(users)}",
            f"Pass layers={{{lid!r}: ...}} (CLI: --layer {lid}=PATH).",
        )  # fmt: skip
    out = pd.DataFrame(index=units.index)
    report: dict[str, Any] = {}
    for layer in catalogue.layers:
        if layer.id not in layers:
            continue
        if layer.id not in used:
            report[layer.id] = RecordReport(
                f"{layer.type} layer", {"type": layer.type, "skipped": True},
                lines=[f"{layer.id}: not used by the computed indicators, left out"],
            )  # fmt: skip
            continue
        data, wanted = layers[layer.id], used[layer.id]
        if layer.type == "points":
            part, rep = _points(layer, data, units, wanted, population=population, epsg=epsg,
                                origins=origins)  # fmt: skip
        elif layer.type == "raster":
            part, rep = _raster(layer, data, units, wanted)
        else:
            part, rep = _zones(layer, data, units, wanted, population=population, epsg=epsg)
        out = out.join(part)
        if unit_name != "unit":
            rep["lines"] = [_UNIT_WORD.sub(rf"{unit_name}\1", line) for line in rep["lines"]]
        report[layer.id] = rep
    return out.astype("float64"), report


def report_lines(report: Mapping[str, Any]) -> list[str]:
    """The human lines of a :func:`layer_components` report, layer after layer.

    Examples
    --------
    >>> report_lines({"a": {"lines": ["a: 3 points"]}, "b": {"lines": ["b: 1 zone"]}})
    ['a: 3 points', 'b: 1 zone']
    """
    return [line for rep in report.values() for line in rep.get("lines", [])]
