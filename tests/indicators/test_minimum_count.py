"""Values resting on too few persons or events are withheld (synthetic fixtures)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from territorial.indicators.engine import compute
from territorial.indicators.spec import CatalogueError, load_catalogue

CATALOGUE = """
indicators:
  - {id: women_share, label: {fr: Part des femmes}, theme: governance, unit: "%",
     polarity: neutral, kind: share, numerator: women, denominator: people,
     count: people, min_count: 5}
  - {id: median_age, label: {fr: Âge médian}, theme: governance, unit: ans,
     polarity: neutral, kind: median, column: age, records: people, count: people,
     min_count: 5}
  - {id: open_share, label: {fr: Part}, theme: governance, unit: "%",
     polarity: neutral, kind: share, numerator: women, denominator: people}
"""


@pytest.fixture
def table():
    # synthetic: unit a has 3 people, b has 4, c has 9
    comp = pd.DataFrame(
        {"women": [1.0, 2.0, 5.0], "people": [3.0, 4.0, 9.0]}, index=["a", "b", "c"]
    )
    ages = [30, 40, 50, 20, 22, 24, 26, *range(60, 69)]
    units = ["a"] * 3 + ["b"] * 4 + ["c"] * 9
    records = {"people": pd.DataFrame({"unit": units, "age": ages})}
    zoning = {"a": ["a"], "b": ["b"], "c": ["c"], "ab": ["a", "b"]}
    return compute(load_catalogue(CATALOGUE), comp, zoning, records=records)


def test_values_under_the_minimum_are_withheld(table):
    v = table.values
    # a (3 people) and b (4) are withheld; c (9) and a+b (7) are published
    assert np.isnan(v.loc["a", "women_share"]) and np.isnan(v.loc["b", "women_share"])
    assert v.loc["c", "women_share"] == pytest.approx(100 * 5 / 9)
    assert v.loc["ab", "women_share"] == pytest.approx(100 * 3 / 7)
    assert np.isnan(v.loc["a", "median_age"]) and np.isnan(v.loc["b", "median_age"])
    assert v.loc["ab", "median_age"] == pytest.approx(np.median([30, 40, 50, 20, 22, 24, 26]))
    # without a count, nothing is withheld
    assert v.loc["a", "open_share"] == pytest.approx(100 / 3)


def test_withheld_values_are_counted_and_said(table):
    w = table.withheld
    assert w.loc[["a", "b"], "women_share"].all() and not w.loc[["c", "ab"], "women_share"].any()
    assert not w["open_share"].any()
    assert table.report["withheld"] == {"women_share": 2, "median_age": 2}
    assert not table.flags.loc[["a", "b"], "women_share"].any()  # withheld is not "undefined"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("count: people", "count and min_count go together"),
        ("min_count: 5", "count and min_count go together"),
        ("count: people, min_count: -1", "min_count=-1 must be a positive number"),
    ],
)
def test_bad_minimum_fields_are_refused(extra, message):
    text = (
        "indicators:\n  - {id: x, label: {fr: X}, theme: governance, unit: '%', "
        f"polarity: neutral, kind: share, numerator: a, denominator: b, {extra}}}\n"
    )
    with pytest.raises(CatalogueError, match=message):
        load_catalogue(text)
