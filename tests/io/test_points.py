"""``read_points``: French CSV layouts, CRS of vector files, errors.

Every file here is synthetic (a few hand-written points in Lyon or in Lambert-93),
built in the test that uses it.
"""

from __future__ import annotations

import geopandas as gpd
import pytest

from territorial.errors import (
    CRSMismatchError,
    InvalidArgumentError,
    MissingCRSError,
    UnsupportedFormatError,
)
from territorial.io.points import read_points


def test_french_csv_decimal_commas_in_every_numeric_column(tmp_path):
    csv = tmp_path / "commerces.csv"
    text = (
        "code;lon;lat;poids;nom\n"
        "01;4,8357;45,7640;1,5;Boulangerie\n"
        "02;4,85;45,75;1 234,25;Épicerie\n"
        "03;;;2;Sans position\n"
        "04;s;45,7;3;Secret\n"
    )
    csv.write_bytes(text.encode("cp1252"))
    points = read_points(csv, crs=4326)
    assert points.geometry.x.tolist() == [4.8357, 4.85]
    assert points.geometry.y.tolist() == [45.764, 45.75]
    assert points["poids"].tolist() == [1.5, 1234.25]  # as read_table reads them
    assert points["poids"].dtype == "float64"
    assert points["code"].tolist() == ["01", "02"]  # codes stay text
    assert points["nom"].tolist() == ["Boulangerie", "Épicerie"]
    report = points.attrs["report"]
    assert {k: v for k, v in report.items() if k != "lines"} == {
        "rows": 4, "points": 2, "dropped_missing_coordinates": 2,
        "decimal_comma_columns": ["lon", "lat", "poids"],
    }  # fmt: skip
    assert report.summary() == {"read": 4, "matched": None,
                                "repaired": {"decimal comma columns": 3},
                                "dropped": {"missing coordinates": 2}}  # fmt: skip
    assert report.lines()[0] == f"2 points read from {csv}; 2 rows without coordinates left out"
    assert report.to_dict()["kind"] == "points"


def test_comma_separated_csv_and_named_columns(tmp_path):
    csv = tmp_path / "p.csv"
    csv.write_text('id,E,N,w\n1,"843000,5",6519000,"0,25"\n2,844000,6520000,1\n')
    points = read_points(csv, x="E", y="N", crs=2154)
    assert points.geometry.x.tolist() == [843000.5, 844000.0]
    assert points["w"].tolist() == [0.25, 1.0]
    assert points.crs.to_epsg() == 2154
    with pytest.raises(InvalidArgumentError) as info:
        read_points(csv, x="E", y="E", crs=2154)
    assert str(info.value) == (
        "y='E' is not valid: expected another column than x='E'. Name both: x='COL', y='COL'."
    )


def _gpkg(path, crs):
    """Two synthetic points in Lyon, written in ``crs``."""
    pts = gpd.GeoDataFrame(
        {"id": ["a", "b"]}, geometry=gpd.points_from_xy([4.83, 4.85], [45.76, 45.75]), crs=4326
    )
    pts.to_crs(crs).to_file(path, engine="pyogrio")
    return path


def test_crs_of_a_vector_file_must_match(tmp_path):
    path = _gpkg(tmp_path / "p.gpkg", 2154)
    assert read_points(path, crs=2154).crs.to_epsg() == 2154  # equal: nothing changes
    assert read_points(path, crs="EPSG:2154").geometry.equals(read_points(path).geometry)
    with pytest.raises(CRSMismatchError) as info:
        read_points(path, crs=4326)
    assert str(info.value) == (
        f"crs=4326 was given but {str(path)!r} declares EPSG:2154. Drop the crs argument, "
        "or reproject the file first."
    )


def test_crs_set_on_a_vector_file_without_one(tmp_path):
    path = tmp_path / "p.parquet"
    gpd.GeoDataFrame(geometry=gpd.points_from_xy([843000.0], [6519000.0])).to_parquet(path)
    points = read_points(path, crs=2154)
    assert points.crs.to_epsg() == 2154 and points.geometry.x.tolist() == [843000.0]
    with pytest.raises(MissingCRSError) as info:
        read_points(path)
    assert str(info.value) == (
        f"The layer {str(path)!r} has no CRS; territorial never guesses one. Declare the CRS "
        "in the file, or pass crs=EPSG."
    )


def test_missing_file(tmp_path):
    path = tmp_path / "none.csv"
    with pytest.raises(InvalidArgumentError) as info:
        read_points(path, crs=4326)
    assert str(info.value) == (
        f"path={str(path)!r} is not valid: expected an existing file. Check the path."
    )


def test_unsupported_format(tmp_path):
    path = tmp_path / "p.kml"
    with pytest.raises(UnsupportedFormatError) as info:
        read_points(path)
    assert str(info.value) == (
        f"path={str(path)!r} has an unsupported format. Use a file ending in one of: .csv, "
        ".txt, .tsv, .xlsx, .gpkg, .shp, .geojson, .json, .fgb, .parquet, .geoparquet, .zip."
    )


def test_bad_crs_unknown_layer_and_infinite_coordinates(tmp_path):
    # synthetic: three points, one with an infinite longitude
    table = tmp_path / "p.csv"
    table.write_text("lon;lat\n4,8;45,7\ninf;45\n5;46\n")
    with pytest.raises(InvalidArgumentError) as info:
        read_points(table, crs="foo")
    assert str(info.value) == (
        "crs='foo' is not valid: expected an EPSG code such as 2154 (Lambert-93) or 4326 "
        "(longitude/latitude), or a CRS text pyproj reads. pyproj cannot read it (Invalid "
        "projection: foo)."
    )
    points = read_points(table, crs="4326")
    assert points.geometry.x.tolist() == [4.8, 5.0]
    assert points.attrs["report"]["dropped_missing_coordinates"] == 1
    layered = tmp_path / "p.gpkg"
    points.to_file(layered, layer="shops")
    with pytest.raises(InvalidArgumentError) as info:
        read_points(layered, layer="schools")
    assert str(info.value) == (
        "layer='schools' is not valid: expected a layer of p.gpkg: 'shops'. Name one of them: "
        "read_points(path, layer=NAME)."
    )
    assert len(read_points(layered, layer="shops")) == 2
