"""Local and global Moran: equal to esda for the same weights and seed; islands; noise."""

from __future__ import annotations

import warnings

import esda
import geopandas as gpd
import libpysal
import numpy as np
import pandas as pd
import pytest

from territorial.diagnose.spatial import fdr_threshold, global_moran, local_moran
from territorial.diagnose.weights import ContiguityWeights, contiguity_weights
from territorial.errors import InvalidArgumentError


def _esda_local(y, w, seed, permutations=999):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # esda's notice about its future alternative
        return esda.Moran_Local(y, w, permutations=permutations, seed=seed)


@pytest.fixture(scope="module")
def columbus():
    """libpysal's columbus example (real data, 49 neighbourhoods) with its own Queen W."""
    g = gpd.read_file(libpysal.examples.get_path("columbus.shp"))
    g.index = g["POLYID"].astype(str)
    w = libpysal.weights.Queen.from_dataframe(g, use_index=True)
    return g[["CRIME", "INC", "HOVAL"]].astype(float), w


@pytest.fixture(scope="module")
def georgia():
    """libpysal's georgia example (real data, 159 counties; one decimal, so many ties)."""
    g = gpd.read_file(libpysal.examples.get_path("G_utm.shp"))
    g = g.set_crs(26916)  # shipped without .prj: its Latitude/Longitud columns fit UTM 16N (NAD83)
    g.index = g["AreaKey"].astype(str)
    columns = ["PctRural", "PctBach", "PctEld", "PctFB", "PctPov", "PctBlack"]
    return g, g[columns].astype(float)


@pytest.mark.parametrize("seed", [1, 123])
def test_local_moran_equals_esda_on_columbus(columbus, seed):
    values, w = columbus
    ours = local_moran(values, ContiguityWeights.from_libpysal(w), seed=seed)
    for column in values.columns:
        theirs = _esda_local(values[column].to_numpy(), w, seed)
        np.testing.assert_array_equal(ours.Is[column].to_numpy(), theirs.Is)
        np.testing.assert_array_equal(ours.quadrant[column].to_numpy(), theirs.q)
        np.testing.assert_array_equal(ours.p_sim[column].to_numpy(), theirs.p_sim)
        labels = np.where(
            theirs.get_cluster_labels(0.05) == "Insignificant",
            "Not significant",
            theirs.get_cluster_labels(0.05),
        )
        np.testing.assert_array_equal(ours.clusters[column].to_numpy(), labels)


def test_local_moran_equals_esda_with_ties_on_georgia(georgia):
    g, values = georgia
    weights = contiguity_weights(g)
    ours = local_moran(values, weights, seed=7)
    w = weights.to_libpysal()
    ties = {}
    for column in values.columns:
        theirs = _esda_local(values[column].to_numpy(), w, 7)
        ties[column] = int((np.abs(theirs.rlisas - theirs.Is[:, None]) < 1e-12).sum())
        np.testing.assert_array_equal(ours.p_sim[column].to_numpy(), theirs.p_sim)
        np.testing.assert_allclose(ours.Is[column].to_numpy(), theirs.Is, rtol=0, atol=0)
    # permuted statistics tie with the observed one in this data (PctBach: 414 times, with
    # seed 7); the p-values above show they are broken as esda breaks them
    assert ties["PctBach"] > 0 and ties["PctFB"] > 0


def test_global_moran_equals_esda(georgia):
    g, values = georgia
    weights = contiguity_weights(g)
    table = global_moran(values, weights).table
    w = weights.to_libpysal()
    w.transform = "r"
    for column in values.columns:
        theirs = esda.Moran(values[column].to_numpy(), w, permutations=0)
        assert table.loc[column, "I"] == pytest.approx(theirs.I, rel=1e-12)
        assert table.loc[column, "expected"] == pytest.approx(theirs.EI, rel=1e-12)
        assert table.loc[column, "z"] == pytest.approx(theirs.z_norm, rel=1e-9)
        assert table.loc[column, "p_value"] == pytest.approx(theirs.p_norm, rel=1e-6)


def test_fdr_threshold_matches_esda_on_real_p_values(columbus):
    values, w = columbus
    ours = local_moran(values, ContiguityWeights.from_libpysal(w), seed=1, fdr=True)
    for column in values.columns:
        p = ours.p_sim[column].to_numpy()
        assert fdr_threshold(p, alpha=0.05) == pytest.approx(esda.fdr(p, 0.05))
        assert ours.thresholds[column] == pytest.approx(esda.fdr(p, 0.05))
        significant = ours.clusters[column] != "Not significant"
        assert significant.sum() == (p < esda.fdr(p, 0.05)).sum()


def test_missing_values_are_no_data_and_others_finite(georgia):
    g, values = georgia
    values = values.copy()
    values.iloc[:5, 0] = np.nan
    ours = local_moran(values, contiguity_weights(g), permutations=99, seed=3)
    assert (ours.clusters.iloc[:5, 0] == "No data").all()
    assert ours.Is.iloc[5:, 0].notna().all() and ours.p_sim.iloc[5:, 0].notna().all()
    assert ours.Is.iloc[:, 1:].notna().all().all()


