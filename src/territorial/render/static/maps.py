"""One entry point for static thematic maps: :func:`map_territories`.

Kinds: ``choropleth`` (classified values), ``symbols`` (proportional circles for
stocks, optionally over a choropleth of a rate), ``typology`` (categories) and
``gap`` (diverging classes centred on a reference value). French data gets the
DROM as insets next to metropolitan France (Lambert-93) and, on request, a zoom
on Paris and its inner suburbs.

The entry point checks the options, then hands over to the painter of the kind
(:data:`~territorial.render.static.painters.PAINTERS`: what colour each territory
gets, what the legend lists, the symbols' radii), to
:mod:`~territorial.render.static.panels` (the figure, the main panel, the DROM
and Paris insets, the drawing) and to :mod:`~territorial.render.static.legends`.

The renderer draws the values it is given: it never computes an indicator.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from territorial.errors import ColumnNotFoundError, InvalidArgumentError, MissingCRSError
from territorial.format import check_lang
from territorial.render.classify import Classification, _check_k
from territorial.render.static import layout
from territorial.render.static.legends import (
    LEGEND_TITLE_WIDTH,
    colour_legend,
    indicator_meta,
    meta_text,
    source_line,
    symbol_legend,
)
from territorial.render.static.painters import PAINTERS, MapOptions, count
from territorial.render.static.panels import (
    add_labels,
    draw_panels,
    lay_out,
    shrink_to_fit_legends,
)
from territorial.render.static.themes import Theme, get_theme

__all__ = ["KINDS", "LEGEND_TITLE_WIDTH", "MapInfo", "map_info", "map_territories"]

#: The kinds of map, one painter each.
KINDS = tuple(PAINTERS)
_INSETS = ("auto", "france", None)


@dataclass(frozen=True, eq=False)
class MapInfo:
    """What a map shows, attached to the figure (read it with :func:`map_info`).

    Attributes
    ----------
    kind, column
        The kind of map and the column drawn.
    classification
        The classification of the colours (choropleth, gap, or the choropleth under
        symbols), else ``None``.
    categories
        ``(category, colour)`` pairs of a typology, in legend order.
    panels
        Axes of each panel: ``"main"``, the DROM codes (``"971"``...), ``"paris"``.
    tolerances
        Simplification tolerance used in each panel (CRS units).
    legend, symbol_legend
        The legends drawn (or ``None``).
    texts
        The title, subtitle and source text artists drawn.
    notes
        What the map left out or adjusted (territories without geometry, etc.).
    """

    kind: str
    column: str
    classification: Classification | None
    categories: tuple[tuple[object, str], ...] | None
    panels: dict[str, Axes]
    tolerances: dict[str, float]
    legend: object
    symbol_legend: object
    texts: dict[str, object]
    notes: tuple[str, ...] = field(default=())


def map_info(fig: Figure) -> MapInfo:
    """The :class:`MapInfo` of a figure made by :func:`map_territories`.

    Examples
    --------
    >>> from shapely import box
    >>> g = gpd.GeoDataFrame({"v": [1.0, 2.0]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)],
    ...                      crs=2154)
    >>> map_info(map_territories(g, "v", k=2, scheme="equal_interval")).kind
    'choropleth'
    """
    info = getattr(fig, "_territorial_map", None)
    if info is None:
        raise InvalidArgumentError(
            "fig", "a figure without map", "a figure made by map_territories", ""
        )
    return info


def _check_inputs(gdf: object, column: object, kind: str) -> None:
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise InvalidArgumentError(
            "gdf",
            type(gdf).__name__,
            "a GeoDataFrame",
            "Load territories with territorial.load_france(...) or geopandas.read_file(...).",
        )
    if gdf.crs is None:
        raise MissingCRSError("gdf", "Set it with gdf.set_crs(...) before mapping.")
    if kind not in PAINTERS:
        raise InvalidArgumentError(
            "kind", kind, f"one of {', '.join(PAINTERS)}", "Pick the kind of map to draw."
        )
    if column not in gdf.columns or column == gdf.geometry.name:
        raise ColumnNotFoundError(
            "column", column, [c for c in gdf.columns if c != gdf.geometry.name]
        )


#: Limits of the figure's resolution (dots per inch) and size (inches).
DPI_RANGE = (10.0, 1200.0)
FIGSIZE_RANGE = (1.0, 100.0)


def _check_figure(k: object, dpi: object, figsize: object, labels: object) -> None:
    """k, dpi, figsize and labels checked before any drawing (classify checks k again)."""
    if k is not None:
        _check_k(k)
    low, high = DPI_RANGE
    if dpi is not None and (
        isinstance(dpi, bool)
        or not isinstance(dpi, int | float | np.number)
        or not low <= float(dpi) <= high
    ):
        raise InvalidArgumentError(
            "dpi", dpi, f"a number of dots per inch from {low:g} to {high:g}",
            "Use 150 for the screen, 300 for print.",
        )  # fmt: skip
    if figsize is not None:
        low, high = FIGSIZE_RANGE
        ok = (
            isinstance(figsize, tuple | list)
            and len(figsize) == 2
            and all(
                isinstance(v, int | float) and not isinstance(v, bool) and low <= v <= high
                for v in figsize
            )
        )
        if not ok:
            raise InvalidArgumentError(
                "figsize", figsize, f"(width, height) in inches, each from {low:g} to {high:g}",
                "For example figsize=(8, 8).",
            )  # fmt: skip
    if labels is not None and (isinstance(labels, bool) or (
        isinstance(labels, int | np.integer) and int(labels) < 0
    )):  # fmt: skip
        raise InvalidArgumentError(
            "labels", labels, "a number of territories to label (0 or more) or a list of codes"
        )


def map_territories(
    gdf: gpd.GeoDataFrame,
    column: str,
    *,
    kind: str = "choropleth",
    classification: Classification | None = None,
    scheme: str = "quantiles",
    k: int | None = None,
    bins: Sequence[float] | None = None,
    palette: str | Sequence[str] | Mapping[object, str] | None = None,
    reference: float | None = None,
    choropleth: str | None = None,
    title: str | None = None,
    subtitle: str | None = None,
    source: str | None = None,
    legend_title: str | None = None,
    unit: str | None = None,
    lang: str = "fr",
    base: gpd.GeoDataFrame | None = None,
    insets: str | None = "auto",
    paris_zoom: bool = False,
    labels: int | Sequence[str] | None = None,
    edges: bool | None = None,
    simplify: bool = True,
    crs: object = None,
    theme: str | Theme | None = None,
    figsize: tuple[float, float] | None = None,
    dpi: float | None = None,
    scale_bar: bool = True,
    north_arrow: bool = True,
    legend_kwds: dict | None = None,
    classification_kwds: dict | None = None,
    symbol_kwds: dict | None = None,
    label_kwds: dict | None = None,
) -> Figure:
    """Draw a thematic map of territories and return the matplotlib figure.

    Parameters
    ----------
    gdf
        Territories with a CRS, indexed by code (polygons).
    column
        Column to map: numbers (choropleth, gap, symbols) or categories (typology).
    kind
        ``"choropleth"``, ``"symbols"`` (circles with area proportional to the
        values, e.g. a population), ``"typology"`` or ``"gap"`` (diverging colours
        centred on ``reference``).
    classification
        A :class:`~territorial.render.classify.Classification` to reuse (same bins
        and colours as another map); ``scheme``, ``k``, ``bins``, ``palette`` are
        then ignored. For symbols it classifies ``choropleth``.
    scheme, k, bins
        Classification scheme (see :func:`~territorial.render.classify.classify`),
        number of classes (default 5; 6 for gap maps) and explicit breaks.
    palette
        Colormap name or list of colours; for a typology also a dict
        ``{category: colour}``. Defaults come from the theme.
    reference
        Reference value of a gap map (France's, the region's...), required there.
    choropleth
        For ``kind="symbols"``: a column of rates drawn as a choropleth under the circles.
    title, subtitle, source
        Texts; the source line (with vintages) is written at the bottom left. By
        default it comes from ``gdf.attrs`` (indicator source and vintage from
        ``compute_france(...).wide``, else the data package of the loaders).
    legend_title
        Title of the colour legend (default: the indicator's label from
        ``gdf.attrs``, else the column's name), with ``unit`` appended in brackets.
    unit
        Unit of the mapped values, e.g. ``"hab./km²"``.
    lang
        ``"fr"`` (decimal comma, thin-space thousands) or ``"en"``.
    base
        Parents' borders (e.g. départements) drawn over the territories.
    insets
        ``"france"``: metropolitan France in Lambert-93 with the DROM in insets,
        each in its own metric CRS; ``None``: one panel; ``"auto"`` (default):
        ``"france"`` when the territories lie in France.
    paris_zoom
        Add an inset on Paris and its inner suburbs (France only).
    labels
        Names to write without overlaps: a number (the largest territories by
        ``label_kwds["by"]``, default population) or a list of codes.
    edges
        Draw thin borders between territories; default when a panel has fewer than
        3,000 territories.
    simplify
        Simplify the geometry to half a pixel at ``dpi`` (default; invisible and much
        faster on dense maps); ``False`` draws every vertex.
    crs
        CRS of the main panel; default Lambert-93 for France, else a UTM zone for
        geographic data, else the data's CRS.
    theme
        A :class:`~territorial.render.static.themes.Theme` or a theme's name.
    figsize, dpi
        Size in inches and resolution (default the theme's); the geometry is
        simplified for this resolution.
    scale_bar, north_arrow
        Draw them on the main panel.
    legend_kwds
        Options of the colour legend (matplotlib ``legend`` keywords: ``loc``...).
    classification_kwds
        Extra options of the classification (``multiples``, ``hinge``).
    symbol_kwds
        ``max_size`` (radius in points of the largest circle), ``color``,
        ``legend_values`` (values shown in the legend), ``legend_title``, ``loc``.
    label_kwds
        ``column`` (default ``"name"``) and ``by`` (default ``"population"``).

    Returns
    -------
    matplotlib.figure.Figure
        Not shown and not saved: save it with :func:`save_map`. :func:`map_info`
        tells what was drawn.

    Examples
    --------
    >>> from shapely import box
    >>> g = gpd.GeoDataFrame({"rate": [1.5, 2.5, None]},
    ...                      geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1)],
    ...                      crs=2154)
    >>> fig = map_territories(g, "rate", k=2, scheme="equal_interval", title="Taux")
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['1,5 – 2,0', '2,0 – 2,5', 'Données manquantes']
    """
    _check_inputs(gdf, column, kind)
    _check_figure(k, dpi, figsize, labels)
    lang = check_lang(lang)
    th = get_theme(theme)
    if insets not in _INSETS:
        raise InvalidArgumentError(
            "insets", insets, "'auto', 'france' or None", "Use None for a single panel."
        )
    painter = PAINTERS[kind]
    options = MapOptions(
        gdf,
        column,
        th,
        classification=classification,
        scheme=scheme,
        k=k,
        bins=bins,
        palette=palette,
        reference=reference,
        choropleth=choropleth,
        lang=lang,
        classification_kwds=classification_kwds,
        symbol_kwds=dict(symbol_kwds or {}),
    )
    painter.check(options)
    if base is not None and not isinstance(base, gpd.GeoDataFrame):
        raise InvalidArgumentError(
            "base", type(base).__name__, "a GeoDataFrame of borders or None", ""
        )
    if base is not None and base.crs is None:
        raise MissingCRSError("base", "Set it with base.set_crs(...) before mapping.")
    label_kwds = dict(label_kwds or {})

    fills = painter.fills(options)
    notes: list[str] = list(fills.notes)
    meta = indicator_meta(gdf, painter.legend_column(options))
    user_legend_title = legend_title
    if legend_title is None and meta.get("label"):
        legend_title = meta_text(meta, "label", lang)
        if unit is None and meta.get("unit"):
            unit = meta_text(meta, "unit", lang)
    if source is None:
        source = source_line(gdf, lang, column, choropleth)

    fig, panels = lay_out(
        gdf,
        theme=th,
        lang=lang,
        title=title,
        subtitle=subtitle,
        source=source,
        insets=insets,
        crs=crs,
        paris_zoom=paris_zoom,
        figsize=figsize,
        dpi=dpi,
        avoid_upper_right=painter.draws_symbols,
    )
    notes.extend(panels.notes)
    sizes = painter.sizes(options, np.asarray(gdf.index.astype(str)))
    if sizes is not None:
        notes.extend(sizes.notes)
    tolerances = draw_panels(
        gdf,
        panels,
        fills,
        sizes,
        theme=th,
        base=base,
        edges=edges,
        simplify=simplify,
        symbol_color=options.symbol_kwds.get("color"),
    )

    main_ax = panels.main.ax
    texts = layout.add_texts(fig, th, title=title, subtitle=subtitle, source=panels.source)
    legend = colour_legend(
        fig,
        main_ax,
        options,
        fills,
        legend_title=legend_title,
        unit=unit,
        outside=panels.outside,
        legend_kwds=dict(legend_kwds or {}),
    )
    slegend = symbol_legend(
        fig, main_ax, options, sizes, legend_title=user_legend_title, outside=panels.outside
    )
    if panels.outside:
        shrink_to_fit_legends(fig, panels.main, gdf, legend, slegend)
    if scale_bar:
        layout.add_scale_bar(main_ax, th, lang=lang, x=0.6, y=0.03)
    if north_arrow:
        layout.add_north_arrow(main_ax, th, x=0.54, y=0.055)
    if labels is not None:
        n_kept, dropped = add_labels(
            fig, gdf, panels.main, labels, label_kwds, th, legend, slegend
        )
        if dropped:
            notes.append(
                f"{count(len(dropped), 'label', 'labels')} of {len(dropped) + n_kept} "
                f"not drawn, for lack of room without overlaps: {', '.join(dropped[:10])}"
                + (" ..." if len(dropped) > 10 else "")
            )

    fig._territorial_map = MapInfo(  # type: ignore[attr-defined]
        kind=kind,
        column=column,
        classification=fills.classification,
        categories=tuple(fills.categories) if fills.categories is not None else None,
        panels={p.key: p.ax for p in panels.panels},
        tolerances=tolerances,
        legend=legend,
        symbol_legend=slegend,
        texts=texts,
        notes=tuple(notes),
    )
    return fig
