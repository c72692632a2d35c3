"""Tests of the shared classification (synthetic values built in each test)."""

from __future__ import annotations

import dataclasses

import mapclassify
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib import colormaps
from matplotlib.colors import to_hex, to_rgb

from territorial.errors import InvalidArgumentError, TerritorialError
from territorial.render.classify import (
    MISSING_COLOR,
    SCHEMES,
    Classification,
    _fisher_jenks,
    classify,
    classify_diverging,
    normalize_scheme,
    palette_colors,
)

NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.fixture
def values() -> pd.Series:
    """Synthetic skewed values with two missing ones, indexed by fake codes."""
    rng = np.random.default_rng(42)
    v = rng.lognormal(3, 1, 200)
    v[[5, 50]] = np.nan
    return pd.Series(v, index=[f"C{i:03d}" for i in range(200)], name="density")


@pytest.mark.parametrize(
    ("scheme", "reference"),
    [
        ("quantiles", lambda y: mapclassify.Quantiles(y, k=5)),
        ("equal_interval", lambda y: mapclassify.EqualInterval(y, k=5)),
        ("headtail_breaks", lambda y: mapclassify.HeadTailBreaks(y)),
        ("box_plot", lambda y: mapclassify.BoxPlot(y)),
    ],
)
def test_classes_match_mapclassify(values, scheme, reference):
    c = classify(values, scheme, k=5)
    valid = values.dropna()
    ref = reference(valid.to_numpy())
    ref_bins = np.asarray(ref.bins)
    ref_bins = ref_bins[ref_bins >= valid.min()]  # box_plot's empty low-outlier class
    assert c.bins == pytest.approx(tuple(ref_bins))
    # same class for every territory, checked against searchsorted on mapclassify's bins
    expected = np.searchsorted(ref_bins, valid.to_numpy(), side="left")
    assert c.classes[valid.index].tolist() == expected.tolist()
    assert c.classes[values.isna()].tolist() == [-1, -1]
    assert sum(c.counts) == len(valid)
    assert c.n_missing == 2


@pytest.mark.parametrize("k", [2, 3, 7, 9])
@pytest.mark.parametrize(
    ("scheme", "reference"),
    [
        ("quantiles", lambda y, k: mapclassify.Quantiles(y, k=k)),
        ("equal_interval", lambda y, k: mapclassify.EqualInterval(y, k=k)),
        ("fisher_jenks", lambda y, k: mapclassify.FisherJenks(y, k=k)),
    ],
)
# mapclassify warns that numba (optional, not installed) would make FisherJenks faster
@pytest.mark.filterwarnings("ignore:Numba not installed:UserWarning")
def test_classify_front_door_matches_mapclassify_for_every_k(values, scheme, reference, k):
    """classify() itself (not a helper) against mapclassify's class for the same data."""
    c = classify(values, scheme, k=k)
    ref = reference(values.dropna().to_numpy(), k)
    assert c.k == k == len(ref.bins)
    assert c.bins == pytest.approx(tuple(ref.bins))
    assert c.counts == tuple(int(n) for n in ref.counts)
    valid = values.dropna()
    assert c.classes[valid.index].tolist() == ref.yb.tolist()


def test_std_mean_matches_mapclassify(values):
    c = classify(values, "std_mean")
    ref = mapclassify.StdMean(values.dropna().to_numpy())
    kept = np.asarray(ref.bins)[np.asarray(ref.bins) >= values.min()]
    assert c.bins == pytest.approx(tuple(kept))
    assert sum(c.counts) == 198


def test_natural_breaks_matches_mapclassify_on_separate_clusters():
    """Three well-separated synthetic clusters: every k-means run finds them, so our seeded
    natural breaks and mapclassify's NaturalBreaks give the same upper bounds."""
    rng = np.random.default_rng(3)
    y = np.concatenate([rng.uniform(0, 1, 20), rng.uniform(10, 11, 15), rng.uniform(50, 51, 5)])
    c = classify(pd.Series(y), "natural_breaks", k=3)
    ref = mapclassify.NaturalBreaks(y, k=3)
    assert c.bins == pytest.approx(tuple(ref.bins))
    assert c.counts == (20, 15, 5) == tuple(int(n) for n in ref.counts)


