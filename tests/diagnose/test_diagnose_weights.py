"""Contiguity weights: equal to libpysal's on real communes; islands isolated (default) or
attached and reported; no link across the sea."""

from __future__ import annotations

import warnings

import geopandas as gpd
import libpysal
import numpy as np
import pytest
import shapely

from territorial.diagnose.weights import ContiguityWeights, contiguity_weights
from territorial.errors import InvalidArgumentError, MissingCRSError


@pytest.fixture(scope="module")
def finistere() -> gpd.GeoDataFrame:
    from territorial.france.data import load_france

    communes = load_france("commune", progress=False)
    return communes[communes["departement"] == "29"]


def _links(adjacency) -> set[tuple[int, int]]:
    coo = adjacency.tocoo()
    return {(int(i), int(j)) for i, j in zip(coo.row, coo.col, strict=True) if i != j}


@pytest.mark.realdata
@pytest.mark.parametrize("kind", ["queen", "rook"])
def test_isolated_islands_give_exactly_libpysal_links(finistere, kind):
    w = contiguity_weights(finistere, contiguity=kind)
    cls = libpysal.weights.Queen if kind == "queen" else libpysal.weights.Rook
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # libpysal warns about its islands
        reference = cls.from_dataframe(finistere, use_index=True)
    assert _links(reference.sparse) == _links(w.adjacency)
    assert set(w.isolated) == set(reference.islands) and w.islands == {}
    assert w.spec["n_isolated"] == len(reference.islands) > 0


@pytest.mark.realdata
@pytest.mark.parametrize("kind", ["queen", "rook"])
def test_same_links_as_libpysal_plus_islands(finistere, kind):
    w = contiguity_weights(finistere, contiguity=kind, islands="attach")
    cls = libpysal.weights.Queen if kind == "queen" else libpysal.weights.Rook
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # libpysal warns about its islands
        reference = cls.from_dataframe(finistere, use_index=True)
    assert list(reference.id_order) == list(w.codes)
    theirs, ours = _links(reference.sparse), _links(w.adjacency)
    assert theirs <= ours
    added = ours - theirs
    codes = list(w.codes)
    # every added link touches an island that libpysal left without neighbours
    assert {codes[i] for i, j in added} | {codes[j] for i, j in added} >= set(reference.islands)
    for i, j in added:
        assert codes[i] in w.islands or codes[j] in w.islands
    assert set(w.islands) == set(reference.islands)
    assert w.spec["n_islands_attached"] == len(reference.islands)
    assert (w.cardinalities > 0).all()


@pytest.mark.realdata
def test_ile_de_sein_and_ouessant_attached_to_nearest(finistere):
    w = contiguity_weights(finistere, islands="attach")
    assert "29083" in w.islands and "29155" in w.islands  # Île-de-Sein, Ouessant
    points = shapely.point_on_surface(finistere.to_crs(2154).geometry.values)
    codes = list(finistere.index)
    for island in ("29083", "29155"):
        i = codes.index(island)
        distances = shapely.distance(points[i], points)
        distances[i] = np.inf
        assert w.islands[island] == [codes[int(np.argmin(distances))]]
        assert w.neighbours(island) == w.islands[island]


@pytest.mark.realdata
def test_overseas_departements_are_never_neighbours_across_the_sea():
    """Guadeloupe and Martinique, La Réunion and Mayotte, Corsica at région level: no
    neighbour on their land mass, so no link; before, each was tied to the nearest."""
    from territorial.france.data import load_france

    departements = load_france("departement", progress=False)
    w = contiguity_weights(departements)
    assert set(w.isolated) == {"971", "972", "973", "974", "976"}
    for code in w.isolated:
        assert w.neighbours(code) == []
    assert w.neighbours("2A") == ["2B"]  # Corsica's two départements share a border
    attached = contiguity_weights(departements, islands="attach")
    assert attached.islands["971"] == ["972"] and attached.islands["976"] == ["974"]
    regions = contiguity_weights(load_france("region", progress=False))
    assert set(regions.isolated) == {"01", "02", "03", "04", "06", "94"}


