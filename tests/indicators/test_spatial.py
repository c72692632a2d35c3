"""Points, rasters, accessibility and areal interpolation (synthetic layers, said so; one
real-data check of point counts against geopandas.sjoin)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely import Point, box

from territorial.errors import CRSMismatchError, GeographicCRSError, InvalidArgumentError
from territorial.indicators.accessibility import distance_between, nearest_distance, weighted_mean
from territorial.indicators.interpolate import areal_interpolate
from territorial.indicators.points import PointLocator, count_points, points_per_capita
from territorial.indicators.raster import class_shares, zonal_stats


@pytest.fixture
def grid_territories() -> gpd.GeoDataFrame:
    """Synthetic: a 30 x 20 grid of 1 km squares with a hole and an island, Lambert-93."""
    cells = []
    codes = []
    for i in range(30):
        for j in range(20):
            cells.append(box(700_000 + i * 1000, 6_600_000 + j * 1000,
                             701_000 + i * 1000, 6_601_000 + j * 1000))  # fmt: skip
            codes.append(f"c{i:02d}{j:02d}")
    gdf = gpd.GeoDataFrame({"population": 100.0}, geometry=cells, index=codes, crs=2154)
    # a hole in one square (an enclave) and an island far away
    gdf.loc["c0505", "geometry"] = box(705_000, 6_605_000, 706_000, 6_606_000).difference(
        box(705_200, 6_605_200, 705_800, 6_605_800)
    )
    island = gpd.GeoDataFrame({"population": [50.0]}, geometry=[box(800_000, 6_700_000,
                              800_500, 6_700_500)], index=["island"], crs=2154)  # fmt: skip
    return pd.concat([gdf, island])


def _sjoin_counts(points: gpd.GeoSeries, territories: gpd.GeoDataFrame) -> pd.Series:
    joined = gpd.sjoin(gpd.GeoDataFrame(geometry=points), territories[["geometry"]],
                       predicate="intersects")  # fmt: skip
    return joined.groupby(joined.columns[-1]).size().reindex(territories.index, fill_value=0)


def test_count_points_equals_sjoin_synthetic(grid_territories):
    rng = np.random.default_rng(1)
    xy = np.column_stack([rng.uniform(699_000, 802_000, 60_000),
                          rng.uniform(6_599_000, 6_701_000, 60_000)])  # fmt: skip
    # points exactly on shared boundaries and corners count in every territory they touch
    xy = np.vstack([xy, [[701_000, 6_600_500], [701_000, 6_601_000], [705_500, 6_605_500]]])
    xy = np.vstack([xy, rng.uniform([700_000, 6_600_000], [730_000, 6_620_000], (60_000, 2))])
    points = gpd.GeoSeries(gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=2154)
    expected = _sjoin_counts(points, grid_territories).astype(float)
    ours = count_points(points, grid_territories)
    assert ours.name == "points"
    pd.testing.assert_series_equal(ours, expected, check_names=False)
    locator = PointLocator(grid_territories, cells=40_000)
    assert len(locator.grids) == 1  # the grid cluster; the island has no grid
    pd.testing.assert_series_equal(locator.count(xy), expected, check_names=False)
    parallel = PointLocator(grid_territories, cells=40_000, workers=2)
    parallel.min_parallel = 0  # force the exact tests into two processes
    pd.testing.assert_series_equal(parallel.count(xy), expected, check_names=False)
    assert ours.loc["c0505"] == expected.loc["c0505"]
    assert ours.attrs["outside"] == int(len(xy) - len(
        np.unique(gpd.sjoin(gpd.GeoDataFrame(geometry=points), grid_territories[["geometry"]])
                  .index)))  # fmt: skip


def test_weights_per_capita_and_errors(grid_territories):
    pts = gpd.GeoSeries([Point(700_500, 6_600_500), Point(700_600, 6_600_600)], crs=2154)
    w = count_points(pts, grid_territories, weights=np.array([2.0, 3.0]), name="beds")
    assert w.loc["c0000"] == 5.0 and w.name == "beds"
    pc = points_per_capita(pts, grid_territories, scale=1000)
    assert pc.loc["c0000"] == 20.0 and pc.loc["c0101"] == 0.0
    with pytest.raises(CRSMismatchError) as info:
        count_points(pts.to_crs(4326), grid_territories)
    assert str(info.value) == (
        "points are in EPSG:4326 but territories in EPSG:2154. Reproject one of them with "
        ".to_crs(...)."
    )
    with pytest.raises(InvalidArgumentError) as info:
        count_points(gpd.GeoSeries([box(0, 0, 1, 1)], crs=2154), grid_territories)
    assert str(info.value) == (
        "points='non-point geometries' is not valid: expected a layer of points. Take their "
        "centroids or representative points first."
    )


@pytest.mark.realdata
def test_count_points_equals_sjoin_on_communes():
    from territorial.france.data import load_france

    communes = load_france("commune", progress=False)
    communes = communes[communes["departement"].isin(["69", "01", "38", "974"])]
    rng = np.random.default_rng(3)
    centres = communes.geometry.representative_point().get_coordinates().to_numpy()
    xy = centres[rng.integers(0, len(centres), 80_000)] + rng.normal(0, 0.02, (80_000, 2))
    points = gpd.GeoSeries(gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=communes.crs)
    ours = count_points(points, communes)
    expected = _sjoin_counts(points, communes).astype(float)
    pd.testing.assert_series_equal(ours, expected, check_names=False)
    assert ours.attrs["exact_tests"] == len(xy)  # below millions of points: no grid
    gridded = PointLocator(communes, cells=1_000_000).count(points)
    pd.testing.assert_series_equal(gridded, expected, check_names=False)
    assert gridded.attrs["exact_tests"] < len(xy)  # the grid settled part of the points


def test_distances_in_metric_crs():
    o = gpd.GeoSeries([Point(2.35, 48.85), Point(4.83, 45.76)], crs=4326, index=["p", "l"])
    d = gpd.GeoSeries([Point(4.83, 45.76), Point(4.83, 45.76)], crs=4326, index=["p", "l"])
    km = distance_between(o, d, epsg=2154)
    assert km.loc["l"] == 0.0
    assert 385 < km.loc["p"] < 400  # Paris - Lyon as the crow flies, about 392 km
    near = nearest_distance(o, d.iloc[:1], epsg=pd.Series([2154, 2154], index=["p", "l"]))
    assert near.loc["p"] == pytest.approx(km.loc["p"])
    with pytest.raises(GeographicCRSError) as info:
        distance_between(o, d, epsg=4326)
    assert str(info.value) == (
        "epsg=4326 is a geographic CRS: distances in degrees are meaningless. Give a projected "
        "(metric) CRS such as 2154 (Lambert-93)."
    )
    wm = weighted_mean(pd.Series([10.0, 20.0, 5.0]), pd.Series([1.0, 3.0, 0.0]),
                       pd.Series(["a", "a", "b"]))  # fmt: skip
    assert wm.loc["a"] == 17.5 and np.isnan(wm.loc["b"])


def test_zonal_stats_equal_exactextract_direct(grid_territories):
    from exactextract import exact_extract
    from exactextract.raster import NumPyRasterSource
    from pyproj import CRS

    rng = np.random.default_rng(0)
    values = rng.random((400, 500))
    bounds = (699_500.0, 6_598_700.0, 732_500.0, 6_625_100.0)  # cells of 66 m x 66 m
    terr = grid_territories.to_crs(4326)  # reprojected back to the raster's CRS inside
    ours = zonal_stats(values, terr, transform=bounds, crs=2154, stats=["mean", "sum", "count"])
    direct = exact_extract(
        NumPyRasterSource(values, *bounds, srs_wkt=CRS(2154).to_wkt()),
        terr.to_crs(2154), ["mean", "sum", "count"], output="pandas",
    )  # fmt: skip
    for stat in ("mean", "sum", "count"):
        np.testing.assert_allclose(ours[stat].to_numpy(), direct[stat].to_numpy(), atol=1e-9,
                                   rtol=0)  # fmt: skip
    two = zonal_stats(values, terr, transform=bounds, crs=2154, stats=["mean", "sum", "count"],
                      workers=2)  # fmt: skip
    pd.testing.assert_frame_equal(ours, two)
    assert np.isnan(ours.loc["island", "mean"])  # outside the raster


def test_zonal_stats_by_hand_and_class_shares():
    from affine import Affine

    def from_origin(x, y, dx, dy):
        return Affine(dx, 0.0, x, 0.0, -dy, y)

    terr = gpd.GeoDataFrame(geometry=[box(0, 0, 1.5, 1), box(0, 1, 3, 2)], index=["a", "b"],
                            crs=2154)  # fmt: skip
    values = np.array([[1.0, 2.0, 3.0], [10.0, 20.0, 30.0]])  # row 0 is the top (y 1..2)
    z = zonal_stats(values, terr, transform=from_origin(0, 2, 1, 1), crs=2154,
                    stats=["mean", "sum"])  # fmt: skip
    # a covers cell 10 fully and half of cell 20: mean = (10 + 0.5 * 20) / 1.5
    assert z.loc["a", "mean"] == pytest.approx(20 / 1.5)
    assert z.loc["a", "sum"] == pytest.approx(20.0)
    assert z.loc["b", "mean"] == pytest.approx(2.0)
    shares = class_shares(np.array([[1, 1, 2], [3, 3, 3]]), terr,
                          transform=from_origin(0, 2, 1, 1), crs=2154)  # fmt: skip
    assert list(shares.columns) == ["class_1", "class_2", "class_3"]
    assert shares.loc["b"].tolist() == pytest.approx([200 / 3, 100 / 3, 0.0])
    assert shares.loc["a"].tolist() == pytest.approx([0.0, 0.0, 100.0])
    with pytest.raises(InvalidArgumentError) as info:
        zonal_stats(values, terr, transform=from_origin(0, 2, 1, 1), crs=2154, stats=["avg"])
    assert str(info.value).startswith(
        "stats=['avg'] is not valid: expected a non-empty list of: mean, sum, count,"
    )


def test_areal_interpolation_area_and_population():
    src = gpd.GeoDataFrame({"jobs": [100.0, 60.0], "rate": [10.0, 40.0]},
                           geometry=[box(0, 0, 2, 2), box(2, 0, 4, 2)], index=["s1", "s2"],
                           crs=2154)  # fmt: skip
    tgt = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 2), box(1, 0, 4, 2)], index=["t1", "t2"],
                           crs=2154)  # fmt: skip
    out = areal_interpolate(src, tgt, extensive=["jobs"], intensive=["rate"])
    assert out["jobs"].tolist() == [50.0, 110.0]
    assert out.loc["t2", "rate"] == pytest.approx((10 * 2 + 40 * 4) / 6)
    assert out.attrs["report"]["jobs_share_reached"] == 1.0
    # population weights: all of s1's people live in its right half
    anc = gpd.GeoDataFrame({"population": [0.0, 30.0, 10.0]},
                           geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1)],
                           crs=2154)  # fmt: skip
    pw = areal_interpolate(src, tgt, extensive=["jobs"], weights="population", ancillary=anc)
    assert pw["jobs"].tolist() == [0.0, 160.0]
    with pytest.raises(GeographicCRSError) as info:
        areal_interpolate(src.to_crs(4326), tgt.to_crs(4326), extensive=["jobs"])
    assert str(info.value) == (
        "source is in a geographic CRS (EPSG:4326): areas in degrees are meaningless. Pass "
        "crs=2154 (Lambert-93) or another metric CRS."
    )
    with pytest.raises(InvalidArgumentError) as info:
        areal_interpolate(src, tgt, extensive=["jobs"], weights="people")
    assert str(info.value) == "weights='people' is not valid: expected 'area' or 'population'."


def test_missing_and_empty_points_fall_in_no_territory(grid_territories):
    """Synthetic: a missing and an empty point among located ones keep their positions."""
    points = gpd.GeoSeries(
        [Point(700_500, 6_600_500), None, Point(), Point(701_500, 6_600_500)], crs=2154
    )
    for cells in (0, 40_000):
        counts = PointLocator(grid_territories, cells=cells).count(points)
        assert counts.loc["c0000"] == 1.0 and counts.loc["c0100"] == 1.0
        assert counts.sum() == 2.0 and counts.attrs["outside"] == 2
    assert count_points(points, grid_territories).attrs["outside"] == 2


def test_boundary_one_counts_each_point_once(grid_territories):
    """Synthetic: points on shared edges and corners count once with boundary='one'."""
    rng = np.random.default_rng(5)
    inner = rng.uniform([700_000, 6_600_000], [730_000, 6_620_000], (5_000, 2))
    on_edges = np.array([[701_000, 6_600_500], [701_000, 6_601_000], [705_000, 6_605_000]])
    xy = np.vstack([inner, on_edges])
    points = gpd.GeoSeries(gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=2154)
    every = count_points(points, grid_territories)
    for cells in (0, 40_000):
        once = PointLocator(grid_territories, cells=cells).count(points, boundary="one")
        assert once.sum() == len(xy) - once.attrs["outside"]
        assert once.attrs["shared"] == 3
        # boundary='all' counts the edge point twice and each corner point four times
        assert every.sum() - once.sum() == 1 + 3 + 3
        assert (once <= every).all()
    # the corner point (701000, 6601000) goes to the first of its four squares
    corner = count_points(points.iloc[[-2]], grid_territories, boundary="one")
    assert corner[corner > 0].index.tolist() == ["c0000"]
    with pytest.raises(InvalidArgumentError) as info:
        count_points(points, grid_territories, boundary="first")
    assert str(info.value) == (
        "boundary='first' is not valid: expected 'all' or 'one'. 'all' counts a point on a "
        "shared boundary in every territory it touches (like sjoin); 'one' in the first of "
        "them only, so that counts add up."
    )


def test_zonal_stats_integer_raster_with_float_nodata(grid_territories):
    """Synthetic: an integer raster whose nodata comes as a float (as rasterio gives it)."""
    rng = np.random.default_rng(2)
    values = rng.integers(0, 5, size=(40, 50)).astype("int16")
    bounds = (700_000.0, 6_600_000.0, 710_000.0, 6_608_000.0)
    terr = grid_territories.iloc[:50]
    ints = zonal_stats(values, terr, transform=bounds, crs=2154, stats=["sum", "count"],
                       nodata=0.0)  # fmt: skip
    floats = zonal_stats(values.astype("float64"), terr, transform=bounds, crs=2154,
                         stats=["sum", "count"], nodata=0.0)  # fmt: skip
    np.testing.assert_allclose(ints[["sum", "count"]], floats[["sum", "count"]], atol=1e-9)
    assert floats["count"].sum() < 50 * 25  # the zeros were left out as nodata


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 30), st.integers(0, 24), st.sampled_from([0.0, 0.5])),
        min_size=1,
        max_size=60,
    ),
    st.sampled_from([0, 400]),
)
def test_counts_equal_brute_force(raw, cells):
    """Hypothesis, synthetic: points on a half-unit lattice over a 10 x 8 grid of 3-unit squares
    (many on edges and corners), counted with and without a grid, equal a pair-by-pair test."""
    squares = [box(3 * i, 3 * j, 3 * i + 3, 3 * j + 3) for i in range(10) for j in range(8)]
    terr = gpd.GeoSeries(squares, index=[f"t{k:02d}" for k in range(80)], crs=2154)
    xy = np.array([[x + h, y + h] for x, y, h in raw], dtype="float64")
    points = gpd.GeoSeries(gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=2154)
    # (point, territory): every pair tested
    hits = np.asarray(shapely.intersects(np.array(squares)[None, :], points.to_numpy()[:, None]))
    locator = PointLocator(terr, cells=cells)
    assert len(locator.grids) == (1 if cells else 0)
    every = locator.count(points)
    np.testing.assert_array_equal(every.to_numpy(), hits.sum(axis=0))
    once = locator.count(points, boundary="one")
    first = np.where(hits.any(axis=1), hits.argmax(axis=1), -1)
    expected = np.bincount(first[first >= 0], minlength=80)
    np.testing.assert_array_equal(once.to_numpy(), expected)
    assert once.attrs["outside"] == int((~hits.any(axis=1)).sum())
    assert once.attrs["shared"] == int((hits.sum(axis=1) > 1).sum())


def test_interpolation_never_allocates_more_than_the_source_to_overlapping_targets():
    """Synthetic: two targets overlap on [1, 1.5] x [0, 1]; the source's 100 jobs stay 100."""
    src = gpd.GeoDataFrame({"jobs": [100.0]}, geometry=[box(0, 0, 2, 1)], crs=2154)
    tgt = gpd.GeoDataFrame(geometry=[box(0, 0, 1.5, 1), box(1, 0, 2, 1)], index=["a", "b"],
                           crs=2154)  # fmt: skip
    out = areal_interpolate(src, tgt, extensive=["jobs"])
    assert out["jobs"].sum() == pytest.approx(100.0)
    assert out["jobs"].tolist() == pytest.approx([100 * 1.5 / 2.5, 100 * 1.0 / 2.5])
    assert out.attrs["report"]["sources_overlapped_by_several_targets"] == 1
    assert out.attrs["report"]["jobs_share_reached"] == pytest.approx(1.0)
    # without overlap nothing changes: half and half
    tiled = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs=2154)
    result = areal_interpolate(src, tiled, extensive=["jobs"])
    assert result["jobs"].tolist() == [50.0, 50.0]
    assert result.attrs["report"]["sources_overlapped_by_several_targets"] == 0
