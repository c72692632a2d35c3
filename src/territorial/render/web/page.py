"""Interactive HTML maps: self-contained, light, safe.

:func:`web_map` turns a GeoDataFrame of territories and one or more indicator
columns into a single HTML page built on folium: a canvas choropleth with one
switchable layer per indicator (the classes and colours of the static maps),
a legend, tooltips (name, value with unit, rank), popups (all values, and the
territory's strengths and weaknesses when a diagnosis is given), a search box,
parents' borders and an optional tile basemap.

By default the page needs nothing from the network: Leaflet (from the
``django-js-lib-leaflet`` package) and territorial's script are inlined and
folium's CDN assets are left out. Geometry travels as shared arcs
(:mod:`territorial.render.web.topology`), quantised and simplified, in base64
varints. Every text from the user or the data (title, labels, names, units,
sources, diagnoses) is escaped in the JSON payload and inserted in the page as
text, never as HTML, and never goes through folium's (jinja) templates.
"""

from __future__ import annotations

import html
import json
import math
import os
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import Element, MacroElement
from jinja2 import Template

from territorial.errors import (
    ColumnNotFoundError,
    DuplicateCodeError,
    InvalidArgumentError,
    MissingCRSError,
)
from territorial.files import atomic_path
from territorial.format import auto_decimals, check_lang, spec_text
from territorial.render.classify import Classification, check_missing_color, classify
from territorial.render.web import assets
from territorial.render.web.topology import build_topology, encode_varints

__all__ = ["DIAGNOSIS_ITEMS", "TEXTS", "WebMap", "web_map"]

#: Strengths (and weaknesses) shown per territory in the popups: the first ones, the top.
DIAGNOSIS_ITEMS = 3

#: Interface texts of the page, per language.
TEXTS: dict[str, dict[str, str]] = {
    "fr": {
        "rank": "rang",
        "of": "sur",
        "peersIn": "dans",
        "colon": "\u00a0: ",
        "rankNote": "(1 = valeur la plus élevée)",
        "missing": "n.d.",
        "search": "Rechercher un territoire…",
        "strengths": "Points forts",
        "weaknesses": "Points faibles",
        "basemap": "Fond de carte OpenStreetMap",
        "borders": "Limites",
    },
    "en": {
        "rank": "rank",
        "of": "of",
        "peersIn": "in",
        "colon": ": ",
        "rankNote": "(1 = highest value)",
        "missing": "n/a",
        "search": "Search a territory…",
        "strengths": "Strengths",
        "weaknesses": "Weaknesses",
        "basemap": "OpenStreetMap basemap",
        "borders": "Borders",
    },
}

_OSM = {
    "url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    "attribution": "© OpenStreetMap contributors",
}

#: Characters written at a time by :meth:`WebMap.save`.
_CHUNK = 1 << 20

_STYLE = {"line": "#ffffff", "weight": 0.4, "lineOpacity": 0.6, "fillOpacity": 1.0}


@dataclass(frozen=True)
class WebMap:
    """An interactive map page.

    Attributes
    ----------
    html
        The whole page.
    report
        What was drawn, dropped or changed: territories without geometry,
        rings collapsed by the grid, vertices before and after simplification,
        missing values per layer, classification notes, reprojection.
    """

    html: str = field(repr=False)
    report: dict = field(default_factory=dict)

    @property
    def size_bytes(self) -> int:
        """Size of the page in bytes (UTF-8)."""
        return len(self.html.encode("utf-8"))

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the page to ``path`` (UTF-8) and return the path.

        The page is written whole or not at all: it goes to a temporary file
        beside ``path``, renamed into place once complete, so a failure part-way
        (a full disk, an interrupted process) leaves any previous page intact.

        Examples
        --------
        >>> import tempfile, geopandas as gpd, shapely
        >>> g = gpd.GeoDataFrame({"name": ["A"], "v": [1.0]}, index=["1"],
        ...     geometry=[shapely.box(0, 0, 1, 1)], crs=4326)
        >>> p = web_map(g, "v").save(Path(tempfile.mkdtemp()) / "a.html")
        >>> p.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
        True
        """
        path = Path(path)
        if path.suffix.lower() not in (".html", ".htm"):
            raise InvalidArgumentError(
                "path", str(path), "a file name ending in .html or .htm", "For example 'map.html'."
            )
        with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8", newline="") as out:
            for start in range(0, len(self.html), _CHUNK):
                out.write(self.html[start : start + _CHUNK])
        return path

    def _repr_html_(self) -> str:
        doc = html.escape(self.html, quote=True)
        return f'<iframe srcdoc="{doc}" style="width:100%;height:520px;border:0"></iframe>'


def _json_for_script(data: object) -> str:
    """JSON text safe inside a ``<script>`` element (no ``<``, ``>``, ``&``)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _spec_text(spec: object, key: str, lang: str) -> str | None:
    return spec_text(spec, key, lang)  # the one resolver of texts in a language


