"""Catalogue layers (points, rasters, zonings) as additive components per unit.

Most tests use synthetic fixtures (the six 1 km squares of ``synthetic_grid``
in conftest.py, random points, a small made-up raster and made-up zones): they
check that components summed to a nested zoning equal the direct computation on
the dissolved territories. The real-data test uses the cached France communes.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from affine import Affine
from shapely import Point, Polygon, box

from territorial.errors import (
    ColumnNotFoundError,
    GeographicCRSError,
    InvalidArgumentError,
    MissingCRSError,
)
from territorial.indicators import compute, layer_components, load_catalogue
from territorial.indicators.interpolate import areal_interpolate
from territorial.indicators.layers import layers_used, report_lines
from territorial.indicators.points import count_points
from territorial.indicators.raster import class_shares, zonal_stats
from territorial.io.raster import Raster

CATALOGUE = """
name: synthetic
layers:
  - id: shops
    type: points
    label: {fr: Commerces, en: Shops}
  - id: beds
    type: points
    label: {fr: Lits, en: Beds}
    weight: n_beds
  - id: land
    type: raster
    label: {fr: Occupation du sol, en: Land cover}
    classes: {1: urban, 2: forest}
  - id: grid
    type: zones
    label: {fr: Carreaux, en: Grid}
    extensive: [jobs]
indicators:
  - {id: n_shops, label: Commerces, theme: economy, unit: nombre, polarity: neutral,
     kind: stock, numerator: shops}
  - {id: shops_rate, label: Commerces, theme: economy, unit: pour 10 000 hab.,
     polarity: higher_is_better, kind: ratio, numerator: shops, denominator: population,
     scale: 10000}
  - {id: shops_distance, label: Distance, theme: public_services, unit: km,
     polarity: higher_is_worse, kind: ratio, numerator: shops_popkm, denominator: shops_pop}
  - {id: n_beds, label: Lits, theme: public_services, unit: nombre, polarity: neutral,
     kind: stock, numerator: beds}
  - {id: land_mean, label: Moyenne, theme: environment, unit: indice, polarity: neutral,
     kind: ratio, numerator: land_sum, denominator: land_cells}
  - {id: urban_share, label: Urbain, theme: environment, unit: "%", polarity: neutral,
     kind: share, numerator: land_urban_km2, denominator: land_km2}
  - {id: jobs, label: Emplois, theme: economy, unit: emplois, polarity: neutral,
     kind: stock, numerator: grid_jobs}
"""


@pytest.fixture
def cat():
    return load_catalogue(CATALOGUE)


@pytest.fixture
def departements(synthetic_grid) -> gpd.GeoDataFrame:
    """The two synthetic 'départements' dissolved from the six squares."""
    return synthetic_grid[["departement", "geometry"]].dissolve("departement")


def random_points(n: int, seed: int) -> gpd.GeoDataFrame:
    """Synthetic points over the squares and around them (some fall outside every square)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(699_500, 706_500, n)
    y = rng.uniform(6_599_800, 6_601_200, n)
    return gpd.GeoDataFrame(
        {"n_beds": rng.integers(1, 50, n).astype(float)}, geometry=gpd.points_from_xy(x, y),
        crs=2154,
    )  # fmt: skip


@pytest.fixture
def raster() -> Raster:
    """Synthetic raster: 300 m cells offset from the squares (cells cross their borders).

    Values 1 (urban), 2 (forest), 3 (other), 0 = nodata, one NaN-free float band.
    """
    rng = np.random.default_rng(3)
    values = rng.integers(0, 4, size=(5, 21)).astype("float64")
    transform = Affine(300.0, 0.0, 699_850.0, 0.0, -300.0, 6_601_150.0)
    return Raster(values=values, transform=transform, crs=2154, nodata=0.0)


@pytest.fixture
def zones() -> gpd.GeoDataFrame:
    """Synthetic zones that do not nest in the squares (bands 1.7 km wide, tilted edges)."""
    polys = [
        Polygon([(699_800 + i * 1700, 6_599_900), (701_500 + i * 1700, 6_599_900),
                 (701_700 + i * 1700, 6_601_100), (700_000 + i * 1700, 6_601_100)])
        for i in range(4)
    ]  # fmt: skip
    return gpd.GeoDataFrame({"jobs": [100.0, 250.0, 40.0, 7.0]}, geometry=polys, crs=2154)


