"""Edge cases a user would see: missing stocks, falling references.

- Mayotte's population is its 2017 figure (the latest in the official list) at every
  level; the four communes without geometry have a population but no area: they count in
  every total, and the density pools both sums over the communes where both are known
  (real data). Missing stocks stay missing, never 0 (synthetic, in test_engine).
- A falling rate as reference (negative growth): the relative gap is taken to the size
  of the reference, so a territory falling less than its falling reference is above it,
  and the strength rule sees it (synthetic values, expected results worked out by hand).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from territorial.diagnose.compare import compare
from territorial.diagnose.diagnosis import diagnose
from territorial.indicators.kinds import growth_rate

# ---- missing stocks (real data) ------------------------------------------------------

MAYOTTE = {"commune": None, "epci": None, "departement": "976", "region": "06"}


@pytest.fixture(scope="module")
def population():
    from territorial.france import compute_france

    return {
        level: compute_france(level, indicators=["population", "area", "density"])
        for level in ("commune", "epci", "departement", "region", "france")
    }


@pytest.mark.realdata
@pytest.mark.parametrize("level", ["commune", "epci", "departement", "region"])
def test_mayotte_population_is_its_2017_figure_at_every_level(communes, population, level):
    from territorial.france.insee import read_extract

    values = population[level].values
    mayotte = communes[communes["departement"] == "976"]
    legal = read_extract("populations_legales.csv.gz")
    legal = legal[(legal["vintage"] == "2023") & legal["code"].str.startswith("976")]
    expected = legal.set_index("code")["population"].astype(float)
    assert len(mayotte) == 17 and mayotte["population"].equals(expected.reindex(mayotte.index))
    if level == "commune":
        codes = list(mayotte.index)
        assert values.loc[codes, "population"].tolist() == expected.loc[codes].tolist()
    elif level == "epci":
        codes = sorted(mayotte["epci"].dropna().unique())
        assert len(codes) == 5
    else:
        codes = [MAYOTTE[level]]
        assert values.loc[codes[0], "population"] == expected.sum() == 256_518
    assert (values.loc[codes, "density"] > 0).all() and (values.loc[codes, "area"] > 0).all()
    if level == "commune":  # as in the source: 0 stays 0
        # the villages destroyed in 1916 near Verdun have no inhabitant: real zeros
        assert set(values.index[values["population"] == 0]) == set(
            communes.index[communes["population"] == 0]
        )
    else:  # no zero above the communes: a zero would be a missing value summed as 0
        assert (values["population"].dropna() > 0).all()


@pytest.mark.realdata
def test_france_population_counts_the_communes_without_geometry(communes, population):
    """France's total is every commune's, the four without geometry included; their area
    is unknown, so the density leaves them out of both sums, and says so."""
    from territorial.france.insee import read_extract

    legal = read_extract("populations_legales.csv.gz")
    legal = legal[(legal["vintage"] == "2023") & (legal["type"] == "COM")]
    france = population["france"]
    total = float(france.values.loc["FR", "population"])
    assert total == legal["population"].astype(int).sum()
    assert total - communes["population"].sum() == 731  # 15031, 15035, 15047, 15171
    expected = communes["population"].sum() / communes["area_km2"].sum()
    assert float(france.values.loc["FR", "density"]) == pytest.approx(expected, rel=1e-12)
    assert france.report["partial_scope"] == {"density": 4}
    # the area is the whole of France, Mayotte included
    assert float(france.values.loc["FR", "area"]) == pytest.approx(
        communes["area_km2"].sum(), rel=1e-9
    )
    # the Cantal's total counts its four communes without geometry, like France's
    cantal = communes[communes["departement"] == "15"]
    assert float(population["departement"].values.loc["15", "population"]) == pytest.approx(
        float(cantal["population"].sum()) + 731
    )


@pytest.mark.realdata
def test_the_report_says_which_stock_totals_leave_out_members(population):
    # every commune has a population now; the four without geometry have no area, which
    # France's and the Cantal's areas leave out, and the report says so
    assert population["france"].report["partial_totals"] == {"area": 4}
    assert population["departement"].report["partial_totals"] == {"area": 4}


# ---- falling references (synthetic) --------------------------------------------------

#: Synthetic: ten territories a..j whose rate fell by 10 % (a) ... 1 % (j) a year.
FALLING = pd.DataFrame(
    {"change": [-10.0, -9.0, -8.0, -7.0, -6.0, -5.0, -4.0, -3.0, -2.0, -1.0]},
    index=list("abcdefghij"),
)
#: Synthetic: the country's rate fell by 5 % a year.
COUNTRY = pd.DataFrame({"change": [-5.0]}, index=["C"])


def _spec(polarity: str) -> dict:
    return {
        "change": {
            "polarity": polarity,
            "kind": "growth",
            "unit": "%/an",
            "label": {"fr": "Évolution", "en": "Change"},
        }
    }


def test_relative_gap_is_taken_to_the_size_of_a_negative_reference():
    c = compare(FALLING, _spec("higher_is_better"), references={"country": COUNTRY})
    relative = c.relative_gaps["country"]["change"]
    # by hand: (value - (-5)) / 5 -> a: -1.0, f: 0.0, j: +0.8
    expected = [(v + 5.0) / 5.0 for v in FALLING["change"]]
    assert relative.tolist() == pytest.approx(expected)
    assert relative["j"] == pytest.approx(0.8) and relative["a"] == pytest.approx(-1.0)
    assert c.gaps["country"]["change"]["j"] == pytest.approx(4.0)


def test_falling_less_than_a_falling_reference_is_a_strength():
    """Percentiles (rank - 0.5) / 10: a 0.05, b 0.15 ... i 0.85, j 0.95. With higher_is_better,
    i and j are in the top fifth and 60 % and 80 % above the reference: strengths; a and b
    in the bottom fifth, 100 % and 80 % below it: weaknesses."""
    c = compare(FALLING, _spec("higher_is_better"), references={"country": COUNTRY})
    status = c.status["change"]
    assert status.to_dict() == {
        "a": "weakness", "b": "weakness", "c": "", "d": "", "e": "", "f": "", "g": "",
        "h": "", "i": "strength", "j": "strength",
    }  # fmt: skip


def test_falling_faster_is_a_strength_when_higher_is_worse():
    """The same values with higher_is_worse (e.g. a change in road deaths): a and b fall
    fastest, their oriented gap +100 % and +80 %: strengths; i and j weaknesses."""
    c = compare(FALLING, _spec("higher_is_worse"), references={"country": COUNTRY})
    assert c.status["change"].to_dict() == {
        "a": "strength", "b": "strength", "c": "", "d": "", "e": "", "f": "", "g": "",
        "h": "", "i": "weakness", "j": "weakness",
    }  # fmt: skip


def test_a_small_gap_to_a_falling_reference_is_not_a_strength():
    """The gap condition still applies: 1 % above a reference of -5 is a relative gap of
    0.2 %, below the rule's 5 %, so the top territory is no strength."""
    values = pd.DataFrame({"change": np.linspace(-5.5, -4.99, 10)}, index=list("abcdefghij"))
    c = compare(values, _spec("higher_is_better"), references={"country": COUNTRY})
    assert c.relative_gaps["country"]["change"]["j"] == pytest.approx(0.01 / 5)
    assert c.status["change"]["j"] == ""
    assert c.status["change"]["a"] == "weakness"  # 10 % below: (-5.5 + 5) / 5


