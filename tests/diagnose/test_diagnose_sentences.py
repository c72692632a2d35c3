"""Sentences an elected official can read; notes on withheld values; isolated territories.

Synthetic fixtures throughout (small grids of boxes, hand-made values), so that every
number can be recomputed here.
"""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from territorial.diagnose.diagnosis import diagnose
from territorial.diagnose.sentences import finding_sentence, gap_phrase
from territorial.diagnose.weights import contiguity_weights

NBSP = "\u00a0"
NUM = r"[-\u2212]?\d[\d\u202f]*(?:,\d+)?"


def _fr(text: str) -> float:
    return float(text.replace("\u202f", "").replace(",", ".").replace("\u2212", "-"))


@pytest.mark.parametrize("unit", ["%", "%/an", "ans"])
def test_points_and_years_add_up_with_one_number_format(unit):
    """The gap is the difference of the two numbers as shown, with their decimals."""
    rng = np.random.default_rng(1)
    word = "ans?" if unit == "ans" else "points?"
    for value, reference, decimals in zip(
        rng.uniform(-20, 90, 200), rng.uniform(-20, 90, 200), rng.integers(0, 3, 200),
        strict=True,
    ):  # fmt: skip
        text = gap_phrase(value, reference, unit=unit, decimals=int(decimals),
                          reference_level="region")  # fmt: skip
        shown_ref = re.search(rf"\(({NUM}){NBSP}", text).group(1)
        assert _fr(shown_ref) == pytest.approx(round(reference, int(decimals)), abs=1e-9)
        assert len(shown_ref.partition(",")[2]) == decimals  # the value's decimals
        diff = round(round(value, int(decimals)) - round(reference, int(decimals)), 6)
        if "au niveau" in text:
            assert diff == 0
            continue
        m = re.match(rf"({NUM}) ({word}) (au-dessus|en dessous) de la valeur régionale", text)
        assert m, text
        assert len(m.group(1).partition(",")[2]) == decimals
        assert _fr(m.group(1)) == pytest.approx(abs(diff), abs=1e-9)
        assert (m.group(3) == "au-dessus") == (diff > 0)


def test_large_ratios_are_said_in_times_not_in_thousands_of_percent():
    # the Métropole de Lyon's density against its région's (as of the issue)
    text = gap_phrase(2576.7, 112.4, unit="hab./km²", decimals=1, reference_level="region")
    assert text == f"23 fois la valeur régionale (112,4{NBSP}hab./km²)"
    assert "%" not in text
    en = gap_phrase(250.0, 100.0, unit="hab./km²", decimals=0, reference_level="france",
                    lang="en")  # fmt: skip
    assert en == f"2.5 times the national value (100{NBSP}inh./km²)"
    # below 2 times: a percentage of the reference; below it: a percentage too
    assert gap_phrase(190.0, 100.0, unit="km", decimals=0, reference_level="region") == (
        f"90{NBSP}% au-dessus de la valeur régionale (100{NBSP}km)"
    )
    assert gap_phrase(10.0, 100.0, unit="km", decimals=0, reference_level="region") == (
        f"90{NBSP}% en dessous de la valeur régionale (100{NBSP}km)"
    )
    # a reference of 0 or below has no relative gap: the difference, in the unit
    assert gap_phrase(0.4, -0.1, unit="indice", decimals=1, reference_level="region") == (
        "0,5 au-dessus de la valeur régionale (\u22120,1)"
    )


def test_ages_are_compared_in_years_in_both_languages():
    common = dict(label="Âge médian des maires", value=53.5, unit="ans", decimals=1,
                  reference=59.0, reference_level="region", decile=2, level="epci",
                  comparable=True)  # fmt: skip
    assert finding_sentence(**common) == (
        f"Âge médian des maires{NBSP}: 53,5{NBSP}ans, 5,5 ans en dessous de la valeur "
        f"régionale (59,0{NBSP}ans), 2e décile des EPCI comparables"
    )
    assert finding_sentence(**common, lang="en") == (
        f"Âge médian des maires: 53.5{NBSP}years, 5.5 years below the regional value "
        f"(59.0{NBSP}years), 2nd decile of comparable EPCIs"
    )
    one = finding_sentence(**dict(common, value=58.0))
    assert "1,0 an en dessous" in one


def test_a_modest_count_gets_a_confidence_note():
    common = dict(label="Tués", value=5.0, unit="pour 100 000 hab.", decimals=1,
                  reference=4.0, reference_level="region", decile=9, level="epci",
                  comparable=True, unstable=True)  # fmt: skip
    noted = finding_sentence(**common, evidence=(37.0, "tués"))
    assert noted.endswith(f"(repose sur 37 tués{NBSP}: à lire avec prudence)")
    assert "petite population" not in noted  # the more specific note only
    assert finding_sentence(**common).endswith("(petite population : valeur fragile)")


