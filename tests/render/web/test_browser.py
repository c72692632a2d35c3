"""The pages in headless Chromium (Playwright), with the network blocked.

Screenshots go to tests/_artifacts/web_*.png.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from territorial.format import format_number
from territorial.render.classify import MISSING_COLOR, classify
from territorial.render.web import web_map

pytestmark = pytest.mark.browser


def hex_rgb(color: str) -> tuple[int, int, int]:
    return tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))


def screen_point(opened, lon: float, lat: float) -> tuple[float, float]:
    return tuple(
        opened.page.evaluate(
            """([lat, lng]) => {
                const map = territorialPage.map, p = map.latLngToContainerPoint([lat, lng]);
                const r = map.getContainer().getBoundingClientRect();
                return [p.x + r.left, p.y + r.top];
            }""",
            [lat, lon],
        )
    )


def inner_points(gdf) -> dict[str, tuple[float, float]]:
    return {code: (p.x, p.y) for code, p in gdf.geometry.representative_point().items()}


def hover(opened, code: str, lonlat: tuple[float, float]):
    """Move the pointer over a territory; wait until the page shows that territory's tooltip.

    The page sets ``body[data-tw-tip]`` to the code whose tooltip is on screen: the
    wait is on that signal, never on time. What the tooltip says is for the caller to
    assert, so an escaping fault and a slow machine do not look the same.
    """
    opened.page.mouse.move(*screen_point(opened, *lonlat))
    opened.page.wait_for_selector(f'body[data-tw-tip="{code}"]')
    return opened.page.locator(".tw-tip")


def click(opened, code: str, lonlat: tuple[float, float]):
    """Click a territory; wait until its popup is open (``body[data-tw-popup]``)."""
    opened.page.mouse.click(*screen_point(opened, *lonlat))
    opened.page.wait_for_selector(f'body[data-tw-popup="{code}"]')
    return opened.page.locator(".tw-popup")


@pytest.fixture
def grid_page(tmp_path, jagged_grid):
    def build(**kwargs):
        options = {
            "specs": {
                "v1": {"label": "Valeur un", "unit": "%", "decimals": 1},
                "v2": {"label": "Valeur deux"},  # decimals from the median: 0
            },
            "peers": "dep",
            "parents": {"dep": "groupes"},
            **kwargs,
        }
        path = web_map(jagged_grid, ["v1", "v2"], **options).save(tmp_path / "grid.html")
        return path

    return build


def test_renders_class_colours_offline(grid_page, open_page, jagged_grid):
    opened = open_page(grid_page())
    shot = opened.screenshot("grid")
    image = Image.open(shot).convert("RGB")
    c = classify(jagged_grid["v1"], "quantiles", k=5, unit="%")
    pixels = np.asarray(image).reshape(-1, 3)
    counts = [int((pixels == hex_rgb(color)).all(axis=1).sum()) for color in c.colors]
    assert all(n > 1000 for n in counts), counts
    # each territory is painted with its own class colour
    for code, (lon, lat) in inner_points(jagged_grid).items():
        x, y = screen_point(opened, lon, lat)
        expected = hex_rgb(c.color_of().loc[code])
        assert image.getpixel((round(x), round(y))) == expected, code
    assert opened.blocked == []
    assert opened.errors == []


def test_legend_shows_the_class_bounds(grid_page, open_page, jagged_grid):
    opened = open_page(grid_page())
    c = classify(jagged_grid["v1"], "quantiles", k=5, unit="%")
    legend = opened.page.locator(".tw-legend")
    assert legend.locator("h4").inner_text() == "Valeur un (%)"
    assert legend.locator(".tw-label").all_inner_texts() == list(c.labels)
    swatches = legend.locator(".tw-swatch").evaluate_all(
        "els => els.map(e => getComputedStyle(e).backgroundColor)"
    )
    assert swatches == [f"rgb({r}, {g}, {b})" for r, g, b in map(hex_rgb, c.colors)]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_hover_shows_name_value_and_rank(grid_page, open_page, jagged_grid, lang):
    group_names = {"D0": "Groupe zéro", "D1": "Groupe un"}
    opened = open_page(grid_page(lang=lang, peer_names=group_names))
    code = "C12"
    tip = hover(opened, code, inner_points(jagged_grid)[code])
    row = jagged_grid.loc[code]
    ranks = jagged_grid.groupby("dep")["v1"].rank(method="min", ascending=False)
    size = int((jagged_grid["dep"] == row["dep"]).sum())
    value = format_number(row["v1"], lang=lang, decimals=1, unit="%")
    rank, group = int(ranks[code]), group_names[row["dep"]]
    assert tip.locator(".tw-name").inner_text() == row["name"]
    if lang == "fr":
        assert tip.locator(".tw-value").inner_text() == f"Valeur un\u00a0: {value}"
        assert tip.locator(".tw-rank").inner_text() == (
            f"rang {rank} sur {size} dans {group} (1 = valeur la plus élevée)"
        )
    else:
        assert tip.locator(".tw-value").inner_text() == f"Valeur un: {value}"
        assert tip.locator(".tw-rank").inner_text() == (
            f"rank {rank} of {size} in {group} (1 = highest value)"
        )
    opened.screenshot(f"hover_{lang}")


def test_layer_switcher_changes_colours_and_legend(grid_page, open_page, jagged_grid):
    opened = open_page(grid_page())
    code = "C00"
    x, y = screen_point(opened, *inner_points(jagged_grid)[code])
    c1 = classify(jagged_grid["v1"], "quantiles", k=5, unit="%")
    c2 = classify(jagged_grid["v2"], "quantiles", k=5)
    pixel = (round(x), round(y))
    before = Image.open(opened.screenshot("layer_v1")).convert("RGB").getpixel(pixel)
    assert before == hex_rgb(c1.color_of().loc[code])
    opened.page.get_by_text("Valeur deux", exact=True).click()
    opened.page.wait_for_selector("body[data-tw-layer=v2]")
    after = Image.open(opened.screenshot("layer_v2")).convert("RGB").getpixel(pixel)
    assert after == hex_rgb(c2.color_of().loc[code])
    assert before != after
    legend = opened.page.locator(".tw-legend .tw-label").all_inner_texts()
    assert legend == list(c2.labels)


def test_search_box_finds_a_territory(grid_page, open_page, tricky_names):
    opened = open_page(grid_page())
    box = opened.page.locator(".tw-search input")
    box.fill("saint etienne")  # without accents nor hyphens
    items = opened.page.locator(".tw-search li")
    assert items.all_inner_texts() == [f"{tricky_names['saint']} (C12)"]
    box.press("Enter")
    opened.page.wait_for_selector("body[data-tw-selected=C12]")
    assert opened.page.locator(".tw-tip .tw-name").inner_text() == tricky_names["saint"]
    assert box.input_value() == tricky_names["saint"]
    assert items.count() == 0
    opened.screenshot("search")


def test_escaping_cases_run_nothing(tmp_path, jagged_grid, open_page, tricky_names):
    diagnosis = pd.DataFrame(
        {"strengths": [[tricky_names["xss"]]], "weaknesses": [[tricky_names["script"]]]},
        index=["C01"],
    )
    path = web_map(
        jagged_grid,
        ["v1", "v2"],
        title=tricky_names["xss"],
        specs={"v1": {"label": tricky_names["quotes"]}, "v2": {"label": tricky_names["xss"]}},
        diagnosis=diagnosis,
        parents={"dep": tricky_names["script"]},
    ).save(tmp_path / "xss.html")
    # wide enough that the long layer labels of the switcher leave the territories uncovered
    opened = open_page(path, width=1600, height=900)
    page = opened.page
    points = inner_points(jagged_grid)
    for code, key in (("C01", "xss"), ("C02", "quotes"), ("C03", "script")):
        x, y = screen_point(opened, *points[code])
        under = page.evaluate("([x, y]) => document.elementFromPoint(x, y).className", [x, y])
        assert "leaflet-control" not in str(under), f"{code} is under a control: {under}"
        tip = hover(opened, code, points[code])
        assert tip.locator(".tw-name").inner_text() == tricky_names[key]
        assert tip.locator(".tw-code").inner_text() == f" ({code})"
    popup = click(opened, "C01", points["C01"])
    assert popup.locator("h4").inner_text() == f"{tricky_names['xss']} (C01)"
    assert popup.locator("ul.tw-strengths li").all_inner_texts() == [tricky_names["xss"]]
    assert popup.locator("ul.tw-weaknesses li").all_inner_texts() == [tricky_names["script"]]
    labels = page.locator(".leaflet-control-layers label").all_inner_texts()
    assert [s.strip() for s in labels] == [
        tricky_names["quotes"],
        tricky_names["xss"],
        f"Limites\u00a0: {tricky_names['script']}",
    ]
    assert page.locator(".tw-title").inner_text() == tricky_names["xss"]
    assert page.title() == tricky_names["xss"]
    page.locator(".tw-search input").fill("img src")
    assert page.locator(".tw-search li").all_inner_texts() == [f"{tricky_names['xss']} (C01)"]
    opened.screenshot("escaping")
    # nothing ran: no dialog, no injected element or global, no error
    assert opened.dialogs == []
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("img[src=x]").count() == 0
    assert opened.errors == []
    assert opened.blocked == []


def test_popup_lists_strengths_and_weaknesses(grid_page, open_page, jagged_grid):
    diagnosis = pd.DataFrame(
        {
            "strengths": [["Densité élevée", "Population jeune"]],
            "weaknesses": [["Peu d'élues"]],
        },
        index=["C11"],
    )
    opened = open_page(grid_page(diagnosis=diagnosis))
    popup = click(opened, "C11", inner_points(jagged_grid)["C11"])
    assert popup.locator("ul.tw-strengths li").all_inner_texts() == [
        "Densité élevée",
        "Population jeune",
    ]
    assert popup.locator("ul.tw-weaknesses li").all_inner_texts() == ["Peu d'élues"]
    row = jagged_grid.loc["C11"]
    assert popup.locator(".tw-popvalue").all_inner_texts() == [
        f"Valeur un\u00a0: {format_number(row['v1'], decimals=1, unit='%')}",
        f"Valeur deux\u00a0: {format_number(row['v2'], decimals=0)}",
    ]
    opened.screenshot("popup")


def test_basemap_is_the_only_network_use(grid_page, open_page):
    opened = open_page(grid_page(basemap=True))
    # every tile of the view was asked for (and refused: the network is blocked)
    opened.page.wait_for_selector("body[data-tw-tiles=loaded]")
    assert opened.blocked, "the basemap asks for tiles"
    assert all(url.startswith("https://tile.openstreetmap.org/") for url in opened.blocked)
    labels = opened.page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    assert [s.strip() for s in labels] == ["Limites\u00a0: groupes", "Fond de carte OpenStreetMap"]


@pytest.mark.realdata
def test_real_communes_page(tmp_path, open_page):
    from territorial.france.data import load_france

    communes = load_france("commune", progress=False)
    rhone = communes[communes["departement"].isin(["69", "01"])].copy()
    rhone["density"] = rhone["population"] / rhone["area_km2"]
    specs = {"density": {"label": "Densité", "unit": "hab./km²", "decimals": 0}}
    page = web_map(rhone, ["density"], specs=specs, parents="departement", title="Rhône et Ain")
    opened = open_page(page.save(tmp_path / "rhone.html"), width=1100, height=800)
    box = opened.page.locator(".tw-search input")
    box.fill("lyon")
    assert opened.page.locator(".tw-search li").first.inner_text() == "Lyon (69123)"
    box.press("Enter")
    opened.page.wait_for_selector("body[data-tw-selected='69123']")
    tip = opened.page.locator(".tw-tip .tw-value")
    lyon = rhone.loc["69123", "density"]
    assert tip.inner_text() == f"Densité\u00a0: {format_number(lyon, decimals=0, unit='hab./km²')}"
    opened.screenshot("lyon")
    assert opened.blocked == []


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_metric_scale_and_borders_label(grid_page, open_page, lang):
    opened = open_page(grid_page(lang=lang))
    lines = opened.page.locator(".leaflet-control-scale-line")
    assert lines.count() == 1  # no miles
    assert re.fullmatch(r"\d+ k?m", lines.first.inner_text())
    labels = opened.page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    expected = "Limites\u00a0: groupes" if lang == "fr" else "Borders: groupes"
    assert [t.strip() for t in labels] == [expected]
    assert opened.errors == []


def test_fast_pointer_ends_on_the_last_territory(grid_page, open_page, jagged_grid):
    # moves a few milliseconds apart, as a real pointer makes them: the tooltip must end
    # on the territory where the pointer stops (Leaflet's canvas kept one move per 32 ms
    # and dropped the others, the last one included)
    opened = open_page(grid_page())
    points = inner_points(jagged_grid)
    for code in ("C10", "C11", "C12", "C13", "C23", "C22", "C21", "C11"):
        opened.page.mouse.move(*screen_point(opened, *points[code]))
    opened.page.wait_for_selector('body[data-tw-tip="C11"]')
    assert opened.page.locator(".tw-tip .tw-name").inner_text() == jagged_grid.loc["C11", "name"]
    assert opened.page.evaluate("territorialPage.hovered") == jagged_grid.index.get_loc("C11")


def test_template_payloads_show_literally(tmp_path, jagged_grid, open_page, template_payloads):
    # synthetic: the grid's names, labels, unit, source, title, border and group names
    # and diagnosis carry template syntax and markup, which must show as typed
    p = template_payloads
    gdf = jagged_grid.copy()
    hovered = ["C11", "C12", "C13", "C21", "C22", "C23"]
    gdf.loc[hovered, "name"] = list(p)
    title = " ".join(p)
    specs = {
        "v1": {"label": f"{p[0]} {p[1]}", "unit": p[0], "decimals": 1, "source": p[2]},
        "v2": {"label": f"{p[3]} {p[4]} {p[5]}"},
    }
    groups = {"D0": p[0], "D1": p[1]}
    diagnosis = pd.DataFrame(
        {"strengths": [list(p[:3])], "weaknesses": [list(p[3:])]}, index=["C12"]
    )
    path = web_map(
        gdf,
        ["v1", "v2"],
        title=title,
        specs=specs,
        parents={"dep": f"{p[5]} {p[3]}"},
        peers="dep",
        peer_names=groups,
        diagnosis=diagnosis,
    ).save(tmp_path / "templates.html")
    opened = open_page(path, width=1600, height=900)
    page = opened.page
    points = inner_points(gdf)
    ranks = gdf.groupby("dep")["v1"].rank(method="min", ascending=False)
    for code, name in zip(hovered, p, strict=True):
        x, y = screen_point(opened, *points[code])
        under = page.evaluate("([x, y]) => document.elementFromPoint(x, y).className", [x, y])
        assert "leaflet-control" not in str(under), f"{code} is under a control: {under}"
        tip = hover(opened, code, points[code])
        row = gdf.loc[code]
        value = format_number(row["v1"], decimals=1, unit=p[0])
        size = int((gdf["dep"] == row["dep"]).sum())
        assert tip.locator(".tw-name").inner_text() == name
        assert tip.locator(".tw-value").inner_text() == f"{p[0]} {p[1]}\u00a0: {value}"
        assert tip.locator(".tw-rank").inner_text() == (
            f"rang {int(ranks[code])} sur {size} dans {groups[row['dep']]} "
            "(1 = valeur la plus élevée)"
        )
    legend = page.locator(".tw-legend")
    assert legend.locator("h4").inner_text() == f"{p[0]} {p[1]} ({p[0]})"
    assert legend.locator(".tw-source").inner_text() == p[2]
    labels = page.locator(".leaflet-control-layers label").all_inner_texts()
    assert [s.strip() for s in labels] == [
        specs["v1"]["label"],
        specs["v2"]["label"],
        f"Limites\u00a0: {p[5]} {p[3]}",
    ]
    popup = click(opened, "C12", points["C12"])
    assert popup.locator("h4").inner_text() == f"{p[1]} (C12)"
    assert popup.locator("ul.tw-strengths li").all_inner_texts() == list(p[:3])
    assert popup.locator("ul.tw-weaknesses li").all_inner_texts() == list(p[3:])
    assert page.locator(".tw-title").inner_text() == title
    assert page.title() == title
    opened.screenshot("templates")
    assert opened.dialogs == []
    assert opened.errors == []
    assert opened.blocked == []


@pytest.mark.parametrize(
    ("lang", "missing_text", "no_value"),
    [("fr", "Données manquantes", "n.d."), ("en", "No data", "n/a")],
)
def test_missing_values_have_their_own_colour(
    tmp_path, jagged_grid, open_page, lang, missing_text, no_value
):
    # synthetic: two territories of the grid without a value
    gdf = jagged_grid.copy()
    missing = ["C11", "C22"]
    gdf.loc[missing, "v1"] = np.nan
    specs = {"v1": {"label": "Valeur un", "unit": "%", "decimals": 1}}
    path = web_map(gdf, "v1", specs=specs, lang=lang).save(tmp_path / "missing.html")
    opened = open_page(path)
    image = Image.open(opened.screenshot(f"missing_{lang}")).convert("RGB")
    c = classify(gdf["v1"], "quantiles", k=5, unit="%", lang=lang)
    points = inner_points(gdf)
    shown = {
        code: image.getpixel(tuple(round(v) for v in screen_point(opened, *points[code])))
        for code in gdf.index
    }
    class_pixels = {shown[code] for code in gdf.index if code not in missing}
    assert class_pixels == {hex_rgb(color) for color in c.colors}
    for code in missing:
        assert shown[code] == hex_rgb(MISSING_COLOR), code
        assert shown[code] not in class_pixels, code
    legend = opened.page.locator(".tw-legend")
    assert legend.locator(".tw-label").all_inner_texts() == [*c.labels, missing_text]
    swatches = legend.locator(".tw-swatch").evaluate_all(
        "els => els.map(e => getComputedStyle(e).backgroundColor)"
    )
    expected = [*c.colors, MISSING_COLOR]
    assert swatches == [f"rgb({r}, {g}, {b})" for r, g, b in map(hex_rgb, expected)]
    tip = hover(opened, "C11", points["C11"])
    colon = "\u00a0: " if lang == "fr" else ": "
    assert tip.locator(".tw-value").inner_text() == f"Valeur un{colon}{no_value}"
    assert tip.locator(".tw-rank").count() == 0  # no rank without a value
    assert opened.errors == []


def test_switcher_keeps_labels_that_are_object_keys(tmp_path, jagged_grid, open_page):
    specs = {"v1": {"label": "constructor"}, "v2": {"label": "__proto__"}}
    path = web_map(jagged_grid, ["v1", "v2"], specs=specs).save(tmp_path / "keys.html")
    opened = open_page(path)
    labels = opened.page.locator(".leaflet-control-layers-base label").all_inner_texts()
    assert [s.strip() for s in labels] == ["constructor", "__proto__"]
    opened.page.get_by_text("__proto__", exact=True).click()
    opened.page.wait_for_selector("body[data-tw-layer=v2]")
    assert opened.page.locator(".tw-legend h4").inner_text() == "__proto__"
    assert opened.errors == []
