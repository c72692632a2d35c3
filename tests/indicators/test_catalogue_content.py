"""The content of the built-in catalogue, pinned by a table written by hand.

The table below was written from what each indicator measures, not generated from
the YAML: a change of polarity, unit, kind, scale, theme or operands in
``catalogues/france.yaml`` must be a deliberate change of this table too.

Polarity reasoning, for the record:

- sizes and structure (population, area, density, number of communes, urban share,
  concentration indices) describe a territory without being good or bad: neutral;
- the make-up of councils (shares of women, of age and social groups, their diversity
  and location quotient, median ages) is judged against a target (parity, the
  population represented), not "more is better": neutral;
- town hall opening hours and websites are services offered: higher is better;
- the distance to the prefecture is remoteness from the State's services: higher
  is worse (Guyane's far communes are a weakness, never a strength);
- road accidents and deaths, their rates and their growth: higher is worse;
- INSEE's figures: a growing population, births over deaths, arrivals over departures,
  growing jobs, a high activity rate, many establishments per inhabitant, a high median
  income and many taxed households are better; unemployment, poverty, inequality
  (D9/D1), an ageing index above 100 and vacant dwellings are worse; the structure (age
  shares, sectors, location quotients, specialisation, diversity, firm size, job
  concentration, second homes, owners) describes a territory: neutral (cities score low
  on sector diversity because services dominate them);
- the land-cover shares (forest, savanna, cropland, grassland, wetland, built-up) describe
  the land, they are not good or bad by themselves: neutral.
"""

from __future__ import annotations

import pytest

from territorial.france import france_catalogue

PCS = (
    "councillors_farmers", "councillors_craftsmen", "councillors_managers",
    "councillors_intermediate", "councillors_employees", "councillors_workers",
    "councillors_retired", "councillors_other",
)  # fmt: skip

SECTORS = (
    "establishments_agriculture", "establishments_industry", "establishments_construction",
    "establishments_services", "establishments_public",
)  # fmt: skip

N, UP, DOWN = "neutral", "higher_is_better", "higher_is_worse"

#: id -> (theme, kind, unit, polarity, factor): the factor is the multiplier of a
#: ratio (``scale``), the number of years of a growth, None otherwise.
EXPECTED: dict[str, tuple[str, str, str, str, float | None]] = {
    "population": ("demography", "stock", "hab.", N, None),
    "area": ("demography", "stock", "km²", N, None),
    "density": ("demography", "density", "hab./km²", N, None),
    "n_communes": ("demography", "stock", "communes", N, None),
    "share_pop_10k": ("demography", "share", "%", N, None),
    "gini_commune_population": ("demography", "gini", "indice", N, None),
    "theil_commune_population": ("demography", "theil", "indice", N, None),
    "population_growth": ("demography", "growth", "%/an", UP, 6),
    "natural_balance_rate": ("demography", "ratio", "%/an", UP, 20),
    "migration_balance_rate": ("demography", "ratio", "%/an", UP, 20),
    "share_65_plus": ("demography", "share", "%", N, None),
    "share_under_20": ("demography", "share", "%", N, None),
    "ageing_index": ("demography", "ratio", "indice", DOWN, 100),
    "unemployment_rate": ("economy", "share", "%", DOWN, None),
    "activity_rate": ("economy", "share", "%", UP, None),
    "jobs_growth": ("economy", "growth", "%/an", UP, 5),
    "job_concentration": ("economy", "ratio", "pour 100 actifs occupés", N, 100),
    "jobs": ("economy", "stock", "emplois", N, None),
    "establishments": ("economy", "stock", "établissements", N, None),
    "establishments_per_1000": ("economy", "ratio", "pour 1 000 hab.", UP, 1000),
    "share_establishments_agriculture": ("economy", "share", "%", N, None),
    "share_establishments_industry": ("economy", "share", "%", N, None),
    "share_establishments_construction": ("economy", "share", "%", N, None),
    "share_establishments_services": ("economy", "share", "%", N, None),
    "share_establishments_public": ("economy", "share", "%", N, None),
    "lq_establishments_agriculture": ("economy", "location_quotient", "indice", N, None),
    "lq_establishments_industry": ("economy", "location_quotient", "indice", N, None),
    "lq_establishments_construction": ("economy", "location_quotient", "indice", N, None),
    "lq_establishments_services": ("economy", "location_quotient", "indice", N, None),
    "lq_establishments_public": ("economy", "location_quotient", "indice", N, None),
    "krugman_establishments": ("economy", "krugman", "indice", N, None),
    "shannon_establishments": ("economy", "shannon", "indice", N, None),
    "share_establishments_10_plus": ("economy", "share", "%", N, None),
    "median_income": ("society", "unit_value", "€", UP, None),
    "poverty_rate": ("society", "unit_value", "%", DOWN, None),
    "d9_d1_ratio": ("society", "unit_value", "indice", DOWN, None),
    "taxed_households_share": ("society", "share", "%", UP, None),
    "vacancy_rate": ("society", "share", "%", DOWN, None),
    "second_homes_share": ("society", "share", "%", N, None),
    "owner_occupiers_share": ("society", "share", "%", N, None),
    "councillors": ("governance", "stock", "nombre", N, None),
    "women_councillors_share": ("governance", "share", "%", N, None),
    "women_mayors_share": ("governance", "share", "%", UP, None),  # parity (docs/diagnose.md)
    "median_age_councillors": ("governance", "median", "ans", N, None),
    "median_age_mayors": ("governance", "median", "ans", N, None),
    "share_councillors_under_40": ("governance", "share", "%", N, None),
    "share_councillors_farmers": ("governance", "share", "%", N, None),
    "share_councillors_managers": ("governance", "share", "%", N, None),
    "share_councillors_workers_employees": ("governance", "share", "%", N, None),
    "share_councillors_retired": ("governance", "share", "%", N, None),
    "shannon_councillors_pcs": ("governance", "shannon", "indice", N, None),
    "lq_councillors_farmers": ("governance", "location_quotient", "indice", N, None),
    "median_townhall_hours": ("public_services", "median", "h/semaine", UP, None),
    "share_townhall_website": ("public_services", "share", "%", UP, None),
    "mean_distance_prefecture": ("public_services", "ratio", "km", DOWN, None),
    "road_accidents_rate": ("safety", "ratio", "pour 10 000 hab.", DOWN, 10_000),
    "road_deaths_rate": ("safety", "ratio", "pour 100 000 hab.", DOWN, 100_000),
    "road_accidents_change": ("safety", "growth", "%/an", DOWN, 13),
    "road_deaths_change": ("safety", "growth", "%/an", DOWN, 13),
    "land_forest_share": ("environment", "share", "%", N, None),
    "land_savanna_share": ("environment", "share", "%", N, None),
    "land_cropland_share": ("environment", "share", "%", N, None),
    "land_grassland_share": ("environment", "share", "%", N, None),
    "land_wetland_share": ("environment", "share", "%", N, None),
    "land_builtup_share": ("environment", "share", "%", N, None),
}

