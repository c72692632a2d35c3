"""References, peers, ranks, robust z-scores and the strength/weakness rule."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from territorial.diagnose.compare import (
    StrengthRule,
    compare,
    percentile_ranks,
    reference_values,
    robust_z,
    size_classes,
)
from territorial.errors import ColumnNotFoundError, InvalidArgumentError


def test_percentile_ranks_known_answers_with_groups_and_ties():
    # synthetic: two peer groups, a tie in the first
    v = pd.DataFrame({"x": [1.0, 2.0, 2.0, 4.0, 10.0, 20.0]}, index=list("abcdef"))
    groups = pd.Series(["g1", "g1", "g1", "g1", "g2", "g2"], index=v.index)
    p = percentile_ranks(v, groups=groups)["x"].tolist()
    assert p == [0.125, 0.5, 0.5, 0.875, 0.25, 0.75]
    # same as scipy's "mean" percentile of score, minus half a step
    assert p[0] == stats.percentileofscore([1, 2, 2, 4], 1, kind="mean") / 100


def test_robust_z_known_answers_and_mad_zero_fallback():
    v = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0, 100.0]}, index=list("abcde"))
    z = robust_z(v)["x"].to_numpy()
    mad = np.median(np.abs(np.array([1, 2, 3, 4, 100]) - 3)) * 1.4826
    np.testing.assert_allclose(z, (np.array([1, 2, 3, 4, 100]) - 3) / mad)
    # more than half the peers equal: MAD = 0, mean absolute deviation used
    same = pd.DataFrame({"x": [5.0, 5.0, 5.0, 6.0, 9.0]}, index=list("abcde"))
    expected = (np.array([5, 5, 5, 6, 9]) - 5) / (np.mean([0, 0, 0, 1, 4]) * 1.2533)
    np.testing.assert_allclose(robust_z(same)["x"].to_numpy(), expected)
    flat = pd.DataFrame({"x": [2.0, 2.0, 2.0]}, index=list("abc"))
    assert robust_z(flat)["x"].tolist() == [0.0, 0.0, 0.0]


def test_size_classes_merge_small_classes():
    pop = pd.Series([100.0, 200.0, 300.0, 1000.0, 3000.0, 3500.0], index=list("abcdef"))
    assert size_classes(pop).tolist() == ["0-500"] * 3 + ["500-2000"] + ["2000-5000"] * 2
    # merging leaves two classes: too few, so population terciles (2 each) instead
    merged = size_classes(pop, min_size=2, quantiles=1)
    assert merged.tolist() == ["0-2000"] * 4 + ["2000-5000"] * 2
    terciles = size_classes(pop, min_size=2)
    assert terciles.value_counts().tolist() == [2, 2, 2]
    # limits: the terciles 266.7 and 1 666.7, to two significant digits
    assert terciles.tolist() == ["0-270"] * 2 + ["270-1700"] * 2 + ["1700+"] * 2
    with pytest.raises(InvalidArgumentError) as err:
        size_classes(pop, bins=(0, 10, 5))
    assert str(err.value) == (
        "bins=(0, 10, 5) is not valid: expected increasing class limits. "
        "Pass e.g. bins=(0, 500, 2000, inf)."
    )


def _ten():
    return pd.DataFrame(
        {
            "good": [float(i) for i in range(10)],
            "bad": [float(i) for i in range(10)],
            "neutral": [float(i) for i in range(10)],
            "stock": [float(i) for i in range(10)],
        },
        index=list("abcdefghij"),
    )


SPECS = {
    "good": {"polarity": "higher_is_better"},
    "bad": {"polarity": "higher_is_worse"},
    "neutral": {"polarity": "neutral"},
    "stock": {"polarity": "neutral", "kind": "stock"},
}


def test_rule_is_polarity_aware_and_uses_the_gap():
    v = _ten()
    ref = pd.DataFrame({c: [4.5] for c in v.columns}, index=["R"])
    c = compare(v, SPECS, references={"country": ref})
    # percentiles 0.05 .. 0.95: >= 0.8 for i and j, <= 0.2 for a and b
    assert c.status["good"].tolist() == ["weakness"] * 2 + [""] * 6 + ["strength"] * 2
    assert c.status["bad"].tolist() == ["strength"] * 2 + [""] * 6 + ["weakness"] * 2
    assert c.status["neutral"].tolist() == ["low"] * 2 + [""] * 6 + ["high"] * 2
    # gaps to the reference: value - 4.5, relative to 4.5
    assert c.gaps["country"].loc["j", "good"] == 4.5
    assert c.relative_gaps["country"].loc["a", "good"] == -1.0
    # a stock has no reference (a territory is not comparable to its parent's total)
    assert c.references["country"]["stock"].isna().all()
    # the gap condition: with the reference above everybody, nobody is a strength
    high_ref = pd.DataFrame({col: [100.0] for col in v.columns}, index=["R"])
    c2 = compare(v, SPECS, references={"country": high_ref})
    assert (c2.status["good"] != "strength").all()
    assert c2.status["good"].tolist()[:2] == ["weakness", "weakness"]
    # a smaller minimum gap does not matter here; a bigger one removes a, b for "good"
    strict = compare(v, SPECS, references={"country": ref}, rule=StrengthRule(min_gap=0.9))
    assert strict.status["good"].tolist()[:2] == ["weakness", ""]


def test_references_come_from_parent_codes():
    v = pd.DataFrame({"x": [1.0, 2.0, 3.0]}, index=["a", "b", "c"])
    parents = pd.DataFrame({"region": ["R1", "R2", "R1"]}, index=v.index)
    regions = pd.DataFrame({"x": [10.0, 20.0]}, index=["R1", "R2"])
    c = compare(v, {"x": {"polarity": "neutral"}}, references={"region": regions},
                parents=parents)  # fmt: skip
    assert c.references["region"]["x"].tolist() == [10.0, 20.0, 10.0]
    assert reference_values(v, parents["region"], regions)["x"].tolist() == [10.0, 20.0, 10.0]
    long = c.long()
    assert set(long.columns) >= {"code", "indicator", "value", "reference_region", "status"}
    assert len(long) == 3


def test_a_single_member_parent_falls_back_to_the_next_reference():
    """'k' is alone in region S: its regional value is its own, so the rule uses France."""
    v = _ten()[["good"]]
    v.loc["k"] = 20.0
    parents = pd.DataFrame({"region": ["R"] * 10 + ["S"]}, index=v.index)
    regions = pd.DataFrame({"good": [4.5, 20.0]}, index=["R", "S"])
    country = pd.DataFrame({"good": [5.0]}, index=["F"])
    c = compare(v, SPECS, references={"region": regions, "france": country}, parents=parents)
    assert c.decisive_reference.tolist() == ["region"] * 10 + ["france"]
    assert c.gaps["region"].loc["k", "good"] == 0.0
    assert c.decisive("gaps").loc["k", "good"] == 15.0
    assert c.decisive("relative_gaps").loc["j", "good"] == pytest.approx(4.5 / 4.5)
    assert c.status.loc["k", "good"] == "strength"
    assert c.report["reference_fallbacks"] == {"k": "france"}
    # the primary reference alone: nothing to fall back to, the gap of 0 blocks the finding
    alone = compare(v, SPECS, references={"region": regions}, parents=parents)
    assert alone.decisive_reference["k"] == "region" and alone.status.loc["k", "good"] == ""
    # a parent code equal to the territory's own code is skipped too
    own = pd.DataFrame({"region": ["R"] * 8 + ["j", "j", "k"]}, index=v.index)
    regions2 = pd.DataFrame({"good": [4.5, 9.0, 20.0]}, index=["R", "j", "k"])
    # without references there is no decisive one (None, not NaN)
    assert compare(v, SPECS).decisive_reference.tolist() == [None] * 11
    c2 = compare(v, SPECS, references={"region": regions2, "france": country}, parents=own)
    assert c2.decisive_reference[["h", "i", "j", "k"]].tolist() == [
        "region", "region", "france", "france",
    ]  # fmt: skip


def test_unstable_values_are_flagged_and_weigh_less():
    v = _ten()[["good"]]
    pop = pd.Series([100.0] * 5 + [5000.0] * 5, index=v.index)
    c = compare(v, SPECS, population=pop)
    assert c.unstable["good"].tolist() == [True] * 5 + [False] * 5
    z = robust_z(v)["good"].abs()
    assert c.importance.loc["a", "good"] == pytest.approx(z["a"] * 0.5)
    assert c.importance.loc["j", "good"] == pytest.approx(z["j"])


def test_errors_have_full_messages():
    v = _ten()
    with pytest.raises(ColumnNotFoundError) as err:
        compare(v, {"good": {"polarity": "higher_is_better"}})
    assert str(err.value) == (
        "values='bad' is not a column of the data. Available columns: 'good'."
    )
    with pytest.raises(ColumnNotFoundError) as err:
        compare(v, SPECS, references={"region": pd.DataFrame({"good": [1.0, 2.0]})})
    assert str(err.value) == "parents='region' is not a column of the data. Available columns: ."
    with pytest.raises(InvalidArgumentError) as err:
        StrengthRule(low=0.9, high=0.1)
    assert str(err.value) == (
        "rule='StrengthRule(low=0.9, high=0.1)' is not valid: expected 0 <= low < high <= 1. "
        "Use percentile thresholds such as low=0.2, high=0.8."
    )
    with pytest.raises(InvalidArgumentError) as err:
        StrengthRule(min_gap=-1)
    assert str(err.value) == (
        "rule='StrengthRule(min_gap=-1)' is not valid: expected min_gap >= 0. "
        "min_gap is a relative gap, e.g. 0.05 for 5 %."
    )


@pytest.mark.realdata
def test_references_equal_values_recomputed_from_components():
    """Each EPCI's région reference = sum of numerators / sum of denominators in the région."""
    from territorial.france import compute_france
    from territorial.france.data import load_france

    ids = ["women_councillors_share", "density"]
    epci = compute_france("epci", indicators=ids)
    communes = compute_france("commune", indicators=ids)
    regions = compute_france("region", indicators=ids)
    territories = load_france("epci", progress=False)
    c = compare(
        epci.values, epci.catalogue, references={"region": regions.values},
        parents=territories[["region"]],
    )  # fmt: skip
    commune_region = load_france("commune", progress=False)["region"]
    for indicator in ids:
        parts = communes.components(indicator)
        sums = parts[["numerator", "denominator"]].groupby(commune_region).sum()
        scale = parts["scale"].iloc[0] if "scale" in parts else 1.0
        recomputed = sums["numerator"] / sums["denominator"] * scale
        for code in ["200046977", "200054781", "243100518"]:
            region = territories.loc[code, "region"]
            assert c.references["region"].loc[code, indicator] == pytest.approx(
                recomputed[region], rel=1e-9
            )


