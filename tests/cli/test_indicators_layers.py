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
        f"--layer townpoints: {len(corse)} of {len(corse)} points in a commune; "
        "0 outside every commune" in output
    )
    assert "--layer land: " in output and " communes covered by valid cells; " in output
    assert (
        f"--layer grid: 1 zone interpolated to {n} communes (area weights); 0 of them overlap "
        "no commune" in output
    )
    assert "--layer grid: 100.00% of the total of 'jobs' reached a commune" in output
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
        f"error: The point table '{csv}' of --layer townpoints has no CRS; territorial never "
        "guesses one. Add --layer-crs townpoints=4326 for longitude/latitude in degrees, "
        "--layer-crs townpoints=2154 for Lambert-93."
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
        f"error: --layer='grid={zone}' is not valid: expected a zones file whose code column is "
        "named with --layer-code (it is not an Admin Express layer). Add --layer-code "
        "grid=COLUMN (any column with one value per zone)."
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


WEIGHTED = """
name: weighted
layers:
  - {id: shops, type: points, label: Commerces, weight: staff}
indicators:
  - {id: staff, label: Salariés, theme: economy, unit: nombre, polarity: neutral,
     kind: stock, numerator: shops}
"""


@pytest.mark.realdata
def test_french_csv_points_print_their_read_line(app, tmp_path, communes):
    """Real points (Corse-du-Sud communes) written as a French CSV: ';', decimal commas,
    a synthetic weight of 1,5 per point and one synthetic row without coordinates."""
    corse = communes[(communes["departement"] == "2A") & communes.geometry.notna()]
    xy = corse.geometry.representative_point().get_coordinates()
    rows = [f"{x};{y};1,5".replace(".", ",") for x, y in zip(xy["x"], xy["y"], strict=True)]
    csv = tmp_path / "shops.csv"
    csv.write_text("lon;lat;staff\n" + "\n".join([*rows, ";;2"]) + "\n", encoding="utf-8")
    spec = tmp_path / "weighted.yaml"
    spec.write_text(WEIGHTED, encoding="utf-8")
    out = tmp_path / "dep.csv"
    result = CliRunner().invoke(app, [
        "indicators", "france:departement", "-o", str(out), "--catalogue", str(spec),
        "--layer", f"shops={csv}", "--layer-crs", "shops=4326",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    df = pd.read_csv(out, dtype={"code": str}).set_index("code")
    assert df.loc["2A", "staff"] == pytest.approx(1.5 * len(corse))
    assert df["staff"].drop("2A").eq(0).all()
    lines = result.output.splitlines()
    read = (
        f"--layer shops: read {len(corse) + 1} rows from {csv}; 1 without coordinates left "
        "out; decimal commas read in 'lon', 'lat', 'staff'"
    )
    assert read in lines
    compute = [i for i, line in enumerate(lines) if line.startswith("--layer shops: ")]
    assert compute[0] == lines.index(read) and len(compute) > 1  # printed first


def _no_compute(monkeypatch):
    import territorial.france.indicators

    def compute_france(*args, **kwargs):
        raise AssertionError("the checks must come before the computation")

    monkeypatch.setattr(territorial.france.indicators, "compute_france", compute_france)


@pytest.mark.parametrize(
    "options, message",
    [
        (["-o", "{tmp}/r.txt"],
         "error: --output='{tmp}/r.txt' has an unsupported format. Use a file ending in one "
         "of: .gpkg, .geojson, .parquet, .fgb, .csv, .xlsx."),
        (["-o", "{tmp}/r.gpkg", "--tidy"],
         "error: --output='{tmp}/r.gpkg' is not valid: expected a .csv, .parquet or .xlsx file "
         "with --tidy. The long table has no geometry."),
        (["-o", "{tmp}/r.csv", "--catalogue", "{tmp}/missing.yaml"],
         "error: --catalogue='{tmp}/missing.yaml' is not valid: expected an existing YAML "
         "file. Check the path (territorial catalogue lists the built-in indicators)."),
    ],
)  # fmt: skip
def test_output_and_catalogue_checked_before_reading_layers(app, tmp_path, monkeypatch,
                                                            options, message):  # fmt: skip
    _no_compute(monkeypatch)
    options = [o.replace("{tmp}", str(tmp_path)) for o in options]
    # the layer file does not exist: the checks above come before reading it
    result, output = run(app, "indicators", "france:region", *options,
                         "--layer", "townpoints=/nowhere/p.csv")  # fmt: skip
    assert result.exit_code == 2
    assert output == message.replace("{tmp}", str(tmp_path))


def test_catalogue_file_read_whatever_its_suffix(app, tmp_path, monkeypatch):
    spec = tmp_path / "my.txt"
    spec.write_text(CATALOGUE, encoding="utf-8")
    result = CliRunner().invoke(app, ["catalogue", "--catalogue", str(spec)])
    assert result.exit_code == 0, result.output
    assert "layered: 4 indicators" in result.output
    seen = {}
    import territorial.france.indicators
    import territorial.indicators

    def compute_france(level, *, catalogue=None, **kwargs):
        seen["level"], seen["catalogue"] = level, catalogue
        raise territorial.indicators.CatalogueError("stop here")

    monkeypatch.setattr(territorial.france.indicators, "compute_france", compute_france)
    result, output = run(app, "indicators", "france:region", "-o", tmp_path / "r.csv",
                         "--catalogue", spec)  # fmt: skip
    assert output == "error: stop here"
    assert seen["level"] == "region" and list(seen["catalogue"]) == [
        "n_points", "land_mean", "urban_share", "jobs",
    ]  # fmt: skip
    nameless = tmp_path / "nameless.txt"
    nameless.write_text(CATALOGUE.replace("name: layered\n", ""), encoding="utf-8")
    result, output = run(app, "catalogue", "--catalogue", nameless)
    assert result.exit_code == 0 and "nameless.txt: 4 indicators" in output


def _points_file(path, crs=2154):
    """Synthetic: two points in Lyon, in Lambert-93 (or another CRS)."""
    pts = gpd.GeoDataFrame(
        {"id": ["a", "b"]}, geometry=gpd.points_from_xy([4.83, 4.85], [45.76, 45.75]), crs=4326
    )
    pts.to_crs(crs).to_file(path, engine="pyogrio")
    return path


@pytest.mark.parametrize(
    "options, message",
    [
        (["--layer-crs", "townpoints=lambert"],
         "error: --layer-crs='townpoints=lambert' is not valid: expected an EPSG code such as "
         "4326 (longitude/latitude in degrees) or 2154 (Lambert-93). Example: --layer-crs "
         "townpoints=4326."),
        (["--layer-crs", "townpoints=999999"],
         "error: --layer-crs='townpoints=999999' is not valid: expected an EPSG code such as "
         "4326 (longitude/latitude in degrees) or 2154 (Lambert-93). Example: --layer-crs "
         "townpoints=4326."),
        (["--layer-crs", "townpoints=4326"],
         "error: --layer-crs townpoints=4326 was given but '{gpkg}' declares EPSG:2154. Drop "
         "--layer-crs townpoints, or reproject the file first."),
        (["--layer-xy", "townpoints=lon,lat"],
         "error: --layer-xy='townpoints=lon,lat' is not valid: expected the id of a point "
         "table (CSV or XLSX). The file of layer 'townpoints' is a vector file: its points are "
         "its geometries."),
        (["--layer-xy", "townpoints=lon"],
         "error: --layer-xy='townpoints=lon' is not valid: expected ID=XCOL,YCOL, two different "
         "column names. Example: --layer-xy townpoints=lon,lat."),
        (["--layer-xy", "townpoints=lon,lon"],
         "error: --layer-xy='townpoints=lon,lon' is not valid: expected ID=XCOL,YCOL, two "
         "different column names. Example: --layer-xy townpoints=lon,lat."),
    ],
)  # fmt: skip
def test_point_layer_option_errors(app, tmp_path, catalogue_file, monkeypatch, options, message):
    _no_compute(monkeypatch)
    gpkg = _points_file(tmp_path / "p.gpkg")
    result, output = run(app, "indicators", "france:region", "-o", tmp_path / "r.csv",
                         "--catalogue", catalogue_file, "--layer", f"townpoints={gpkg}",
                         *options)  # fmt: skip
    assert result.exit_code == 2
    assert output == message.replace("{gpkg}", str(gpkg))


def test_point_layer_of_an_unsupported_format(app, tmp_path, catalogue_file, monkeypatch):
    _no_compute(monkeypatch)
    path = tmp_path / "p.kml"
    path.write_text("<kml/>", encoding="utf-8")
    result, output = run(app, "indicators", "france:region", "-o", tmp_path / "r.csv",
                         "--catalogue", catalogue_file,
                         "--layer", f"townpoints={path}")  # fmt: skip
    assert result.exit_code == 2
    assert output == (
        f"error: --layer townpoints='{path}' has an unsupported format. Use a file ending in "
        "one of: .csv, .txt, .tsv, .xlsx, .gpkg, .shp, .geojson, .json, .fgb, .parquet, "
        ".geoparquet, .zip."
    )


def test_layer_crs_equal_to_the_declared_one_is_a_no_op(tmp_path, catalogue_file):
    from territorial.indicators import load_catalogue

    gpkg = _points_file(tmp_path / "p.gpkg")
    cat = load_catalogue(catalogue_file.read_text(), name="layered")
    for crs in ("2154", "EPSG:2154"):
        layers = cli_indicators.read_layers(
            cat, {"townpoints": str(gpkg)}, crs={"townpoints": crs}
        )
        points = layers["townpoints"]
        assert points.crs.to_epsg() == 2154
        expected = gpd.read_file(gpkg).geometry
        assert points.geometry.geom_equals(expected).all()


def test_layer_xy_names_the_coordinate_columns(app, tmp_path, catalogue_file, monkeypatch):
    """Synthetic CSV: two Lambert-93 points in columns the reader does not detect."""
    from territorial.indicators import load_catalogue

    csv = tmp_path / "p.csv"
    csv.write_text("nom;est;nord\nA;843000;6519000\nB;844000,5;6520000\n", encoding="utf-8")
    cat = load_catalogue(catalogue_file.read_text(), name="layered")
    layers = cli_indicators.read_layers(cat, {"townpoints": str(csv)},
                                        crs={"townpoints": "2154"},
                                        xy={"townpoints": "est, nord"})  # fmt: skip
    got = layers["townpoints"]
    assert got.geometry.x.tolist() == [843000.0, 844000.5]
    assert got.geometry.y.tolist() == [6519000.0, 6520000.0]
    assert got["nom"].tolist() == ["A", "B"] and got.crs.to_epsg() == 2154
    assert cli_indicators.read_lines({"townpoints": str(csv)}, layers) == [
        f"--layer townpoints: read 2 rows from {csv}; decimal commas read in 'est'"
    ]
    _no_compute(monkeypatch)
    start = ["indicators", "france:region", "-o", tmp_path / "r.csv", "--catalogue",
             catalogue_file]  # fmt: skip
    base = [*start, "--layer", f"townpoints={csv}", "--layer-crs", "townpoints=2154"]
    result, output = run(app, *base)
    assert result.exit_code == 2
    assert output == (
        f"error: --layer='townpoints={csv}' is not valid: expected a point table with lon/lat "
        "or x/y coordinate columns (columns: 'nom', 'est', 'nord'). Name them: --layer-xy "
        "townpoints=XCOL,YCOL."
    )
    result, output = run(app, *base, "--layer-xy", "townpoints=east,nord")
    assert result.exit_code == 2
    assert output == (
        f"error: --layer-xy='townpoints=east,nord' is not valid: expected two columns of "
        f"'{csv}' (columns: 'nom', 'est', 'nord'). Check the spelling."
    )
    result, output = run(app, *base, "--layer-xy", "land=x,y")
    assert output == (
        "error: --layer-xy='land=x,y' is not valid: expected the id of a layer given with "
        "--layer. Add --layer land=PATH."
    )
    result, output = run(app, *start, "--layer", f"land={csv}", "--layer-xy", "land=x,y")
    assert output == (
        "error: --layer-xy='land=x,y' is not valid: expected the id of a points layer. Layer "
        "'land' is a raster layer."
    )


def test_help_mentions_layer_xy(app):
    result = CliRunner().invoke(app, ["indicators", "--help"], env={"COLUMNS": "200"})
    text = " ".join(result.output.split())
    assert "--layer-xy" in text and "ID=XCOL,YCOL: coordinate columns of a CSV point layer" in text


def test_vector_point_layer_without_crs(app, tmp_path, catalogue_file, monkeypatch):
    """Synthetic: one Lambert-93 point in a GeoParquet file that declares no CRS."""
    _no_compute(monkeypatch)
    path = tmp_path / "p.parquet"
    gpd.GeoDataFrame(geometry=gpd.points_from_xy([843000.0], [6519000.0])).to_parquet(path)
    args = ["indicators", "france:region", "-o", tmp_path / "r.csv", "--catalogue",
            catalogue_file, "--layer", f"townpoints={path}"]  # fmt: skip
    result, output = run(app, *args)
    assert result.exit_code == 2
    assert output == (
        f"error: The layer '{path}' of --layer townpoints has no CRS; territorial never guesses "
        "one. Declare the CRS in the file, or add --layer-crs townpoints=EPSG (e.g. 4326 for "
        "longitude/latitude, 2154 for Lambert-93)."
    )
    from territorial.indicators import load_catalogue

    cat = load_catalogue(catalogue_file.read_text(), name="layered")
    layers = cli_indicators.read_layers(cat, {"townpoints": str(path)}, crs={"townpoints": "2154"})
    assert layers["townpoints"].crs.to_epsg() == 2154
