"""The page builder without a browser: payload, assets, escaping, errors."""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from territorial.errors import (
    ColumnNotFoundError,
    DuplicateCodeError,
    InvalidArgumentError,
    MissingCRSError,
)
from territorial.render.classify import classify
from territorial.render.web import web_map
from territorial.render.web.assets import leaflet_css, leaflet_js
from territorial.render.web.topology import decode_varints


def payload(page) -> dict:
    match = re.search(
        r'<script type="application/json" id="[^"]+">(.*?)</script>', page.html, re.S
    )
    return json.loads(match.group(1))


def test_offline_page_fetches_nothing(jagged_grid):
    page = web_map(jagged_grid, ["v1", "v2"])
    # Leaflet inlined; outside it (its attribution is a plain link), no attribute points
    # to the network, and folium's CDN assets are left out
    assert leaflet_js() in page.html
    rest = page.html.replace(leaflet_js(), "")
    assert re.findall(r'(?:src|href)\s*=\s*["\']?(?:https?:)?//', rest) == []
    for cdn in ("jquery", "bootstrap", "awesome-markers", "cdn.jsdelivr", "unpkg"):
        assert cdn not in page.html
    assert leaflet_js()[:2000] in page.html
    assert "url(images/" not in leaflet_css()
    assert "data:image/png;base64," in page.html


def test_cdn_page_loads_leaflet_from_unpkg(jagged_grid):
    offline = web_map(jagged_grid, "v1")
    online = web_map(jagged_grid, "v1", cdn=True)
    assert '<script src="https://unpkg.com/leaflet@1.9.4/dist/leaflet.js"></script>' in online.html
    assert 'href="https://unpkg.com/leaflet@1.9.4/dist/leaflet.css"' in online.html
    assert leaflet_js()[:2000] not in online.html
    assert online.size_bytes < offline.size_bytes - 140_000


def test_payload_values_classes_and_legend(jagged_grid):
    c = classify(jagged_grid["v2"], "equal_interval", k=4, lang="en")
    page = web_map(jagged_grid, ["v1", "v2"], classification={"v2": c}, lang="en")
    data = payload(page)
    assert data["codes"] == jagged_grid.index.tolist()
    assert data["names"] == jagged_grid["name"].tolist()
    v2 = data["layers"][1]
    assert v2["legend"] == [list(item) for item in c.legend_items()]
    assert [int(ch) for ch in v2["classes"]] == c.classes.tolist()
    assert v2["colors"] == list(c.colors)
    # values travel rounded to the decimals shown (here 0 above 100)
    assert v2["decimals"] == 0
    assert v2["values"] == [round(v) for v in jagged_grid["v2"]]
    assert data["texts"]["rank"] == "rank"


def test_topology_in_payload_round_trips(jagged_grid):
    data = payload(web_map(jagged_grid, "v1", topology_kwds={"tolerance": 0, "precision": 1}))
    topo = data["topology"]
    lengths = decode_varints(topo["arcLengths"])
    deltas = decode_varints(topo["arcs"]).reshape(-1, 2)
    points = np.cumsum(deltas, axis=0) * topo["step"] + topo["origin"]
    assert len(points) == lengths.sum()
    original = shapely.get_coordinates(jagged_grid.geometry.values)
    # every decoded point is an original vertex (to the grid step)
    d = np.abs(points[:, None, :] - original[None, :, :]).max(axis=2).min(axis=1)
    assert d.max() <= topo["step"] / 2 + 1e-12