def test_size_classes_fall_back_to_quantiles_when_fixed_classes_are_too_few():
    """Synthetic départements: 77 populations under a million, 23 over: two fixed classes
    (as the 101 real ones); the fallback gives quartiles of 25."""
    values = np.r_[np.linspace(2.1e5, 9.9e5, 77), np.linspace(1.05e6, 2.6e6, 23)]
    pop = pd.Series(values, index=[f"d{i}" for i in range(100)])
    assert size_classes(pop, min_size=20, quantiles=1).nunique() == 2
    classes = size_classes(pop, min_size=20)
    counts = classes.value_counts()
    assert len(counts) == 4 and counts.min() >= 20
    # the classes are ordered intervals of population: each holds the territories
    # between its limits, read from its label
    for label, members in classes.groupby(classes):
        low, _, high = label.partition("-")
        low = float(low.rstrip("+"))
        high = float(high) if high else np.inf
        assert (pop[members.index] >= low).all() and (pop[members.index] < high).all()
    # a missing population is its own class; the others are unchanged
    with_gap = pd.concat([pop, pd.Series([np.nan], index=["976"])])
    gapped = size_classes(with_gap, min_size=20)
    assert gapped["976"] == "unknown"
    assert gapped.drop("976").equals(classes)
    # too few territories for three classes of min_size: the fixed classes stay
    small = pop.iloc[:30]
    assert size_classes(small, min_size=20).equals(size_classes(small, min_size=20, quantiles=1))
    with pytest.raises(InvalidArgumentError) as err:
        size_classes(pop, quantiles=0)
    assert str(err.value) == (
        "quantiles=0 is not valid: expected an integer >= 1. Pass e.g. quantiles=4 "
        "(quartiles when the fixed classes are too few), or 1."
    )