def _scaled_values(values: np.ndarray, decimals: int) -> list[int | None]:
    """Values rounded to ``decimals`` as integers (value x 10**decimals), None if missing.

    The page divides them back and formats them with ``decimals``, so tooltips
    show what :func:`territorial.format.format_number` shows, and the payload
    stays compact.
    """
    finite = np.isfinite(values)
    scaled = np.rint(np.where(finite, values, 0.0) * 10.0**decimals).astype(np.int64)
    return [int(v) if ok else None for v, ok in zip(scaled.tolist(), finite.tolist(), strict=True)]


def _view_bounds(geoms: gpd.GeoSeries) -> list[float]:
    """Initial view: the bounds of the territories near the main group.

    Territories far (over 15 degrees) from the median representative point,
    such as the overseas départements on a map of France, are left out of the
    initial view (they stay on the map).
    """
    bounds = geoms.bounds.to_numpy()
    cx = (bounds[:, 0] + bounds[:, 2]) / 2
    cy = (bounds[:, 1] + bounds[:, 3]) / 2
    mx, my = np.median(cx), np.median(cy)
    near = np.hypot(cx - mx, cy - my) <= 15
    if not near.any():
        near[:] = True
    b = bounds[near]
    return [float(b[:, 0].min()), float(b[:, 1].min()), float(b[:, 2].max()), float(b[:, 3].max())]


