"""A median or a rate without its components is never aggregated (synthetic fixtures)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from territorial.indicators.engine import compute
from territorial.indicators.spec import load_catalogue

CATALOGUE = """
indicators:
  - {id: median_income, label: {fr: Revenu médian}, theme: society, unit: €,
     polarity: higher_is_better, kind: unit_value, column: med}
"""


def test_only_a_territory_of_one_unit_has_a_value():
    comp = pd.DataFrame({"med": [20000.0, 30000.0, np.nan]}, index=["a", "b", "c"])
    table = compute(
        load_catalogue(CATALOGUE), comp, {"a": ["a"], "b": ["b"], "c": ["c"], "ab": ["a", "b"]}
    )
    v = table.values["median_income"]
    assert v["a"] == 20000.0 and v["b"] == 30000.0
    assert np.isnan(v["ab"])  # never the mean (25 000) nor the median of the medians
    assert np.isnan(v["c"]) and table.flags.loc["c", "median_income"]  # secret: undefined
    assert not table.flags.loc["ab", "median_income"]
    assert table.report["not_aggregated"] == {"median_income": 1}
    spec = table.catalogue["median_income"]
    assert spec.formula == "med of the territory's one unit (not aggregated)"


def test_unit_value_takes_a_column_only():
    with pytest.raises(Exception, match="does not use denominator"):
        load_catalogue(CATALOGUE.replace("column: med", "column: med, denominator: x"))