def _archipelago() -> gpd.GeoDataFrame:
    """Synthetic: a mainland of 4 cells in a row, an island pair far away, a lone island."""
    cells = [shapely.box(i, 0, i + 1, 1) for i in range(4)]
    pair = [shapely.box(10, 0, 11, 1), shapely.box(11, 0, 12, 1)]
    lone = [shapely.box(4.5, 0, 5, 1)]  # nearest to the mainland's last cell
    return gpd.GeoDataFrame(geometry=cells + pair + lone,
                            index=["m1", "m2", "m3", "m4", "p1", "p2", "x"], crs=3857)  # fmt: skip


def test_data_gaps_are_filled_on_the_same_land_mass_only():
    w = contiguity_weights(_archipelago())
    assert w.isolated == ["x"] and w.neighbours("p1") == ["p2"]
    assert len(set(w.land.tolist())) == 3
    # p2 lacks a value: p1 has nobody left on its land mass and becomes isolated, even
    # though m4 and x are nearer than any other cell; m1 lacks one: m2 loses no link
    keep = np.array([False, True, True, True, True, False, True])
    sub = w.subset(keep)
    assert sub.isolated == ["p1", "x"] and sub.islands == {}
    # m2 and m3 lack values: m4 is attached to m1, its nearest cell on the mainland
    sub = w.subset(np.array([True, False, False, True, True, True, True]))
    assert sub.islands == {"m1": ["m4"], "m4": ["m1"]}
    assert sub.neighbours("m4") == ["m1"] and sub.isolated == ["x"]
    # attached(): for methods that need a connected graph, across the sea
    joined = w.attached()
    assert joined.isolated == [] and joined.islands == {"x": ["m4"]}


def test_synthetic_boxes_queen_versus_rook():
    # synthetic: a 2 x 2 grid; diagonal cells touch by a corner only
    cells = [shapely.box(i, j, i + 1, j + 1) for i in range(2) for j in range(2)]
    g = gpd.GeoDataFrame(geometry=cells, index=["a", "b", "c", "d"], crs=3857)
    assert contiguity_weights(g).neighbours("a") == ["b", "c", "d"]
    assert contiguity_weights(g, contiguity="rook").neighbours("a") == ["b", "c"]


def test_round_trip_libpysal():
    cells = [shapely.box(i, 0, i + 1, 1) for i in range(3)]
    g = gpd.GeoDataFrame(geometry=cells, index=["a", "b", "c"], crs=3857)
    w = contiguity_weights(g)
    back = ContiguityWeights.from_libpysal(w.to_libpysal())
    assert _links(back.adjacency) == _links(w.adjacency)
    assert back.neighbours("b") == ["a", "c"]


def test_errors_have_full_messages():
    g = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 1, 1)], index=["a"], crs=3857)
    with pytest.raises(InvalidArgumentError) as err:
        contiguity_weights(g, contiguity="bishop")
    assert str(err.value) == (
        "contiguity='bishop' is not valid: expected 'queen' or 'rook'. "
        "Pass contiguity='queen' or 'rook'."
    )
    with pytest.raises(InvalidArgumentError) as err:
        contiguity_weights(g, island_neighbours=0)
    assert str(err.value) == (
        "island_neighbours=0 is not valid: expected an integer >= 1. "
        "Islands must be attached to at least one territory."
    )
    with pytest.raises(MissingCRSError) as err:
        contiguity_weights(g.set_crs(None, allow_override=True))
    assert str(err.value) == (
        "territories has no CRS; territorial never guesses one. "
        "Set one with territories.set_crs(...) before building weights."
    )
    with pytest.raises(InvalidArgumentError) as err:
        contiguity_weights(g, islands="bridge")
    assert str(err.value) == (
        "islands='bridge' is not valid: expected 'isolate' or 'attach'. Pass "
        "islands='isolate' (no neighbour across the sea) or 'attach' (nearest territories)."
    )
    island = libpysal.weights.W({"a": ["b"], "b": ["a"], "c": []}, silence_warnings=True)
    w = ContiguityWeights.from_libpysal(island)  # libpysal's islands stay isolated
    assert w.isolated == ["c"] and w.neighbours("a") == ["b"]
    with pytest.raises(InvalidArgumentError) as err:
        w.attached()
    assert str(err.value) == (
        "weights=\"weights with the isolated territories 'c'\" is not valid: expected "
        "weights built from geometries (contiguity_weights). Build the weights with "
        "contiguity_weights(territories, islands='attach')."
    )