#: id -> operands (what is summed or read), for the indicators whose meaning depends
#: on which column is on top: swapping a numerator and a denominator changes everything.
OPERANDS: dict[str, dict[str, object]] = {
    "population": {"numerator": "population"},
    "area": {"numerator": "area_km2"},
    "density": {"numerator": "population", "denominator": "area_km2"},
    "n_communes": {"numerator": "n_communes"},
    "share_pop_10k": {"numerator": "population_10k", "denominator": "population"},
    "gini_commune_population": {"column": "population"},
    "theil_commune_population": {"column": "population"},
    "population_growth": {"start": "population_2017", "end": "population_2023"},
    "natural_balance_rate": {
        "numerator": "natural_balance_2013_2018", "denominator": "census_population_2013",
    },
    "migration_balance_rate": {
        "numerator": "migration_balance_2013_2018", "denominator": "census_population_2013",
    },
    "share_65_plus": {"numerator": "population_65_plus", "denominator": "population_2021"},
    "share_under_20": {"numerator": "population_0_19", "denominator": "population_2021"},
    "ageing_index": {"numerator": "population_65_plus", "denominator": "population_0_19"},
    "unemployment_rate": {"numerator": "unemployed_15_64", "denominator": "active_15_64"},
    "activity_rate": {"numerator": "active_15_64", "denominator": "population_15_64"},
    "jobs_growth": {"start": "jobs_2013", "end": "jobs_2018"},
    "job_concentration": {"numerator": "jobs_2018", "denominator": "employed_15_64"},
    "jobs": {"numerator": "jobs_2018"},
    "establishments": {"numerator": "establishments"},
    "establishments_per_1000": {
        "numerator": "establishments", "denominator": "census_population_2018",
    },
    "share_establishments_agriculture": {
        "numerator": "establishments_agriculture", "denominator": "establishments",
    },
    "share_establishments_industry": {
        "numerator": "establishments_industry", "denominator": "establishments",
    },
    "share_establishments_construction": {
        "numerator": "establishments_construction", "denominator": "establishments",
    },
    "share_establishments_services": {
        "numerator": "establishments_services", "denominator": "establishments",
    },
    "share_establishments_public": {
        "numerator": "establishments_public", "denominator": "establishments",
    },
    "lq_establishments_agriculture": {
        "breakdown": SECTORS, "category": "establishments_agriculture",
    },
    "lq_establishments_industry": {
        "breakdown": SECTORS, "category": "establishments_industry",
    },
    "lq_establishments_construction": {
        "breakdown": SECTORS, "category": "establishments_construction",
    },
    "lq_establishments_services": {
        "breakdown": SECTORS, "category": "establishments_services",
    },
    "lq_establishments_public": {
        "breakdown": SECTORS, "category": "establishments_public",
    },
    "krugman_establishments": {"breakdown": SECTORS},
    "shannon_establishments": {"breakdown": SECTORS},
    "share_establishments_10_plus": {
        "numerator": "establishments_10_plus", "denominator": "establishments",
    },
    "median_income": {"column": "median_income_2021"},
    "poverty_rate": {"column": "poverty_rate_2021"},
    "d9_d1_ratio": {"column": "d9_d1_ratio_2021"},
    "taxed_households_share": {
        "numerator": "taxed_households", "denominator": "fiscal_households",
    },
    "vacancy_rate": {"numerator": "vacant_dwellings", "denominator": "dwellings"},
    "second_homes_share": {"numerator": "second_homes", "denominator": "dwellings"},
    "owner_occupiers_share": {"numerator": "owner_occupied_homes", "denominator": "main_homes"},
    "councillors": {"numerator": "councillors"},
    "women_councillors_share": {"numerator": "councillors_women", "denominator": "councillors"},
    "women_mayors_share": {"numerator": "mayors_women", "denominator": "mayors"},
    "median_age_councillors": {"column": "age", "records": "councillors", "where": None},
    "median_age_mayors": {"column": "age", "records": "councillors", "where": "mayor"},
    "share_councillors_under_40": {
        "numerator": "councillors_under_40", "denominator": "councillors_age_known",
    },
    "share_councillors_farmers": {
        "numerator": "councillors_farmers", "denominator": "councillors_pcs_known",
    },
    "share_councillors_managers": {
        "numerator": "councillors_managers", "denominator": "councillors_pcs_known",
    },
    "share_councillors_workers_employees": {
        "numerator": "councillors_employees + councillors_workers",
        "denominator": "councillors_pcs_known",
    },
    "share_councillors_retired": {
        "numerator": "councillors_retired", "denominator": "councillors_pcs_known",
    },
    "shannon_councillors_pcs": {"breakdown": PCS},
    "lq_councillors_farmers": {"breakdown": PCS, "category": "councillors_farmers"},
    "median_townhall_hours": {"column": "townhall_hours", "records": None},
    "share_townhall_website": {"numerator": "townhall_website", "denominator": "n_communes"},
    "mean_distance_prefecture": {
        "numerator": "population_x_prefecture_km", "denominator": "population_prefecture_known",
    },
    "road_accidents_rate": {
        "numerator": "accidents_per_year_2018_2020", "denominator": "population_accidents",
    },
    "road_deaths_rate": {
        "numerator": "deaths_per_year_2018_2020", "denominator": "population_accidents",
    },
    "road_accidents_change": {
        "start": "accidents_per_year_2005_2007", "end": "accidents_per_year_2018_2020",
    },
    "road_deaths_change": {
        "start": "deaths_per_year_2005_2007", "end": "deaths_per_year_2018_2020",
    },
    **{
        f"land_{group}_share": {
            "numerator": f"mcd12c1_{group}_km2", "denominator": "mcd12c1_km2",
            "count": "mcd12c1_cells", "min_count": 10,
        }
        for group in ("forest", "savanna", "cropland", "grassland", "wetland", "builtup")
    },
}  # fmt: skip


