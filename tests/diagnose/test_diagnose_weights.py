"""Contiguity weights: equal to libpysal's on real communes, islands attached and reported."""

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
def test_same_links_as_libpysal_plus_islands(finistere, kind):
    w = contiguity_weights(finistere, contiguity=kind)
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
    w = contiguity_weights(finistere)
    assert "29083" in w.islands and "29155" in w.islands  # Île-de-Sein, Ouessant
    points = shapely.point_on_surface(finistere.to_crs(2154).geometry.values)
    codes = list(finistere.index)
    for island in ("29083", "29155"):
        i = codes.index(island)
        distances = shapely.distance(points[i], points)
        distances[i] = np.inf
        assert w.islands[island] == [codes[int(np.argmin(distances))]]
        assert w.neighbours(island) == w.islands[island]


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
    island = libpysal.weights.W({"a": ["b"], "b": ["a"], "c": []}, silence_warnings=True)
    with pytest.raises(InvalidArgumentError) as err:
        ContiguityWeights.from_libpysal(island)
    assert str(err.value) == (
        "w=\"W with islands 'c'\" is not valid: expected weights where every territory has "
        "a neighbour. Build the weights with contiguity_weights(territories), which attaches "
        "islands to their nearest territories."
    )