def test_std_mean_drops_empty_classes_below_minimum():
    v = pd.Series([1.0, 1.1, 1.2, 1.3, 50.0])
    c = classify(v, "std_mean")
    ref = mapclassify.StdMean(v.to_numpy())
    kept = [b for b in ref.bins if b >= 1.0]
    assert c.bins == pytest.approx(tuple(kept))
    removed = len(ref.bins) - len(kept)
    assert f"{removed} empty classes below the minimum removed" in c.notes


# mapclassify warns that numba (optional, not installed) would be faster: expected here
@pytest.mark.filterwarnings("ignore:Numba not installed:UserWarning")
def test_fisher_jenks_exact_matches_mapclassify():
    rng = np.random.default_rng(1)
    y = np.sort(
        np.concatenate([rng.normal(10, 1, 30), rng.normal(30, 2, 30), rng.normal(60, 3, 20)])
    )
    ours = _fisher_jenks(y, 4)
    ref = mapclassify.FisherJenks(y, k=4)
    assert ours == pytest.approx(np.asarray(ref.bins))


def test_fisher_jenks_large_is_sampled_and_noted():
    v = pd.Series(np.arange(5000, dtype="float64") ** 2)
    c = classify(v, "FisherJenks", k=4)
    assert c.scheme == "fisher_jenks"
    assert c.bins[-1] == v.max()
    assert c.notes == (
        "Fisher-Jenks computed on 3000 evenly spaced order statistics of the 5000 distinct values",
    )

    # Fisher-Jenks minimises the squared deviations within classes: less than the
    # quantile and equal-interval classes of the same data do
    def ssd(cl):
        return sum(float(((g - g.mean()) ** 2).sum()) for _, g in v.groupby(cl.classes))

    assert ssd(c) < ssd(classify(v, "quantiles", k=4))
    assert ssd(c) < ssd(classify(v, "equal_interval", k=4))


def test_natural_breaks_deterministic(values):
    a = classify(values, "natural_breaks", k=4)
    b = classify(values, "NaturalBreaks", k=4)
    assert a.bins == b.bins
    valid = values.dropna()
    # bins are class maxima: each bin is one of the values
    assert set(a.bins) <= set(valid.tolist())


def test_user_defined_and_implied_by_bins(values):
    c = classify(values, bins=[10, 20, 40, 1e6])
    assert c.scheme == "user_defined"
    assert c.bins == (10.0, 20.0, 40.0, 1e6)
    assert (
        c.classes[values.dropna().index].tolist()
        == np.searchsorted([10, 20, 40, 1e6], values.dropna().to_numpy(), side="left").tolist()
    )


def test_user_defined_below_max_adds_class():
    v = pd.Series([1.0, 5.0, 9.0])
    c = classify(v, "user_defined", bins=[2, 6])
    assert c.bins == (2.0, 6.0, 9.0)
    assert c.notes == (
        "the largest value 9 is above the last break 6: a last class up to the maximum was added",
    )


@pytest.mark.parametrize(
    ("given_name", "expected"),
    [
        ("FisherJenks", "fisher_jenks"),
        ("EqualInterval", "equal_interval"),
        ("HeadTailBreaks", "headtail_breaks"),
        ("BoxPlot", "box_plot"),
        ("StdMean", "std_mean"),
        ("Quantiles", "quantiles"),
        ("UserDefined", "user_defined"),
        ("natural_breaks", "natural_breaks"),
    ],
)
def test_scheme_names(given_name, expected):
    assert normalize_scheme(given_name) == expected
    assert expected in SCHEMES


def test_french_labels_with_unit():
    v = pd.Series([0.0, 1500.5, 2500.0, 12345.0])
    c = classify(v, "user_defined", bins=[1234.5, 12345.0], unit="hab./km²")
    assert c.labels == (
        f"0,0 – 1{NNBSP}234,5{NBSP}hab./km²",
        f"1{NNBSP}234,5 – 12{NNBSP}345,0{NBSP}hab./km²",
    )
    assert c.missing_label == "Données manquantes"


