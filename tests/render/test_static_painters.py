"""The painters registry behind map_territories and the registry of classification schemes."""

from __future__ import annotations

import warnings

import mapclassify
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from territorial.render import classify, map_info, map_territories
from territorial.render.classify import (
    SCHEME_BINS,
    SCHEMES,
    _fisher_jenks,
    normalize_scheme,
)
from territorial.render.static import KINDS, get_theme
from territorial.render.static.painters import PAINTERS, Fills, MapOptions, Painter


def _territory_faces(fig) -> dict[str, str]:
    """Face colour of each territory code in the main panel."""
    ax = map_info(fig).panels["main"]
    (col,) = [c for c in ax.collections if c.get_gid() == "territorial:territories"]
    faces = [to_hex(c) for c in col.get_facecolors()]
    pairs = zip(col.territory_codes, faces, strict=True)
    return {code: face for codes, face in pairs for code in codes}


def test_kinds_are_the_registered_painters():
    assert KINDS == tuple(PAINTERS) == ("choropleth", "symbols", "typology", "gap")
    assert all(painter.kind == kind for kind, painter in PAINTERS.items())
    assert [PAINTERS[k].k_default for k in KINDS] == [5, 5, 5, 6]
    assert [k for k in KINDS if PAINTERS[k].draws_symbols] == ["symbols"]


@pytest.mark.parametrize(
    ("kind", "extra"),
    [
        ("choropleth", {"k": 3}),
        ("gap", {"reference": 50.0}),
        ("symbols", {"choropleth": "value"}),
        ("typology", {}),
    ],
)
def test_map_fills_each_territory_with_its_painters_colour(grid, kind, extra):
    column = {"symbols": "stock", "typology": "name"}.get(kind, "value")
    data = grid.head(8) if kind == "typology" else grid
    fig = map_territories(data, column, kind=kind, insets=None, **extra)
    options = MapOptions(data, column, get_theme(None), **extra)
    fills = PAINTERS[kind].fills(options)
    codes = data.index.astype(str)
    expected = {c: fills.colors[k] for c, k in zip(codes, fills.classes, strict=True) if k >= 0}
    assert _territory_faces(fig) == expected
    assert map_info(fig).kind == kind


def test_map_territories_dispatches_to_a_registered_painter(grid, monkeypatch):
    class Halves(Painter):
        kind = "halves"

        def fills(self, options: MapOptions) -> Fills:
            n = len(options.gdf)
            classes = (np.arange(n) >= n // 2).astype("int64")
            return Fills(classes, ["#000000", "#ffffff"], [("a", "#000000"), ("b", "#ffffff")])

    monkeypatch.setitem(PAINTERS, "halves", Halves())
    fig = map_territories(grid, "value", kind="halves", insets=None)
    faces = _territory_faces(fig)
    assert [faces[f"T{i:02d}"] for i in (0, 14, 15, 29)] == ["#000000"] * 2 + ["#ffffff"] * 2
    legend = map_info(fig).legend
    assert [t.get_text() for t in legend.get_texts()] == ["a", "b"]


def test_every_scheme_has_a_bins_function():
    assert tuple(SCHEME_BINS) == SCHEMES
    assert [normalize_scheme(s) for s in SCHEMES] == list(SCHEMES)


@pytest.mark.parametrize(
    ("scheme", "make"),
    [
        ("quantiles", lambda x: mapclassify.Quantiles(x, k=5)),
        ("equal_interval", lambda x: mapclassify.EqualInterval(x, k=5)),
        ("headtail_breaks", lambda x: mapclassify.HeadTailBreaks(x)),
        ("std_mean", lambda x: mapclassify.StdMean(x)),
        ("box_plot", lambda x: mapclassify.BoxPlot(x)),
    ],
)
def test_mapclassify_schemes_give_mapclassify_breaks(scheme, make):
    x = np.random.default_rng(3).lognormal(3.0, 1.0, 400)
    expected = np.asarray(make(x).bins)
    expected = np.unique(expected[expected >= x.min()])  # empty classes below the minimum go
    assert np.array_equal(np.asarray(classify(pd.Series(x), scheme, k=5).bins), expected)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fisher_jenks_breaks_are_mapclassify_fisher_jenks_on_distinct_values(seed):
    # ours runs in numpy; mapclassify's needs numba (not a dependency) to be fast
    x = np.unique(np.random.default_rng(seed).lognormal(3.0, 1.0, 150).round(3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Numba not installed. Using slow pure python version."
        expected = mapclassify.FisherJenks(x, k=5).bins
    assert np.array_equal(_fisher_jenks(np.sort(x), 5), expected)
    assert classify(pd.Series(x), "fisher_jenks", k=5).bins == tuple(expected)


def test_head_tail_breaks_keep_the_maximum_inside_the_last_class():
    # the mean of three equal values is one rounding below them
    value = 699051.4628669887
    assert np.mean([value] * 3) < value
    c = classify(pd.Series([0.0, value, value, value]), "headtail_breaks", k=2)
    assert c.bins == (524288.5971502415, value)
    assert c.classes.tolist() == [0, 1, 1, 1]