@pytest.fixture(scope="module")
def archipelago():
    """Synthetic: 36 mainland boxes (6 x 6) and one island far away, with a known
    population, the highest rate of all, and persons counts for a share."""
    boxes = [shapely.box(i, j, i + 1, j + 1) for i in range(6) for j in range(6)]
    codes = [f"m{k:02d}" for k in range(36)]
    g = gpd.GeoDataFrame(geometry=[*boxes, shapely.box(50, 50, 51, 51)],
                         index=[*codes, "isle"], crs=3857)  # fmt: skip
    rate = pd.Series(np.arange(37, dtype=float), index=g.index)  # the island: 36, the top
    share = pd.Series(np.linspace(20, 60, 37), index=g.index)
    persons = pd.Series(np.where(np.arange(37) % 4 == 0, 3.0, 12.0), index=g.index)
    withheld = pd.DataFrame({"rate": False, "share": persons < 5}, index=g.index)
    values = pd.DataFrame({"rate": rate, "share": share.mask(withheld["share"])})
    events = pd.DataFrame({"rate": np.where(np.arange(37) < 30, 50.0, 500.0)}, index=g.index)
    specs = {
        "rate": {"label": {"fr": "Taux", "en": "Rate"}, "unit": "pour 1 000 hab.",
                 "polarity": "higher_is_worse", "decimals": 1, "min_count": 20},
        "share": {"label": {"fr": "Part des femmes", "en": "Share of women"}, "unit": "%",
                  "polarity": "neutral", "decimals": 1, "min_count": 5},
    }  # fmt: skip
    country = pd.DataFrame({"rate": [18.0], "share": [40.0]}, index=["C"])
    result = diagnose(
        values, specs, level="territory", references={"france": country},
        population=pd.Series(5000.0, index=g.index), weights=contiguity_weights(g),
        lisa_kwds={"permutations": 99, "seed": 1}, types=3, withheld=withheld,
        counts=events,
        notes_kwds={"reasons": {"share": {"fr": "moins de 5 personnes", "en": "fewer than 5"}},
                    "nouns": {"rate": {"fr": "accidents", "en": "accidents"}}},
    )  # fmt: skip
    return result, values, withheld, events


def test_an_island_with_a_population_is_diagnosed_and_isolated(archipelago):
    result = archipelago[0]
    d = result.diagnosis("isle")
    assert d.isolated and d.lisa == {}
    # its rate is isolated; its share (3 persons) is withheld: no data
    assert result.lisa.clusters.loc["isle"].to_dict() == {"rate": "Isolated", "share": "No data"}
    assert d.weaknesses and d.weaknesses[0].startswith(f"Taux{NBSP}: 36,0")  # not excluded
    text = str(d)
    assert "territoire isolé" in text
    assert [f["lisa"] for f in d.findings] == ["Isolated", "No data"]
    mainland = result.diagnosis("m00")
    assert not mainland.isolated and "isolé" not in str(mainland)
    table = result.table(lang="en")
    assert table["isolated"].tolist() == [False] * 36 + [True]
    assert table.loc["isle", "rate__lisa"] == "Isolated"


def test_withheld_values_never_reach_a_sentence_and_are_said(archipelago):
    result, _, withheld, _ = archipelago
    table = result.table(lang="fr")
    hidden = withheld.index[withheld["share"]]
    assert len(hidden) == 10
    for code in table.index:
        sentences = table.loc[code, "strengths"] + table.loc[code, "weaknesses"]
        sentences += table.loc[code, "traits"]
        if code in hidden:
            assert not any(s.startswith("Part des femmes") for s in sentences)
            assert table.loc[code, "withheld"] == ["share"]
            assert table.loc[code, "notes"] == [
                f"1 indicateur non publié (moins de 5 personnes){NBSP}: Part des femmes."
            ]
            assert table.loc[code, "share__withheld"]
        else:
            assert table.loc[code, "notes"] == [] and not table.loc[code, "share__withheld"]
    d = result.diagnosis(hidden[0], lang="en")
    assert d.withheld == ["share"]
    assert d.notes == ["Withheld (fewer than 5): 1 indicator, Share of women."]
    assert "Notes" in str(d) and d.notes[0] in str(d)
    assert result.spec["withheld"] == {"share": 10}


def test_confidence_notes_where_events_are_fewer_than_five_times_the_minimum(archipelago):
    result, _, _, events = archipelago
    table = result.table(lang="en")
    noted = 0
    for code in table.index:
        for sentence in table.loc[code, "strengths"] + table.loc[code, "weaknesses"]:
            if sentence.startswith("Rate:"):
                # 5 x min_count (20) = 100: 50 events get a note, 500 do not
                has_note = sentence.endswith("(based on 50 accidents: read with caution)")
                assert has_note == (events.loc[code, "rate"] < 100)
                noted += has_note
    assert noted > 0
    d = result.diagnosis("m00")
    assert [f["count"] for f in d.findings if f["indicator"] == "rate"] == [50.0]


def test_no_jargon_for_the_public_codes_for_machines(archipelago):
    result = archipelago[0]
    seen_cluster = False
    for code in result.comparison.values.index:
        for lang in ("fr", "en"):
            d = result.diagnosis(code, lang=lang)
            text = str(d)
            assert "σ" not in text and not re.search(r"(Haut|Bas|High|Low)-(Haut|Bas|High|Low)",
                                                     text)  # fmt: skip
            if d.lisa:
                seen_cluster = True
                assert set(d.to_dict()["lisa"].values()) <= {
                    "High-High", "Low-Low", "High-Low", "Low-High",
                }  # fmt: skip
            if d.type:
                assert "σ" in d.type_description and "σ" not in d.type_summary
                assert d.type_summary in text
    assert seen_cluster
