"""Empirical Bayes smoothing, composite indices under profiles, typologies."""

from __future__ import annotations

import warnings

import esda
import geopandas as gpd
import libpysal
import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.cluster import KMeans

from territorial.diagnose.composite import Profile, composite_scores
from territorial.diagnose.smoothing import empirical_bayes
from territorial.diagnose.typology import regionalise, typology
from territorial.diagnose.weights import contiguity_weights
from territorial.errors import InvalidArgumentError
from territorial.france import france_profiles


@pytest.fixture(scope="module")
def sids():
    """libpysal's sids2 example (real data: SIDS deaths and births, North Carolina 1974)."""
    g = gpd.read_file(libpysal.examples.get_path("sids2.shp"))
    g.index = g["FIPSNO"].astype(int).astype(str)
    return g


def test_empirical_bayes_equals_esda(sids):
    ours = empirical_bayes(sids["SID74"], sids["BIR74"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = esda.smoothing.Empirical_Bayes(
            sids["SID74"].to_numpy(), sids["BIR74"].to_numpy()
        ).r.ravel()
    np.testing.assert_allclose(ours.to_numpy(), theirs, rtol=1e-12)
    # shrinkage: the smallest populations move most toward the overall rate
    overall = sids["SID74"].sum() / sids["BIR74"].sum()
    raw = sids["SID74"] / sids["BIR74"]
    moved = (raw - ours).abs() / (raw - overall).abs().where(raw != overall)
    assert stats.spearmanr(sids["BIR74"], moved, nan_policy="omit")[0] < -0.5


def test_empirical_bayes_known_answer_and_errors():
    # synthetic: two territories whose spread is below chance: the variance estimate is
    # negative, clipped to 0, and both rates shrink to the overall rate 32 / 110
    e = pd.Series([2.0, 30.0], index=["a", "b"])
    b = pd.Series([10.0, 100.0], index=["a", "b"])
    np.testing.assert_allclose(empirical_bayes(e, b).to_numpy(), [32 / 110, 32 / 110])
    # synthetic: four territories with a real spread, by the formula written out
    e4 = np.array([1.0, 60.0, 3.0, 20.0])
    b4 = np.array([2.0, 100.0, 10.0, 100.0])
    m = e4.sum() / b4.sum()
    r = e4 / b4
    s2 = (b4 * (r - m) ** 2).sum() / b4.sum() - m / b4.mean()
    assert s2 > 0
    expected = m + s2 / (s2 + m / b4) * (r - m)
    got = empirical_bayes(pd.Series(e4), pd.Series(b4), scale=100).to_numpy()
    np.testing.assert_allclose(got, expected * 100)
    with pytest.raises(InvalidArgumentError) as err:
        empirical_bayes(e, b.set_axis(["x", "y"]))
    assert str(err.value) == (
        "denominator='index of 2 codes' is not valid: expected the same index as numerator. "
        "Align them first, e.g. denominator.reindex(numerator.index)."
    )
    with pytest.raises(InvalidArgumentError) as err:
        empirical_bayes(-e, b)
    assert str(err.value) == (
        "numerator='negative counts' is not valid: expected non-negative events and "
        "populations. Empirical Bayes smoothing applies to counts (events / population at risk)."
    )


def _profiles():
    return [
        Profile("up", {"fr": "A", "en": "A"}, {"a": 1.0}),
        Profile("mixed", {"fr": "M", "en": "M"}, {"a": 1.0, "b": 3.0}),
    ]


def test_composite_known_answers_rank_range_and_spearman():
    # synthetic: four territories, b is "higher is worse"
    v = pd.DataFrame({"a": [0.0, 1.0, 2.0, 4.0], "b": [4.0, 0.0, 2.0, 1.0]}, index=list("wxyz"))
    specs = {"a": {"polarity": "higher_is_better"}, "b": {"polarity": "higher_is_worse"}}
    res = composite_scores(v, _profiles(), specs=specs)
    np.testing.assert_allclose(res.scores["up"], [0.0, 0.25, 0.5, 1.0])
    # mixed = (1 * a_minmax + 3 * (1 - b_minmax)) / 4
    a = np.array([0, 0.25, 0.5, 1.0])
    b = 1 - np.array([1.0, 0.0, 0.5, 0.25])
    np.testing.assert_allclose(res.scores["mixed"], (a + 3 * b) / 4)
    assert res.ranks["up"].tolist() == [4, 3, 2, 1]
    assert res.rank_range.tolist() == list(
        (res.ranks.max(axis=1) - res.ranks.min(axis=1)).astype(int)
    )
    rho = stats.spearmanr(res.scores["up"], res.scores["mixed"])[0]
    assert res.spearman.loc["up", "mixed"] == pytest.approx(rho)
    ranked = composite_scores(v, _profiles(), specs=specs, normalisation="rank")
    np.testing.assert_allclose(ranked.scores["up"], [0.25, 0.5, 0.75, 1.0])
    z = composite_scores(v, _profiles(), specs=specs, normalisation="zscore")
    np.testing.assert_allclose(z.scores["up"], (v["a"] - v["a"].mean()) / v["a"].std(ddof=0))


def test_composite_reports_missing_indicators_and_errors():
    v = pd.DataFrame({"a": [0.0, 1.0]}, index=["x", "y"])
    specs = {"a": {"polarity": "neutral"}}
    res = composite_scores(v, _profiles(), specs=specs)
    assert res.spec["skipped_indicators"] == {"mixed": ["b"]}
    assert [p.name for p in france_profiles()] == [
        "public_services", "democratic_renewal", "road_safety",
    ]  # fmt: skip
    with pytest.raises(InvalidArgumentError) as err:
        composite_scores(v, _profiles(), specs=specs, normalisation="log")
    assert str(err.value) == (
        "normalisation='log' is not valid: expected 'minmax', 'zscore', 'rank'. "
        "Pass normalisation='minmax', 'zscore' or 'rank'."
    )
    with pytest.raises(InvalidArgumentError) as err:
        Profile("empty", {"fr": "E"}, {"a": 0.0})
    assert str(err.value) == (
        "weights={'a': 0.0} is not valid: expected at least one non-zero weight. "
        "Give profile 'empty' weights such as {'indicator_id': 1.0}."
    )


def test_typology_equals_kmeans_on_standardised_values(sids):
    values = (sids[["SID74", "NWBIR74"]].div(sids["BIR74"], axis=0)).astype(float)
    t = typology(values, k=4, seed=3)
    z = (values - values.mean()) / values.std(ddof=0)
    labels = KMeans(n_clusters=4, n_init=10, random_state=3).fit(z.to_numpy()).labels_
    # same partition (labels renamed T1.. by decreasing size)
    pairs = pd.crosstab(t.labels.to_numpy(), labels)
    assert ((pairs > 0).sum(axis=1) == 1).all()
    sizes = t.labels.value_counts()
    assert sizes.index[0] == "T1" and sizes.is_monotonic_decreasing
    top, z_mean = t.distinctive["T1"][0]
    assert z_mean == pytest.approx(z[t.labels == "T1"][top].mean())


def test_regionalise_gives_connected_regions(sids):
    g = sids.set_crs(4326)  # sids2 ships in lon/lat without a .prj
    values = (g[["SID74", "NWBIR74"]].div(g["BIR74"], axis=0)).astype(float)
    w = contiguity_weights(g)
    t = regionalise(values, w, n_regions=6)
    assert t.labels.nunique() == 6
    from scipy.sparse.csgraph import connected_components

    for region in t.labels.unique():
        members = np.flatnonzero((t.labels == region).to_numpy())
        sub = w.adjacency[members][:, members]
        assert connected_components(sub, directed=False)[0] == 1


def test_regionalise_n_regions_error(sids):
    g = sids.set_crs(4326)
    values = (g[["SID74"]].div(g["BIR74"], axis=0)).astype(float)
    w = contiguity_weights(g)
    for bad in (1, len(g) + 1, 2.5):
        with pytest.raises(InvalidArgumentError) as err:
            regionalise(values, w, n_regions=bad)
        assert str(err.value) == (
            f"n_regions={bad!r} is not valid: expected an integer between 2 and the number of "
            f"territories ({len(g)}). Choose fewer regions."
        )


def test_typology_errors():
    v = pd.DataFrame({"x": [1.0, 2.0, 3.0]}, index=list("abc"))
    with pytest.raises(InvalidArgumentError) as err:
        typology(v, k=5)
    assert str(err.value) == (
        "k=5 is not valid: expected an integer between 2 and the number of territories (3). "
        "Choose fewer types."
    )