def test_data_texts_are_escaped(jagged_grid, tricky_names):
    diagnosis = pd.DataFrame(
        {"strengths": [["<b>fort</b> & sûr"]], "weaknesses": [[tricky_names["script"]]]},
        index=["C00"],
    )
    page = web_map(
        jagged_grid,
        "v1",
        title=tricky_names["xss"],
        specs={"v1": {"label": tricky_names["script"], "unit": "<u>"}},
        diagnosis=diagnosis,
    )
    for raw in (tricky_names["xss"], tricky_names["script"], "<b>fort</b>", "<u>"):
        assert raw not in page.html
    assert "<title>&lt;img src=x onerror=alert(1)&gt;</title>" in page.html
    data = payload(page)
    assert data["names"][1:4] == [
        tricky_names["xss"],
        tricky_names["quotes"],
        tricky_names["script"],
    ]
    assert data["diagnosis"]["C00"]["strengths"] == ["<b>fort</b> & sûr"]


def test_report_says_what_was_drawn_and_dropped(jagged_grid):
    gdf = jagged_grid.copy()
    gdf.loc["C00", "v1"] = np.nan
    extra = gpd.GeoDataFrame(
        {"name": ["Vide"], "v1": [1.0]}, index=["X"], geometry=[None], crs=4326
    )
    gdf = pd.concat([gdf, extra])
    page = web_map(gdf.to_crs(2154), "v1", parents=["dep"])
    report = page.report
    assert report["features_in"] == 21
    assert report["without_geometry"] == ["X"]
    assert report["features_drawn"] == 20
    assert report["reprojected_from"] == "EPSG:2154"
    assert report["layers"]["v1"]["missing"] == 1
    assert sum(report["layers"]["v1"]["counts"]) == 19
    assert report["topology"]["arcs_shared"] >= 31


def test_save_writes_utf8(tmp_path, jagged_grid, tricky_names):
    path = web_map(jagged_grid, "v1").save(tmp_path / "grid.html")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert tricky_names["saint"] in text


def test_popups_keep_the_top_three_strengths(jagged_grid):
    diagnosis = pd.DataFrame(
        {"strengths": [[f"s{i}" for i in range(5)], []], "weaknesses": [["w0"], ["w1"]]},
        index=["C00", "ZZ"],
    )
    page = web_map(jagged_grid, "v1", diagnosis=diagnosis)
    assert payload(page)["diagnosis"] == {
        "C00": {"strengths": ["s0", "s1", "s2"], "weaknesses": ["w0"]}
    }
    assert page.report["diagnosis_matched"] == 1
    assert page.report["diagnosis_unmatched"] == ["ZZ"]


def test_notebook_display_is_an_escaped_iframe(jagged_grid):
    page = web_map(jagged_grid, "v1", title="A & B")
    shown = page._repr_html_()
    assert shown.startswith('<iframe srcdoc="&lt;!DOCTYPE html&gt;')
    assert "<title>" not in shown
    assert "&lt;title&gt;A &amp;amp; B&lt;/title&gt;" in shown


def _message(exc_type, func, *args, **kwargs) -> str:
    with pytest.raises(exc_type) as err:
        func(*args, **kwargs)
    return str(err.value)


