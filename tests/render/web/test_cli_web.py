"""The ``territorial web`` command (on a bare app: the lead registers it in the main one)."""

from __future__ import annotations

import json
import re

import pytest
import typer
from typer.testing import CliRunner

from territorial.cli import web

runner = CliRunner()


def make_app() -> typer.Typer:
    app = typer.Typer()
    web.register(app)

    @app.command("noop")
    def noop() -> None:  # a second command keeps "web" as a sub-command
        """Nothing."""

    return app


def test_unknown_source_and_format_are_clear_errors(tmp_path):
    app = make_app()
    result = runner.invoke(app, ["web", "data.gpkg", "density", "-o", str(tmp_path / "a.html")])
    assert result.exit_code == 2
    assert " ".join(result.output.split()) == (
        "error: SOURCE='data.gpkg' is not valid: expected france:LEVEL (e.g. france:commune). "
        "Other sources: build the page in Python with territorial.render.web.web_map."
    )
    result = runner.invoke(
        app, ["web", "france:departement", "density", "-o", str(tmp_path / "a.png")]
    )
    assert result.exit_code == 2
    assert " ".join(result.output.split()) == (
        f"error: --output={str(tmp_path / 'a.png')!r} has an unsupported format. "
        "Use a file ending in one of: .html, .htm."
    )
    result = runner.invoke(app, ["web", "france:ville", "density", "-o", str(tmp_path / "a.html")])
    assert result.exit_code == 2
    assert " ".join(result.output.split()) == (
        "error: SOURCE='france:ville' is not valid: expected france:LEVEL with LEVEL one of "
        "arrondissement, commune, canton, circonscription, epci, departement, region. "
        "For example france:commune."
    )


@pytest.mark.realdata
def test_web_departements_page(tmp_path):
    out = tmp_path / "deps.html"
    result = runner.invoke(
        make_app(),
        ["web", "france:departement", "density", "women_councillors_share", "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert "101 territories drawn" in result.output
    text = out.read_text(encoding="utf-8")
    match = re.search(r'<script type="application/json" id="[^"]+">(.*?)</script>', text, re.S)
    data = json.loads(match.group(1))
    assert [layer["id"] for layer in data["layers"]] == ["density", "women_councillors_share"]
    assert data["layers"][0]["label"] == "Densité de population"
    assert data["layers"][0]["unit"] == "hab./km²"
    assert data["peers"]["column"] == "region"
    assert "Île-de-France" in data["peers"]["labels"]  # ranks among the région's départements
    assert data["parents"][0]["label"] == "Limites\u00a0: régions"
    assert (
        data["title"]
        == "Densité de population, Part des femmes parmi les conseillers municipaux (départements)"
    )
    paris = data["codes"].index("75")
    assert data["names"][paris] == "Paris"