def test_english_labels_and_decimals():
    v = pd.Series([0.0, 0.25, 0.5, 1.0])
    c = classify(v, "equal_interval", k=2, lang="en", decimals=3)
    assert c.labels == ("0.000 – 0.500", "0.500 – 1.000")
    assert c.missing_label == "No data"


def test_labels_choose_enough_decimals():
    v = pd.Series([0.11, 0.12, 0.13, 0.14, 0.15, 0.16])
    c = classify(v, "quantiles", k=3, lang="en")
    # every bound distinct once formatted
    bounds = [lab.split(" – ") for lab in c.labels]
    flat = [bounds[0][0]] + [b[1] for b in bounds]
    assert len(set(flat)) == len(flat)


def test_colors_from_palette_and_color_of(values):
    c = classify(values, "quantiles", k=5, palette="Blues")
    cmap = colormaps["Blues"]
    assert c.colors == tuple(to_hex(cmap(x)) for x in np.linspace(0.12, 0.95, 5))
    colors = c.color_of()
    for code in values.index:
        cls = c.classes[code]
        assert colors[code] == (MISSING_COLOR if cls == -1 else c.colors[cls])
    # darker for higher classes (sequential)
    lum = [sum(to_rgb(col)) for col in c.colors]
    assert lum == sorted(lum, reverse=True)


def test_color_list_palette_and_qualitative():
    v = pd.Series([1.0, 2.0, 3.0])
    c = classify(v, "equal_interval", k=3, palette=["red", "#00ff00", (0, 0, 1)])
    assert c.colors == ("#ff0000", "#00ff00", "#0000ff")
    assert palette_colors("Set2", 3) == tuple(to_hex(colormaps["Set2"](i)) for i in range(3))


def test_apply_reuses_bins_and_colors(values):
    c = classify(values, "quantiles", k=4)
    other = pd.Series([values.min(), values.max() * 2, np.nan], index=["a", "b", "c"])
    d = c.apply(other)
    assert d.colors == c.colors
    assert d.bins[:-1] == c.bins[:-1]
    assert d.bins[-1] == values.max() * 2
    assert d.classes.tolist() == [0, 3, -1]
    assert d.labels[:-1] == c.labels[:-1]
    assert d.labels[-1] != c.labels[-1]
    assert d.notes[-1] == f"last class extended to {values.max() * 2:g} for the new values"
    # unchanged labels when the new values fit
    e = c.apply(values.dropna().iloc[:10])
    assert e.labels == c.labels


def test_legend_items_and_missing(values):
    c = classify(values, "quantiles", k=3, lang="en")
    items = c.legend_items()
    assert items[-1] == ("No data", MISSING_COLOR)
    assert [lab for lab, _ in items[:-1]] == list(c.labels)
    full = classify(values.dropna(), "quantiles", k=3)
    assert len(full.legend_items()) == 3
    assert full.legend_items(missing=True)[-1] == ("Données manquantes", MISSING_COLOR)


def test_too_few_distinct_values_is_reported():
    v = pd.Series([1.0, 1.0, 1.0, 2.0])
    c = classify(v, "quantiles", k=5)
    assert c.k < 5
    assert f"{c.k} classes instead of k=5: not enough distinct values" in c.notes


def test_frozen():
    c = classify(pd.Series([1.0, 2.0]), "equal_interval", k=2)
    assert isinstance(c, Classification)
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.k = 3  # type: ignore[misc]


def test_diverging_centred_on_reference():
    v = pd.Series(np.linspace(0, 100, 41))
    c = classify_diverging(v, 30.0, "equal_interval", k=6)
    assert 30.0 in c.bins
    assert c.center == 30.0
    i_center = c.bins.index(30.0)
    assert i_center == 2  # 3 classes below, 3 above
    below = c.classes[v <= 30]
    above = c.classes[v > 30]
    assert below.max() <= i_center < above.min()
    rgb = [to_rgb(col) for col in c.colors]
    assert all(b > r for r, _, b in rgb[: i_center + 1])  # blue side
    assert all(r > b for r, _, b in rgb[i_center + 1 :])  # red side