@pytest.fixture(scope="module")
def brittany():
    from territorial.france.data import load_france

    communes = load_france("commune", progress=False)
    communes = communes[communes["region"] == "53"]
    values = pd.DataFrame(
        {"log_density": np.log(communes["population"] / communes["area_km2"])},
        index=communes.index,
    )
    return communes, values


@pytest.mark.realdata
def test_islands_are_isolated_others_never_nan(brittany):
    communes, values = brittany
    weights = contiguity_weights(communes)
    islands = {"29083", "29155", "29084", "56069", "22016"}  # Sein, Ouessant, Molène...
    assert islands <= set(weights.isolated)
    lm = local_moran(values, weights, permutations=99, seed=1)
    status = lm.clusters["log_density"]
    assert set(status[status == "Isolated"].index) == set(weights.isolated)
    # an isolated commune has no statistic (not a cluster, not a NaN status); every
    # other commune has finite ones
    assert lm.Is.loc[weights.isolated, "log_density"].isna().all()
    others = status.index.difference(weights.isolated)
    assert lm.Is.loc[others, "log_density"].notna().all()
    assert lm.p_sim.loc[others, "log_density"].notna().all()
    gm = global_moran(values, weights).table
    assert np.isfinite(gm.loc["log_density", ["I", "z", "p_value"]].astype(float)).all()
    assert gm.loc["log_density", "n"] == len(others)
    # attached islands (the former behaviour) get statistics, tied across the sea
    attached = local_moran(values, contiguity_weights(communes, islands="attach"),
                           permutations=99, seed=1)  # fmt: skip
    assert attached.Is["log_density"].notna().all()


def test_an_island_far_away_changes_nothing_for_the_others(georgia):
    """Georgia's 159 counties plus a synthetic island 2 000 km out at sea: the island is
    isolated, and the counties' local and global Moran are esda's on Georgia alone."""
    import shapely

    g, values = georgia
    island = gpd.GeoDataFrame(
        {"geometry": [shapely.box(2.5e6, 3.5e6, 2.52e6, 3.52e6)]}, index=["island"], crs=g.crs
    )
    both = pd.concat([g[["geometry"]], island])
    wider = pd.concat([values, pd.DataFrame({c: [99.0] for c in values}, index=["island"])])
    weights = contiguity_weights(both)
    assert weights.isolated == ["island"]
    ours = local_moran(wider, weights, seed=7, permutations=99)
    w = contiguity_weights(g).to_libpysal()
    for column in values.columns:
        assert ours.clusters.loc["island", column] == "Isolated"
        assert np.isnan(ours.Is.loc["island", column])
        theirs = _esda_local(values[column].to_numpy(), w, 7, permutations=99)
        np.testing.assert_allclose(ours.Is[column].iloc[:-1].to_numpy(), theirs.Is, atol=1e-12)
        np.testing.assert_array_equal(ours.quadrant[column].iloc[:-1].to_numpy(), theirs.q)
        assert ours.p_sim[column].iloc[:-1].notna().all()
    table = global_moran(wider, weights).table
    w.transform = "r"
    for column in values.columns:
        theirs = esda.Moran(values[column].to_numpy(), w, permutations=0)
        assert table.loc[column, "I"] == pytest.approx(theirs.I, rel=1e-12)
        assert table.loc[column, "n"] == 159


@pytest.mark.realdata
def test_disagreement_with_another_seed_is_monte_carlo_noise(brittany):
    """Same seed: identical labels; another seed: differences only near the threshold."""
    communes, values = brittany
    weights = contiguity_weights(communes, islands="attach")  # esda needs no island
    w = weights.to_libpysal()
    y = values["log_density"].to_numpy()
    ours = local_moran(values, weights, seed=11)
    same = _esda_local(y, w, 11)
    labels = np.where(same.get_cluster_labels(0.05) == "Insignificant", "Not significant",
                      same.get_cluster_labels(0.05))  # fmt: skip
    assert (ours.clusters["log_density"].to_numpy() == labels).all()
    other = _esda_local(y, w, 99)
    ours_p = ours.p_sim["log_density"].to_numpy()
    differ = (ours_p < 0.05) != (other.p_sim < 0.05)
    assert 0 < differ.mean() < 0.05
    # every disagreement sits close to the threshold: both p-values within the
    # Monte Carlo error of p = 0.05 with 999 permutations (sd ~ 0.007, 5 sd)
    assert np.all(np.abs(ours_p[differ] - 0.05) < 0.035)
    assert np.all(np.abs(other.p_sim[differ] - 0.05) < 0.035)


def test_errors_have_full_messages(georgia):
    g, values = georgia
    weights = contiguity_weights(g)
    with pytest.raises(InvalidArgumentError) as err:
        local_moran(values, weights, permutations=-1)
    assert str(err.value) == (
        "permutations=-1 is not valid: expected an integer >= 0. esda's default is 999."
    )
    with pytest.raises(InvalidArgumentError) as err:
        local_moran(values, weights, alpha=5)
    assert str(err.value) == (
        "alpha=5 is not valid: expected a number between 0 and 1. Use e.g. alpha=0.05."
    )
    with pytest.raises(InvalidArgumentError) as err:
        local_moran(values.iloc[:-2], weights)
    assert str(err.value) == (
        "values='157 rows' is not valid: expected the 159 territories of the weights. "
        "2 codes of the weights are missing from the values and 0 codes of the values are "
        "not in the weights; reindex the values on weights.codes."
    )
