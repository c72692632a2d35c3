"""The drawings of a sheet as inline SVG: maps, the population chart, the sector bars,
the percentile dots. They draw the numbers they are given; every text is escaped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from markupsafe import Markup, escape

__all__ = ["PALETTE", "history_svg", "legend_html", "map_svg", "percentile_svg", "sector_rows"]

#: Sequential palette of the small map (light to dark), colour-blind safe (viridis-like).
PALETTE = ("#fde725", "#5ec962", "#21918c", "#3b528b", "#440154")
FOCUS = "#c0392b"
MEMBER = "#d9dde3"
MISSING = "#f2f2f2"
LINE = "#ffffff"
#: Colours of the population lines: the territory, then its references.
SERIES = ("#c0392b", "#2c7fb8", "#41ab5d", "#636363")


def _path(rings: Sequence[Any], x0: float, y1: float, k: float) -> str:
    parts = []
    for ring in rings:
        if len(ring) < 3:
            continue
        xs = (ring[:, 0] - x0) * k
        ys = (y1 - ring[:, 1]) * k
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True))
        parts.append(f"M{points}Z")
    return "".join(parts)


def map_svg(content: Any, *, width: float = 300.0, height: float = 220.0) -> Markup:
    """A map of :class:`~territorial.sheets.content.MapContent` as an SVG element.

    Examples
    --------
    >>> import numpy as np
    >>> from territorial.sheets.content import MapContent
    >>> square = [np.array([[0, 0], [1, 0], [1, 1], [0, 1]], float)]
    >>> svg = map_svg(MapContent("<b>", [("a", square, "focus", None)], (0, 0, 1, 1)))
    >>> svg.startswith("<svg") and "&lt;b&gt;" in svg
    True
    """
    x0, y0, x1, y1 = content.bounds
    span_x, span_y = max(x1 - x0, 1e-9), max(y1 - y0, 1e-9)
    k = min(width / span_x, height / span_y)
    w, h = span_x * k, span_y * k
    out = [
        f'<svg class="map" viewBox="0 0 {w:.1f} {h:.1f}" role="img" '
        f'preserveAspectRatio="xMidYMid meet"><title>{escape(content.title)}</title>'
    ]
    for code, rings, role, klass in content.shapes:
        d = _path(rings, x0, y1, k)
        if not d:
            continue
        if role == "parent":
            style = 'fill="none" stroke="#333" stroke-width="1.2"'
        elif role == "focus" and not content.legend:
            style = f'fill="{FOCUS}" stroke="{LINE}" stroke-width="0.6"'
        elif role == "focus":
            fill = PALETTE[klass] if klass is not None else MISSING
            style = f'fill="{fill}" stroke="{FOCUS}" stroke-width="2.2"'
        elif content.legend:
            fill = PALETTE[klass] if klass is not None else MISSING
            style = f'fill="{fill}" stroke="{LINE}" stroke-width="0.5"'
        else:
            style = f'fill="{MEMBER}" stroke="{LINE}" stroke-width="0.5"'
        out.append(f'<path data-code="{escape(code)}" class="{role}" d="{d}" {style}/>')
    out.append("</svg>")
    return Markup("".join(out))


def legend_html(content: Any) -> Markup:
    """The classes of a small map, as a list of swatches.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> content = SimpleNamespace(legend=["0 – 10 %", "10 – 20 %"], legend_missing="n/a")
    >>> str(legend_html(content)).count("<li>")
    3
    >>> "<b>" in str(legend_html(SimpleNamespace(legend=["<b>"], legend_missing="")))
    False
    """
    items = [
        f'<li><span class="swatch" style="background:{PALETTE[i]}"></span>{escape(label)}</li>'
        for i, label in enumerate(content.legend)
    ]
    if content.legend:
        items.append(f'<li><span class="swatch" style="background:{MISSING}"></span>'
                     f"{escape(content.legend_missing)}</li>")  # fmt: skip
    return Markup(f'<ul class="legend">{"".join(items)}</ul>')


def history_svg(history: dict, *, width: float = 300.0, height: float = 120.0) -> Markup:
    """The population of each vintage, as an index (100 at the first known vintage) of
    the territory and of each reference; the last index written at the end of each line.

    Examples
    --------
    >>> history = {"years": [2016, 2023], "series": [
    ...     {"label": "Lyon", "values": [1380000, 1430000], "own": True},
    ...     {"label": "France", "values": [66000000, 68000000], "own": False}]}
    >>> svg = str(history_svg(history))
    >>> svg.startswith("<svg"), svg.count("<polyline")
    (True, 2)
    """
    years = history["years"]
    series = []
    for s in history["series"]:
        values = s["values"]
        base = next((v for v in values if v), None)
        if base is None:
            continue
        series.append([None if v is None else 100.0 * v / base for v in values])
    known = [v for s in series for v in s if v is not None]
    if not known or len(years) < 2:
        return Markup("")
    low, high = min(known), max(known)
    pad = max((high - low) * 0.1, 0.5)
    low, high = low - pad, high + pad
    left, right, top, bottom = 30.0, 40.0, 6.0, 16.0
    pw, ph = width - left - right, height - top - bottom
    y0, y1 = years[0], years[-1]

    def x(year: float) -> float:
        return left + (year - y0) / (y1 - y0) * pw

    def y(value: float) -> float:
        return top + (high - value) / (high - low) * ph

    out = [f'<svg class="chart" viewBox="0 0 {width:.0f} {height:.0f}" role="img">']
    for tick in _ticks(low, high, 4):
        at = y(tick)
        out.append(
            f'<line x1="{left}" x2="{left + pw}" y1="{at:.1f}" y2="{at:.1f}" stroke="#ddd" '
            f'stroke-width="0.5"/><text x="{left - 3}" y="{at + 2.5:.1f}" '
            f'text-anchor="end">{tick:g}</text>'
        )
    for year in years:
        out.append(f'<text x="{x(year):.1f}" y="{height - 4}" text-anchor="middle">{year}</text>')
    ends = []
    for i, values in enumerate(series):
        colour = SERIES[min(i, len(SERIES) - 1)]
        pts = [(x(yr), y(v)) for yr, v in zip(years, values, strict=True) if v is not None]
        if len(pts) > 1:
            d = " ".join(f"{a:.1f},{b:.1f}" for a, b in pts)
            out.append(f'<polyline points="{d}" fill="none" stroke="{colour}" '
                       f'stroke-width="{1.8 if i == 0 else 1.1}"/>')  # fmt: skip
        for a, b in pts:
            out.append(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="1.3" fill="{colour}"/>')
        last = next((v for v in reversed(values) if v is not None), None)
        if last is not None and pts:
            ends.append([pts[-1][1], last, colour])
    ends.sort()
    for j in range(1, len(ends)):  # labels never overlap
        ends[j][0] = max(ends[j][0], ends[j - 1][0] + 7)
    for pos, last, colour in ends:
        out.append(f'<text x="{left + pw + 3}" y="{pos + 2.5:.1f}" fill="{colour}">'
                   f"{last:.1f}</text>")  # fmt: skip
    out.append("</svg>")
    return Markup("".join(out))


def _ticks(low: float, high: float, n: int) -> list[float]:
    span = high - low
    step = 10 ** math.floor(math.log10(span / n)) if span > 0 else 1
    for m in (1, 2, 5, 10):
        if span / (step * m) <= n:
            step *= m
            break
    first = math.ceil(low / step) * step
    ticks, t = [], first
    while t <= high + 1e-9:
        ticks.append(round(t, 6))
        t += step
    return ticks


def sector_rows(figures: Sequence[Any]) -> list[tuple[Any, float, float]]:
    """Each sector's figure with the widths (in % of the longest) of its two bars.

    Examples
    --------
    >>> from types import SimpleNamespace as F
    >>> sector_rows([F(value=10.0, reference=20.0), F(value=5.0, reference=None)])[0][1:]
    (50.0, 100.0)
    """
    rows = [f for f in figures if f.value is not None or f.reference is not None]
    top = max([f.value or 0 for f in rows] + [f.reference or 0 for f in rows] + [0]) or 1.0
    return [(f, 100.0 * (f.value or 0) / top, 100.0 * (f.reference or 0) / top) for f in rows]


def percentile_svg(percentile: float | None) -> Markup:
    """A small bar with a dot at the percentile (0 left, 1 right); empty if unknown.

    Examples
    --------
    >>> 'cx="30.0"' in str(percentile_svg(0.5))
    True
    >>> str(percentile_svg(None))
    ''
    """
    if percentile is None or math.isnan(percentile):
        return Markup("")
    cx = 3 + 54 * min(max(percentile, 0.0), 1.0)
    return Markup(
        '<svg class="pct" viewBox="0 0 60 8" role="img">'
        '<rect x="3" y="3" width="54" height="2" rx="1" fill="#ccd2da"/>'
        '<line x1="30" x2="30" y1="1" y2="7" stroke="#8895a7" stroke-width="0.6"/>'
        f'<circle cx="{cx:.1f}" cy="4" r="2.6" fill="#1f3b5c"/></svg>'
    )
