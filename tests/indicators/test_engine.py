"""The generic engine on synthetic components (hand-made, said so), with property-based tests."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely import box

from territorial.errors import (
    ColumnNotFoundError,
    InvalidArgumentError,
    NonNumericValuesError,
    SumOverflowError,
)
from territorial.indicators import compute, load_catalogue, membership

CATALOGUE = load_catalogue(
    """
name: synthetic
indicators:
  - {id: pop, label: {fr: Population}, theme: demography, unit: hab., polarity: neutral,
     kind: stock, numerator: pop, source: synthetic, vintage: "2020"}
  - {id: density, label: {fr: Densité}, theme: demography, unit: hab./km²,
     polarity: neutral, kind: density, numerator: pop, source: synthetic, vintage: "2020"}
  - {id: jobs_rate, label: {fr: Emplois}, theme: economy, unit: pour 1 000 hab.,
     polarity: higher_is_better, kind: ratio, numerator: jobs, denominator: pop, scale: 1000}
  - {id: share_a, label: {fr: Part A}, theme: economy, unit: "%", polarity: neutral,
     kind: share, numerator: sector_a, denominator: sector_a + sector_b}
  - {id: growth, label: {fr: Croissance}, theme: demography, unit: "%/an", polarity: neutral,
     kind: growth, start: pop_2010, end: pop, years: 10}
  - {id: gini_pop, label: {fr: Gini}, theme: demography, unit: indice, polarity: neutral,
     kind: gini, column: pop}
  - {id: median_age, label: {fr: Âge médian}, theme: society, unit: ans, polarity: neutral,
     kind: median, column: age, records: people}
  - {id: median_age_w, label: {fr: Âge médian F}, theme: society, unit: ans, polarity: neutral,
     kind: median, column: age, records: people, where: woman}
  - {id: shannon_sectors, label: {fr: Diversité}, theme: economy, unit: indice,
     polarity: neutral, kind: shannon, breakdown: [sector_a, sector_b]}
