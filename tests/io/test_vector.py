"""read_territories: generic files, Admin Express layouts, libpysal's Georgia counties."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from libpysal.examples import get_path
from shapely import Polygon, box

from territorial import read_territories
from territorial.errors import (
    ColumnNotFoundError,
    CRSMismatchError,
    DuplicateCodeError,
    InvalidArgumentError,
    MissingCRSError,
)
from territorial.io.points import read_points
from territorial.io.write import write_layer

GEORGIA = get_path("G_utm.shp")
# G_utm.shp ships without a .prj. Its coordinates are UTM zone 16N: county centroids match the
# file's own Latitude/Longitud columns projected to EPSG:26916 within 300 m (checked by hand).
GEORGIA_CRS = 26916


def test_georgia_counties_load_through_the_generic_loader():
    counties = read_territories(
        GEORGIA, code="AreaKey", name="AreaKey", population="TotPop90", crs=GEORGIA_CRS
    )
    raw = gpd.read_file(GEORGIA).set_crs(GEORGIA_CRS)
    assert len(counties) == 159
    assert counties.index.is_unique
    assert counties.crs == raw.crs  # UTM, kept
    # the centroids agree with the file's own latitudes and longitudes
    centroids = counties.geometry.centroid.to_crs(4326)
    assert (abs(centroids.y.to_numpy() - raw["Latitude"].to_numpy()) < 0.05).all()
    assert counties["metric_epsg"].iloc[0] == raw.crs.to_epsg()
    assert counties["population"].sum() == raw["TotPop90"].sum()
    assert "PctRural" in counties.columns
    # areas computed in the file's metric CRS
    expected = raw.set_index(raw["AreaKey"].astype(str)).area / 1e6
    pd.testing.assert_series_equal(
        counties["area_km2"], expected.reindex(counties.index), check_names=False
    )


def _admin_express(tmp_path):
    """Synthetic: a tiny layer with the field names of IGN Admin Express COMMUNE."""
    gdf = gpd.GeoDataFrame(
        {
            "ID": ["COMMUNE_1", "COMMUNE_2"],
            "NOM": ["Alpha", "Béta"],
            "INSEE_COM": ["1001", "01002"],
            "POPULATION": [10, 20],
            "INSEE_DEP": ["01", "01"],
            "INSEE_REG": ["84", "84"],
            "SIREN_EPCI": ["200069193", "200069193"],
        },
        geometry=[
            box(850_000, 6_550_000, 851_000, 6_551_000),
            # a bow-tie: invalid, to be repaired and reported
            Polygon([(851_000, 6_550_000), (852_000, 6_551_000), (852_000, 6_550_000),
                     (851_000, 6_551_000)]),
        ],
        crs=2154,
    )  # fmt: skip
    path = tmp_path / "COMMUNE.gpkg"
    gdf.to_file(path)
    return path


def test_admin_express_layout_recognised(tmp_path):
    layer = read_territories(_admin_express(tmp_path))
    report = layer.attrs["report"]
    assert layer.index.tolist() == ["01001", "01002"]
    assert layer["level"].unique().tolist() == ["commune"]
    assert layer["departement"].tolist() == ["01", "01"]
    assert layer["epci"].tolist() == ["200069193"] * 2
    assert layer["population"].tolist() == [10, 20]
    assert report.layout == "IGN Admin Express commune layer"
    assert report.repaired_geometries == ["01002"]
    assert report.repaired_codes == 1
    assert layer.geometry.is_valid.all()
    assert "1 invalid geometries repaired with make_valid" in str(report)


def test_missing_crs_is_an_error():
    with pytest.raises(MissingCRSError) as info:
        read_territories(GEORGIA, code="AreaKey", name="AreaKey")
    assert str(info.value) == (
        f"The layer {str(GEORGIA)!r} has no CRS; territorial never guesses one. Declare it: "
        "read_territories(path, ..., crs=EPSG) (CLI: --crs EPSG), or add a .prj file."
    )


def test_declared_crs_must_agree_with_the_file(tmp_path, synthetic_grid):
    path = write_layer(synthetic_grid, tmp_path / "grid.gpkg")
    with pytest.raises(CRSMismatchError) as info:
        read_territories(path, code="code", name="name", crs=4326)
    assert str(info.value) == (
        f"crs=4326 was given but {str(path)!r} declares EPSG:2154. Drop the crs argument, "
        "or reproject the file first."
    )


def test_code_and_name_required_for_generic_files():
    with pytest.raises(InvalidArgumentError) as info:
        read_territories(GEORGIA, crs=GEORGIA_CRS)
    assert str(info.value).startswith("code=None is not valid: expected a column name among ")
    assert str(info.value).endswith(
        "Name the code and name columns: read_territories(path, code='COL', name='COL') "
        "(CLI: --code COL --name COL)."
    )
    with pytest.raises(ColumnNotFoundError) as info:
        read_territories(GEORGIA, code="AreaKey", name="Nom", crs=GEORGIA_CRS)
    assert str(info.value).startswith("name='Nom' is not a column of the data. Available columns:")


def test_duplicate_codes_are_listed(tmp_path):
    path = tmp_path / "dup.gpkg"
    gpd.GeoDataFrame(
        {"c": ["a", "a", "b"], "n": ["A", "A2", "B"]},
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1)],
        crs=2154,
    ).to_file(path)
    with pytest.raises(DuplicateCodeError) as info:
        read_territories(path, code="c", name="n")
    assert str(info.value) == (
        "the 'c' column of dup.gpkg has duplicated territory codes: 'a'. Aggregate the rows "
        "first (e.g. df.groupby(code).sum()) or keep one row per code."
    )


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson", ".parquet", ".fgb", ".csv"])
def test_write_and_read_back(tmp_path, synthetic_grid, suffix):
    path = write_layer(synthetic_grid, tmp_path / f"grid{suffix}")
    if suffix == ".csv":
        back = pd.read_csv(path, dtype={"code": str}).set_index("code")
        assert "geometry" not in back.columns
        assert back["population"].tolist() == synthetic_grid["population"].tolist()
    else:
        back = read_territories(path, code="code", name="name")
        assert sorted(back.index) == sorted(synthetic_grid.index)
        assert back["area_km2"].sum() == pytest.approx(6.0, rel=1e-2)  # UTM vs Lambert-93


def test_points_from_csv_and_vector(tmp_path):
    """Synthetic: three town halls, one without coordinates."""
    csv = tmp_path / "p.csv"
    csv.write_text("name;x;y\nA;843000;6519000\nB;;\nC;844000,5;6520000\n")
    points = read_points(csv, crs=2154)
    assert len(points) == 2
    assert {k: v for k, v in points.attrs["report"].items() if k != "lines"} == {
        "rows": 3, "points": 2, "dropped_missing_coordinates": 1, "decimal_comma_columns": ["x"],
    }  # fmt: skip
    assert points.geometry.x.tolist() == [843000.0, 844000.5]
    path = tmp_path / "p.gpkg"
    points.to_file(path)
    assert len(read_points(path)) == 2
    with pytest.raises(MissingCRSError) as info:
        read_points(csv)
    assert str(info.value) == (
        f"The point table {str(csv)!r} has no CRS; territorial never guesses one. Pass "
        "crs=4326 for longitude/latitude in degrees, crs=2154 for Lambert-93."
    )


def test_bad_crs_values_are_clear_errors():
    for value, fix in (
        (99999, "EPSG:99999 is not in the EPSG database: check the code."),
        ("99999", "EPSG:99999 is not in the EPSG database: check the code."),
        ("EPSG:99999", "EPSG:99999 is not in the EPSG database: check the code."),
        ("foo", "pyproj cannot read it (Invalid projection: foo)."),
    ):
        with pytest.raises(InvalidArgumentError) as info:
            read_territories(GEORGIA, code="AreaKey", name="AreaKey", crs=value)
        assert str(info.value) == (
            f"crs={value!r} is not valid: expected an EPSG code such as 2154 (Lambert-93) or "
            f"4326 (longitude/latitude), or a CRS text pyproj reads. {fix}"
        )
    with pytest.raises(InvalidArgumentError) as info:
        read_territories(GEORGIA, code="AreaKey", name="AreaKey", crs=26916, metric_crs="bar")
    assert str(info.value).startswith("metric_crs='bar' is not valid: expected an EPSG code")
    # a code given as text is the same CRS as the number
    same = read_territories(GEORGIA, code="AreaKey", name="AreaKey", crs="26916")
    assert same.crs.to_epsg() == 26916


@pytest.fixture
def two_layers(tmp_path, synthetic_grid):
    """Synthetic: a GeoPackage with two layers of the synthetic grid."""
    path = tmp_path / "two.gpkg"
    plain = synthetic_grid[["name", "geometry"]].reset_index()
    plain.to_file(path, layer="communes")
    plain.iloc[:2].to_file(path, layer="extra")
    return path


def test_layers_unknown_first_and_other_ones(two_layers, tmp_path):
    with pytest.raises(InvalidArgumentError) as info:
        read_territories(two_layers, code="code", name="name", layer="nope")
    assert str(info.value) == (
        "layer='nope' is not valid: expected a layer of two.gpkg: 'communes', 'extra'. "
        "CLI: --layer NAME."
    )
    first = read_territories(two_layers, code="code", name="name")  # no warning either
    assert len(first) == 6
    assert first.attrs["report"].lines()[1] == (
        "layer 'communes' read; the file has other layers: 'extra' (choose one with "
        "layer=NAME, CLI: --layer NAME)"
    )
    assert len(read_territories(two_layers, code="code", name="name", layer="extra")) == 2
    assert len(read_territories(two_layers, code="code", name="name", layer=1)) == 2


def test_files_that_are_not_vector_files(tmp_path):
    parquet = tmp_path / "x.parquet"
    parquet.write_bytes(b"PAR1")
    with pytest.raises(InvalidArgumentError) as info:
        read_territories(parquet, code="code", name="name")
    assert str(info.value).startswith(
        f"path={str(parquet)!r} is not valid: expected a GeoParquet file. It cannot be read ("
    )
    for name, content in (("x.gpkg", b"not a vector file"), ("x.geojson", b"{oops")):
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(InvalidArgumentError) as info:
            read_territories(path, code="code", name="name")
        assert str(info.value) == (
            f"path={str(path)!r} is not valid: expected a vector file that GDAL reads "
            "(GeoPackage, Shapefile, GeoJSON, FlatGeobuf, GeoParquet). The file is damaged "
            "or is not a vector file: check that it is the right file and that it was "
            "written completely."
        )


def test_points_and_lines_are_left_out_of_territories(tmp_path):
    from shapely import LineString, MultiPoint, Point

    # synthetic: two squares, a point, a multipoint and a line
    shapes = [box(0, 0, 1000, 1000), Point(5, 5), box(1000, 0, 2000, 1000),
              LineString([(0, 0), (9, 9)]), MultiPoint([(1, 1), (2, 2)])]  # fmt: skip
    path = tmp_path / "mixed.gpkg"
    gpd.GeoDataFrame(
        {"code": ["a", "b", "c", "d", "e"], "name": list("ABCDE")}, geometry=shapes, crs=2154
    ).to_file(path)
    zones = read_territories(path, code="code", name="name")
    assert zones.index.tolist() == ["a", "c"]
    assert zones["area_km2"].tolist() == pytest.approx([1.0, 1.0])
    lines = zones.attrs["report"].lines()
    assert "2 point geometries left out (territories are polygons): b, e" in lines
    assert "1 line geometries left out (territories are polygons): d" in lines
    only_points = tmp_path / "points.geojson"
    gpd.GeoDataFrame({"code": ["p"], "name": ["P"]}, geometry=[Point(1, 2)], crs=2154).to_file(
        only_points
    )
    with pytest.raises(InvalidArgumentError) as info:
        read_territories(only_points, code="code", name="name")
    assert str(info.value) == (
        f"path={str(only_points)!r} is not valid: expected a layer of polygons (territories "
        "have an area). Its geometries are 1 point: use read_points for points, or give the "
        "polygons."
    )


def test_rows_without_a_code_are_left_out_and_infinities_are_missing(tmp_path):
    # synthetic: four unit squares, two without a usable code, two infinite values
    path = tmp_path / "zones.gpkg"
    gpd.GeoDataFrame(
        {"id": ["a", None, "", "d"], "nom": list("ABCD"), "v": [1.0, np.inf, 2.0, -np.inf]},
        geometry=[box(i, 0, i + 1, 1) for i in range(4)],
        crs=2154,
    ).to_file(path)
    zones = read_territories(path, code="id", name="nom")
    assert zones.index.tolist() == ["a", "d"]
    assert zones.loc["a", "v"] == 1.0 and np.isnan(zones.loc["d", "v"])
    assert zones.attrs["report"].lines() == [
        f"4 territories read from {path} (user columns)",
        "2 rows without a code (missing or empty) left out: they cannot be joined or told apart",
        "v: 1 infinite values read as missing",
    ]
    every = tmp_path / "none.gpkg"
    gpd.GeoDataFrame({"id": [None, ""], "nom": ["A", "B"]}, geometry=[box(0, 0, 1, 1)] * 2,
                     crs=2154).to_file(every)  # fmt: skip
    with pytest.raises(InvalidArgumentError) as error:
        read_territories(every, code="id", name="nom")
    assert str(error.value) == (
        "code='id' is not valid: expected a column holding a code for each territory. Every "
        "row of none.gpkg has a missing or empty 'id': choose another column (CLI: --code COL)."
    )