class _PageScript(MacroElement):
    """Calls territorial's script on the folium map once the page is parsed."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "territorialWeb.init({{ this._parent.get_name() }}, JSON.parse("
        "document.getElementById({{ this.data_id|tojson }}).textContent));"
        "{% endmacro %}"
    )

    def __init__(self, data_id: str) -> None:
        super().__init__()
        self._name = "TerritorialPage"
        self.data_id = data_id


def _check_frame(gdf: object) -> gpd.GeoDataFrame:
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise InvalidArgumentError(
            "gdf",
            type(gdf).__name__,
            "a GeoDataFrame of territories indexed by code",
            "Load one with territorial.load_france(...) or geopandas.read_file(...).",
        )
    if gdf.crs is None:
        raise MissingCRSError("gdf", "Set it with gdf.set_crs(...) before drawing a web map.")
    if gdf.index.has_duplicates:
        raise DuplicateCodeError("gdf", gdf.index[gdf.index.duplicated()].unique().tolist())
    return gdf


def _as_columns(columns: object) -> list[str]:
    if isinstance(columns, str):
        return [columns]
    if isinstance(columns, Sequence) and columns and all(isinstance(c, str) for c in columns):
        if len(set(columns)) != len(columns):
            raise InvalidArgumentError(
                "columns", list(columns), "distinct column names", "Remove the repeated names."
            )
        return list(columns)
    raise InvalidArgumentError(
        "columns",
        columns,
        "a column name or a non-empty list of column names",
        "For example columns=['density', 'women_councillors_share'].",
    )


def _check_distinct_labels(argument: str, labels: Mapping[str, object], fix: str) -> None:
    """Raise if two layers share a label: the switcher would show one entry for both."""
    by_label: dict[str, list[str]] = {}
    for column, label in labels.items():
        by_label.setdefault(str(label), []).append(column)
    for label, columns in by_label.items():
        if len(columns) > 1:
            raise InvalidArgumentError(
                argument,
                f"label {label!r} for columns {', '.join(map(repr, columns))}",
                "a distinct label per layer (the layer switcher tells them apart by label)",
                fix,
            )


def _check_missing_color(c: Classification, column: str, *, missing: bool, given: object) -> None:
    """Raise if territories without a value would look like those of a class."""
    if not missing:
        return
    from_user = given is not None and (not isinstance(given, Mapping) or column in given)
    check_missing_color(
        c.colors, c.missing_color, column=column,
        argument="classification" if from_user else "palette",
    )  # fmt: skip


def _classification_for(
    column: str,
    values: pd.Series,
    classification: Classification | Mapping[str, Classification] | None,
    *,
    scheme: str,
    k: int,
    palette: object,
    lang: str,
    unit: str | None,
) -> Classification:
    given = classification
    if isinstance(classification, Mapping):
        given = classification.get(column)
    if given is None:
        return classify(values, scheme, k=k, palette=palette, lang=lang, unit=unit)
    if not isinstance(given, Classification):
        raise InvalidArgumentError(
            "classification",
            type(given).__name__,
            "a Classification (from territorial.render.classify) or a dict of them by column",
            "Build one with classify(values, 'quantiles', k=5).",
        )
    return given.apply(values)


def _diagnosis_payload(diagnosis: object, codes: pd.Index) -> dict:
    if not isinstance(diagnosis, pd.DataFrame):
        raise InvalidArgumentError(
            "diagnosis",
            type(diagnosis).__name__,
            "a DataFrame indexed by territory code with 'strengths' and 'weaknesses' columns",
            "Pass the diagnosis table of territorial.diagnose.",
        )
    missing = [c for c in ("strengths", "weaknesses") if c not in diagnosis.columns]
    if missing:
        raise ColumnNotFoundError("diagnosis", missing[0], diagnosis.columns)
    out: dict[str, dict[str, list[str]]] = {}
    wanted = diagnosis.index.intersection(codes)
    for code in wanted:
        row = diagnosis.loc[code]
        entry = {}
        for kind in ("strengths", "weaknesses"):
            items = row[kind]
            if isinstance(items, str):
                items = [items]
            elif items is None or (isinstance(items, float) and math.isnan(items)):
                items = []
            entry[kind] = [str(s) for s in list(items)[:DIAGNOSIS_ITEMS]]
        out[str(code)] = entry
    return out


def web_map(
    gdf: gpd.GeoDataFrame,
    columns: str | Sequence[str],
    *,
    specs: Mapping[str, object] | None = None,
    classification: Classification | Mapping[str, Classification] | None = None,
    scheme: str = "quantiles",
    k: int = 5,
    palette: str | Sequence[str] | None = None,
    lang: str = "fr",
    name_column: str = "name",
    parents: str | Sequence[str] | Mapping[str, str] | None = None,
    peers: str | None = None,
    peer_names: Mapping[str, str] | pd.Series | None = None,
    diagnosis: pd.DataFrame | None = None,
    basemap: bool = False,
    cdn: bool = False,
    title: str | None = None,
    topology_kwds: Mapping[str, float] | None = None,
) -> WebMap:
    """Build an interactive choropleth page of territories.

    Parameters
    ----------
    gdf
        Territories indexed by code, with a CRS (reprojected to EPSG:4326 if
        needed), a name column and the indicator columns.
    columns
        One indicator column or several: each becomes a layer of the switcher,
        the first one shown.
    specs
        Indicator metadata by column (an ``IndicatorSpec`` of the catalogue or a
        dict with ``label`` (str or ``{"fr", "en"}``), ``unit``, ``source``,
        ``vintage``, ``decimals``); the column name is the label otherwise.
        Tooltips show values with ``decimals`` (else those of the
        classification, else chosen from the median value).
    classification
        A :class:`~territorial.render.classify.Classification` (or a dict of
        them by column) to reuse the classes and colours of static maps;
        computed with ``scheme``, ``k`` and ``palette`` otherwise.
    scheme, k, palette
        Options of :func:`~territorial.render.classify.classify` when
        ``classification`` is not given.
    lang
        ``"fr"`` (default) or ``"en"``: numbers, legend and interface texts.
    name_column
        Column with the territories' names (tooltips and search box).
    parents
        Parent code column(s) whose borders are drawn as a context layer
        (e.g. ``"departement"``, labelled with the column's name); a dict maps columns
        to layer labels (``{"departement": "départements"}``: the command gives the
        level's label from its source).
        Borders are taken from the shared arcs: no extra geometry is shipped.
    peers
        Column grouping the territories whose values are ranked together in
        the tooltips (e.g. ``"departement"``); all territories otherwise.
    peer_names
        Names of the peer groups by code (e.g. the départements' names), shown
        in the tooltips instead of the codes.
    diagnosis
        DataFrame indexed by code with list-of-sentences columns ``strengths``
        and ``weaknesses`` (best first), shown in the popups: the first
        :data:`DIAGNOSIS_ITEMS` (3) of each.
    basemap
        Add an OpenStreetMap tile layer (needs the network when viewed).
    cdn
        Load Leaflet from unpkg instead of inlining it (a lighter page that
        needs the network).
    title
        Title of the page and of the map.
    topology_kwds
        ``precision`` (grid step, metres, default 10) and ``tolerance``
        (simplification, metres, default 60) of
        :func:`~territorial.render.web.topology.build_topology`.

    Returns
    -------
    WebMap
        With ``.html``, ``.save(path)`` and ``.report``.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> g = gpd.GeoDataFrame(
    ...     {"name": ["A", "B"], "v": [1.0, 2.0]}, index=["1", "2"],
    ...     geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)], crs=4326)
    >>> page = web_map(g, "v", k=2, title="Essai")
    >>> page.report["features_drawn"]
    2
    """
    gdf = _check_frame(gdf)
    lang = check_lang(lang)
    cols = _as_columns(columns)
    for col in cols:
        if col not in gdf.columns:
            raise ColumnNotFoundError("columns", col, gdf.columns)
    if name_column not in gdf.columns:
        raise ColumnNotFoundError("name_column", name_column, gdf.columns)
    if isinstance(parents, str):
        parents = [parents]
    if parents is not None and not isinstance(parents, Mapping):
        parents = {p: p for p in parents}  # the caller names them: {column: label}
    for col in parents or {}:
        if col not in gdf.columns:
            raise ColumnNotFoundError("parents", col, gdf.columns)
    if peers is not None and peers not in gdf.columns:
        raise ColumnNotFoundError("peers", peers, gdf.columns)
    if not isinstance(basemap, bool):
        raise InvalidArgumentError(
            "basemap", basemap, "True or False", "Pass basemap=True to add OpenStreetMap tiles."
        )
    if not isinstance(cdn, bool):
        raise InvalidArgumentError(
            "cdn", cdn, "True or False", "Pass cdn=True to load Leaflet from unpkg."
        )
    if title is not None and not isinstance(title, str):
        raise InvalidArgumentError(
            "title", title, "a text or None", f"Pass title={str(title)!r} to show it as text."
        )
    kwds = {"precision": 10.0, "tolerance": 60.0, **(topology_kwds or {})}
    unknown = set(kwds) - {"precision", "tolerance"}
    if unknown:
        raise InvalidArgumentError(
            "topology_kwds",
            dict(topology_kwds or {}),
            "keys among 'precision' and 'tolerance'",
            f"Remove {', '.join(sorted(unknown))}.",
        )

    report: dict = {"features_in": len(gdf)}
    if gdf.crs.to_epsg() != 4326:
        report["reprojected_from"] = gdf.crs.to_string()
        gdf = gdf.to_crs(4326)
    empty = gdf.geometry.isna() | gdf.geometry.is_empty
    report["without_geometry"] = [str(c) for c in gdf.index[empty]]
    gdf = gdf[~empty]
    if len(gdf) == 0:
        raise InvalidArgumentError(
            "gdf",
            f"{len(empty)} rows without geometry",
            "at least one territory with a geometry",
            "Check the geometry column.",
        )
    geom_kind = gdf.geom_type.isin(["Polygon", "MultiPolygon"])
    if not geom_kind.all():
        bad = gdf.geom_type[~geom_kind]
        raise InvalidArgumentError(
            "gdf",
            f"{bad.iloc[0]} geometry for {bad.index[0]!r} ({len(bad)} non-areal rows)",
            "Polygon or MultiPolygon territories",
            "Web maps draw areas; keep the polygons only.",
        )

    topo = build_topology(gdf.geometry, **kwds)
    report["topology"] = topo.report
    codes = [str(c) for c in gdf.index]
    names = gdf[name_column].astype("str").fillna("").tolist()

    layers = []
    for col in cols:
        values = gdf[col]
        if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            raise InvalidArgumentError(
                "columns",
                f"{col!r} of dtype {values.dtype}",
                "numeric indicator columns",
                "Convert the column with pd.to_numeric(...) or pick a numeric one.",
            )
        spec = (specs or {}).get(col)
        label = (_spec_text(spec, "label", lang) if spec is not None else None) or col
        unit = _spec_text(spec, "unit", lang) if spec is not None else None
        source = _spec_text(spec, "source", lang) if spec is not None else None
        vintage = _spec_text(spec, "vintage", lang) if spec is not None else None
        values = values.astype("float64")
        c = _classification_for(
            col, values, classification, scheme=scheme, k=k, palette=palette, lang=lang, unit=unit
        )
        arr = values.to_numpy()
        finite = arr[np.isfinite(arr)]
        _check_missing_color(c, col, missing=finite.size < arr.size, given=classification)
        spec_decimals = _spec_text(spec, "decimals", lang) if spec is not None else None
        if spec_decimals is not None:
            decimals = int(spec_decimals)
        elif c.decimals is not None:
            decimals = c.decimals
        else:  # as format_number would choose for a typical (median) value
            decimals = auto_decimals(float(np.median(np.abs(finite)))) if finite.size else 0
        classes = c.classes.reindex(gdf.index).fillna(-1).astype("int64").to_numpy()
        class_text = "".join(np.where(classes >= 0, classes + 48, 45).astype(np.uint8).view("S1")
                             .astype(str))  # fmt: skip
        legend = [list(item) for item in c.legend_items()]
        src = ", ".join(s for s in (source, vintage) if s)
        layers.append(
            {
                "id": col,
                "label": label,
                "unit": unit,
                "decimals": int(decimals),
                "classes": class_text,
                "colors": list(c.colors),
                "missingColor": c.missing_color,
                "legend": legend,
                "source": src or None,
                "values": _scaled_values(arr, int(decimals)),  # x 10**decimals
            }
        )
        report.setdefault("layers", {})[col] = {
            "missing": int((~np.isfinite(arr)).sum()),
            "classes": list(c.labels),
            "counts": list(c.counts),
            "notes": list(c.notes),
        }

    _check_distinct_labels(
        "specs",
        {layer["id"]: layer["label"] for layer in layers},
        "Give each column its own label in specs, e.g. {'v1': {'label': 'Density 2020'}}.",
    )
    if parents:
        _check_distinct_labels("parents", dict(parents), "Give each parent column its own label.")
    data: dict = {
        "title": title,
        "lang": lang,
        "texts": TEXTS[lang],
        "style": {**_STYLE, "fillOpacity": 0.7 if basemap else 1.0},
        "view": _view_bounds(gdf.geometry),
        "codes": codes,
        "names": names,
        "layers": layers,
        "topology": topo.encode(),
    }
    if parents:
        data["parents"] = []
        for col, label in parents.items():
            ids = topo.mesh(gdf[col].astype("str").to_numpy())
            data["parents"].append(
                {
                    "label": f"{TEXTS[lang]['borders']}{TEXTS[lang]['colon']}{label}",
                    "arcs": encode_varints(np.diff(ids, prepend=0)),
                    "color": "#333333",
                    "weight": 1.2,
                }
            )
    if peers is not None:
        keys = gdf[peers].astype("str").fillna("")
        labels, inverse = np.unique(keys.to_numpy(), return_inverse=True)
        names_of = dict(peer_names.items()) if peer_names is not None else {}
        shown = [str(names_of.get(code, code)) for code in labels.tolist()]
        data["peers"] = {"column": peers, "labels": shown, "keys": inverse.tolist()}
    if diagnosis is not None:
        data["diagnosis"] = _diagnosis_payload(diagnosis, gdf.index)
        report["diagnosis_matched"] = len(data["diagnosis"])
        report["diagnosis_unmatched"] = [
            str(c) for c in diagnosis.index.difference(gdf.index.intersection(diagnosis.index))
        ]
    if basemap:
        data["basemap"] = {**_OSM, "label": TEXTS[lang]["basemap"]}

    payload = _json_for_script(data)
    report["features_drawn"] = int(
        sum(1 for f in range(len(codes)) if topo.feature_rings[f + 1] > topo.feature_rings[f])
    )
    page = _render(payload, title=title, cdn=cdn, basemap=basemap, view=data["view"])
    return WebMap(html=page, report=report)


def _render(payload: str, *, title: str | None, cdn: bool, basemap: bool, view: list) -> str:
    fmap = folium.Map(
        location=[(view[1] + view[3]) / 2, (view[0] + view[2]) / 2],
        zoom_start=6,
        tiles=None,
        prefer_canvas=True,
        control_scale=False,  # the page adds a metric-only scale (territorial_web.js)
    )
    # folium's default assets come from CDNs (jquery, bootstrap, awesome markers, leaflet):
    # the page needs Leaflet only, inlined or from one CDN.
    fmap.default_js = []
    fmap.default_css = []
    root = fmap.get_root()
    head = root.header
    # branca compiles every Element's text as a jinja template: no text from a user or
    # the data may go through it (a title "{{ 7*7 }}" would print 49, and worse). Such
    # texts, and the big ones (Leaflet, the data), go into the page through slots: a
    # marker rendered by branca, replaced after rendering, in one pass that never
    # looks at what it inserts.
    token = f"tw{uuid.uuid4().hex}"
    parts: dict[str, str] = {}

    def slot(name: str, content: str) -> Element:
        parts[f"<!--{token}-{name}-->"] = content
        return Element(f"<!--{token}-{name}-->")

    if title:
        head.add_child(slot("title", f"<title>{html.escape(title)}</title>"), name="tw_title")
    if cdn:
        js_url, css_url = assets.leaflet_cdn()
        head.add_child(slot("lcss", f'<link rel="stylesheet" href="{css_url}"/>'), name="tw_lcss")
        head.add_child(slot("ljs", f'<script src="{js_url}"></script>'), name="tw_ljs")
    else:
        head.add_child(slot("lcss", f"<style>{assets.leaflet_css()}</style>"), name="tw_lcss")
        head.add_child(slot("ljs", f"<script>{assets.leaflet_js()}</script>"), name="tw_ljs")
    head.add_child(slot("css", f"<style>{assets.own_css()}</style>"), name="tw_css")
    head.add_child(slot("js", f"<script>{assets.own_js()}</script>"), name="tw_js")
    data_id = f"tw-data-{fmap.get_name()}"
    root.html.add_child(
        slot("data", f'<script type="application/json" id="{data_id}">{payload}</script>'),
        name="tw_data",
    )
    fmap.add_child(_PageScript(data_id))
    rendered = root.render()
    seen: list[str] = []

    def fill(match: re.Match) -> str:
        seen.append(match.group(0))
        return parts[match.group(0)]

    text = re.sub(f"<!--{token}-[a-z]+-->", fill, rendered)
    if sorted(seen) != sorted(parts):  # pragma: no cover - folium changed its template
        raise RuntimeError(f"folium dropped or repeated page elements: {sorted(seen)}")
    return text
