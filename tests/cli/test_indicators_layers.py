"""``territorial indicators --layer ID=PATH`` and the layers of ``territorial catalogue``.

The points are real (representative points of the communes of Corse-du-Sud); the
raster and the zones are synthetic (a constant raster and a made-up zone inside
Paris, said so where they are built), so that the expected values are known.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import typer
from affine import Affine
from shapely import box
from typer.testing import CliRunner

from territorial.cli import indicators as cli_indicators

CATALOGUE = """
name: layered
layers:
  - id: townpoints
    type: points
    label: {fr: Points des communes, en: Commune points}
  - id: land
    type: raster
    label: {fr: Occupation du sol, en: Land cover}
    classes: {11: urban}
  - id: grid
    type: zones
    label: {fr: Carreaux, en: Grid}
    extensive: [jobs]
indicators:
  - {id: n_points, label: Points, theme: demography, unit: nombre, polarity: neutral,
     kind: stock, numerator: townpoints}
  - {id: land_mean, label: Moyenne, theme: environment, unit: indice, polarity: neutral,
     kind: ratio, numerator: land_sum, denominator: land_cells}
  - {id: urban_share, label: Urbain, theme: environment, unit: "%", polarity: neutral,
     kind: share, numerator: land_urban_km2, denominator: land_km2}
  - {id: jobs, label: Emplois, theme: economy, unit: emplois, polarity: neutral,
     kind: stock, numerator: grid_jobs}
