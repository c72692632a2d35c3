"""Areal interpolation between non-nested zonings (area- or population-weighted).

Moving values from source zones (e.g. cantons, a grid, school districts) to
target zones that do not nest in them. Extensive variables (counts) are split
in proportion to the weight of each piece; intensive ones (rates, densities)
are averaged over the pieces with the same weights.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from territorial.errors import (
    ColumnNotFoundError,
    CRSMismatchError,
    GeographicCRSError,
    InvalidArgumentError,
    MissingCRSError,
)

__all__ = ["areal_interpolate"]


def _metric(gdf: gpd.GeoDataFrame, what: str, crs: Any) -> gpd.GeoDataFrame:
    if gdf.crs is None:
        raise MissingCRSError(what, "Set it with .set_crs(...).")
    if crs is not None:
        gdf = gdf.to_crs(crs)
    if gdf.crs.is_geographic:
        raise GeographicCRSError(
            f"{what} is in a geographic CRS ({gdf.crs.to_string()}): areas in degrees are "
            "meaningless. Pass crs=2154 (Lambert-93) or another metric CRS."
        )
    return gdf


def areal_interpolate(
    source: gpd.GeoDataFrame,
    target: gpd.GeoDataFrame,
    *,
    extensive: Sequence[str] = (),
    intensive: Sequence[str] = (),
    weights: str = "area",
    ancillary: gpd.GeoDataFrame | None = None,
    population: str = "population",
    crs: Any = None,
) -> pd.DataFrame:
    """Interpolate source-zone values onto target zones.

    Parameters
    ----------
    source, target
        Zonings (GeoDataFrames indexed by code) in the same CRS; metric, or give ``crs``.
    extensive
        Columns of counts, split between targets: ``Σ_s v_s · w(s∩t) / w(s)``.
    intensive
        Columns of rates, averaged: ``Σ_s v_s · w(s∩t) / Σ_s w(s∩t)``.
    weights
        ``"area"`` (the area of each piece) or ``"population"`` (the population of
        the ``ancillary`` units whose representative point falls in the piece).
    ancillary
        Small units with a ``population`` column (e.g. communes) for population weights.
    population
        The population column of ``ancillary``.
    crs
        Metric CRS to compute areas in (the inputs are reprojected).

    Returns
    -------
    DataFrame
        Indexed like ``target``. ``attrs["report"]`` gives, per extensive column,
        the share of the source total that reached a target, the number of
        source zones that no target overlaps, and the number of sources whose
        pieces add up to more than the source (targets overlapping each other:
        those sources are shared out in proportion to their pieces, so that no
        more than their total is ever allocated).

    Examples
    --------
    >>> from shapely import box
    >>> src = gpd.GeoDataFrame({"jobs": [100.0]}, geometry=[box(0, 0, 2, 1)], crs=2154)
    >>> tgt = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1), box(1, 0, 3, 1)], index=["a", "b"],
    ...                        crs=2154)
    >>> areal_interpolate(src, tgt, extensive=["jobs"])["jobs"].tolist()
    [50.0, 50.0]
    """
    if weights not in ("area", "population"):
        raise InvalidArgumentError("weights", weights, "'area' or 'population'")
    for column in (*extensive, *intensive):
        if column not in source.columns:
            raise ColumnNotFoundError("extensive/intensive", column, source.columns)
    if not extensive and not intensive:
        raise InvalidArgumentError(
            "extensive/intensive", (), "at least one column to interpolate",
            "Example: extensive=['jobs'] for counts, intensive=['rate'] for rates.",
        )  # fmt: skip
    src = _metric(source, "source", crs)
    tgt = _metric(target, "target", crs)
    if not src.crs.equals(tgt.crs):
        raise CRSMismatchError(
            f"source is in {src.crs.to_string()} but target in {tgt.crs.to_string()}. "
            "Reproject one of them, or pass crs=... to reproject both."
        )
    s_geom, t_geom = src.geometry.to_numpy(), tgt.geometry.to_numpy()
    si, ti = shapely.STRtree(t_geom).query(s_geom, predicate="intersects")
    if weights == "area":
        pieces = shapely.intersection(s_geom[si], t_geom[ti])
        w = shapely.area(pieces)
        w_source = shapely.area(s_geom)
    else:
        if ancillary is None or population not in ancillary.columns:
            raise InvalidArgumentError(
                "ancillary", None if ancillary is None else list(ancillary.columns),
                f"a GeoDataFrame with a {population!r} column",
                "Population weights need small units with a population, e.g. "
                "load_france('commune').",
            )  # fmt: skip
        anc = _metric(ancillary, "ancillary", src.crs)
        points = anc.geometry.representative_point().to_numpy()
        pop = anc[population].fillna(0).to_numpy(dtype="float64")
        ps, s_of = shapely.STRtree(s_geom).query(points, predicate="intersects")
        pt, t_of = shapely.STRtree(t_geom).query(points, predicate="intersects")
        first_s = pd.Series(s_of, index=ps).groupby(level=0).first()
        first_t = pd.Series(t_of, index=pt).groupby(level=0).first()
        both = pd.concat([first_s.rename("s"), first_t.rename("t")], axis=1).dropna()
        both["w"] = pop[both.index.to_numpy()]
        piece = both.groupby(["s", "t"])["w"].sum()
        key = pd.MultiIndex.from_arrays([si, ti])
        w = piece.reindex(key, fill_value=0.0).to_numpy()
        w_source = (
            pd.Series(pop[first_s.index.to_numpy()], index=first_s.to_numpy())
            .groupby(level=0)
            .sum()
            .reindex(range(len(s_geom)), fill_value=0.0)
            .to_numpy()
        )
    out = pd.DataFrame(index=tgt.index)
    report: dict[str, Any] = {
        "weights": weights,
        "sources_without_target": int(len(s_geom) - len(np.unique(si))),
    }
    # targets that overlap each other (slivers between simplified outlines) would share out
    # more than the whole of a source: divide by the sum of its pieces when that is larger
    w_pieces = np.bincount(si, weights=w, minlength=len(s_geom))
    over = w_pieces > w_source * (1 + 1e-9)
    report["sources_overlapped_by_several_targets"] = int(over.sum())
    w_share = np.maximum(w_source, w_pieces)
    with np.errstate(divide="ignore", invalid="ignore"):
        for column in extensive:
            v = src[column].to_numpy(dtype="float64")
            part = v[si] * w / w_share[si]
            part = np.where(w_share[si] > 0, part, 0.0)
            out[column] = np.bincount(ti, weights=np.nan_to_num(part), minlength=len(t_geom))
            total = np.nansum(v)
            report[f"{column}_share_reached"] = float(out[column].sum() / total) if total else None
        for column in intensive:
            v = src[column].to_numpy(dtype="float64")
            ok = ~np.isnan(v[si])
            num = np.bincount(ti[ok], weights=v[si][ok] * w[ok], minlength=len(t_geom))
            den = np.bincount(ti[ok], weights=w[ok], minlength=len(t_geom))
            out[column] = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    out.attrs["report"] = report
    return out
