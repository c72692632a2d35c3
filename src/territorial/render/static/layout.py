"""Layout elements of the static maps: texts, legends, scale bar, north arrow, labels.

Each element is a small function drawing on a figure or an axes, in the manner
of mapsf's ``mf_title``, ``mf_credits``, ``mf_scale``, ``mf_arrow``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.offsetbox import AnchoredOffsetbox, DrawingArea, TextArea, VPacker
from matplotlib.patches import Circle, Patch, Polygon, Rectangle
from matplotlib.text import Text

from territorial.format import format_number
from territorial.render.static.themes import Theme

__all__ = [
    "add_labels",
    "add_north_arrow",
    "add_scale_bar",
    "add_texts",
    "class_legend",
    "nice_number",
    "symbol_legend",
]


#: Left margin of the title, subtitle and source line (figure fraction).
TEXT_X = 0.03


def wrap_text(fig: Figure, text: str, fontsize: float, *, width: float) -> str:
    """Break ``text`` at spaces so that no line is wider than ``width`` (figure fraction).

    Examples
    --------
    >>> from matplotlib.backends.backend_agg import FigureCanvasAgg
    >>> from territorial.render.static.themes import get_theme
    >>> fig = Figure(figsize=(4, 4), dpi=50)
    >>> _ = FigureCanvasAgg(fig)
    >>> wrap_text(fig, "Densité de population des communes", 10, width=0.3)
    'Densité de\\npopulation des\\ncommunes'
    """
    renderer = fig.canvas.get_renderer()
    limit = width * fig.get_figwidth() * fig.dpi
    probe = fig.text(0, 0, "", fontsize=fontsize)
    lines: list[str] = []
    try:
        for paragraph in text.split("\n"):
            current = ""
            for word in paragraph.split(" "):
                candidate = f"{current} {word}" if current else word
                probe.set_text(candidate)
                if current and probe.get_window_extent(renderer).width > limit:
                    lines.append(current)
                    current = word
                else:
                    current = candidate
            lines.append(current)
    finally:
        probe.remove()
    return "\n".join(lines)


def add_texts(
    fig: Figure,
    theme: Theme,
    *,
    title: str | None,
    subtitle: str | None,
    source: str | None,
) -> dict[str, object]:
    """Title and subtitle at the top left, source line at the bottom left.

    Examples
    --------
    >>> from matplotlib.backends.backend_agg import FigureCanvasAgg
    >>> from territorial.render.static.themes import get_theme
    >>> fig = Figure(figsize=(4, 4), dpi=50)
    >>> _ = FigureCanvasAgg(fig)
    >>> texts = add_texts(fig, get_theme(None), title="Densité", subtitle=None,
    ...                   source="Source : INSEE")
    >>> sorted(texts), texts["title"].get_text()
    (['source', 'title'], 'Densité')
    """
    out: dict[str, object] = {}
    if title:
        out["title"] = fig.text(
            0.03,
            0.975,
            title,
            ha="left",
            va="top",
            fontsize=theme.title_size,
            fontweight="bold",
            color=theme.text_color,
            gid="territorial:title",
        )
    if subtitle:
        out["subtitle"] = fig.text(
            0.03,
            0.975 - (0.045 if title else 0.0),
            subtitle,
            ha="left",
            va="top",
            fontsize=theme.subtitle_size,
            color=theme.muted_color,
            gid="territorial:subtitle",
        )
    if source:
        out["source"] = fig.text(
            TEXT_X,
            0.012,
            source,
            ha="left",
            va="bottom",
            fontsize=theme.source_size,
            color=theme.muted_color,
            gid="territorial:source",
        )
    return out


def class_legend(
    ax: Axes,
    items: Sequence[tuple[str, str]],
    theme: Theme,
    *,
    title: str | None,
    missing: tuple[str, str] | None = None,
    loc: str = "lower left",
    **legend_kwds: object,
) -> Legend:
    """A legend of coloured boxes, in the given order, with an optional missing entry.

    ``items`` are ``(label, colour)`` pairs; ``missing`` is ``(label, colour)`` drawn
    with the theme's hatching, last.

    Examples
    --------
    >>> from matplotlib.backends.backend_agg import FigureCanvasAgg
    >>> from territorial.render.static.themes import get_theme
    >>> fig = Figure(figsize=(4, 4), dpi=50)
    >>> _ = FigureCanvasAgg(fig)
    >>> ax = fig.add_axes((0, 0, 1, 1))
    >>> _ = ax.set_xlim(0, 100_000), ax.set_ylim(0, 100_000)
    >>> legend = class_legend(ax, [("0 – 10", "#ffffb2"), ("10 – 20", "#bd0026")],
    ...                       get_theme(None), title="Taux",
    ...                       missing=("Données manquantes", "#d9d9d9"))
    >>> [t.get_text() for t in legend.get_texts()]
    ['0 – 10', '10 – 20', 'Données manquantes']

    """
    handles = [Patch(facecolor=color, edgecolor="none", label=label) for label, color in items]
    if missing is not None:
        handles.append(
            Patch(
                facecolor=missing[1],
                edgecolor=theme.missing_hatch_color,
                hatch=theme.missing_hatch,
                linewidth=0.0,
                label=missing[0],
            )
        )
    kwds: dict[str, object] = {
        "loc": loc,
        "frameon": False,
        "fontsize": theme.legend_size,
        "title_fontsize": theme.legend_title_size,
        "alignment": "left",
        "handlelength": 1.6,
        "handleheight": 1.1,
        "labelspacing": 0.35,
        "borderaxespad": 0.3,
        "labelcolor": theme.text_color,
    }
    kwds.update(legend_kwds)
    legend = ax.legend(handles=handles, title=title, **kwds)
    legend.get_title().set_color(theme.text_color)
    legend.get_title().set_fontweight("bold")
    legend.set_gid("territorial:legend")
    ax.add_artist(legend)  # keeps it when another legend is added later
    return legend


def nice_number(value: float) -> float:
    """The largest 1, 2 or 5 times a power of ten not above ``value``.

    Examples
    --------
    >>> nice_number(370), nice_number(0.034), nice_number(99_000)
    (200.0, 0.02, 50000.0)
    """
    if value <= 0 or not math.isfinite(value):
        return 0.0
    exp = math.floor(math.log10(value))
    base = 10.0**exp
    for m in (5, 2, 1):
        if m * base <= value:
            return round(m * base, max(0, -exp))
    return base


def symbol_legend(
    ax: Axes,
    values: Sequence[float],
    radii_pt: Sequence[float],
    theme: Theme,
    *,
    title: str | None,
    lang: str,
    unit: str | None,
    loc: str = "upper right",
    bbox_to_anchor: tuple[float, float] | None = None,
) -> AnchoredOffsetbox:
    """A legend of nested proportional circles sharing their base, values on the right.

    The returned box carries ``texts`` (the value labels, largest first),
    ``radii`` (the circles' radii in points) and ``title_text`` (its title).

    Examples
    --------
    >>> from matplotlib.backends.backend_agg import FigureCanvasAgg
    >>> from territorial.render.static.themes import get_theme
    >>> fig = Figure(figsize=(4, 4), dpi=50)
    >>> _ = FigureCanvasAgg(fig)
    >>> ax = fig.add_axes((0, 0, 1, 1))
    >>> _ = ax.set_xlim(0, 100_000), ax.set_ylim(0, 100_000)
    >>> box = symbol_legend(ax, [1000, 100], [20.0, 6.3], get_theme(None),
    ...                     title="Habitants", lang="en", unit=None)
    >>> [t.get_text() for t in box.texts], box.radii
    (['1,000', '100'], [20.0, 6.3])

    """
    rmax = max(radii_pt)
    text_w = 70.0
    area = DrawingArea(2 * rmax + 6 + text_w, 2 * rmax + 2, 0, 0)
    texts = []
    for v, r in sorted(zip(values, radii_pt, strict=True), key=lambda t: -t[1]):
        area.add_artist(
            Circle(
                (rmax, r + 1),
                r,
                facecolor=theme.symbol_color,
                alpha=theme.symbol_alpha,
                edgecolor=theme.symbol_edge_color,
                linewidth=0.5,
            )
        )
        area.add_artist(
            Line2D(
                [rmax, 2 * rmax + 4],
                [2 * r + 1, 2 * r + 1],
                color=theme.muted_color,
                linewidth=0.5,
            )
        )
        label = format_number(v, lang=lang, decimals=0 if abs(v) >= 10 else None, unit=unit)
        text = Text(
            2 * rmax + 6,
            2 * r + 1,
            label,
            va="center",
            ha="left",
            fontsize=theme.legend_size,
            color=theme.text_color,
        )
        area.add_artist(text)
        texts.append(text)
    children = [area]
    if title:
        children.insert(
            0,
            TextArea(
                title,
                textprops={
                    "fontsize": theme.legend_title_size,
                    "fontweight": "bold",
                    "color": theme.text_color,
                },
            ),
        )
    pack = VPacker(children=children, align="left", pad=0, sep=6)
    box = AnchoredOffsetbox(
        loc=loc,
        child=pack,
        frameon=False,
        pad=0.3,
        borderpad=0.5,
        bbox_to_anchor=bbox_to_anchor,
        bbox_transform=ax.transAxes if bbox_to_anchor else None,
    )
    box.set_gid("territorial:symbol-legend")
    box.texts = texts
    box.title_text = title
    box.radii = sorted(radii_pt, reverse=True)
    ax.add_artist(box)
    return box


def add_scale_bar(
    ax: Axes,
    theme: Theme,
    *,
    lang: str,
    x: float = 0.56,
    y: float = 0.035,
    units_per_m: float = 1.0,
) -> tuple[Rectangle, object]:
    """A scale bar of a round length (about a fifth of the axes' width) in km.

    Examples
    --------
    >>> from matplotlib.backends.backend_agg import FigureCanvasAgg
    >>> from territorial.render.static.themes import get_theme
    >>> fig = Figure(figsize=(4, 4), dpi=50)
    >>> _ = FigureCanvasAgg(fig)
    >>> ax = fig.add_axes((0, 0, 1, 1))
    >>> _ = ax.set_xlim(0, 100_000), ax.set_ylim(0, 100_000)
    >>> bar, text = add_scale_bar(ax, get_theme(None), lang="en")
    >>> bar.get_width(), text.get_text()
    (20000.0, '20\\xa0km')
    """
    x0, x1 = ax.get_xlim()
    width_m = (x1 - x0) / units_per_m
    length_m = nice_number(width_m / 5)
    length_units = length_m * units_per_m
    start = x * (x1 - x0) + x0
    y0, y1 = ax.get_ylim()
    ybar = y * (y1 - y0) + y0
    height = (y1 - y0) * 0.006
    bar = Rectangle(
        (start, ybar),
        length_units,
        height,
        facecolor=theme.text_color,
        edgecolor="none",
        gid="territorial:scale-bar",
        zorder=5,
    )
    ax.add_patch(bar)
    km = length_m / 1000
    text_value = format_number(km, lang=lang, decimals=0 if km >= 1 else 1, unit="km")
    text = ax.text(
        start + length_units / 2,
        ybar + height * 2,
        text_value,
        ha="center",
        va="bottom",
        fontsize=theme.legend_size - 0.5,
        color=theme.text_color,
        zorder=5,
        gid="territorial:scale-text",
    )
    return bar, text


def add_north_arrow(ax: Axes, theme: Theme, *, x: float = 0.96, y: float = 0.93) -> Polygon:
    """A small north arrow (triangle and N) in axes fraction coordinates.

    Examples
    --------
    >>> from matplotlib.backends.backend_agg import FigureCanvasAgg
    >>> from territorial.render.static.themes import get_theme
    >>> fig = Figure(figsize=(4, 4), dpi=50)
    >>> _ = FigureCanvasAgg(fig)
    >>> ax = fig.add_axes((0, 0, 1, 1))
    >>> _ = ax.set_xlim(0, 100_000), ax.set_ylim(0, 100_000)
    >>> add_north_arrow(ax, get_theme(None)).get_gid()
    'territorial:north-arrow'
    """
    size = 0.025
    tri = Polygon(
        [
            (x, y + size),
            (x - size * 0.45, y - size * 0.6),
            (x, y - size * 0.25),
            (x + size * 0.45, y - size * 0.6),
        ],
        closed=True,
        transform=ax.transAxes,
        facecolor=theme.text_color,
        edgecolor="none",
        gid="territorial:north-arrow",
        zorder=5,
    )
    ax.add_patch(tri)
    ax.text(
        x,
        y + size * 1.25,
        "N",
        transform=ax.transAxes,
        ha="center",
        va="bottom",
        fontsize=theme.legend_size,
        fontweight="bold",
        color=theme.text_color,
        zorder=5,
    )
    return tri


def add_labels(
    ax: Axes,
    xy: np.ndarray,
    texts: Sequence[str],
    theme: Theme,
    *,
    renderer: object,
    occupied: Sequence[object] = (),
) -> list[object]:
    """Write labels in priority order, leaving out any that would overlap one already kept.

    ``occupied`` are window extents (legend, insets...) that labels must avoid too.
    Returns the kept text artists.

    Examples
    --------
    >>> from matplotlib.backends.backend_agg import FigureCanvasAgg
    >>> from territorial.render.static.themes import get_theme
    >>> fig = Figure(figsize=(4, 4), dpi=50)
    >>> _ = FigureCanvasAgg(fig)
    >>> ax = fig.add_axes((0, 0, 1, 1))
    >>> _ = ax.set_xlim(0, 100_000), ax.set_ylim(0, 100_000)
    >>> xy = np.array([[50_000.0, 50_000.0], [50_500.0, 50_000.0]])
    >>> kept = add_labels(ax, xy, ["Lyon", "Villeurbanne"], get_theme(None),
    ...                   renderer=fig.canvas.get_renderer())
    >>> [t.get_text() for t in kept]  # the second would overlap the first
    ['Lyon']

    """
    kept: list[object] = []
    boxes = [b for b in occupied if b is not None]
    halo = [patheffects.withStroke(linewidth=2.2, foreground=theme.background)]
    axes_box = ax.get_window_extent(renderer)
    for (x, y), label in zip(xy, texts, strict=True):
        if not (np.isfinite(x) and np.isfinite(y)):
            continue
        artist = ax.text(
            x,
            y,
            label,
            ha="center",
            va="center",
            fontsize=theme.label_size,
            color=theme.text_color,
            path_effects=halo,
            zorder=6,
            gid="territorial:label",
        )
        box = artist.get_window_extent(renderer).expanded(1.08, 1.15)
        inside = (
            box.x0 >= axes_box.x0
            and box.x1 <= axes_box.x1
            and box.y0 >= axes_box.y0
            and box.y1 <= axes_box.y1
        )
        if not inside or any(box.overlaps(other) for other in boxes):
            artist.remove()
            continue
        boxes.append(box)
        kept.append(artist)
    return kept
