"""The index page of an atlas: a searchable, sortable table of every territory and a map whose
territories link to their sheets. Self-contained (inline CSS, script and SVG), offline.

Render draws what it is given: the rows are already chosen and their numbers formatted by
the caller (:func:`territorial.atlas.build_atlas`); every text from data is escaped by the
template (jinja2 autoescape) and never evaluated.

Examples
--------
>>> import geopandas as gpd
>>> from shapely import box
>>> shapes = gpd.GeoSeries([box(0, 0, 1, 1), box(1, 0, 2, 1)], index=["a", "b"], crs=2154)
>>> html = index_page(
...     [{"code": "a", "name": "<A>", "href": "a.html", "cells": ["1"], "sort": [1.0]},
...      {"code": "b", "name": "B", "href": "b.html", "cells": ["2"], "sort": [2.0]}],
...     columns=["Population"], title="Atlas", shapes=shapes, lang="en")
>>> "&lt;A&gt;" in html and "<A>" not in html, html.count('<a href="a.html"')
(True, 2)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["index_page", "svg_paths"]

WORDS = {
    "fr": {"search": "Rechercher un territoire ou un code", "code": "Code", "name": "Nom",
           "shown": "territoires affichés", "map": "Carte : cliquer un territoire ouvre sa fiche",
           "table": "Tableau : cliquer un en-tête trie la colonne", "lang": "fr"},
    "en": {"search": "Search a territory or a code", "code": "Code", "name": "Name",
           "shown": "territories shown", "map": "Map: click a territory to open its sheet",
           "table": "Table: click a heading to sort the column", "lang": "en"},
}  # fmt: skip

_TEMPLATE = """<!DOCTYPE html>
<html lang="{{ words.lang }}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:1.5rem;color:#1d2433}
h1{font-size:1.5rem;margin:0 0 .2rem} p.sub{color:#555;margin:0 0 1rem}
.wrap{display:flex;gap:1.5rem;flex-wrap:wrap;align-items:flex-start}
figure{margin:0;flex:0 1 300px;min-width:220px}
svg.map{width:100%;height:auto;border:1px solid #dde;background:#f7f8fb}
svg.map path{fill:#c9d6ea;stroke:#fff;stroke-width:.6;vector-effect:non-scaling-stroke}
svg.map a:hover path,svg.map a:focus path{fill:#2f6db5}
.tablebox{flex:1 1 560px;min-width:0;overflow-x:auto}
input{font:inherit;padding:.4rem .6rem;width:100%;box-sizing:border-box;margin-bottom:.5rem}
table{border-collapse:collapse;width:100%;font-size:.85rem}
td:nth-child(2){min-width:9em}
th,td{padding:.25rem .4rem;border-bottom:1px solid #e4e6ec;text-align:right}
th{cursor:pointer;background:#f0f2f7;position:sticky;top:0;font-size:.8rem;
max-width:9em}
th:nth-child(-n+2),td:nth-child(-n+2){text-align:left}
th[aria-sort=ascending]::after{content:" \\25B2"}
th[aria-sort=descending]::after{content:" \\25BC"}
caption{caption-side:bottom;text-align:left;color:#555;padding-top:.4rem}
footer{margin-top:1rem;color:#555;font-size:.8rem}
</style></head>
<body data-ready="0">
<h1>{{ title }}</h1>{% if subtitle %}<p class="sub">{{ subtitle }}</p>{% endif %}
<div class="wrap">
{% if paths %}<figure><svg class="map" viewBox="{{ viewbox }}" role="img"
 aria-label="{{ words.map }}"><g transform="{{ transform }}">
{% for p in paths %}<a href="{{ p.href }}"><title>{{ p.title }}</title><path d="{{ p.d }}"/></a>
{% endfor %}</g></svg><figcaption>{{ words.map }}</figcaption></figure>{% endif %}
<div class="tablebox"><input id="q" type="search" placeholder="{{ words.search }}"
 aria-label="{{ words.search }}">
<table id="t"><caption><span id="n">{{ rows|length }}</span> {{ words.shown }}.
 {{ words.table }}.</caption>
<thead><tr><th data-kind="text">{{ words.code }}</th><th data-kind="text">{{ words.name }}</th>
{% for c in columns %}<th data-kind="number">{{ c }}</th>{% endfor %}</tr></thead><tbody>
{% for r in rows %}<tr data-search="{{ r.search }}"><td data-sort="{{ r.code }}">{{ r.code }}</td>
<td data-sort="{{ r.name }}"><a href="{{ r.href }}">{{ r.name }}</a></td>
{% for cell in r.cells %}<td data-sort="{{ r.sort[loop.index0] }}">{{ cell }}</td>{% endfor %}</tr>
{% endfor %}</tbody></table></div></div>
{% if footer %}<footer>{{ footer }}</footer>{% endif %}
<script>
(function(){
var t=document.getElementById("t"),b=t.tBodies[0],q=document.getElementById("q"),
n=document.getElementById("n");
function fold(s){return s.normalize("NFD").replace(/[\\u0300-\\u036f]/g,"").toLowerCase();}
q.addEventListener("input",function(){var v=fold(q.value),k=0;
 for(var i=0;i<b.rows.length;i++){var r=b.rows[i],on=fold(r.dataset.search).indexOf(v)>=0;
  r.hidden=!on;if(on)k++;}n.textContent=k;});
Array.prototype.forEach.call(t.tHead.rows[0].cells,function(th,col){
 th.addEventListener("click",function(){
  var up=th.getAttribute("aria-sort")!=="ascending",num=th.dataset.kind==="number";
  Array.prototype.forEach.call(t.tHead.rows[0].cells,function(o){o.removeAttribute("aria-sort");});
  th.setAttribute("aria-sort",up?"ascending":"descending");
  var rows=Array.prototype.slice.call(b.rows);
  rows.sort(function(x,y){var a=x.cells[col].dataset.sort,c=y.cells[col].dataset.sort;
   if(num){a=parseFloat(a);c=parseFloat(c);var na=isNaN(a),nc=isNaN(c);
    if(na||nc)return na-nc;return up?a-c:c-a;}
   return up?a.localeCompare(c):c.localeCompare(a);});
  rows.forEach(function(r){b.appendChild(r);});});});
document.body.dataset.ready="1";
})();
</script></body></html>
"""


def svg_paths(shapes: gpd.GeoSeries, *, tolerance: float | None = None) -> tuple[dict, str, str]:
    """SVG path data of each shape, in a metric CRS, simplified for a small map.

    Returns ``({code: d}, viewBox, transform)``; the transform flips the y axis so
    that north is up.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> paths, viewbox, transform = svg_paths(
    ...     gpd.GeoSeries([box(0, 0, 10, 5)], index=["a"], crs=2154))
    >>> paths["a"], viewbox, transform
    ('M10 0L10 5L0 5L0 0L10 0Z', '0 0 10 5', 'matrix(1 0 0 -1 0 5)')
    """
    import numpy as np
    import shapely

    gdf = shapes
    if gdf.crs is not None and gdf.crs.is_geographic:
        gdf = gdf.to_crs(gdf.estimate_utm_crs())
    xmin, ymin, xmax, ymax = (float(v) for v in gdf.total_bounds)
    span = max(xmax - xmin, ymax - ymin) or 1.0
    simple = shapely.simplify(gdf.values, tolerance or span / 1500, preserve_topology=True)
    out = {}
    for code, geom in zip(gdf.index, simple, strict=True):
        if geom is None or geom.is_empty:
            continue
        parts = []
        for poly in getattr(geom, "geoms", [geom]):
            for ring in (poly.exterior, *poly.interiors):
                xy = np.asarray(ring.coords)[:, :2] - (xmin, ymin)
                parts.append("M" + "L".join(f"{x:.0f} {y:.0f}" for x, y in xy) + "Z")
        out[str(code)] = "".join(parts)
    width, height = xmax - xmin, ymax - ymin
    return out, f"0 0 {width:.0f} {height:.0f}", f"matrix(1 0 0 -1 0 {height:.0f})"


def index_page(
    rows: Sequence[Mapping[str, Any]],
    *,
    columns: Sequence[str],
    title: str,
    subtitle: str | None = None,
    footer: str | None = None,
    shapes: gpd.GeoSeries | None = None,
    lang: str = "fr",
) -> str:
    """The HTML of an atlas index.

    Parameters
    ----------
    rows
        One mapping per territory: ``code``, ``name``, ``href`` (its sheet, relative),
        ``cells`` (the texts of ``columns``), ``sort`` (their sort keys: numbers, NaN
        for missing).
    columns
        The headings of the figure columns.
    title, subtitle, footer
        Texts of the page.
    shapes
        The territories' geometries by code, drawn as a map whose territories link to
        their sheets; None: no map.
    lang
        ``fr`` or ``en``, for the page's own words.

    Examples
    --------
    >>> rows = [{"code": "69", "name": "Rhône", "href": "departement-69.html",
    ...          "cells": ["1 900 000"], "sort": [1.9e6]}]
    >>> html = index_page(rows, columns=["Population"], title="Atlas")
    >>> html.startswith("<!DOCTYPE html>"), "departement-69.html" in html
    (True, True)
    """
    import math

    from jinja2 import Environment

    from territorial.format import check_lang

    words = WORDS[check_lang(lang)]
    prepared = []
    for row in rows:
        keys = ["" if v is None or (isinstance(v, float) and math.isnan(v)) else repr(float(v))
                for v in row.get("sort", [])]  # fmt: skip
        prepared.append({
            "code": str(row["code"]), "name": str(row["name"]), "href": str(row["href"]),
            "cells": [str(c) for c in row.get("cells", [])], "sort": keys,
            "search": f"{row['code']} {row['name']}",
        })  # fmt: skip
    paths, viewbox, transform = [], "", ""
    if shapes is not None and len(shapes):
        by_code = {r["code"]: r for r in prepared}
        data, viewbox, transform = svg_paths(shapes)
        paths = [{"d": d, "href": by_code[c]["href"], "title": f"{by_code[c]['name']} ({c})"}
                 for c, d in data.items() if c in by_code]  # fmt: skip
    environment = Environment(autoescape=True)
    template = environment.from_string(_TEMPLATE)
    return template.render(
        title=title, subtitle=subtitle, footer=footer, words=words, columns=list(columns),
        rows=prepared, paths=paths, viewbox=viewbox, transform=transform,
    )  # fmt: skip