def test_errors_name_argument_value_and_fix(jagged_grid, tmp_path):
    msg = _message(InvalidArgumentError, web_map, pd.DataFrame({"a": [1]}), "a")
    assert msg == (
        "gdf='DataFrame' is not valid: expected a GeoDataFrame of territories indexed by code. "
        "Load one with territorial.load_france(...) or geopandas.read_file(...)."
    )
    no_crs = jagged_grid.set_crs(None, allow_override=True)
    msg = _message(MissingCRSError, web_map, no_crs, "v1")
    assert msg == (
        "gdf has no CRS; territorial never guesses one. "
        "Set it with gdf.set_crs(...) before drawing a web map."
    )
    dup = pd.concat([jagged_grid.iloc[:2], jagged_grid.iloc[:1]])
    msg = _message(DuplicateCodeError, web_map, dup, "v1")
    assert msg == (
        "gdf has duplicated territory codes: 'C00'. Aggregate the rows first "
        "(e.g. df.groupby(code).sum()) or keep one row per code."
    )
    msg = _message(ColumnNotFoundError, web_map, jagged_grid, ["v1", "v3"])
    assert msg == (
        "columns='v3' is not a column of the data. "
        "Available columns: 'name', 'v1', 'v2', 'dep', 'geometry'."
    )
    msg = _message(ColumnNotFoundError, web_map, jagged_grid, "v1", name_column="nom")
    assert msg.startswith("name_column='nom' is not a column of the data.")
    msg = _message(ColumnNotFoundError, web_map, jagged_grid, "v1", parents="region")
    assert msg.startswith("parents='region' is not a column of the data.")
    msg = _message(ColumnNotFoundError, web_map, jagged_grid, "v1", peers="region")
    assert msg.startswith("peers='region' is not a column of the data.")
    msg = _message(InvalidArgumentError, web_map, jagged_grid, "name")
    assert msg == (
        "columns=\"'name' of dtype str\" is not valid: expected numeric indicator columns. "
        "Convert the column with pd.to_numeric(...) or pick a numeric one."
    )
    msg = _message(InvalidArgumentError, web_map, jagged_grid, [])
    assert msg == (
        "columns=[] is not valid: expected a column name or a non-empty list of column names. "
        "For example columns=['density', 'women_councillors_share']."
    )
    msg = _message(InvalidArgumentError, web_map, jagged_grid, ["v1", "v1"])
    assert msg == (
        "columns=['v1', 'v1'] is not valid: expected distinct column names. "
        "Remove the repeated names."
    )
    msg = _message(InvalidArgumentError, web_map, jagged_grid, "v1", basemap="osm")
    assert msg == (
        "basemap='osm' is not valid: expected True or False. "
        "Pass basemap=True to add OpenStreetMap tiles."
    )
    msg = _message(InvalidArgumentError, web_map, jagged_grid, "v1", topology_kwds={"tol": 5})
    assert msg == (
        "topology_kwds={'tol': 5} is not valid: expected keys among 'precision' and "
        "'tolerance'. Remove tol."
    )
    msg = _message(InvalidArgumentError, web_map, jagged_grid, "v1", classification="q")
    assert msg == (
        "classification='str' is not valid: expected a Classification (from "
        "territorial.render.classify) or a dict of them by column. "
        "Build one with classify(values, 'quantiles', k=5)."
    )
    msg = _message(InvalidArgumentError, web_map, jagged_grid, "v1", diagnosis=["x"])
    assert msg == (
        "diagnosis='list' is not valid: expected a DataFrame indexed by territory code with "
        "'strengths' and 'weaknesses' columns. Pass the diagnosis table of territorial.diagnose."
    )
    msg = _message(
        ColumnNotFoundError, web_map, jagged_grid, "v1", diagnosis=pd.DataFrame({"strengths": []})
    )
    assert (
        msg
        == "diagnosis='weaknesses' is not a column of the data. Available columns: 'strengths'."
    )
    lines = jagged_grid.copy()
    lines.loc["C00", "geometry"] = shapely.LineString([(0, 0), (1, 1)])
    msg = _message(InvalidArgumentError, web_map, lines, "v1")
    assert msg == (
        "gdf=\"LineString geometry for 'C00' (1 non-areal rows)\" is not valid: expected "
        "Polygon or MultiPolygon territories. Web maps draw areas; keep the polygons only."
    )
    empty = jagged_grid.copy()
    empty["geometry"] = None
    msg = _message(InvalidArgumentError, web_map, empty.set_crs(4326, allow_override=True), "v1")
    assert msg == (
        "gdf='20 rows without geometry' is not valid: expected at least one territory with a "
        "geometry. Check the geometry column."
    )
    msg = _message(InvalidArgumentError, web_map(jagged_grid, "v1").save, tmp_path / "a.png")
    assert msg == (
        f"path={str(tmp_path / 'a.png')!r} is not valid: expected a file name ending in .html "
        "or .htm. For example 'map.html'."
    )
    msg = _message(InvalidArgumentError, web_map, jagged_grid, "v1", lang="de")
    assert msg == "lang='de' is not valid: expected 'fr' or 'en'. Pass lang='fr' or lang='en'."


