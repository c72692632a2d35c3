"""INSEE's figures on the built-in geography, checked against the shipped extracts.

The expected values are computed here independently of the engine and of the code
conversion: straight from the extracts (``read_extract``), grouped by the département
part of each commune code (a commune never changed département through a merge in
2021-2025), with the rows of Paris, Lyon and Marseille's arrondissements left out (the
comparateur also has the three cities' own rows, which double-count them).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from territorial.france import compute_france
from territorial.france.insee import (
    INSEE_COMPONENTS,
    extract_provenance,
    insee_components,
    read_extract,
)

pytestmark = pytest.mark.realdata

ARRONDISSEMENTS = ("751", "6938", "132")


def _departement(code: str) -> str:
    return code[:3] if code.startswith("97") else code[:2]


@pytest.fixture(scope="module")
def comparateur() -> pd.DataFrame:
    raw = read_extract("insee_comparateur.csv.gz").set_index("CODGEO")
    arm = raw.index.str.startswith(ARRONDISSEMENTS) & ~raw.index.isin(["13055"])
    raw = raw[~arm]
    values = raw.apply(lambda c: pd.to_numeric(c.replace("", np.nan)))
    values["departement"] = [_departement(c) for c in values.index]
    return values


@pytest.fixture(scope="module")
def departements():
    return compute_france(
        "departement",
        indicators=["unemployment_rate", "vacancy_rate", "activity_rate",
                    "share_establishments_industry", "share_establishments_public",
                    "establishments_per_1000", "natural_balance_rate", "population_growth"],
    )  # fmt: skip


def test_france_2018_population_counts_no_city_twice(comparateur):
    comp, _ = insee_components()
    # INSEE's published 2018 population of France (without Mayotte)
    assert round(comp["census_population_2018"].sum()) == 66_732_538
    assert round(comparateur["P18_POP"].sum()) == 66_732_538


@pytest.mark.parametrize(
    ("indicator", "numerator", "denominator", "scale"),
    [
        ("unemployment_rate", "P18_CHOM1564", "P18_ACT1564", 100),
        ("vacancy_rate", "P18_LOGVAC", "P18_LOG", 100),
        ("activity_rate", "P18_ACT1564", "P18_POP1564", 100),
        ("share_establishments_industry", "ETBE18", "ETTOT18", 100),
        ("share_establishments_public", "ETOQ18", "ETTOT18", 100),
        ("establishments_per_1000", "ETTOT18", "P18_POP", 1000),
    ],
)
def test_every_departement_pools_its_communes(
    departements, comparateur, indicator, numerator, denominator, scale
):
    # both sums over the same communes (Sannerville, 14666, has no establishment count)
    both = comparateur[[numerator, denominator]].notna().all(axis=1)
    sums = comparateur[both].groupby("departement")[[numerator, denominator]].sum()
    expected = (sums[numerator] / sums[denominator] * scale).rename(indicator)
    got = departements.values[indicator].drop(index="976")  # Mayotte: no census row values
    assert np.isnan(departements.values.loc["976", indicator])
    pd.testing.assert_series_equal(
        got.sort_index(), expected.reindex(got.index).sort_index(), check_names=False,
        check_index_type=False, rtol=1e-9,
    )  # fmt: skip


def test_natural_balance_is_births_minus_deaths_per_year(departements, comparateur):
    sums = comparateur.groupby("departement")[["NAIS1318", "DECE1318", "P13_POP"]].sum()
    expected = (sums["NAIS1318"] - sums["DECE1318"]) / sums["P13_POP"] / 5 * 100
    got = departements.values["natural_balance_rate"].drop(index="976")
    np.testing.assert_allclose(got.to_numpy(), expected.reindex(got.index).to_numpy(), rtol=1e-9)


def test_population_growth_uses_the_legal_populations_2017_and_2023(departements):
    from territorial.france import load_france

    communes = load_france("commune", progress=False)
    sums = communes.groupby("departement")[["population_2017", "population"]].sum()
    lozere = sums.loc["48"]
    expected = ((lozere["population"] / lozere["population_2017"]) ** (1 / 6) - 1) * 100
    assert departements.values.loc["48", "population_growth"] == pytest.approx(expected)


def test_a_commune_nouvelle_after_2021_pools_its_former_communes():
    comp, _ = insee_components()
    raw = read_extract("insee_comparateur.csv.gz").set_index("CODGEO")
    # Culoz-Béon (01138 of COG 2025) = Culoz 01138 + Béon 01039 of COG 2021
    for column, component in (("P18_CHOM1564", "unemployed_15_64"), ("ETTOT18", "establishments")):
        expected = float(raw.loc["01138", column]) + float(raw.loc["01039", column])
        assert comp.loc["01138", component] == pytest.approx(expected)
    assert "01039" not in comp.index


def test_medians_are_never_aggregated():
    table = compute_france("epci", indicators=["median_income", "poverty_rate"])
    assert table.values["median_income"].isna().all()  # an EPCI's median is not its communes'
    communes = compute_france("commune", indicators=["median_income"])
    raw = read_extract("insee_filosofi_2021.csv.gz").set_index("CODGEO")
    assert communes.values.loc["01001", "median_income"] == float(raw.loc["01001", "MED21"])
    # a merged commune gets no median (never a mean of medians)
    merged, _ = insee_components()
    assert np.isnan(merged.loc["01138", "median_income_2021"]) or "01039" not in raw.index


def test_secret_cells_stay_secret_and_are_counted():
    _, report = insee_components()
    raw = read_extract("insee_filosofi_2021.csv.gz")
    assert report["filosofi_2021"]["secret_cells"]["median_income_2021"] == int(
        raw["MED21"].eq("s").sum()
    )


def test_every_component_is_present_and_provenance_is_complete():
    comp, _ = insee_components()
    assert list(comp.columns) == list(INSEE_COMPONENTS)
    for name, entry in extract_provenance()["extracts"].items():
        assert entry["sha256"] and entry["licence"] and entry["geography"], name
        assert "Insee" in entry["attribution"]


def test_a_damaged_extract_is_refused(monkeypatch):
    from territorial.errors import DataIntegrityError
    from territorial.france import insee

    prov = insee.extract_provenance()
    bad = {**prov, "extracts": {**prov["extracts"]}}
    bad["extracts"]["insee_filosofi_2021.csv.gz"] = {
        **prov["extracts"]["insee_filosofi_2021.csv.gz"],
        "sha256": "0" * 64,
    }
    monkeypatch.setattr(insee, "extract_provenance", lambda: bad)
    with pytest.raises(DataIntegrityError, match="damaged"):
        read_extract("insee_filosofi_2021.csv.gz")
