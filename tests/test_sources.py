"""The one model of a source: ``open_source`` parses what every command is given as territories.

The France tests run on the cached built-in data; the file tests build small synthetic
territories (squares) and say so, and one reads libpysal's bundled Georgia counties.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from shapely import box
from typer.testing import CliRunner

from territorial.cli import app
from territorial.errors import InvalidArgumentError, UnknownLevelError
from territorial.format import in_language, spec_text
from territorial.france import compute_france, load_france
from territorial.france.levels import FRANCE_DIAGNOSIS_LEVELS, FRANCE_INDICATOR_LEVELS
from territorial.france.source import FranceSource
from territorial.sources import FileSource, open_source

GEORGIA = Path(__import__("libpysal").__file__).parent / "examples" / "georgia" / "G_utm.shp"


@pytest.mark.parametrize(
    ("purpose", "allowed"),
    [("indicators", FRANCE_INDICATOR_LEVELS), ("diagnosis", tuple(FRANCE_DIAGNOSIS_LEVELS))],
)
def test_one_unknown_level_error_per_purpose(purpose, allowed):
    with pytest.raises(UnknownLevelError) as caught:
        open_source("france:quartier", purpose=purpose)
    assert caught.value.allowed == allowed
    assert str(caught.value) == (
        "SOURCE='france:quartier' is not valid: expected france:LEVEL with LEVEL one of "
        f"{', '.join(allowed)}. For example: france:departement."
    )
    # a level that exists but does not serve the purpose is refused the same way
    with pytest.raises(UnknownLevelError):
        open_source("france:arrondissement", purpose=purpose)


#: every command that takes a SOURCE, with what makes its line complete
COMMANDS = [
    ["territories", "france:quartier", "-o", "x.gpkg"],
    ["indicators", "france:quartier", "-o", "x.csv"],
    ["diagnose", "france:quartier", "69"],
    ["composite", "france:quartier", "-o", "x.csv"],
    ["map", "france:quartier", "density", "-o", "x.png"],
    ["web", "france:quartier", "density", "-o", "x.html"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_every_command_parses_its_source_with_open_source(args, tmp_path, monkeypatch):
    """Each command reaches open_source, and its error is the source model's."""
    import territorial.sources

    seen = []
    real = territorial.sources.open_source

    def spy(text, **kwds):
        seen.append((text, kwds.get("purpose", "territories")))
        return real(text, **kwds)

    monkeypatch.setattr(territorial.sources, "open_source", spy)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert seen and seen[0][0] == "france:quartier"
    message = " ".join(result.output.split())
    assert message.startswith(
        "error: SOURCE='france:quartier' is not valid: expected france:LEVEL with LEVEL one of"
    ), message


def test_france_source_is_the_france_functions():
    """Its territories, indicators, reference and page frame are those of the France API."""
    source = open_source("france:departement", purpose="diagnosis")
    assert isinstance(source, FranceSource)
    assert source.parent_level == "region" and source.reference_levels == ("region", "france")
    assert source.level_label("fr", plural=True) == "départements"
    assert source.level_label("en") == "département"
    territories = load_france("departement", progress=False)
    assert source.territories.index.equals(territories.index)
    table = compute_france("departement", indicators=["density", "unemployment_rate"])
    frame = source.map_frame(["density", "unemployment_rate"])
    np.testing.assert_allclose(frame["unemployment_rate"], table.values["unemployment_rate"])
    # France's value, independently: total population over total area of the départements
    communes = load_france("commune", progress=False)
    france = compute_france("france", indicators=["density"]).values["density"].iloc[0]
    assert source.reference("density") == pytest.approx(france)
    assert france == pytest.approx(
        communes["population"].sum() / communes["area_km2"].sum(), rel=1e-3
    )
    page, catalogue = source.page_frame(["density"])
    assert (page["region"] == territories["region"].reindex(page.index)).all()
    assert catalogue["density"].unit == "hab./km²"
    assert source.label("density", "en") == "Population density"
    assert source.find("rhone") == "69"
    assert source.parent_territories("region").loc["84", "name"] == "Auvergne-Rhône-Alpes"


def test_file_options_are_refused_with_a_scheme():
    with pytest.raises(InvalidArgumentError, match=r"^--crs='2154' is not valid: expected "
                       "nothing with france:region"):  # fmt: skip
        open_source("france:region", crs="2154", options={"crs": "--crs"})


@pytest.fixture
def squares(tmp_path):
    """Synthetic: a row of four 1 km squares with a count and a text column."""
    path = tmp_path / "squares.gpkg"
    gpd.GeoDataFrame(
        {"id": ["a", "b", "c", "d"], "nom": ["A", "B", "C", "D"], "shops": [3, 10, 0, 7],
         "kind": ["x", "y", "x", "y"]},
        geometry=[box(i * 1000, 0, (i + 1) * 1000, 1000) for i in range(4)], crs=2154,
    ).to_file(path)  # fmt: skip
    return path


def test_file_source_indicators_are_its_numeric_columns(squares):
    source = open_source(str(squares), code="id", name="nom")
    assert isinstance(source, FileSource) and source.scheme == "file"
    table = source.indicators()
    assert "shops" in table.values.columns and "kind" not in table.values.columns
    assert table.values["shops"].tolist() == [3.0, 10.0, 0.0, 7.0]
    assert source.label("shops", "fr") == "shops"
    assert source.reference("shops") is None
    assert source.find("C") == "c"
    # a map draws the file's own columns, whatever their type
    assert source.map_frame(["kind"])["kind"].tolist() == ["x", "y", "x", "y"]
    with pytest.raises(Exception, match="kind"):
        source.indicators(["kind"])


def test_file_source_missing_path_names_the_argument(tmp_path):
    with pytest.raises(InvalidArgumentError, match=r"^SOURCE=.*expected france:LEVEL or the path"):
        open_source(str(tmp_path / "nothing.gpkg"))
    with pytest.raises(InvalidArgumentError, match=r"expected france:LEVEL \(e.g."):
        open_source(str(tmp_path / "nothing.gpkg"), files=False)


def test_georgia_counties_are_diagnosed_against_the_whole_set():
    """A non-French source: its columns are neutral, so traits only, ranked among the 159."""
    source = open_source(
        str(GEORGIA), code="AreaKey", name="AreaKey", population="TotPop90", crs=26916
    )
    assert len(source.territories) == 159
    result = source.diagnosis_set(indicators=["PctPov", "PctBach"], lisa=False)
    table = result.table(lang="en")
    assert all(len(s) == 0 for s in table["strengths"])
    assert all(len(s) == 0 for s in table["weaknesses"])
    poorest = source.territories["PctPov"].astype(float).idxmax()
    traits = result.diagnosis(poorest, lang="en").traits
    assert any(t.startswith("PctPov") for t in traits), traits


def test_one_label_resolver():
    assert in_language({"fr": "Chômage", "en": "Unemployment"}, "en") == "Unemployment"
    assert in_language({"fr": "Chômage", "en": ""}, "en") == "Chômage"  # empty is missing
    assert in_language({"en": "Only English"}, "fr") == "Only English"
    assert in_language("", "fr", default="id") == "id"
    catalogue = compute_france("region", indicators=["density"]).catalogue
    assert spec_text(catalogue["density"], "label", "en") == catalogue["density"].label_in("en")
    assert spec_text({"label": {"fr": "Densité"}}, "label", "en") == "Densité"
