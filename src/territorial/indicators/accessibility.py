"""Distances in metric CRSs: between paired points, to the nearest facility, and weighted means.

Distances are always computed in a metric CRS (one EPSG code per origin, e.g.
Lambert-93 in metropolitan France and the local UTM zones overseas), never in
degrees.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from territorial.errors import GeographicCRSError, MissingCRSError

__all__ = ["distance_between", "nearest_distance", "weighted_mean"]


def _epsg_series(epsg: pd.Series | int, index: pd.Index) -> pd.Series:
    if isinstance(epsg, int | np.integer):
        return pd.Series(int(epsg), index=index)
    return epsg.reindex(index)


def _check(geoms: gpd.GeoSeries, what: str) -> None:
    if geoms.crs is None:
        raise MissingCRSError(what, "Set it with .set_crs(...) before computing distances.")


def _project(geoms: gpd.GeoSeries, code: int) -> gpd.GeoSeries:
    out = geoms.to_crs(int(code))
    if out.crs.is_geographic:
        raise GeographicCRSError(
            f"epsg={int(code)} is a geographic CRS: distances in degrees are meaningless. "
            "Give a projected (metric) CRS such as 2154 (Lambert-93)."
        )
    return out


def distance_between(
    origins: gpd.GeoSeries, destinations: gpd.GeoSeries, *, epsg: pd.Series | int
) -> pd.Series:
    """Distance in km between each origin and its paired destination, in a metric CRS.

    Parameters
    ----------
    origins, destinations
        Aligned point series with a CRS (a missing destination gives NaN).
    epsg
        Metric EPSG code, one for all or one per origin.

    Examples
    --------
    >>> from shapely import Point
    >>> o = gpd.GeoSeries([Point(700000, 6600000)], crs=2154)
    >>> d = gpd.GeoSeries([Point(703000, 6604000)], crs=2154)
    >>> distance_between(o, d, epsg=2154).tolist()
    [5.0]
    """
    _check(origins, "origins")
    _check(destinations, "destinations")
    codes = _epsg_series(epsg, origins.index)
    out = pd.Series(np.nan, index=origins.index, dtype="float64", name="distance_km")
    for code, idx in codes.groupby(codes).groups.items():
        a = _project(origins.loc[idx], int(code))
        b = destinations.loc[idx]
        present = b.notna() & ~b.is_empty
        b_proj = _project(b[present], int(code))
        out.loc[b_proj.index] = a.loc[b_proj.index].distance(b_proj).to_numpy() / 1000.0
    return out


def nearest_distance(
    origins: gpd.GeoSeries, facilities: gpd.GeoSeries, *, epsg: pd.Series | int
) -> pd.Series:
    """Distance in km from each origin to the nearest facility, in the origin's metric CRS.

    Examples
    --------
    >>> from shapely import Point
    >>> o = gpd.GeoSeries([Point(0, 0), Point(10000, 0)], crs=2154)
    >>> f = gpd.GeoSeries([Point(3000, 4000), Point(10000, 1000)], crs=2154)
    >>> nearest_distance(o, f, epsg=2154).tolist()
    [5.0, 1.0]
    """
    _check(origins, "origins")
    _check(facilities, "facilities")
    codes = _epsg_series(epsg, origins.index)
    out = pd.Series(np.nan, index=origins.index, dtype="float64", name="distance_km")
    facilities = facilities[facilities.notna() & ~facilities.is_empty]
    if facilities.empty:
        return out
    for code, idx in codes.groupby(codes).groups.items():
        a = _project(origins.loc[idx], int(code)).to_numpy()
        f = _project(facilities, int(code)).to_numpy()
        tree = shapely.STRtree(f)
        pairs, dist = tree.query_nearest(a, return_distance=True, all_matches=False)
        values = np.full(len(a), np.nan)
        values[pairs[0]] = dist / 1000.0
        out.loc[idx] = values
    return out


def weighted_mean(
    values: pd.Series, weights: pd.Series, groups: pd.Series, *, name: str = "weighted_mean"
) -> pd.Series:
    """Weighted mean of member values per group: ``Σ w x / Σ w`` (NaN where ``Σ w = 0``).

    Members with a missing value or weight are left out.

    Examples
    --------
    >>> weighted_mean(pd.Series([1.0, 3.0]), pd.Series([1.0, 3.0]), pd.Series(["a", "a"])).tolist()
    [2.5]
    """
    frame = pd.DataFrame(
        {"x": values.to_numpy(), "w": weights.to_numpy(), "g": groups.to_numpy()}
    ).dropna()
    frame["wx"] = frame["w"] * frame["x"]
    sums = frame.groupby("g")[["wx", "w"]].sum()
    return (sums["wx"] / sums["w"].where(sums["w"] != 0)).rename(name).rename_axis(None)
