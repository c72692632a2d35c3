"""Shared arcs, quantisation, simplification and varint encoding."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st
from shapely import Polygon, box

from territorial.errors import InvalidArgumentError, MissingCRSError
from territorial.render.web.topology import (
    METRES_PER_DEGREE,
    build_topology,
    decode_varints,
    encode_varints,
)


def rebuilt(topo, n: int) -> list:
    """Polygons rebuilt from the arcs (independent of the page's JavaScript)."""
    return [shapely.make_valid(Polygon(topo.feature_polygons(f)[0])) for f in range(n)]


def gap_area(polygons: list) -> float:
    """Area of the holes inside the union of polygons (gaps between neighbours)."""
    union = shapely.union_all(polygons)
    parts = getattr(union, "geoms", [union])
    return float(sum(Polygon(r).area for p in parts for r in p.interiors))


@given(st.lists(st.integers(min_value=-(2**40), max_value=2**40), max_size=60))
def test_varints_round_trip(values):
    assert decode_varints(encode_varints(np.array(values, dtype=np.int64))).tolist() == values


def test_two_squares_share_their_side():
    topo = build_topology(
        gpd.GeoSeries([box(0, 0, 1, 1), box(1, 0, 2, 1)], crs=4326), precision=100, tolerance=0
    )
    # outer border of each square plus the shared side, stored once
    assert topo.n_arcs == 3
    assert topo.report["arcs_shared"] == 1
    users = topo.arc_users()
    assert sorted(map(tuple, users.tolist())) == [(0, -1), (0, 1), (1, -1)]
    step = 100 / METRES_PER_DEGREE
    for f, square in enumerate([box(0, 0, 1, 1), box(1, 0, 2, 1)]):
        ring = Polygon(topo.feature_polygons(f)[0])
        assert ring.symmetric_difference(square).area < 4 * step


def test_rings_rebuilt_exactly_without_simplification(jagged_grid):
    topo = build_topology(jagged_grid.geometry, precision=1, tolerance=0)
    step = 1 / METRES_PER_DEGREE
    for f, geom in enumerate(jagged_grid.geometry):
        ring = np.asarray(topo.feature_polygons(f)[0])
        original = np.asarray(geom.exterior.coords)
        # every rebuilt vertex is an original vertex moved by at most half a grid step
        d = np.abs(ring[:, None, :] - original[None, :, :]).max(axis=2).min(axis=1)
        assert d.max() <= step / 2 + 1e-12
        assert len(ring) == len(original)


def test_shared_borders_survive_simplification(jagged_grid):
    precision, tolerance = 50.0, 3000.0
    topo = build_topology(jagged_grid.geometry, precision=precision, tolerance=tolerance)
    assert topo.report["vertices_out"] < topo.report["vertices_in"] / 2  # it did simplify
    step = precision / METRES_PER_DEGREE
    ours = rebuilt(topo, len(jagged_grid))
    assert gap_area(ours) <= step * step
    # overlaps between neighbours are absent too
    overlap = sum(
        ours[i].intersection(ours[j]).area
        for i in range(len(ours))
        for j in range(i + 1, len(ours))
    )
    assert overlap <= step * step


def test_t_junction_kept_where_polygon_by_polygon_simplification_opens_a_gap():
    # synthetic bricks: the top bricks meet on the middle of the bottom brick's top side,
    # 0.01 degree above the straight line between its corners
    bottom = Polygon([(0, 0), (2, 0), (2, 1), (1, 1.01), (0, 1)])
    left = Polygon([(0, 1), (1, 1.01), (1, 2), (0, 2)])
    right = Polygon([(1, 1.01), (2, 1), (2, 2), (1, 2)])
    bricks = gpd.GeoSeries([bottom, left, right], crs=4326)
    tolerance = 0.02 * METRES_PER_DEGREE

    def uncovered(polygons: list) -> float:  # the bricks fill the square [0, 2] x [0, 2]
        return 4.0 - shapely.union_all(polygons).intersection(box(0, 0, 2, 2)).area

    naive = list(shapely.simplify(bricks.values, 0.02, preserve_topology=False))
    assert uncovered(naive) == pytest.approx(0.01, rel=1e-6)  # what we must not do
    topo = build_topology(bricks, precision=10, tolerance=tolerance)
    step = 10 / METRES_PER_DEGREE
    assert uncovered(rebuilt(topo, 3)) <= 4 * step
    # the junction is still a vertex of all three bricks
    for f in range(3):
        ring = np.asarray(topo.feature_polygons(f)[0])
        assert np.abs(ring - [1, 1.01]).max(axis=1).min() <= step


def test_mesh_keeps_borders_between_groups_and_outline(jagged_grid):
    topo = build_topology(jagged_grid.geometry, precision=10, tolerance=0)
    groups = jagged_grid["dep"].to_numpy()
    mesh = topo.mesh(groups)
    users = topo.arc_users()
    expected = [a for a, (u, v) in enumerate(users.tolist()) if v < 0 or groups[u] != groups[v]]
    assert mesh.tolist() == expected
    # 5 x 4 grid, groups of ten cells: 5 sides between the groups, and an outline of
    # 18 cell sides where the 4 corner cells' two outer sides form one arc each
    inner = [a for a in mesh if users[a, 1] >= 0]
    assert len(inner) == 5
    assert len(mesh) - len(inner) == 18 - 4


def test_collapsed_rings_are_reported():
    tiny = box(0.5, 0.5, 0.5 + 1e-7, 0.5 + 1e-7)
    topo = build_topology(
        gpd.GeoSeries([box(0, 0, 1, 1), tiny], crs=4326), precision=10, tolerance=0
    )
    assert topo.report["rings_dropped"] == 1
    assert topo.report["rings_dropped_features"] == [1]
    assert topo.feature_rings.tolist() == [0, 1, 1]


def gap_pieces(polygons: list) -> list:
    """Holes inside the union of polygons."""
    union = shapely.union_all(polygons)
    parts = getattr(union, "geoms", [union])
    return [Polygon(r) for p in parts for r in p.interiors]


@pytest.mark.realdata
@pytest.mark.parametrize("departement", ["69", "13", "29"])
def test_real_communes_share_borders_after_simplification(departement):
    from territorial.france.data import load_france

    communes = load_france("commune", progress=False)
    dep = communes[communes["departement"] == departement]
    precision = 10.0
    topo = build_topology(dep.geometry, precision=precision, tolerance=60.0)
    assert topo.report["vertices_out"] < topo.report["vertices_in"]
    step = precision / METRES_PER_DEGREE
    polys = [
        shapely.make_valid(shapely.multipolygons([Polygon(r) for r in topo.feature_polygons(f)]))
        for f in range(len(dep))
    ]
    original_holes = shapely.union_all(gap_pieces(list(dep.geometry.values)))
    # every hole of the simplified map is either thinner than the grid step or one
    # of the holes of the original map (lakes, enclaves of another département)
    for hole in gap_pieces(polys):
        core = hole.buffer(-step / 2)
        assert core.is_empty or core.intersects(original_holes), hole.representative_point()


def test_errors_name_the_argument():
    square = gpd.GeoSeries([box(0, 0, 1, 1)])
    with pytest.raises(MissingCRSError) as err:
        build_topology(square, crs=None)
    assert str(err.value) == (
        "geometries has no CRS; territorial never guesses one. "
        "Set one with gdf.set_crs(...) or gdf.to_crs('EPSG:4326') first."
    )
    with pytest.raises(InvalidArgumentError) as err:
        build_topology(square.set_crs(2154))
    assert str(err.value) == (
        "geometries.crs='EPSG:2154' is not valid: expected longitude/latitude (EPSG:4326). "
        "Reproject first with gdf.to_crs('EPSG:4326')."
    )
    with pytest.raises(InvalidArgumentError) as err:
        build_topology(square.set_crs(4326), precision=0)
    assert str(err.value) == (
        "precision=0 is not valid: expected a positive number of metres. For example precision=10."
    )
    with pytest.raises(InvalidArgumentError) as err:
        build_topology(square.set_crs(4326), tolerance=-1)
    assert str(err.value) == (
        "tolerance=-1 is not valid: expected metres >= 0. For example tolerance=10."
    )
    lines = gpd.GeoSeries([shapely.LineString([(0, 0), (1, 1)])], crs=4326)
    with pytest.raises(InvalidArgumentError) as err:
        build_topology(lines)
    assert str(err.value) == (
        "geometries='geometry type ids [1]' is not valid: expected polygons or multipolygons. "
        "Keep only the areal territories, e.g. gdf[gdf.geom_type.str.endswith('Polygon')]."
    )


def test_make_jagged_grid_is_topological(make_grid):
    grid = make_grid(3, 2)
    # neighbours touch along a line, never overlap
    a, b = grid.geometry.iloc[0], grid.geometry.iloc[1]
    assert a.intersection(b).geom_type in ("LineString", "MultiLineString")
    assert a.intersection(b).length > 0.3