def test_growth_rates_below_zero_end_to_end():
    """Annual rates from synthetic counts (the engine's growth_rate), then the diagnosis:
    the sentence says 'above' the falling national value (a gap in points, the unit
    being a percentage)."""
    start = pd.Series(100.0, index=list("abcdefghij"))
    end = pd.Series([36.0, 40, 45, 50, 55, 60, 64, 70, 75, 81], index=start.index)
    rates = growth_rate(start, end, years=2, name="change").to_frame()
    # by hand: j went from 100 to 81 in 2 years, (0.81 ** 0.5 - 1) * 100 = -10 % a year
    assert rates.loc["j", "change"] == pytest.approx(-10.0)
    country = growth_rate(pd.Series([1000.0]), pd.Series([640.0]), years=2, name="change")
    country = country.to_frame().set_axis(["C"])
    assert country.loc["C", "change"] == pytest.approx(-20.0)
    result = diagnose(rates, _spec("higher_is_better"), references={"france": country})
    table = result.table(lang="en")
    # j: -10 against -20, 10 points (50 %) above; top percentile 0.95: a strength
    assert table.loc["j", "strengths"] == [
        "Change: \u221210.00%/year, 10.00 points above the national value (\u221220.00%/year), "
        "10th decile of territories"
    ]
    # a: -40 % a year against -20, 100 % below; bottom percentile 0.05: a weakness
    assert rates.loc["a", "change"] == pytest.approx(-40.0)
    assert table.loc["a", "weaknesses"] == [
        "Change: \u221240.0%/year, 20.0 points below the national value (\u221220.0%/year), "
        "1st decile of territories"
    ]
    assert [len(table.loc[c, "strengths"]) for c in "abcdefghij"] == [0] * 8 + [1, 1]