"""


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    cli_indicators.register(app)
    return app


@pytest.fixture
def catalogue_file(tmp_path):
    path = tmp_path / "layered.yaml"
    path.write_text(CATALOGUE, encoding="utf-8")
    return path


def run(app, *args):
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result, " ".join(result.output.split())


def write_raster(path):
    """Synthetic GeoTIFF in Lambert-93: value 11 everywhere, over a 2 km square in Paris."""
    import rasterio

    values = np.full((20, 20), 11, dtype="uint8")
    transform = Affine(100.0, 0.0, 650_000.0, 0.0, -100.0, 6_862_000.0)
    with rasterio.open(path, "w", driver="GTiff", width=20, height=20, count=1, dtype="uint8",
                       crs="EPSG:2154", transform=transform, nodata=0) as out:  # fmt: skip
        out.write(values, 1)


def write_zone(path):
    """Synthetic zone: 1,000 made-up jobs in a box well inside Paris."""
    zone = gpd.GeoDataFrame(
        {"code": ["z1"], "jobs": [1000.0]}, geometry=[box(2.30, 48.84, 2.36, 48.88)], crs=4326
    )
    zone.to_file(path, engine="pyogrio")


@pytest.mark.realdata
def test_indicators_with_point_raster_and_zones_layers(app, tmp_path, catalogue_file, communes):
    corse = communes[(communes["departement"] == "2A") & communes.geometry.notna()]
    points = gpd.GeoDataFrame(geometry=corse.geometry.representative_point(), crs=corse.crs)
    gpkg = tmp_path / "points.gpkg"
    points.to_file(gpkg, engine="pyogrio")
    tif, zone = tmp_path / "land.tif", tmp_path / "zone.geojson"
    write_raster(tif)
    write_zone(zone)
    out = tmp_path / "dep.csv"
    result, output = run(
        app, "indicators", "france:departement", "-o", out, "--catalogue", catalogue_file,
        "--layer", f"townpoints={gpkg}", "--layer", f"land={tif}", "--layer", f"grid={zone}",
        "--layer-code", "grid=code",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    df = pd.read_csv(out, dtype={"code": str}).set_index("code")
    assert df.loc["2A", "n_points"] == len(corse)
    assert df["n_points"].drop("2A").eq(0).all()
    assert df.loc["75", "land_mean"] == pytest.approx(11.0)
    assert df.loc["75", "urban_share"] == pytest.approx(100.0)
    assert df["land_mean"].drop("75").isna().all()  # no valid cell: 0 / 0
    assert df.loc["75", "jobs"] == pytest.approx(1000.0)
    assert df["jobs"].sum() == pytest.approx(1000.0)
    n = len(communes)
    assert (
        f"--layer townpoints: {len(corse)} of {len(corse)} points in a unit; "
        "0 outside every unit" in output
    )
    assert "--layer land: " in output and " units covered by valid cells; " in output
    assert (
        f"--layer grid: 1 zone interpolated to {n} units (area weights); 0 of them overlap no "
        "unit" in output
    )
    assert "--layer grid: 100.00% of the total of 'jobs' reached a unit" in output
    assert "4 indicators x 101 territories written to" in output


@pytest.mark.realdata
def test_csv_points_need_their_crs(app, tmp_path, catalogue_file, communes):
    corse = communes[(communes["departement"] == "2A") & communes.geometry.notna()]
    xy = corse.geometry.representative_point().get_coordinates()
    csv = tmp_path / "points.csv"
    xy.rename(columns={"x": "lon", "y": "lat"}).to_csv(csv, index=False)
    out = tmp_path / "dep.csv"
    args = ["indicators", "france:departement", "-o", out, "--catalogue", catalogue_file,
            "-i", "n_points", "--layer", f"townpoints={csv}"]  # fmt: skip
    result, output = run(app, *args)
    assert result.exit_code == 2
    assert output == (
        f"error: The coordinates of '{csv}' has no CRS; territorial never guesses one. Pass "
        "crs=4326 for longitude/latitude in degrees, crs=2154 for Lambert-93 (CLI: --crs 4326)."
    )
    result, output = run(app, *args, "--layer-crs", "townpoints=4326")
    assert result.exit_code == 0, result.output
    df = pd.read_csv(out, dtype={"code": str}).set_index("code")
    assert df.loc["2A", "n_points"] == len(corse)


@pytest.mark.realdata
def test_layer_used_but_not_given(app, tmp_path, catalogue_file):
    result, output = run(app, "indicators", "france:region", "-o", tmp_path / "r.csv",
                         "--catalogue", catalogue_file, "-i", "n_points")  # fmt: skip
    assert result.exit_code == 2
    assert output == (
        "error: layers=[] is not valid: expected data for the layer 'townpoints', used by "
        "'n_points'. Pass layers={'townpoints': ...} (CLI: --layer townpoints=PATH)."
    )


@pytest.mark.parametrize(
    "options, message",
    [
        (["--layer", "townpoints"],
         "error: --layer='townpoints' is not valid: expected ID=VALUE, e.g. "
         "accidents=points.gpkg. Repeat --layer for each layer."),
        (["--layer", "a=x.gpkg", "--layer", "a=y.gpkg"],
         "error: --layer='a=y.gpkg' is not valid: expected each layer id once. 'a' is given "
         "twice."),
        (["--layer", "roads=x.gpkg"],
         "error: --layer='roads=x.gpkg' is not valid: expected a layer declared by the "
         "catalogue 'layered' (declared: 'townpoints', 'land', 'grid'). Declare it under "
         "'layers:' in your --catalogue YAML."),
        (["--layer", "townpoints=/nowhere/p.gpkg"],
         "error: --layer='townpoints=/nowhere/p.gpkg' is not valid: expected an existing file. "
         "Check the path."),
        (["--layer-crs", "townpoints=4326"],
         "error: --layer-crs='townpoints=4326' is not valid: expected the id of a layer given "
         "with --layer. Add --layer townpoints=PATH."),
        (["--layer-crs", "4326"],
         "error: --layer-crs='4326' is not valid: expected ID=VALUE, e.g. accidents=4326. "
         "Repeat --layer-crs for each layer."),
        (["--layer", "land={catalogue}", "--layer-crs", "land=2154"],
         "error: --layer-crs='land=2154' is not valid: expected the id of a points layer. Layer "
         "'land' is a raster layer: its file declares its CRS."),
        (["--layer", "land={catalogue}", "--layer-code", "land=code"],
         "error: --layer-code='land=code' is not valid: expected the id of a zones layer. Layer "
         "'land' is a raster layer."),
    ],
)  # fmt: skip
def test_layer_option_errors(app, tmp_path, catalogue_file, options, message):
    options = [o.replace("{catalogue}", str(catalogue_file)) for o in options]
    result, output = run(app, "indicators", "france:region", "-o", tmp_path / "r.csv",
                         "--catalogue", catalogue_file, *options)  # fmt: skip
    assert result.exit_code == 2
    assert output == message


def test_layer_without_catalogue_and_zones_without_code(app, tmp_path, catalogue_file):
    result, output = run(app, "indicators", "france:region", "-o", tmp_path / "r.csv",
                         "--layer", "roads=x.gpkg")  # fmt: skip
    assert result.exit_code == 2
    assert output == (
        "error: --layer='roads=x.gpkg' is not valid: expected a layer declared by the "
        "catalogue 'france' (declared: none). Declare it under 'layers:' in your --catalogue "
        "YAML."
    )
    zone = tmp_path / "zone.geojson"
    write_zone(zone)
    result, output = run(app, "indicators", "france:region", "-o", tmp_path / "r.csv",
                         "--catalogue", catalogue_file, "--layer", f"grid={zone}")  # fmt: skip
    assert result.exit_code == 2
    assert output == (
        "error: --layer-code=None is not valid: expected the code column of the zones layer "
        "'grid'. Add --layer-code grid=COLUMN (any column with one value per zone)."
    )


def test_read_layers_types(tmp_path, catalogue_file):
    from territorial.indicators import load_catalogue
    from territorial.io.raster import Raster

    tif, zone = tmp_path / "land.tif", tmp_path / "zone.geojson"
    write_raster(tif)
    write_zone(zone)
    layers = cli_indicators.read_layers(
        load_catalogue(str(catalogue_file)), {"land": str(tif), "grid": str(zone)},
        codes={"grid": "code"},
    )  # fmt: skip
    assert isinstance(layers["land"], Raster) and layers["land"].values.shape == (20, 20)
    assert layers["grid"].index.tolist() == ["z1"] and layers["grid"]["jobs"].tolist() == [1000]


def test_catalogue_lists_the_layers(app, catalogue_file):
    result = CliRunner().invoke(app, ["catalogue", "--catalogue", str(catalogue_file),
                                      "--lang", "en"])  # fmt: skip
    assert result.exit_code == 0, result.output
    text = result.output
    assert "3 layers (give their data with --layer ID=PATH)" in text
    for piece in ("townpoints", "Commune points", "land_urban_km2", "grid_jobs", "zones"):
        assert piece in text
