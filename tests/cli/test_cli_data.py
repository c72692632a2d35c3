"""The `territorial fetch` and `territorial territories` commands, run in-process."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from libpysal.examples import get_path
from typer.testing import CliRunner

from territorial.cli import app

runner = CliRunner()


@pytest.mark.realdata
@pytest.mark.parametrize("suffix", [".gpkg", ".geojson", ".parquet", ".fgb", ".csv"])
def test_territories_france_departement(tmp_path, suffix):
    """Each format read back: the 101 codes with their leading zeros and letters (01, 2A,
    971), names, populations (Mayotte's missing), and the CRS (EPSG:4326)."""
    from territorial import load_france

    source = load_france("departement", progress=False)
    out = tmp_path / f"deps{suffix}"
    result = runner.invoke(app, ["territories", "france:departement", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"101 territories written to {out}" in result.output
    if suffix == ".csv":
        layer = pd.read_csv(out, dtype={"code": str})
        assert "geometry" not in layer.columns
    elif suffix == ".parquet":
        layer = gpd.read_parquet(out)
    else:
        layer = gpd.read_file(out)
    if suffix != ".csv":
        assert layer.crs is not None and layer.crs.to_epsg() == 4326
        assert layer.geometry.notna().all() and not layer.geometry.is_empty.any()
    layer = layer.reset_index() if "code" not in layer.columns else layer
    codes = layer["code"].astype(str).tolist()
    assert sorted(codes) == sorted(source.index)
    assert {"01", "09", "2A", "2B", "971", "976"} <= set(codes)
    by_code = layer.set_index("code")
    assert by_code.loc["2A", "name"] == "Corse-du-Sud"
    assert by_code.loc["01", "name"] == "Ain"
    assert by_code.loc["69", "population"] == source.loc["69", "population"]
    assert by_code.loc["976", "population"] == 256_518  # Mayotte: its 2017 figure, the latest


@pytest.mark.realdata
def test_fetch_france_reports_the_cache():
    result = runner.invoke(app, ["fetch", "france", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "france: cached in " in result.output


def test_georgia_through_the_cli(tmp_path):
    out = tmp_path / "georgia.gpkg"
    args = ["territories", get_path("G_utm.shp"), "--code", "AreaKey", "--name", "AreaKey",
            "--population", "TotPop90", "--crs", "26916", "-o", str(out)]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "159 territories read from" in result.output
    assert len(gpd.read_file(out)) == 159


def _message(result) -> str:
    return " ".join(result.output.split())


def test_cli_errors_are_clear(tmp_path):
    result = runner.invoke(app, ["fetch", "franse"])
    assert result.exit_code == 2
    assert _message(result) == (
        "error: DATASET='franse' is not a known dataset. Use one of: france, "
        "france-road-accidents, france-land-cover."
    )
    out = tmp_path / "x.gpkg"
    result = runner.invoke(app, ["territories", "france:county", "-o", str(out)])
    assert result.exit_code == 2
    assert _message(result) == (
        "error: SOURCE='france:county' is not valid: expected france:LEVEL with LEVEL one of "
        "arrondissement, commune, canton, circonscription, epci, departement, region. "
        "For example: france:departement."
    )
    result = runner.invoke(app, ["territories", get_path("G_utm.shp"), "-o", str(out)])
    assert result.exit_code == 2
    assert _message(result) == (
        f"error: The layer {get_path('G_utm.shp')!r} has no CRS; territorial never guesses "
        "one. Declare it: read_territories(path, ..., crs=EPSG) (CLI: --crs EPSG), or add a "
        ".prj file."
    )
    assert not out.exists()