def components(cat, layers, units, **kw):
    comp, report = layer_components(cat, layers, units, **kw)
    return units[["population", "area_km2"]].join(comp), report


def test_points_counts_summed_equal_direct_counts(cat, synthetic_grid, departements):
    pts = random_points(400, seed=1)
    cat = cat.select(["n_shops", "n_beds"])
    comp, report = components(cat, {"shops": pts, "beds": pts}, synthetic_grid)
    table = compute(cat, comp, synthetic_grid["departement"])
    direct = count_points(pts, departements)
    assert table.values["n_shops"].tolist() == direct.tolist()
    weighted = count_points(pts, departements, weights=pts["n_beds"].to_numpy())
    assert table.values["n_beds"].to_numpy() == pytest.approx(weighted.to_numpy(), abs=1e-9)
    outside = direct.attrs["outside"]
    assert outside > 0  # the fixture has points outside every square
    assert report["shops"]["outside"] == outside
    assert report["shops"]["lines"][0] == (
        f"shops: {400 - outside} of 400 points in a unit; {outside} outside every unit"
    )
    assert report["beds"]["lines"][1] == (
        "beds: sum of 'n_beds' instead of a count (0 missing values counted as 0)"
    )
    # only the used components are computed: no distances were asked
    assert list(comp.columns) == ["population", "area_km2", "shops", "beds"]


def test_points_are_reprojected_and_reported(cat, synthetic_grid):
    pts = random_points(50, seed=2)
    cat = cat.select(["n_shops"])
    comp, report = components(cat, {"shops": pts.to_crs(4326)}, synthetic_grid)
    direct, _ = components(cat, {"shops": pts}, synthetic_grid)
    assert comp["shops"].tolist() == direct["shops"].tolist()
    assert report["shops"]["reprojected_from"] == "EPSG:4326"
    assert report["shops"]["lines"][1] == (
        "shops: points reprojected from EPSG:4326 to the units' CRS EPSG:2154"
    )


def test_accessibility_is_the_population_weighted_mean_distance(cat, synthetic_grid):
    # facilities at the centres of the first and last squares; origins: the square centres
    shops = gpd.GeoSeries([Point(700_500, 6_600_500), Point(705_500, 6_600_500)], crs=2154)
    centres = synthetic_grid.geometry.centroid
    cat = cat.select(["shops_distance"])
    comp, report = components(cat, {"shops": shops}, synthetic_grid, origins=centres)
    table = compute(cat, comp, synthetic_grid["departement"])
    # hand computation: distances 0, 1, 2 km (population 100, 200, 300) and 2, 1, 0 km
    # (population 400, 500, 600)
    assert table.values.loc["01", "shops_distance"] == pytest.approx((200 + 600) / 600)
    assert table.values.loc["02", "shops_distance"] == pytest.approx((800 + 500) / 1500)
    assert comp["shops_popkm"].tolist() == pytest.approx([0, 200, 600, 800, 500, 0])
    assert report["shops"]["units_with_distance"] == 6
    assert "shops" not in comp.columns  # the count is not used by this indicator
    # a missing origin falls back to a point inside the unit
    partial = centres.copy()
    partial.iloc[0] = None
    _, report = components(cat, {"shops": shops}, synthetic_grid, origins=partial)
    assert report["shops"]["origins_fallback"] == 1
    # a unit without geometry has no distance: left out of the mean, and reported
    holed = synthetic_grid.copy()
    holed.loc["06001", "geometry"] = None
    comp, report = components(cat, {"shops": shops}, holed)
    assert comp.loc["06001", ["shops_popkm", "shops_pop"]].tolist() == [0.0, 0.0]
    assert report["shops"]["lines"] == [
        "shops: distance to the nearest of 2 points for 5 of 6 units (from the representative "
        "point of each unit, in a metric CRS per unit)",
        "shops: 1 units with a population but no distance (no geometry, or no point) are left "
        "out of the mean",
    ]