@pytest.mark.realdata
def test_all_communes_with_three_indicators_stay_small():
    from territorial.france import compute_france
    from territorial.france.data import load_france

    ids = ["density", "women_councillors_share", "median_age_councillors"]
    table = compute_france("commune", indicators=ids)
    gdf = table.wide.join(load_france("commune", progress=False)[["departement"]])
    page = web_map(
        gdf,
        ids,
        specs={i: table.catalogue[i] for i in ids},
        parents="departement",
        peers="departement",
    )
    assert page.size_bytes <= 8_000_000
    # the four communes without geometry are rows of the table, reported, not drawn
    assert len(gdf) == 34_875 and page.report["features_drawn"] == 34_871
    assert page.report["topology"]["rings_dropped"] == 0
    assert sorted(page.report["without_geometry"]) == ["15031", "15035", "15047", "15171"]
    data = payload(page)
    assert [layer["id"] for layer in data["layers"]] == ids
    assert all(len(layer["values"]) == 34_871 for layer in data["layers"])  # those drawn


def test_template_payloads_are_never_evaluated(jagged_grid, template_payloads):
    # synthetic: every text a user or the data gives carries each payload
    for text in template_payloads:
        gdf = jagged_grid.copy()
        gdf.loc["C00", "name"] = text
        page = web_map(
            gdf,
            ["v1", "v2"],
            title=text,
            specs={
                "v1": {"label": text, "unit": text, "source": text, "vintage": text},
                "v2": {"label": f"{text} (2)"},
            },
            parents={"dep": text},
            peers="dep",
            peer_names={"D0": text},
            diagnosis=pd.DataFrame({"strengths": [[text]], "weaknesses": [[text]]}, index=["C00"]),
        )
        titles = re.findall(r"<title>(.*?)</title>", page.html, re.S)
        assert titles == [html.escape(text)], text
        data = payload(page)
        assert data["title"] == text
        assert data["names"][0] == text
        v1 = data["layers"][0]
        assert (v1["label"], v1["unit"], v1["source"]) == (text, text, f"{text}, {text}")
        assert data["layers"][1]["label"] == f"{text} (2)"
        assert data["parents"][0]["label"] == f"Limites\u00a0: {text}"
        assert data["peers"]["labels"][0] == text
        assert data["diagnosis"]["C00"] == {"strengths": [text], "weaknesses": [text]}
    assert "<title>49" not in page.html
    assert f"<title>{os.getpid()}" not in page.html


def test_texts_only_reach_the_page_as_title_and_data(jagged_grid):
    # what branca renders is the same whatever the title, labels, names, units, sources,
    # border and group names and diagnosis say: those texts reach the page only as the
    # escaped <title> and in the JSON data, never through a template
    def page(text: str) -> str:
        gdf = jagged_grid.assign(name=[f"{text} {i}" for i in range(len(jagged_grid))])
        return web_map(
            gdf,
            ["v1", "v2"],
            title=text,
            specs={"v1": {"label": text, "unit": text, "source": text}, "v2": {"label": "2"}},
            parents={"dep": text},
            peers="dep",
            peer_names={"D0": text},
            diagnosis=pd.DataFrame({"strengths": [[text]], "weaknesses": [[text]]}, index=["C00"]),
        ).html

    def masked(text: str) -> str:
        text = re.sub(r"<title>.*?</title>", "<title/>", text)
        text = re.sub(
            r'<script type="application/json" id="[^"]+">.*?</script>', "", text, flags=re.S
        )
        return re.sub(r"(map|tw-data-map)_[0-9a-f]{32}", "ID", text)

    plain = page("T")
    templated = page("{{ 7*7 }}{% if 1 %}x{% endif %}")
    assert masked(plain) == masked(templated)
    assert "<title>{{ 7*7 }}{% if 1 %}x{% endif %}</title>" in templated


