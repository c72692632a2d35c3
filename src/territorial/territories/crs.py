"""Metric coordinate reference systems of French territories."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from territorial.errors import GeographicCRSError, MissingCRSError

#: Metric CRS of each overseas département (EPSG codes); everything else uses Lambert-93.
OVERSEAS_CRS: dict[str, int] = {
    "971": 5490,  # Guadeloupe, RGAF09 / UTM 20N
    "972": 5490,  # Martinique
    "973": 2972,  # Guyane, RGFG95 / UTM 22N
    "974": 2975,  # La Réunion, RGR92 / UTM 40S
    "976": 4471,  # Mayotte, RGM04 / UTM 38S
}
LAMBERT_93 = 2154


def france_metric_epsg(departement: pd.Series) -> pd.Series:
    """Metric EPSG code for each territory, from its département code.

    Examples
    --------
    >>> france_metric_epsg(pd.Series(["69", "974"])).tolist()
    [2154, 2975]
    """
    return departement.map(OVERSEAS_CRS).fillna(LAMBERT_93).astype("int64")


def metric_area_km2(geometry: gpd.GeoSeries, epsg: pd.Series | int) -> pd.Series:
    """Area in km² of each geometry, computed in its own metric CRS.

    Parameters
    ----------
    geometry
        Geometries with a declared CRS.
    epsg
        One metric EPSG code for all, or one per geometry (aligned on the index).

    Examples
    --------
    >>> from shapely import box
    >>> g = gpd.GeoSeries([box(700000, 6600000, 701000, 6602000)], crs=2154)
    >>> float(metric_area_km2(g, 2154).iloc[0])
    2.0
    """
    if geometry.crs is None:
        raise MissingCRSError("geometry", "Set it with gdf.set_crs(...) before computing areas.")
    if isinstance(epsg, int | np.integer):
        epsg = pd.Series(int(epsg), index=geometry.index)
    area = pd.Series(np.nan, index=geometry.index, dtype="float64")
    for code, idx in epsg.groupby(epsg).groups.items():
        projected = geometry.loc[idx].to_crs(int(code))
        if projected.crs.is_geographic:
            raise GeographicCRSError(
                f"epsg={int(code)} is a geographic CRS: areas in degrees are meaningless. "
                "Give a projected (metric) CRS such as 2154 (Lambert-93)."
            )
        area.loc[idx] = projected.area.to_numpy() / 1e6
    return area