def test_raster_mean_and_class_share_equal_direct_zonal_stats(
    cat, synthetic_grid, departements, raster
):
    cat = cat.select(["land_mean", "urban_share"])
    comp, report = components(cat, {"land": raster}, synthetic_grid)
    table = compute(cat, comp, synthetic_grid["departement"])
    kw = dict(transform=raster.transform, crs=raster.crs, nodata=raster.nodata)
    mean = zonal_stats(raster.values, departements, stats=["mean"], **kw)["mean"]
    assert table.values["land_mean"].to_numpy() == pytest.approx(mean.to_numpy(), abs=1e-9)
    shares = class_shares(raster.values, departements, classes=[1, 2], **kw)
    # as fractions (the shares are in %): equal within 1e-9
    urban = table.values["urban_share"].to_numpy() / 100
    assert urban == pytest.approx(shares["class_1"].to_numpy() / 100, abs=1e-9)
    # covered area of valid cells: coverage-weighted count x 0.09 km² per cell
    count = zonal_stats(raster.values, synthetic_grid, stats=["count"], **kw)["count"]
    assert comp["land_km2"].to_numpy() == pytest.approx(count.to_numpy() * 0.09, abs=1e-12)
    assert "land_forest_km2" not in comp.columns  # not used by the selected indicators
    assert report["land"]["lines"] == ["land: 6 of 6 units covered by valid cells"]


def test_raster_units_without_cells_are_reported(cat, synthetic_grid, raster):
    cut = Raster(raster.values[:, :7], raster.transform, raster.crs, raster.nodata)
    comp, report = components(cat.select(["land_mean"]), {"land": cut}, synthetic_grid)
    # the raster now stops at x = 701,950: the last four squares have no cell
    assert report["land"]["units_without_valid_cell"] == 4
    assert report["land"]["lines"] == [
        "land: 2 of 6 units covered by valid cells; 4 without any (e.g. 03001, 04001, 05001, "
        "06001), counted as 0"
    ]
    assert comp.loc["06001", ["land_sum", "land_cells"]].tolist() == [0.0, 0.0]


def test_zones_interpolated_then_summed_equal_direct_interpolation(
    cat, synthetic_grid, departements, zones
):
    cat = cat.select(["jobs"])
    comp, report = components(cat, {"grid": zones}, synthetic_grid)
    table = compute(cat, comp, synthetic_grid["departement"])
    direct = areal_interpolate(zones, departements, extensive=["jobs"])["jobs"]
    assert table.values["jobs"].to_numpy() == pytest.approx(direct.to_numpy(), abs=1e-9)
    reached = direct.sum() / zones["jobs"].sum()
    assert report["grid"]["jobs_share_reached"] == pytest.approx(reached)
    assert report["grid"]["zones_without_unit"] == 0
    assert report["grid"]["lines"] == [
        "grid: 4 zones interpolated to 6 units (area weights); 0 of them overlap no unit",
        f"grid: {100 * reached:.2f}% of the total of 'jobs' reached a unit",
    ]


def test_zones_with_population_weights(synthetic_grid, zones):
    cat = load_catalogue(
        CATALOGUE.replace(
            "    extensive: [jobs]", "    extensive: [jobs]\n    weights: population"
        )
    ).select(["jobs"])
    comp, _ = components(cat, {"grid": zones}, synthetic_grid)
    direct = areal_interpolate(zones, synthetic_grid, extensive=["jobs"], weights="population",
                               ancillary=synthetic_grid)["jobs"]  # fmt: skip
    assert comp["grid_jobs"].to_numpy() == pytest.approx(direct.to_numpy())


def test_layers_used_and_skipped_layers(cat, synthetic_grid):
    assert layers_used(cat.select(["shops_rate", "urban_share"])) == {
        "shops": {"shops"},
        "land": {"land_urban_km2", "land_km2"},
    }
    pts = random_points(10, seed=4)
    comp, report = layer_components(cat.select(["n_beds"]), {"beds": pts, "shops": pts},
                                    synthetic_grid)  # fmt: skip
    assert list(comp.columns) == ["beds"]
    assert report["shops"] == {
        "type": "points",
        "skipped": True,
        "lines": ["shops: not used by the computed indicators, left out"],
    }
    # layer after layer, in the catalogue's order
    lines = report_lines(report)
    assert lines == [*report["shops"]["lines"], *report["beds"]["lines"]]
    assert len(lines) == 3