def _factor(spec) -> float | None:
    if spec.kind == "ratio":
        return spec.scale
    if spec.kind == "growth":
        return spec.years
    return None


def test_the_ids_are_exactly_the_expected_ones_in_order():
    assert list(france_catalogue()) == list(EXPECTED)
    assert set(OPERANDS) == set(EXPECTED)


def test_the_built_in_catalogue_matches_the_hand_written_table():
    cat = france_catalogue()
    got = {s.id: (s.theme, s.kind, s.unit, s.polarity, _factor(s)) for s in cat.values()}
    wrong = {sid: (got.get(sid), want) for sid, want in EXPECTED.items() if got.get(sid) != want}
    assert wrong == {}, "indicator: (in the catalogue, expected)"


@pytest.mark.parametrize("sid", sorted(OPERANDS))
def test_operands_match_the_definitions(sid):
    spec = france_catalogue()[sid]
    got = {name: getattr(spec, name) for name in OPERANDS[sid]}
    assert got == OPERANDS[sid]


def test_remoteness_from_the_prefecture_is_a_weakness():
    # issue 14.2: the one flip that made Guyane's remoteness read as a strength
    spec = france_catalogue()["mean_distance_prefecture"]
    assert (spec.polarity, spec.unit) == ("higher_is_worse", "km")


def test_every_indicator_is_documented_in_both_languages():
    for spec in france_catalogue().values():
        assert spec.label["fr"].strip() and spec.label["en"].strip(), spec.id
        assert spec.source and spec.vintage and spec.why, spec.id
        assert spec.decimals is not None, spec.id
