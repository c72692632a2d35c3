"""Known answers of the indicator kinds, computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from territorial.indicators import (
    gini,
    grouped_median,
    growth_rate,
    hhi,
    krugman,
    location_quotient,
    ratio,
    shannon,
    theil,
)

# synthetic: employment by sector in two territories (hand-made numbers)
B = pd.DataFrame(
    {"agri": [20.0, 5.0], "industry": [30.0, 15.0], "services": [50.0, 80.0]},
    index=["north", "south"],
)


def test_location_quotient_by_hand():
    # agri: 20/100 in north, 25/200 overall -> 0.2 / 0.125 = 1.6; south 0.05 / 0.125 = 0.4
    lq = location_quotient(B, "agri", name="lq_agri")
    assert lq.name == "lq_agri"
    assert lq.tolist() == pytest.approx([1.6, 0.4])
    ref = pd.Series({"agri": 10.0, "industry": 10.0, "services": 80.0})
    assert location_quotient(B, "agri", reference=ref).tolist() == pytest.approx([2.0, 0.5])


def test_krugman_by_hand():
    # overall shares 0.125, 0.225, 0.65; north 0.2, 0.3, 0.5 -> 0.075 + 0.075 + 0.15 = 0.3
    # south 0.05, 0.15, 0.8 -> 0.075 + 0.075 + 0.15 = 0.3
    assert krugman(B).tolist() == pytest.approx([0.3, 0.3])


def test_hhi_and_shannon_by_hand():
    assert hhi(B).tolist() == pytest.approx([0.04 + 0.09 + 0.25, 0.0025 + 0.0225 + 0.64])
    north = -(0.2 * math.log(0.2) + 0.3 * math.log(0.3) + 0.5 * math.log(0.5))
    south = -(0.05 * math.log(0.05) + 0.15 * math.log(0.15) + 0.8 * math.log(0.8))
    assert shannon(B).tolist() == pytest.approx([north, south])
    one = pd.DataFrame({"a": [7.0], "b": [0.0]})
    assert shannon(one).tolist() == [0.0]
    assert hhi(one).tolist() == [1.0]


def test_breakdown_with_zero_total_is_nan():
    zero = pd.DataFrame({"a": [0.0], "b": [0.0]})
    assert np.isnan(shannon(zero).iloc[0])
    assert np.isnan(hhi(zero).iloc[0])
    assert np.isnan(krugman(zero, reference=pd.Series({"a": 1.0, "b": 1.0})).iloc[0])


def test_gini_theil_by_hand():
    values = pd.Series([10.0, 20.0, 30.0, 40.0, 5.0, 5.0, 7.0])
    groups = pd.Series(["a", "a", "a", "a", "b", "b", "c"])
    # a: mean absolute difference over all ordered pairs / (2 mean):
    # sum |xi - xj| over i,j = 2 * (10+20+30+10+20+10) = 200; G = 200 / (2 * 16 * 25) = 0.25
    g = gini(values, groups, name="g")
    assert g.loc["a"] == pytest.approx(0.25)
    assert g.loc["b"] == 0.0
    assert np.isnan(g.loc["c"])  # one member: undefined
    t = theil(values, groups)
    xs = np.array([10, 20, 30, 40]) / 25
    assert t.loc["a"] == pytest.approx(float(np.mean(xs * np.log(xs))))
    assert t.loc["b"] == 0.0
    # one member holding everything among n: ln(n)
    assert theil(pd.Series([0.0, 0.0, 9.0]), pd.Series(["x"] * 3)).iloc[0] == pytest.approx(
        math.log(3)
    )


def test_ratio_growth_median():
    num = pd.Series([1.0, 2.0, 0.0], index=list("abc"))
    den = pd.Series([4.0, 0.0, 0.0], index=list("abc"))
    r = ratio(num, den, scale=1000, name="r")
    assert r.loc["a"] == 250.0 and r.isna().tolist() == [False, True, True]
    assert not np.isinf(r).any()
    g = growth_rate(pd.Series([100.0, 0.0]), pd.Series([200.0, 5.0]), years=10)
    assert g.iloc[0] == pytest.approx((2**0.1 - 1) * 100)
    assert np.isnan(g.iloc[1])
    m = grouped_median(pd.Series([3.0, 1.0, np.nan, 8.0]), pd.Series(["a", "a", "a", "b"]))
    assert m.to_dict() == {"a": 2.0, "b": 8.0}