def test_front_door_errors(cat, synthetic_grid):
    pts = random_points(5, seed=5)
    with pytest.raises(InvalidArgumentError) as info:
        layer_components(cat, {"shop": pts}, synthetic_grid)
    assert str(info.value) == (
        "layers='shop' is not valid: expected a layer declared by the catalogue 'synthetic' "
        "('shops', 'beds', 'land', 'grid'). Declare it under 'layers:' in the catalogue, "
        "with its type (points, raster, zones)."
    )
    with pytest.raises(InvalidArgumentError) as info:
        layer_components(cat.select(["shops_rate", "n_shops"]), {}, synthetic_grid)
    assert str(info.value) == (
        "layers=[] is not valid: expected data for the layer 'shops', used by 'n_shops', "
        "'shops_rate'. Pass layers={'shops': ...} (CLI: --layer shops=PATH)."
    )


def test_points_errors(cat, synthetic_grid):
    one = cat.select(["n_shops"])
    with pytest.raises(InvalidArgumentError) as info:
        layer_components(one, {"shops": synthetic_grid}, synthetic_grid)
    assert str(info.value) == (
        "layers['shops']='Polygon geometries' is not valid: expected points (the layer is "
        "declared with type: points). Take their representative points first, or declare the "
        "layer as type: zones."
    )
    with pytest.raises(InvalidArgumentError) as info:
        layer_components(one, {"shops": [(0, 0)]}, synthetic_grid)
    assert str(info.value) == (
        "layers['shops']='list' is not valid: expected a GeoDataFrame or GeoSeries of points. "
        "Layer 'shops' is declared with type: points. Read a file with "
        "territorial.io.points.read_points(path, crs=...)."
    )
    pts = random_points(5, seed=6)
    with pytest.raises(MissingCRSError) as info:
        layer_components(one, {"shops": pts.set_crs(None, allow_override=True)}, synthetic_grid)
    assert str(info.value) == (
        "The points of layer 'shops' has no CRS; territorial never guesses one. Set it with "
        ".set_crs(...) (CLI: --layer-crs ID=EPSG for a CSV)."
    )
    no_crs = synthetic_grid.set_crs(None, allow_override=True)
    with pytest.raises(MissingCRSError) as info:
        layer_components(one, {"shops": pts}, no_crs)
    assert str(info.value) == (
        "units has no CRS; territorial never guesses one. Set it with .set_crs(...)."
    )
    beds = cat.select(["n_beds"])
    with pytest.raises(ColumnNotFoundError) as info:
        layer_components(beds, {"beds": pts.drop(columns="n_beds")}, synthetic_grid)
    assert str(info.value) == (
        "layers['beds'].weight='n_beds' is not a column of the data. "
        "Available columns: 'geometry'."
    )
    dist = cat.select(["shops_distance"])
    with pytest.raises(ColumnNotFoundError) as info:
        layer_components(dist, {"shops": pts}, synthetic_grid.drop(columns="population"))
    assert str(info.value) == (
        "population='population' is not a column of the data. Available columns: 'name', "
        "'departement', 'area_km2', 'metric_epsg', 'geometry'."
    )
    with pytest.raises(InvalidArgumentError) as info:
        layer_components(dist, {"shops": pts.to_crs(4326)},
                         synthetic_grid.drop(columns="metric_epsg").to_crs(4326))  # fmt: skip
    assert str(info.value) == (
        "epsg=None is not valid: expected a metric EPSG code for the distances and areas of "
        "layer 'shops'. Pass epsg=2154 (Lambert-93) or another projected CRS, or give the "
        "units a 'metric_epsg' column (load_france('commune') has one)."
    )
    origins = gpd.GeoSeries(
        synthetic_grid.geometry.centroid.to_numpy(), index=synthetic_grid.index
    )
    with pytest.raises(MissingCRSError) as info:
        layer_components(dist, {"shops": pts}, synthetic_grid, origins=origins)
    assert str(info.value) == (
        "origins has no CRS; territorial never guesses one. Set it with .set_crs(...)."
    )


