"""Where territories go on a map of France: metropolitan France, the DROM insets, Paris.

Territories are placed by location (the centre of their bounding box in
longitude/latitude), so it works at every level and for custom territories.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Transformer

__all__ = ["DROM", "PARIS_ZOOM_LONLAT", "Group", "france_groups", "looks_french"]


@dataclass(frozen=True)
class Group:
    """A set of territories drawn in one panel of the map."""

    key: str
    name: dict  # {"fr": ..., "en": ...}
    epsg: int
    lonlat_box: tuple[float, float, float, float]


#: The five overseas départements, in the order of the inset column.
DROM: tuple[Group, ...] = (
    Group("971", {"fr": "Guadeloupe", "en": "Guadeloupe"}, 5490, (-61.9, 15.8, -60.9, 16.6)),
    Group("972", {"fr": "Martinique", "en": "Martinique"}, 5490, (-61.3, 14.35, -60.75, 14.9)),
    Group("973", {"fr": "Guyane", "en": "French Guiana"}, 2972, (-54.7, 2.0, -51.5, 5.9)),
    Group("974", {"fr": "La Réunion", "en": "Réunion"}, 2975, (55.1, -21.5, 55.9, -20.8)),
    Group("976", {"fr": "Mayotte", "en": "Mayotte"}, 4471, (44.9, -13.1, 45.4, -12.6)),
)
METRO = Group(
    "metro",
    {"fr": "France métropolitaine", "en": "Metropolitan France"},
    2154,
    (-5.6, 41.2, 9.8, 51.2),
)
#: Paris and its inner suburbs (Hauts-de-Seine, Seine-Saint-Denis, Val-de-Marne).
PARIS_ZOOM_LONLAT = (2.14, 48.68, 2.64, 49.02)


def _centres_lonlat(gdf: gpd.GeoDataFrame) -> np.ndarray:
    bounds = shapely.bounds(np.asarray(gdf.geometry.values))
    centres = np.column_stack(
        [(bounds[:, 0] + bounds[:, 2]) / 2, (bounds[:, 1] + bounds[:, 3]) / 2]
    )
    if gdf.crs is not None and not gdf.crs.equals("EPSG:4326"):
        t = Transformer.from_crs(gdf.crs, 4326, always_xy=True)
        ok = np.isfinite(centres).all(axis=1)
        centres[ok, 0], centres[ok, 1] = t.transform(centres[ok, 0], centres[ok, 1])
    return centres


def _inside(points: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    x, y = points[:, 0], points[:, 1]
    return (x >= box[0]) & (x <= box[2]) & (y >= box[1]) & (y <= box[3])


def looks_french(gdf: gpd.GeoDataFrame) -> bool:
    """Whether most territories lie in metropolitan France or the DROM.

    Examples
    --------
    >>> from shapely import box
    >>> looks_french(gpd.GeoDataFrame(geometry=[box(2, 48, 2.1, 48.1)], crs=4326))
    True
    """
    if gdf.crs is None or len(gdf) == 0:
        return False
    centres = _centres_lonlat(gdf)
    inside = _inside(centres, METRO.lonlat_box)
    for group in DROM:
        inside |= _inside(centres, group.lonlat_box)
    return bool(inside.mean() > 0.9)


def france_groups(gdf: gpd.GeoDataFrame) -> dict[str, np.ndarray]:
    """Row positions of the territories of each panel: ``"metro"`` and each DROM code.

    Territories found in no box (abroad, or without geometry) go with ``"metro"``
    when they have a geometry, and under ``"none"`` otherwise.

    Examples
    --------
    >>> from shapely import box
    >>> g = gpd.GeoDataFrame(geometry=[box(2, 48, 2.1, 48.1), box(55.4, -21.2, 55.5, -21.1)],
    ...                      crs=4326)
    >>> {k: v.tolist() for k, v in france_groups(g).items()}
    {'metro': [0], '974': [1]}
    """
    centres = _centres_lonlat(gdf)
    empty = ~np.isfinite(centres).all(axis=1)
    assigned = np.zeros(len(gdf), dtype=bool) | empty
    groups: dict[str, np.ndarray] = {}
    for group in DROM:
        inside = _inside(centres, group.lonlat_box) & ~assigned
        if inside.any():
            groups[group.key] = np.flatnonzero(inside)
        assigned |= inside
    metro = np.flatnonzero(~assigned)
    out = {"metro": metro} if len(metro) else {}
    out.update(groups)
    if empty.any():
        out["none"] = np.flatnonzero(empty)
    return out


def paris_positions(gdf: gpd.GeoDataFrame, positions: np.ndarray) -> np.ndarray:
    """Positions (among ``positions``) of territories touching the Paris zoom box.

    Examples
    --------
    >>> from shapely import box
    >>> g = gpd.GeoDataFrame(geometry=[box(2.3, 48.8, 2.4, 48.9), box(5.3, 43.2, 5.5, 43.4)],
    ...                      crs=4326)
    >>> paris_positions(g, np.array([0, 1])).tolist()
    [0]
    """
    bounds = shapely.bounds(np.asarray(gdf.geometry.values)[positions])
    box = PARIS_ZOOM_LONLAT
    if gdf.crs is not None and not gdf.crs.equals("EPSG:4326"):
        t = Transformer.from_crs(4326, gdf.crs, always_xy=True)
        xs, ys = t.transform([box[0], box[2], box[0], box[2]], [box[1], box[1], box[3], box[3]])
        box = (min(xs), min(ys), max(xs), max(ys))
    touch = (
        (bounds[:, 2] >= box[0])
        & (bounds[:, 0] <= box[2])
        & (bounds[:, 3] >= box[1])
        & (bounds[:, 1] <= box[3])
    )
    return positions[touch]
