"""The panels of a static map: the main panel, the DROM insets, the Paris inset.

:func:`lay_out` creates the figure and its axes (metropolitan France in
Lambert-93 with the five DROM in a column on the left, each in its own metric
CRS, and on request a zoom on Paris and its inner suburbs placed where it covers
no territory); :func:`draw_panels` draws the fills, the parents' borders and the
symbols in every panel; :func:`add_labels` writes names on the main panel.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from pyproj import Transformer

from territorial.errors import ColumnNotFoundError, InvalidArgumentError
from territorial.render.classify import MISSING_COLOR
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
from territorial.render.static.painters import Fills, Sizes, count
from territorial.render.static.themes import Theme

__all__ = ["EDGE_LIMIT", "Panel", "Panels", "add_labels", "draw_panels", "lay_out"]

#: Panels with fewer territories get thin borders between them.
EDGE_LIMIT = 3000

_PARIS_TITLE = {"fr": "Paris et petite couronne", "en": "Paris and inner suburbs"}


@dataclass
class Panel:
    """One axes of the map: its key, the positions of its territories, its CRS."""

    key: str
    ax: Axes
    positions: np.ndarray
    crs: object


@dataclass
class Panels:
    """The figure's panels, the main one first, and what placing them decided.

    Examples
    --------
    >>> from shapely import box
    >>> from territorial.render.static.themes import get_theme
    >>> g = gpd.GeoDataFrame({"v": [1.0]}, geometry=[box(0, 0, 1, 1)], crs=2154)
    >>> fig, p = lay_out(g, theme=get_theme(None), lang="fr", title=None, subtitle=None,
    ...                  source=None, insets=None)
    >>> [panel.key for panel in p.panels], p.outside
    (['main'], True)
    """

    panels: list[Panel]
    main_key: str
    french: bool
    outside: bool  # legends in a column right of the main panel (not over the sea)
    source: str | None  # the source line, wrapped to the figure
    paris_box: tuple[float, float, float, float] | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def main(self) -> Panel:
        """The main panel."""
        return self.panels[0]


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


def fit(ax: Axes, bounds: tuple[float, float, float, float], pad: float = 0.03) -> float:
    """Set equal-aspect limits around bounds filling the axes; return units per pixel.

    Examples
    --------
    >>> fig = Figure(figsize=(2, 2), dpi=100)
    >>> float(fit(fig.add_axes((0, 0, 1, 1)), (0.0, 0.0, 200.0, 100.0), pad=0.0))
    1.0
    """
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


def free_spot(
    fig: Figure, ax: Axes, boxes: np.ndarray, *, avoid_upper_right: bool
) -> tuple[float, float, float, float]:
    """Figure box of a square inset in the top half of ``ax`` that covers no territory.

    ``boxes`` are the territories' bounds in data coordinates of ``ax`` (already
    fitted). The largest size (19 % of the figure's width down to 12 %) with a spot
    that overlaps no box, its caption below included, wins; among spots, the one
    nearest the top left corner.
    The bottom half keeps the legend, the scale bar and the north arrow; the top
    right corner, the legend of the symbols.

    Examples
    --------
    >>> fig = Figure(figsize=(4, 4), dpi=50)
    >>> ax = fig.add_axes((0, 0, 1, 1))
    >>> _ = fit(ax, (0.0, 0.0, 10.0, 10.0), pad=0.0)
    >>> x, y, w, h = free_spot(fig, ax, np.array([[0.0, 0.0, 10.0, 4.0]]),
    ...                        avoid_upper_right=False)
    >>> round(float(w), 2), round(float(x), 3)
    (0.19, 0.005)
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


def _inset_title(ax: Axes, text: str, theme: Theme, *, y: float, va: str) -> None:
    ax.text(
        0.0,
        y,
        text,
        transform=ax.transAxes,
        ha="left",
        va=va,
        fontsize=theme.legend_size - 1.5,
        color=theme.muted_color,
        zorder=6,
        gid="territorial:inset-title",
    )


def lay_out(
    gdf: gpd.GeoDataFrame,
    *,
    theme: Theme,
    lang: str,
    title: str | None,
    subtitle: str | None,
    source: str | None,
    insets: str | None = "auto",
    crs: object = None,
    paris_zoom: bool = False,
    figsize: tuple[float, float] | None = None,
    dpi: float | None = None,
    avoid_upper_right: bool = False,
) -> tuple[Figure, Panels]:
    """Create the figure and its panels (nothing drawn in them yet).

    The panels leave room for the title and subtitle above and the source line
    below. ``insets`` is ``"france"``, ``None`` or ``"auto"`` (France when the
    territories lie in France); ``avoid_upper_right`` keeps the Paris inset clear
    of the symbol legend.

    Examples
    --------
    >>> from shapely import box
    >>> from territorial.render.static.themes import get_theme
    >>> g = gpd.GeoDataFrame({"v": [1.0, 2.0]}, geometry=[box(0, 0, 1, 1), None], crs=2154)
    >>> fig, p = lay_out(g, theme=get_theme(None), lang="en", title="T", subtitle=None,
    ...                  source=None, insets=None)
    >>> p.notes
    ['1 territory without geometry not drawn: 1']
    """
    th = theme
    codes = np.asarray(gdf.index.astype(str))
    notes: list[str] = []
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
            f"{count(len(lost), 'territory', 'territories')} without geometry not drawn: "
            f"{', '.join(lost[:10])}" + (" ..." if len(lost) > 10 else "")
        )
    drom_present = [g for g in DROM if g.key in groups] if french else []
    panels: list[Panel] = []
    main_key = "metro" if "metro" in groups else (drom_present[0].key if drom_present else None)
    if main_key is None:
        raise InvalidArgumentError(
            "gdf", f"{len(gdf)} rows", "at least one territory with a geometry",
            "Check the geometry.",
        )  # fmt: skip
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
    panels.append(Panel("main", main_ax, groups[main_key], main_crs))
    if main_key == "metro":
        slot_h = (top - bottom) / len(DROM)
        for i, group in enumerate(DROM):
            if group.key not in groups:
                continue
            y = top - (i + 1) * slot_h + 0.004
            ax = fig.add_axes((0.02, y, 0.155, slot_h - 0.026))
            _frame(ax, th, visible=True)
            _inset_title(ax, group.name[lang], th, y=1.02, va="bottom")
            panels.append(Panel(group.key, ax, groups[group.key], group.epsg))
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
            fit(main_ax, projected_bounds(gdf.geometry, groups["metro"], main_crs), pad=0.02)
            boxes = projected_boxes(gdf.geometry, groups["metro"], main_crs)
            ax = fig.add_axes(free_spot(fig, main_ax, boxes, avoid_upper_right=avoid_upper_right))
            _frame(ax, th, visible=True)
            _inset_title(ax, _PARIS_TITLE[lang], th, y=-0.02, va="top")
            panels.append(Panel("paris", ax, pos, main_crs))
            t = Transformer.from_crs(4326, main_crs, always_xy=True)
            bx = PARIS_ZOOM_LONLAT
            xs, ys = t.transform([bx[0], bx[2], bx[0], bx[2]], [bx[1], bx[1], bx[3], bx[3]])
            paris_box = (min(xs), min(ys), max(xs), max(ys))
    return fig, Panels(panels, main_key, french, outside, source, paris_box, notes)


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