def test_distances_with_epsg_argument(cat, synthetic_grid):
    shops = gpd.GeoSeries([Point(700_500, 6_600_500)], crs=2154)
    units = synthetic_grid.drop(columns="metric_epsg").to_crs(4326)
    origins = synthetic_grid.geometry.centroid
    comp, _ = layer_components(cat.select(["shops_distance"]), {"shops": shops}, units,
                               epsg=2154, origins=origins)  # fmt: skip
    expected = np.array([0, 1, 2, 3, 4, 5]) * synthetic_grid["population"].to_numpy()
    assert comp["shops_popkm"].to_numpy() == pytest.approx(expected, abs=1e-6)


def test_raster_errors(cat, synthetic_grid, raster):
    one = cat.select(["land_mean"])
    with pytest.raises(InvalidArgumentError) as info:
        layer_components(one, {"land": random_points(3, seed=7)}, synthetic_grid)
    assert str(info.value) == (
        "layers['land']='GeoDataFrame' is not valid: expected a raster: an object with values, "
        "transform, crs and nodata. Layer 'land' is declared with type: raster. Read a file "
        "with territorial.io.read_raster(path)."
    )
    no_crs = Raster(raster.values, raster.transform, None, raster.nodata)
    with pytest.raises(MissingCRSError) as info:
        layer_components(one, {"land": no_crs}, synthetic_grid)
    assert str(info.value) == (
        "The raster of layer 'land' has no CRS; territorial never guesses one. Give its CRS "
        "(territorial.io.read_raster(path) reads it from the file)."
    )
    with pytest.raises(MissingCRSError) as info:
        layer_components(one, {"land": raster}, synthetic_grid.set_crs(None, allow_override=True))
    assert str(info.value) == (
        "units has no CRS; territorial never guesses one. Set it with .set_crs(...)."
    )
    degrees = Raster(raster.values, (4.0, 45.0, 4.21, 45.05), 4326, 0.0)
    # the mean works in any CRS; the areas need a projected raster
    layer_components(one, {"land": degrees}, synthetic_grid)
    with pytest.raises(GeographicCRSError) as info:
        layer_components(cat.select(["urban_share"]), {"land": degrees}, synthetic_grid)
    assert str(info.value) == (
        "Layer 'land': the raster is in a geographic CRS (EPSG:4326), its cells have no fixed "
        "area. land_km2 and the class areas need a projected raster: warp it once (e.g. "
        "gdalwarp -t_srs EPSG:2154 in.tif out.tif), or use only land_sum and land_cells."
    )


def test_raster_given_as_bounds(cat, synthetic_grid, raster):
    bounds = (699_850.0, 6_601_150.0 - 5 * 300, 699_850.0 + 21 * 300, 6_601_150.0)
    as_bounds = Raster(raster.values, bounds, raster.crs, raster.nodata)
    one = cat.select(["urban_share"])
    a, _ = layer_components(one, {"land": raster}, synthetic_grid)
    b, _ = layer_components(one, {"land": as_bounds}, synthetic_grid)
    pd.testing.assert_frame_equal(a, b)


def test_zones_errors(cat, synthetic_grid, zones):
    one = cat.select(["jobs"])
    with pytest.raises(InvalidArgumentError) as info:
        layer_components(one, {"grid": zones.geometry}, synthetic_grid)
    assert str(info.value) == (
        "layers['grid']='GeoSeries' is not valid: expected a GeoDataFrame of polygons. Layer "
        "'grid' is declared with type: zones. Read a file with "
        "territorial.io.vector.read_territories(path, code=..., name=...)."
    )
    with pytest.raises(InvalidArgumentError) as info:
        layer_components(one, {"grid": random_points(3, seed=8)}, synthetic_grid)
    assert str(info.value) == (
        "layers['grid']='Point geometries' is not valid: expected polygons (the layer is "
        "declared with type: zones). Declare a layer of points with type: points."
    )
    with pytest.raises(MissingCRSError) as info:
        layer_components(one, {"grid": zones.set_crs(None, allow_override=True)}, synthetic_grid)
    assert str(info.value) == (
        "The zones of layer 'grid' has no CRS; territorial never guesses one. "
        "Set it with .set_crs(...)."
    )
    with pytest.raises(MissingCRSError) as info:
        layer_components(one, {"grid": zones}, synthetic_grid.set_crs(None, allow_override=True))
    assert str(info.value) == (
        "units has no CRS; territorial never guesses one. Set it with .set_crs(...)."
    )
    with pytest.raises(ColumnNotFoundError) as info:
        layer_components(one, {"grid": zones.rename(columns={"jobs": "emplois"})},
                         synthetic_grid)  # fmt: skip
    assert str(info.value) == (
        "layers['grid'].extensive='jobs' is not a column of the data. "
        "Available columns: 'emplois', 'geometry'."
    )


