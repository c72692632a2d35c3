"""Indicator values of a France level ready to draw: on a map, on a page, against France.

The commands ``territorial map`` and ``territorial web`` (and the scripts) draw what these
return; the drawing itself is :mod:`territorial.render`'s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from territorial.errors import UnknownLevelError
from territorial.france.levels import FRANCE_LEVELS

if TYPE_CHECKING:
    import geopandas as gpd

    from territorial.indicators.spec import Catalogue

__all__ = ["france_map_values", "france_page_frame", "france_reference"]


def france_map_values(level: str, columns: list[str]) -> gpd.GeoDataFrame:
    """Indicators of a France level as a GeoDataFrame (``compute_france(...).wide``).

    Examples
    --------
    >>> gdf = france_map_values("region", ["density"])
    >>> gdf.crs.to_epsg(), round(gdf.loc["11", "density"])
    (4326, 1033)
    """
    from territorial.france.indicators import compute_france

    return compute_france(level, indicators=columns).wide


def france_reference(column: str) -> float:
    """The value of France as a whole, the reference of gap maps.

    Examples
    --------
    >>> round(france_reference("density"), 1)
    107.3
    """
    from territorial.france.indicators import compute_france

    return float(compute_france("france", indicators=[column]).values[column].iloc[0])


def france_page_frame(level: str, indicators: list[str]) -> tuple[gpd.GeoDataFrame, Catalogue]:
    """Indicator values of a France level with their parents' codes, and the catalogue.

    Returns ``(gdf, catalogue)``; ``gdf`` is ``compute_france(...).wide`` joined
    with the parent code columns of :func:`territorial.france.data.load_france`.

    Examples
    --------
    >>> gdf, catalogue = france_page_frame("departement", ["density"])
    >>> gdf.loc["69", "region"], catalogue["density"].unit
    ('84', 'hab./km²')
    """
    from territorial.france.data import load_france
    from territorial.france.indicators import compute_france

    if level not in FRANCE_LEVELS:
        raise UnknownLevelError(
            level, FRANCE_LEVELS, "SOURCE", value=f"france:{level}",
            expected=f"france:LEVEL with LEVEL one of {', '.join(FRANCE_LEVELS)}",
            fix="For example france:commune.",
        )  # fmt: skip
    table = compute_france(level, indicators=indicators)
    gdf = table.wide
    base = load_france(level, progress=False)
    parents = [c for c in FRANCE_LEVELS if c in base.columns]
    extra = base[parents].reindex(gdf.index)
    gdf = gdf.join(extra[[c for c in parents if c not in gdf.columns]])
    return gdf, table.catalogue