"""
)

# synthetic units: five communes in two groups
COMP = pd.DataFrame(
    {
        "pop": [100.0, 300.0, 0.0, 50.0, 50.0],
        "pop_2010": [100.0, 200.0, 0.0, 0.0, 0.0],
        "area_km2": [1.0, 3.0, 2.0, 1.0, 1.0],
        "jobs": [10.0, 90.0, 5.0, 0.0, 0.0],
        "sector_a": [1.0, 3.0, 0.0, 0.0, 0.0],
        "sector_b": [1.0, 1.0, 0.0, 0.0, 0.0],
    },
    index=["u1", "u2", "u3", "u4", "u5"],
)
PEOPLE = pd.DataFrame(
    {"unit": ["u1", "u1", "u2", "u2", "u4"], "age": [20.0, 30.0, 40.0, 80.0, 50.0],
     "woman": [True, False, True, True, False]}
)  # fmt: skip
ZONING = pd.Series({"u1": "A", "u2": "A", "u3": "A", "u4": "B", "u5": "B"})


def run(**kw):
    return compute(CATALOGUE, COMP, ZONING, records={"people": PEOPLE}, **kw)


def test_pooled_not_mean_of_ratios():
    t = run()
    v = t.values
    assert list(v.index) == ["A", "B"] and v.index.name == "code"
    assert v.loc["A", "density"] == 400 / 6  # not mean(100, 100, 0)
    assert v.loc["A", "jobs_rate"] == 105 / 400 * 1000
    assert v.loc["A", "share_a"] == 4 / 6 * 100
    assert v.loc["A", "growth"] == pytest.approx(((400 / 300) ** 0.1 - 1) * 100)
    assert v.loc["A", "median_age"] == 35.0  # over records, not median of unit medians (32.5)
    assert v.loc["A", "median_age_w"] == 40.0
    assert v.loc["B", "gini_pop"] == 0.0
    assert all(v.dtypes == "float64")


def test_division_by_zero_is_nan_and_flagged():
    t = run()
    assert np.isnan(t.values.loc["B", "share_a"])
    assert np.isnan(t.values.loc["B", "growth"])
    assert np.isnan(t.values.loc["B", "shannon_sectors"])
    assert not np.isinf(t.values.to_numpy()).any()
    assert t.flags.loc["B", "share_a"] and t.flags.loc["B", "growth"]
    assert not t.flags.loc["A"].any()
    assert t.flags.shape == t.values.shape
    assert t.report["flagged"]["share_a"] == 1


def test_components_tidy_wide():
    terr = gpd.GeoDataFrame(
        {"name": ["Aa", "Bb"], "population": [400.0, 100.0]}, index=["A", "B"],
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs=2154,
    )  # fmt: skip
    t = run(territories=terr)
    parts = t.components("jobs_rate")
    assert parts.loc["A"].tolist() == [105.0, 400.0, 1000.0]
    assert t.components("growth").loc["A", "start"] == 300.0
    with pytest.raises(InvalidArgumentError) as info:
        t.components("gini_pop")
    assert str(info.value) == (
        "indicator='gini_pop' is not valid: expected a ratio, share, density or growth "
        "indicator. 'gini_pop' is of kind 'gini' and has no numerator/denominator."
    )
    tidy = t.tidy()
    assert list(tidy.columns) == ["territory", "indicator", "value", "unit", "source", "vintage"]
    assert len(tidy) == 2 * len(CATALOGUE)
    row = tidy[(tidy.territory == "A") & (tidy.indicator == "density")].iloc[0]
    assert row.value == 400 / 6 and row.unit == "hab./km²" and row.source == "synthetic"
    wide = t.wide
    assert isinstance(wide, gpd.GeoDataFrame) and wide.crs == terr.crs
    assert list(wide.columns[:2]) == ["name", "population"]
    assert wide.loc["A", "density"] == 400 / 6
    assert wide.attrs["territorial"]["catalogue"] == "synthetic"
    (density,) = [m for m in wide.attrs["territorial"]["indicators"] if m["id"] == "density"]
    assert density["label"] == {
        "fr": CATALOGUE["density"].label_in("fr"),
        "en": CATALOGUE["density"].label_in("en"),
    }


def test_custom_overlapping_zoning_and_identity():
    t = compute(CATALOGUE, COMP, {"X": ["u1", "u2"], "Y": ["u2", "u4"]},
                indicators=["density", "pop"])  # fmt: skip
    assert t.values.loc["X", "density"] == 100.0
    assert t.values.loc["Y", "density"] == 350 / 4
    assert list(t.values.columns) == ["density", "pop"]
    ident = compute(CATALOGUE, COMP, None, indicators=["density"])
    assert ident.values["density"].tolist() == [100.0, 100.0, 0.0, 50.0, 50.0]
    assert ident.report["units_in_no_territory"] == 0


def test_report_missing_members_and_unassigned_units():
    t = compute(CATALOGUE, COMP, {"X": ["u1", "zz"]}, indicators=["pop"])
    assert t.report["members_missing_from_components"] == ["zz"]
    assert t.report["units_in_no_territory"] == 4
    assert t.values.loc["X", "pop"] == 100.0


def test_unknown_column_message():
    with pytest.raises(ColumnNotFoundError) as info:
        compute(CATALOGUE, COMP.drop(columns="jobs"), ZONING, indicators=["jobs_rate"])
    assert str(info.value) == (
        "jobs_rate.numerator='jobs' is not a column of the data. Available columns: 'pop', "
        "'pop_2010', 'area_km2', 'sector_a', 'sector_b'."
    )


def test_missing_records_message():
    with pytest.raises(InvalidArgumentError) as info:
        compute(CATALOGUE, COMP, ZONING, indicators=["median_age"])
    assert str(info.value) == (
        "records='{}' is not valid: expected a table named 'people'. Indicator 'median_age' "
        "needs the record table 'people'; pass records={'people': DataFrame with a 'unit' "
        "column}."
    )


def test_bad_zoning_messages():
    with pytest.raises(InvalidArgumentError) as info:
        membership({"X": "u1"}, COMP.index)
    assert str(info.value) == (
        "zoning['X']='u1' is not valid: expected a list of unit codes. Give a list such as "
        "['01001', '01002'], not a single string."
    )
    with pytest.raises(InvalidArgumentError) as info:
        membership(42, COMP.index)  # type: ignore[arg-type]
    assert str(info.value) == (
        "zoning='int' is not valid: expected None, a Series unit -> territory, a mapping "
        "{territory: [units]} or a DataFrame with a 'members' column."
    )


# --- property-based aggregation invariants ---------------------------------------------------

units = st.integers(min_value=1, max_value=30)


@st.composite
def partitions(draw):
    n = draw(units)
    num = draw(st.lists(st.integers(0, 1000), min_size=n, max_size=n))
    den = draw(st.lists(st.integers(1, 1000), min_size=n, max_size=n))
    groups = draw(st.lists(st.integers(0, 4), min_size=n, max_size=n))
    index = [f"u{i}" for i in range(n)]
    columns = {"jobs": num, "pop": den, "pop_2010": den, "area_km2": den, "sector_a": num}
    comp = pd.DataFrame({**columns, "sector_b": den}, index=index)
    return comp.astype(float), pd.Series([f"g{g}" for g in groups], index=index)


@settings(max_examples=60, deadline=None)
@given(partitions())
def test_property_ratio_is_pooled_and_stocks_add_up(data):
    comp, zoning = data
    t = compute(CATALOGUE, comp, zoning, indicators=["pop", "jobs_rate", "density"])
    # stocks of a partition add up to the total
    assert t.values["pop"].sum() == pytest.approx(comp["pop"].sum())
    for g, members in zoning.groupby(zoning).groups.items():
        part = comp.loc[members]
        assert t.values.loc[g, "jobs_rate"] == pytest.approx(
            part["jobs"].sum() / part["pop"].sum() * 1000
        )
    # merging every group into one territory equals the whole pooled
    whole = compute(CATALOGUE, comp, pd.Series("all", index=comp.index), indicators=["jobs_rate"])
    parts = t.components("jobs_rate")
    assert whole.values.loc["all", "jobs_rate"] == pytest.approx(
        parts["numerator"].sum() / parts["denominator"].sum() * 1000
    )


@settings(max_examples=40, deadline=None)
@given(partitions())
def test_property_custom_equals_pooled_members(data):
    comp, _ = data
    members = {"c": list(comp.index[::2])}
    t = compute(CATALOGUE, comp, members, indicators=["share_a", "gini_pop"])
    pooled = comp.loc[members["c"]]
    expected = pooled["sector_a"].sum() / (pooled["sector_a"] + pooled["sector_b"]).sum() * 100
    assert t.values.loc["c", "share_a"] == pytest.approx(expected)
    # Gini as the mean absolute difference over twice the mean, computed independently
    x = pooled["pop"].to_numpy()
    if len(x) >= 2:
        expected_gini = np.abs(x[:, None] - x[None, :]).sum() / (2 * len(x) ** 2 * x.mean())
        assert t.values.loc["c", "gini_pop"] == pytest.approx(expected_gini)
    else:
        assert np.isnan(t.values.loc["c", "gini_pop"])  # one member: undefined


@settings(max_examples=40, deadline=None)
@given(partitions())
def test_property_shares_bounded_and_flags_exact(data):
    comp, zoning = data
    comp = comp.copy()
    comp.iloc[::3, comp.columns.get_loc("sector_b")] = 0.0
    comp.iloc[::3, comp.columns.get_loc("sector_a")] = 0.0
    t = compute(CATALOGUE, comp, zoning, indicators=["share_a"])
    v = t.values["share_a"]
    assert ((v >= 0) & (v <= 100) | v.isna()).all()
    den = (comp["sector_a"] + comp["sector_b"]).groupby(zoning).sum()
    assert t.flags["share_a"].to_dict() == (den == 0).to_dict()


def test_ratio_pools_only_units_where_numerator_and_denominator_are_known():
    """Synthetic: unit c has an area but no population (like Mayotte), unit d no area."""
    cat = load_catalogue(
        """