def test_diverging_one_sided():
    v = pd.Series([5.0, 6.0, 7.0, 8.0])
    c = classify_diverging(v, 1.0, "quantiles", k=4)
    assert c.bins == (6.5, 8.0)  # only the warm classes: nothing is below the reference
    assert c.classes.tolist() == [0, 0, 1, 1]
    assert all(r > b for r, _, b in (to_rgb(col) for col in c.colors))
    assert c.notes[-1] == "0 classes below and 2 above the reference 1 instead of 2 and 2"


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=3, max_size=60),
    st.sampled_from(["quantiles", "equal_interval", "headtail_breaks", "fisher_jenks"]),
    st.integers(2, 7),
)
def test_property_every_value_inside_its_class(data, scheme, k):
    v = pd.Series(data)
    c = classify(v, scheme, k=k)
    lower = (c.lower, *c.bins[:-1])
    for value, cls in zip(v, c.classes, strict=True):
        assert 0 <= cls < c.k
        assert value <= c.bins[cls]
        if cls > 0:
            assert value > lower[cls]
    assert len(c.labels) == len(c.colors) == len(c.bins) == c.k


# ---- errors: whole messages -------------------------------------------------------


def _message(exc_info) -> str:
    return str(exc_info.value)


def test_error_unknown_scheme():
    with pytest.raises(InvalidArgumentError) as e:
        classify(pd.Series([1.0, 2.0]), "jenkins")
    assert isinstance(e.value, TerritorialError) and isinstance(e.value, ValueError)
    assert _message(e) == (
        "scheme='jenkins' is not valid: expected one of quantiles, equal_interval, "
        "fisher_jenks, natural_breaks, headtail_breaks, std_mean, box_plot, user_defined "
        "(or mapclassify's CamelCase names such as 'FisherJenks'). Pick one of these schemes, "
        "or give explicit breaks with scheme='user_defined', bins=[...]."
    )


def test_error_scheme_not_a_string():
    with pytest.raises(InvalidArgumentError) as e:
        normalize_scheme(5)  # type: ignore[arg-type]
    assert _message(e) == (
        "scheme=5 is not valid: expected one of quantiles, equal_interval, fisher_jenks, "
        "natural_breaks, headtail_breaks, std_mean, box_plot, user_defined. "
        "Pass the scheme's name as a string."
    )


@pytest.mark.parametrize("k", [1, 13, 2.5, True, "5"])
def test_error_bad_k(k):
    with pytest.raises(InvalidArgumentError) as e:
        classify(pd.Series([1.0, 2.0]), "quantiles", k=k)  # type: ignore[arg-type]
    assert _message(e) == (
        f"k={k!r} is not valid: expected an integer from 2 to 12. "
        "Maps read best with 3 to 7 classes."
    )


def test_error_unknown_palette():
    with pytest.raises(InvalidArgumentError) as e:
        classify(pd.Series([1.0, 2.0]), "quantiles", k=2, palette="Rainbowz")
    assert _message(e) == (
        "palette='Rainbowz' is not valid: expected a matplotlib colormap name such as "
        "'YlOrRd', 'Blues', 'viridis', 'RdBu_r', 'Set2', or a list of colours. "
        "See matplotlib.colormaps for the names (case matters)."
    )


def test_error_palette_wrong_length():
    with pytest.raises(InvalidArgumentError) as e:
        classify(pd.Series([1.0, 2.0, 3.0]), "equal_interval", k=3, palette=["red", "blue"])
    assert _message(e) == (
        "palette=['red', 'blue'] is not valid: expected a list of exactly 3 colours, one per "
        "class (got 2). Give one colour per class, or a colormap name."
    )


def test_error_palette_bad_colour():
    with pytest.raises(InvalidArgumentError) as e:
        palette_colors(["red", "notacolour"], 2)
    assert _message(e) == (
        "palette=['red', 'notacolour'] is not valid: expected a matplotlib colormap name or "
        "a list of colours ('#rrggbb' or names). Check the spelling of each colour."
    )


def test_error_qualitative_palette_too_small():
    with pytest.raises(InvalidArgumentError) as e:
        palette_colors("Set2", 9)
    assert _message(e) == (
        "palette='Set2' is not valid: expected a palette with at least 9 colours "
        "('Set2' has 8). Pick a larger qualitative palette such as 'tab20', or pass a list "
        "of colours."
    )


