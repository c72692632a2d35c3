"""Tests of ``territorial map`` (a file of synthetic squares; real data where marked)."""

from __future__ import annotations

import re

import numpy as np
import pytest
import typer
from matplotlib import colormaps
from matplotlib.colors import to_hex
from typer.testing import CliRunner

from territorial.cli import maps


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    maps.register(app)

    @app.callback()
    def main() -> None:  # keeps "map" as a sub-command
        pass

    return app


@pytest.fixture
def grid_file(grid, tmp_path):
    path = tmp_path / "grid.gpkg"
    grid.reset_index().to_file(path)
    return path


def test_map_from_file(app, grid_file, tmp_path):
    out = tmp_path / "map.svg"
    result = CliRunner().invoke(
        app,
        ["map", str(grid_file), "value", "-o", str(out), "--code", "code", "--name", "name",
         "--scheme", "equal_interval", "-k", "3", "--title", "Valeur", "--lang", "en"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"map written to {out}" in result.output
    text = out.read_text()
    assert text.startswith("<?xml")
    # text is drawn as paths (svg.fonttype), so the file is checked by its fills: the three
    # equal-interval classes in the default palette, and the missing value's grey (T07)
    fills = set(re.findall(r'fill(?:: |=")(#[0-9a-f]{6})', text))
    cmap = colormaps["YlOrRd"]
    classes = {to_hex(cmap(x)) for x in np.linspace(0.12, 0.95, 3)}
    assert classes | {"#d9d9d9"} <= fills
    five = {to_hex(cmap(x)) for x in np.linspace(0.12, 0.95, 5)}
    assert not (five - classes) & fills  # k=3 was used, not the default 5


def test_map_bad_output_format_fails_before_work(app, grid_file, tmp_path):
    result = CliRunner().invoke(
        app, ["map", str(grid_file), "value", "-o", str(tmp_path / "map.jpg"), "--code", "code"]
    )
    assert result.exit_code == 2
    assert result.output.strip() == (
        f"error: --output={str(tmp_path / 'map.jpg')!r} has an unsupported format. "
        "Use a file ending in one of: .png, .svg, .pdf."
    )


def test_map_gap_of_a_file_needs_reference(app, grid_file, tmp_path):
    result = CliRunner().invoke(
        app,
        ["map", str(grid_file), "value", "-o", str(tmp_path / "gap.png"), "--code", "code",
         "--name", "name", "--kind", "gap"],
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.output.strip() == (
        "error: --reference=None is not valid: expected a number for a gap map of a file. "
        "Pass --reference VALUE."
    )


def test_map_unknown_kind(app, grid_file, tmp_path):
    result = CliRunner().invoke(
        app,
        ["map", str(grid_file), "value", "-o", str(tmp_path / "m.png"), "--code", "code",
         "--name", "name", "--kind", "dots"],
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.output.strip() == (
        "error: --kind='dots' is not valid: expected one of choropleth, symbols, typology, gap. "
        "Pick the kind of map to draw."
    )


@pytest.mark.realdata
def test_map_france_departements_gap(app, tmp_path):
    out = tmp_path / "gap.png"
    result = CliRunner().invoke(
        app, ["map", "france:departement", "density", "-o", str(out), "--kind", "gap"]
    )
    assert result.exit_code == 0, result.output
    assert "reference (France): " in result.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