indicators:
  - {id: density, label: {fr: Densité}, theme: demography, unit: hab./km²,
     polarity: neutral, kind: density, numerator: population}
  - {id: pop, label: {fr: Population}, theme: demography, unit: hab.,
     polarity: neutral, kind: stock, numerator: population}
  - {id: growth, label: {fr: Croissance}, theme: demography, unit: "%/an",
     polarity: neutral, kind: growth, start: population, end: population_later, years: 1}
"""
    )
    comp = pd.DataFrame(
        {
            "population": [100.0, 300.0, np.nan, 50.0],
            "area_km2": [1.0, 3.0, 10.0, np.nan],
            "population_later": [110.0, 330.0, 20.0, np.nan],
        },
        index=["a", "b", "c", "d"],
    )
    table = compute(cat, comp, {"t": ["a", "b", "c", "d"], "u": ["c"]})
    assert table.values.loc["t", "density"] == 400.0 / 4.0  # c and d left out of both sums
    assert table.components("density").loc["t", ["numerator", "denominator"]].tolist() == [
        400.0, 4.0,
    ]  # fmt: skip
    assert table.values.loc["t", "pop"] == 450.0  # a stock sums what is known
    assert table.values.loc["t", "growth"] == pytest.approx(10.0)  # (440 / 400 - 1) x 100
    assert np.isnan(table.values.loc["u", "density"])
    # memberships left out: c and d in t, c in u
    assert table.report["partial_scope"] == {"density": 3, "growth": 3}


def _two_units(pop, area=(1.0, 3.0)) -> pd.DataFrame:
    """Synthetic: two units 'a' and 'b' with the given populations and areas."""
    return pd.DataFrame({"pop": list(pop), "area_km2": list(area)}, index=["a", "b"])


def test_text_used_as_a_component_names_the_column_and_rows():
    comp = _two_units(["12", "x"]).assign(pop=lambda d: d["pop"].astype(object))
    for ids, users in ((["pop"], "pop"), (["pop", "density"], "pop, density")):
        with pytest.raises(NonNumericValuesError) as info:
            compute(CATALOGUE, comp, {"t": ["a", "b"]}, indicators=ids)
        assert str(info.value) == (
            f"Column 'pop' is used as numbers by {users}, but 1 row is not a number (code: "
            "value): 'b': 'x'. Correct these cells, or read them as missing values: "
            "read_table(path, missing=(*MISSING_MARKERS, 'VALUE')) (CLI: --missing VALUE)."
        )
    many = pd.DataFrame(
        {"pop": [f"n{i}" for i in range(7)], "area_km2": 1.0}, index=list("abcdefg")
    )
    with pytest.raises(NonNumericValuesError) as info:
        compute(CATALOGUE, many, indicators=["pop"])
    assert str(info.value).startswith(
        "Column 'pop' is used as numbers by pop, but 7 rows are not numbers (code: value): "
        "'a': 'n0', 'b': 'n1', 'c': 'n2', 'd': 'n3', 'e': 'n4' (and 2 more). "
    )
    # numbers stored as text are fine, and missing cells stay missing
    text = _two_units(["12", None]).astype({"pop": object})
    values = compute(CATALOGUE, text, indicators=["pop"]).values["pop"]
    assert values["a"] == 12.0 and np.isnan(values["b"])


def test_infinite_components_are_missing_and_reported():
    comp = _two_units([np.inf, 5.0])
    table = compute(CATALOGUE, comp, {"t": ["a", "b"], "u": ["a"]}, indicators=["pop"])
    assert table.values["pop"].to_dict() == {"t": 5.0, "u": pytest.approx(np.nan, nan_ok=True)}
    assert table.report["non_finite"] == {"pop": 1}
    assert (
        "non_finite" not in compute(CATALOGUE, _two_units([1.0, 2.0]), indicators=["pop"]).report
    )


@pytest.mark.filterwarnings("error")
def test_overflowing_sums_and_ratios_are_errors():
    big = _two_units([1e308, 1e308])
    with pytest.raises(SumOverflowError) as info:
        compute(CATALOGUE, big, {"t": ["a", "b"], "u": ["a"]}, indicators=["pop"])
    assert str(info.value) == (
        "The sum of 'pop' overflows (it exceeds 1.8e308, the largest 64-bit float) in 1 "
        "territory: 't'. Check the units of the components (values near 1e308 or 1e-308 are "
        "errors), or rescale them."
    )
    with pytest.raises(SumOverflowError) as info:
        compute(CATALOGUE, big, {"t": ["a", "b"], "v": ["b", "a"]}, indicators=["density"])
    assert str(info.value) == (
        "The sum of 'pop' (indicator 'density') overflows (it exceeds 1.8e308, the largest "
        "64-bit float) in 2 territories: 't', 'v'. Check the units of the components (values "
        "near 1e308 or 1e-308 are errors), or rescale them."
    )
    tiny_area = _two_units([1e300, 1.0], area=(1e-20, 1.0))
    with pytest.raises(SumOverflowError) as info:
        compute(CATALOGUE, tiny_area, indicators=["density"])
    assert str(info.value) == (
        "The indicator 'density' overflows (it exceeds 1.8e308, the largest 64-bit float) in "
        "1 territory: 'a'. Check the units of the components (values near 1e308 or 1e-308 are "
        "errors), or rescale them."
    )
    sectors = pd.DataFrame({"sector_a": [1e308, 1e308], "sector_b": [1.0, 1.0]}, index=["a", "b"])
    with pytest.raises(SumOverflowError) as info:
        compute(CATALOGUE, sectors, {"t": ["a", "b"]}, indicators=["shannon_sectors"])
    assert str(info.value).startswith(
        "The sum of 'sector_a' overflows (it exceeds 1.8e308, the largest 64-bit float) in 1 "
        "territory: 't'. "
    )
    # one step below the overflow is computed exactly
    fine = compute(CATALOGUE, _two_units([8e307, 8e307]), {"t": ["a", "b"]}, indicators=["pop"])
    assert fine.values.loc["t", "pop"] == 1.6e308


def test_a_sum_of_columns_is_known_only_where_every_column_is():
    """Synthetic: unit 2 has ``a`` but not ``b``; its ``a + b`` is unknown, never ``a + 0``."""
    cat = load_catalogue(
        """
indicators:
  - {id: ab_total, label: {fr: A et B}, theme: economy, unit: nombre, polarity: neutral,
     kind: stock, numerator: a + b}
  - {id: ab_share, label: {fr: Part de A}, theme: economy, unit: "%", polarity: neutral,
     kind: share, numerator: a, denominator: a + b}
"""
    )
    comp = pd.DataFrame({"a": [2.0, 3.0], "b": [3.0, np.nan]}, index=["u1", "u2"])
    table = compute(cat, comp, {"t": ["u1", "u2"], "only2": ["u2"]})
    assert table.values.loc["t", "ab_total"] == 5.0  # u1 only
    assert table.values.loc["t", "ab_share"] == pytest.approx(40.0)  # 2 / (2 + 3)
    assert np.isnan(table.values.loc["only2", "ab_total"])
    assert np.isnan(table.values.loc["only2", "ab_share"])
    assert table.report["partial_totals"] == {"ab_total": 1}
    assert table.report["partial_scope"] == {"ab_share": 2}  # u2 in both territories