def test_generic_compute_with_own_units(cat, synthetic_grid):
    """The documented pattern: comp = comp.join(layer_components(cat, layers, units)[0])."""
    pts = random_points(100, seed=9)
    comp = synthetic_grid[["population"]]
    comp = comp.join(layer_components(cat.select(["shops_rate"]), {"shops": pts},
                                      synthetic_grid)[0])  # fmt: skip
    table = compute(cat, comp, {"all": list(synthetic_grid.index)}, indicators=["shops_rate"])
    inside = count_points(pts, synthetic_grid).sum()
    assert table.values.loc["all", "shops_rate"] == pytest.approx(inside / 2100 * 10_000)


def box_units() -> gpd.GeoDataFrame:
    """Synthetic: two units for the zones-in-degrees test."""
    return gpd.GeoDataFrame(
        {"population": [1.0, 1.0]}, index=["a", "b"],
        geometry=[box(4.0, 45.0, 4.1, 45.1), box(4.1, 45.0, 4.2, 45.1)], crs=4326,
    )  # fmt: skip


def test_zones_in_degrees_use_the_metric_crs_of_each_unit(cat):
    units = box_units().assign(metric_epsg=2154)
    zones = gpd.GeoDataFrame({"jobs": [10.0]}, geometry=[box(4.05, 45.0, 4.2, 45.1)], crs=4326)
    comp, _ = layer_components(cat.select(["jobs"]), {"grid": zones}, units)
    direct = areal_interpolate(zones, units, extensive=["jobs"], crs=2154)["jobs"]
    assert comp["grid_jobs"].to_numpy() == pytest.approx(direct.to_numpy())
    assert (comp["grid_jobs"] > 0).all()


@pytest.mark.realdata
def test_real_point_layer_counts_communes_per_epci(communes):
    """Real data: one point per commune of Ain (01), counted per EPCI by compute_france."""
    from territorial.france import compute_france

    cat = load_catalogue(
        "name: communes_as_points\n"
        "layers:\n"
        "  - {id: townpoints, type: points, label: Points des communes}\n"
        "indicators:\n"
        "  - {id: n_points, label: Points, theme: demography, unit: nombre,\n"
        "     polarity: neutral, kind: stock, numerator: townpoints}\n"
    )
    ain = communes[communes["departement"] == "01"]
    ain = ain[ain.geometry.notna() & ~ain.geometry.is_empty]
    points = gpd.GeoDataFrame(geometry=ain.geometry.representative_point(), crs=ain.crs)
    table = compute_france("epci", catalogue=cat, layers={"townpoints": points})
    expected = ain.groupby("epci").size()
    got = table.values["n_points"]
    assert got.reindex(expected.index).tolist() == expected.astype(float).tolist()
    assert got.drop(expected.index).fillna(0).eq(0).all()
    report = table.report["layers"]["townpoints"]
    assert report["outside"] == 0 and report["in_units"] == len(ain)


ACCESS = """
name: access
layers:
  - {id: prefecture_2a, type: points, label: Préfecture de Corse-du-Sud}
indicators:
  - {id: distance_2a, label: Distance, theme: public_services, unit: km,
     polarity: higher_is_worse, kind: ratio, numerator: prefecture_2a_popkm,
     denominator: prefecture_2a_pop}
"""