def test_save_is_atomic(tmp_path, jagged_grid, monkeypatch):
    target = tmp_path / "page.html"
    first = web_map(jagged_grid, "v1", title="first")
    first.save(target)
    real_open = Path.open

    class HalfWriter:
        """A file that takes a part of what is written, then fails like a full disk."""

        def __init__(self, handle):
            self.handle = handle

        def write(self, text):
            self.handle.write(text[: len(text) // 2])
            raise OSError(28, "No space left on device")

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

    def failing_open(self, *args, **kwargs):
        return HalfWriter(real_open(self, *args, **kwargs))

    monkeypatch.setattr(Path, "open", failing_open)
    second = web_map(jagged_grid, "v2", title="second")
    with pytest.raises(OSError, match="No space left on device"):
        second.save(target)
    monkeypatch.undo()
    assert target.read_bytes() == first.html.encode("utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]  # no temporary left
    second.save(target)
    assert target.read_bytes() == second.html.encode("utf-8")


def test_layers_with_the_same_label_are_refused(jagged_grid):
    specs = {"v1": {"label": "Densité"}, "v2": {"label": "Densité"}}
    msg = _message(InvalidArgumentError, web_map, jagged_grid, ["v1", "v2"], specs=specs)
    assert msg == (
        "specs=\"label 'Densité' for columns 'v1', 'v2'\" is not valid: expected a distinct "
        "label per layer (the layer switcher tells them apart by label). Give each column "
        "its own label in specs, e.g. {'v1': {'label': 'Density 2020'}}."
    )
    # a column named like another's label
    msg = _message(
        InvalidArgumentError, web_map, jagged_grid, ["v1", "v2"], specs={"v1": {"label": "v2"}}
    )
    assert msg.startswith("specs=\"label 'v2' for columns 'v1', 'v2'\" is not valid")
    gdf = jagged_grid.assign(dep2=jagged_grid["dep"])
    msg = _message(
        InvalidArgumentError, web_map, gdf, "v1", parents={"dep": "groupes", "dep2": "groupes"}
    )
    assert msg == (
        "parents=\"label 'groupes' for columns 'dep', 'dep2'\" is not valid: expected a "
        "distinct label per layer (the layer switcher tells them apart by label). Give each "
        "parent column its own label."
    )


def test_missing_colour_equal_to_a_class_colour_is_refused(jagged_grid):
    gdf = jagged_grid.copy()
    gdf.loc["C00", "v1"] = np.nan
    colors = ["#ffffff", "#D9D9D9", "#000000"]
    msg = _message(InvalidArgumentError, web_map, gdf, "v1", k=3, palette=colors)
    assert msg == (
        "palette=['#ffffff', '#d9d9d9', '#000000'] is not valid: expected class colours that "
        "differ from the missing-value colour #d9d9d9. Territories without a value of 'v1' "
        "would look like those of class 2: choose other class colours."
    )
    c = classify(gdf["v1"], "quantiles", k=3, palette=colors)
    msg = _message(InvalidArgumentError, web_map, gdf, "v1", classification={"v1": c})
    assert msg.startswith("classification=['#ffffff', '#d9d9d9', '#000000'] is not valid")
    # without missing values, nothing looks missing: the palette is fine
    assert web_map(jagged_grid, "v1", k=3, palette=colors).report["layers"]["v1"]["missing"] == 0


def test_title_and_cdn_are_checked(jagged_grid):
    msg = _message(InvalidArgumentError, web_map, jagged_grid, "v1", title=2024)
    assert msg == (
        "title=2024 is not valid: expected a text or None. Pass title='2024' to show it as text."
    )
    msg = _message(InvalidArgumentError, web_map, jagged_grid, "v1", cdn="yes")
    assert msg == (
        "cdn='yes' is not valid: expected True or False. Pass cdn=True to load Leaflet from unpkg."
    )
