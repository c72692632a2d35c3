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
@pytest.mark.parametrize("suffix", [".gpkg", ".geojson", ".parquet", ".csv"])
def test_territories_france_departement(tmp_path, suffix):
    out = tmp_path / f"deps{suffix}"
    result = runner.invoke(app, ["territories", "france:departement", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"101 territories written to {out}" in result.output
    if suffix == ".csv":
        table = pd.read_csv(out, dtype={"code": str})
        assert "geometry" not in table.columns
        assert table.loc[table["code"] == "2A", "name"].item() == "Corse-du-Sud"
    else:
        layer = gpd.read_parquet(out) if suffix == ".parquet" else gpd.read_file(out)
        assert len(layer) == 101


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


def test_cli_errors_are_clear(tmp_path):
    result = runner.invoke(app, ["fetch", "franse"])
    assert result.exit_code == 2
    assert "DATASET='franse' is not a known dataset. Use one of: france" in result.output
    result = runner.invoke(app, ["territories", "france:county", "-o", str(tmp_path / "x.gpkg")])
    assert result.exit_code == 2
    assert "source='france:county' is not valid: expected france:LEVEL with LEVEL one of" in (
        " ".join(result.output.split())
    )
    result = runner.invoke(app, ["territories", get_path("G_utm.shp"), "-o", "x.gpkg"])
    assert result.exit_code == 2
    assert "has no CRS; territorial never guesses one" in " ".join(result.output.split())