def test_error_user_defined_without_bins():
    with pytest.raises(InvalidArgumentError) as e:
        classify(pd.Series([1.0, 2.0]), "user_defined")
    assert _message(e) == (
        "bins=None is not valid: expected a list of class upper bounds with "
        "scheme='user_defined'. Pass bins=[10, 50, 100], or choose another scheme."
    )


def test_error_bins_not_increasing():
    with pytest.raises(InvalidArgumentError) as e:
        classify(pd.Series([1.0, 2.0]), bins=[5, 3])
    assert _message(e) == (
        "bins=[5, 3] is not valid: expected finite numbers in strictly increasing order. "
        "Sort the breaks and remove duplicates."
    )


def test_error_bins_not_numbers():
    with pytest.raises(InvalidArgumentError) as e:
        classify(pd.Series([1.0, 2.0]), bins=["a"])
    assert _message(e) == "bins=['a'] is not valid: expected numbers. Pass bins=[10, 50, 100]."


def test_error_bins_with_other_scheme():
    with pytest.raises(InvalidArgumentError) as e:
        classify(pd.Series([1.0, 2.0]), "equal_interval", bins=[1, 2])
    assert _message(e) == (
        "bins=[1, 2] is not valid: expected None with scheme='equal_interval'. "
        "Explicit breaks need scheme='user_defined'."
    )


def test_error_values_not_numeric():
    with pytest.raises(InvalidArgumentError) as e:
        classify(pd.Series(["a", "b"], name="kind"))
    assert _message(e) == (
        "values=\"Series 'kind' of dtype str\" is not valid: expected numbers. "
        "Classify a numeric column; for categories use a typology map."
    )


def test_error_values_not_series():
    with pytest.raises(InvalidArgumentError) as e:
        classify([1.0, 2.0])  # type: ignore[arg-type]
    assert _message(e) == (
        "values='list' is not valid: expected a pandas Series of numbers indexed by "
        "territory code. Pass one column, e.g. gdf['density']."
    )


def test_error_all_missing():
    with pytest.raises(InvalidArgumentError) as e:
        classify(pd.Series([np.nan, np.nan], name="rate"))
    assert _message(e) == (
        "values=\"Series 'rate' with 2 rows\" is not valid: expected at least one "
        "non-missing number. Check the column: every value is missing."
    )


def test_error_diverging_center_and_scheme():
    v = pd.Series([1.0, 2.0])
    with pytest.raises(InvalidArgumentError) as e:
        classify_diverging(v, "middle")  # type: ignore[arg-type]
    assert _message(e) == (
        "center='middle' is not valid: expected a number. Pass the reference value, e.g. France's."
    )
    with pytest.raises(InvalidArgumentError) as e:
        classify_diverging(v, float("nan"))
    assert _message(e) == (
        "center=nan is not valid: expected a finite number. Pass the reference value, "
        "e.g. France's."
    )
    with pytest.raises(InvalidArgumentError) as e:
        classify_diverging(v, 1.5, "user_defined")
    assert _message(e) == (
        "scheme='user_defined' is not valid: expected a scheme that computes breaks "
        "(quantiles, equal_interval, fisher_jenks...). For explicit breaks use "
        "classify(values, 'user_defined', bins=[...]) with a diverging palette."
    )
    with pytest.raises(InvalidArgumentError) as e:
        classify_diverging(pd.Series([np.nan], name="gap"), 1.0)
    assert _message(e) == (
        "values=\"Series 'gap' with 1 rows\" is not valid: expected at least one "
        "non-missing number. Check the column: every value is missing."
    )


def test_error_lang():
    with pytest.raises(InvalidArgumentError) as e:
        classify(pd.Series([1.0, 2.0]), lang="de")
    assert (
        _message(e)
        == "lang='de' is not valid: expected 'fr' or 'en'. Pass lang='fr' or lang='en'."
    )


def test_all_equal_values_give_one_class():
    c = classify(pd.Series([3.0, 3.0, np.nan]), "equal_interval", k=4)
    assert c.bins == (3.0,)
    assert c.classes.tolist() == [0, 0, -1]
    assert c.notes[0] == "all values are equal (3): one class"