def _draw_base(panel: Panel, base: gpd.GeoDataFrame, positions, tol: float, th: Theme) -> None:
    bdraw = drawable(base.geometry, positions, crs=panel.crs, tolerance=tol)
    col = PathCollection(
        [bdraw.compound_path(np.ones(len(positions), dtype=bool))],
        facecolors="none",
        edgecolors=th.base_color,
        linewidths=th.base_width,
        zorder=3,
    )
    col.set_gid("territorial:base")
    panel.ax.add_collection(col, autolim=False)


def _draw_symbols(
    panel: Panel, draw: object, radii: np.ndarray, codes: np.ndarray, color: str, th: Theme
) -> None:
    s = radii[draw.positions]
    order = np.argsort(-s, kind="stable")
    order = order[s[order] > 0]
    pts = draw.points()[order]
    sc = panel.ax.scatter(
        pts[:, 0],
        pts[:, 1],
        s=(2 * s[order]) ** 2,
        c=color,
        edgecolors=th.symbol_edge_color,
        linewidths=0.4,
        alpha=th.symbol_alpha,
        zorder=4,
    )
    sc.set_gid("territorial:symbols")
    sc.territory_codes = codes[draw.positions[order]]


def draw_panels(
    gdf: gpd.GeoDataFrame,
    panels: Panels,
    fills: Fills,
    sizes: Sizes | None,
    *,
    theme: Theme,
    base: gpd.GeoDataFrame | None = None,
    edges: bool | None = None,
    simplify: bool = True,
    symbol_color: str | None = None,
) -> dict[str, float]:
    """Draw the fills, the parents' borders and the symbols; return each panel's tolerance.

    Each panel is fitted to its territories and drawn simplified to half a pixel
    (``simplify=False`` keeps every vertex); ``edges`` defaults to borders between
    territories in panels of fewer than :data:`EDGE_LIMIT` territories.

    Examples
    --------
    >>> from shapely import box
    >>> from territorial.render.static.themes import get_theme
    >>> from territorial.render.static.painters import PAINTERS, MapOptions
    >>> g = gpd.GeoDataFrame({"v": [1.0, 2.0]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)],
    ...                      crs=2154)
    >>> th = get_theme(None)
    >>> fig, p = lay_out(g, theme=th, lang="fr", title=None, subtitle=None, source=None,
    ...                  insets=None)
    >>> fills = PAINTERS["typology"].fills(MapOptions(g, "v", theme=th))
    >>> sorted(draw_panels(g, p, fills, None, theme=th, simplify=False).items())
    [('main', 0.0)]
    """
    th = theme
    codes = np.asarray(gdf.index.astype(str))
    tolerances: dict[str, float] = {}
    base_groups = None
    if base is not None:
        base_groups = france_groups(base) if panels.french else {"metro": np.arange(len(base))}
        base_groups.pop("none", None)
    missing_color = fills.classification.missing_color if fills.classification else MISSING_COLOR
    for panel in panels.panels:
        if panel.key == "paris":
            bounds = panels.paris_box
        else:
            bounds = projected_bounds(gdf.geometry, panel.positions, panel.crs)
        scale = fit(panel.ax, bounds, pad=0.0 if panel.key == "paris" else 0.02)
        tol = display_tolerance(scale, 1.0) if simplify else 0.0
        tolerances[panel.key] = tol
        draw = drawable(gdf.geometry, panel.positions, crs=panel.crs, tolerance=tol)
        draw_edges = edges if edges is not None else len(panel.positions) < EDGE_LIMIT
        _draw_fills(
            panel.ax,
            draw,
            fills.classes,
            fills.colors,
            th,
            codes,
            edges=draw_edges,
            missing_color=missing_color,
        )
        if base is not None and base_groups is not None:
            bkey = {"main": panels.main_key, "paris": "metro"}.get(panel.key, panel.key)
            bpos = base_groups.get(bkey)
            if bpos is not None and len(bpos):
                _draw_base(panel, base, bpos, tol, th)
        if sizes is not None:
            _draw_symbols(panel, draw, sizes.radii, codes, symbol_color or th.symbol_color, th)
    if panels.paris_box is not None:
        x0, y0, x1, y1 = panels.paris_box
        panels.main.ax.add_patch(
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
    return tolerances


def shrink_to_fit_legends(
    fig: Figure, panel: Panel, gdf: gpd.GeoDataFrame, *legends: object
) -> None:
    """Narrow the main panel when the legends on its right would leave the figure.

    Examples
    --------
    >>> from shapely import box
    >>> from territorial.render.static.themes import get_theme
    >>> g = gpd.GeoDataFrame({"v": [1.0]}, geometry=[box(0, 0, 1, 1)], crs=2154)
    >>> fig, p = lay_out(g, theme=get_theme(None), lang="fr", title=None, subtitle=None,
    ...                  source=None, insets=None)
    >>> wide = p.main.ax.text(1.02, 0.5, "x" * 200, transform=p.main.ax.transAxes)
    >>> shrink_to_fit_legends(fig, p.main, g, wide)
    >>> round(float(p.main.ax.get_position().width), 2)
    0.3
    """
    ax = panel.ax
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
    fit(ax, projected_bounds(gdf.geometry, panel.positions, panel.crs), pad=0.02)


def add_labels(
    fig: Figure,
    gdf: gpd.GeoDataFrame,
    panel: Panel,
    labels: int | Sequence[str],
    label_kwds: dict,
    theme: Theme,
    *legends: object,
) -> tuple[int, list[str]]:
    """Write the labels on the main panel; return how many were drawn and the names left out.

    ``labels`` is a number of territories (the largest by ``label_kwds["by"]``) or
    a list of codes; labels never overlap each other, the legends or the insets.

    Examples
    --------
    >>> from shapely import box
    >>> from territorial.render.static.themes import get_theme
    >>> g = gpd.GeoDataFrame({"name": ["Est", "Ouest"], "population": [5.0, 9.0]},
    ...                      geometry=[box(0, 0, 1e4, 1e4), box(-1e4, 0, 0, 1e4)], crs=2154)
    >>> th = get_theme(None)
    >>> fig, p = lay_out(g, theme=th, lang="fr", title=None, subtitle=None, source=None,
    ...                  insets=None)
    >>> _ = fit(p.main.ax, (-1e4, 0.0, 1e4, 1e4))
    >>> add_labels(fig, g, p.main, 1, {}, th)  # the most populated one
    (1, [])

    """
    ax = panel.ax
    name_col = label_kwds.get("column", "name")
    by = label_kwds.get("by", "population")
    if name_col not in gdf.columns:
        raise ColumnNotFoundError("label_kwds['column']", name_col, gdf.columns)
    draw = drawable(gdf.geometry, panel.positions, crs=panel.crs, tolerance=0.0)
    local_codes = gdf.index.astype(str)[panel.positions]
    if isinstance(labels, int) and not isinstance(labels, bool):
        if by in gdf.columns:
            key = pd.to_numeric(gdf[by].iloc[panel.positions], errors="coerce").to_numpy()
        elif "area_km2" in gdf.columns:  # the largest first, by their metric areas
            key = pd.to_numeric(gdf["area_km2"].iloc[panel.positions], errors="coerce").to_numpy()
        else:  # the ranking only: shapely's planar area, without geopandas' CRS warning
            key = shapely.area(gdf.geometry.iloc[panel.positions].to_numpy())
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