@pytest.mark.realdata
def test_real_accessibility_equals_the_builtin_prefecture_distance(communes):
    """Real data: one point, the town hall of Ajaccio (prefecture of Corse-du-Sud).

    For the communes of Corse-du-Sud, the distance to the nearest point of that layer is the
    distance to their prefecture, computed independently by the built-in indicator
    ``mean_distance_prefecture`` from the same town-hall origins.
    """
    from territorial.france import compute_france
    from territorial.france.indicators import load_commune_origins

    origins = load_commune_origins()
    assert origins.loc["2A004", "source"] == "town hall"
    ajaccio = gpd.GeoSeries([origins.geometry["2A004"]], crs=origins.crs)
    table = compute_france(
        "departement", catalogue=load_catalogue(ACCESS), layers={"prefecture_2a": ajaccio}
    )
    builtin = compute_france("departement", indicators=["mean_distance_prefecture"])
    assert table.values.loc["2A", "distance_2a"] == pytest.approx(
        builtin.values.loc["2A", "mean_distance_prefecture"], rel=1e-9
    )
    report = table.report["layers"]["prefecture_2a"]
    assert report["lines"][0].startswith("prefecture_2a: distance to the nearest of 1 point for ")
    assert report["lines"][0].endswith(
        "communes (from the town hall of each commune, else its representative point, in a "
        "metric CRS per commune)"
    )
    # a column of the user's table named like a layer component is an error
    with pytest.raises(InvalidArgumentError) as info:
        compute_france(
            "departement", catalogue=load_catalogue(ACCESS), layers={"prefecture_2a": ajaccio},
            components=pd.DataFrame({"prefecture_2a_pop": [1.0]}, index=["01001"]),
        )  # fmt: skip
    assert str(info.value) == (
        "components='prefecture_2a_pop' is not valid: expected a column name that no layer of "
        "the catalogue produces. Rename the column 'prefecture_2a_pop' of your table, or the "
        "layer that produces it."
    )


# --- territorial.io.read_raster (io owns reading; the tests sit here with the layers) ------


def test_read_raster_errors(tmp_path):
    import rasterio

    from territorial.io import read_raster

    with pytest.raises(InvalidArgumentError) as info:
        read_raster(tmp_path / "none.tif")
    assert str(info.value) == (
        f"path='{tmp_path / 'none.tif'}' is not valid: expected an existing raster file. "
        "Check the path."
    )
    text = tmp_path / "not.tif"
    text.write_text("not a raster", encoding="utf-8")
    with pytest.raises(InvalidArgumentError) as info:
        read_raster(text)
    assert str(info.value).startswith(
        f"path='{text}' is not valid: expected a raster file that rasterio can open (e.g. "
        "GeoTIFF). rasterio says: "
    )
    # synthetic one-band rasters, with and without a CRS
    path = tmp_path / "r.tif"
    kw = dict(driver="GTiff", width=2, height=1, count=1, dtype="float32",
              transform=Affine(1, 0, 0, 0, -1, 1))  # fmt: skip
    with rasterio.open(path, "w", crs="EPSG:2154", **kw) as out:
        out.write(np.array([[1.5, 2.5]], dtype="float32"), 1)
    with pytest.raises(InvalidArgumentError) as info:
        read_raster(path, band=2)
    assert str(info.value) == (
        f"band=2 is not valid: expected a band number from 1 to 1. '{path}' has 1 band(s)."
    )
    assert read_raster(path).values.tolist() == [[1.5, 2.5]]
    bare = tmp_path / "bare.tif"
    with rasterio.open(bare, "w", **kw) as out:
        out.write(np.array([[1.5, 2.5]], dtype="float32"), 1)
    with pytest.raises(MissingCRSError) as info:
        read_raster(bare)
    assert str(info.value) == (
        f"The raster '{bare}' has no CRS; territorial never guesses one. Declare it in the "
        "file, e.g. gdal_edit.py -a_srs EPSG:2154 FILE."
    )


def test_weight_column_without_any_number_is_an_error(cat, synthetic_grid):
    """Synthetic: weights written with decimal commas, left as text."""
    points = random_points(2, seed=1).assign(n_beds=["1,5", "2,5"])
    with pytest.raises(InvalidArgumentError) as info:
        layer_components(cat.select(["n_beds"]), {"beds": points}, synthetic_grid)
    assert str(info.value) == (
        "layers['beds'].weight='n_beds' is not valid: expected a column of numbers. None of its "
        "values reads as a number (e.g. '1,5'). Write numbers with a decimal point, or read the "
        "file with territorial.io.points.read_points, which converts decimal commas."
    )
