"""The default schemes (quantiles, equal_interval) give mapclassify's bins to the last bit
without importing it (mapclassify pulls scipy.stats, scikit-learn and pyplot). Random
synthetic values, with ties and a few distinct values."""

from __future__ import annotations

import warnings

import mapclassify
import numpy as np
import pytest

from territorial.render.classify import _equal_interval_bins, _quantile_bins, classify


def _samples():
    rng = np.random.default_rng(20261202)
    for t in range(400):
        n = int(rng.integers(2, 3000))
        x = rng.lognormal(size=n) * 10.0 ** rng.integers(-3, 6)
        if t % 3 == 0:
            x = np.round(x, int(rng.integers(0, 3)))  # ties
        if t % 5 == 0:
            x = rng.integers(0, 4, size=n).astype(float)  # a few distinct values
        if len(np.unique(x)) > 1:
            yield x, int(rng.integers(2, 10))


def test_quantiles_and_equal_intervals_are_mapclassify_s():
    compared = 0
    for x, k in _samples():
        notes: list[str] = []
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            expected = mapclassify.Quantiles(x, k=k).bins
        assert np.array_equal(_quantile_bins(x, k, None, notes, {}), expected)
        said = [str(w.message) for w in caught if "unique values" in str(w.message)]
        assert notes == [f"mapclassify: {m}" for m in said]
        assert np.array_equal(
            _equal_interval_bins(x, k, None, [], {}), mapclassify.EqualInterval(x, k=k).bins
        )
        compared += 1
    assert compared > 300


@pytest.mark.parametrize("scheme", ["quantiles", "equal_interval"])
def test_the_classification_of_1_to_100(scheme):
    import pandas as pd

    values = pd.Series(np.arange(1.0, 101.0), index=[f"t{i}" for i in range(100)])
    c = classify(values, scheme=scheme, k=4)
    # quantiles: the scores at 25, 50, 75 % of 99 steps (24.75...); equal intervals: 99 / 4
    assert c.bins == (25.75, 50.5, 75.25, 100.0)
    assert c.counts == (25, 25, 25, 25) and c.notes == ()
