"""The ``indicators`` and ``catalogue`` commands, on the real data (a typer app of their own)."""

from __future__ import annotations

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from territorial.cli import indicators as cli_indicators

pytestmark = pytest.mark.realdata


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    cli_indicators.register(app)
    return app


def test_indicators_csv_and_pick(app, tmp_path):
    out = tmp_path / "dep.csv"
    result = CliRunner().invoke(
        app, ["indicators", "france:departement", "-o", str(out), "-i", "density", "-i",
              "women_councillors_share"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    df = pd.read_csv(out, dtype={"code": str}).set_index("code")
    assert list(df.columns) == ["name", "population", "density", "women_councillors_share"]
    assert len(df) == 101 and df.loc["2A", "name"] == "Corse-du-Sud"


def test_user_catalogue_and_table(app, tmp_path):
    table = tmp_path / "doctors.csv"
    table.write_text("CODGEO;doctors\n01001;2\n1004;10\n69123;2000\n", encoding="utf-8")
    cat = tmp_path / "mine.yaml"
    cat.write_text(
        "indicators:\n"
        "  - {id: doctors_rate, label: {fr: Médecins}, theme: public_services,\n"
        "     unit: pour 10 000 hab., polarity: higher_is_better, kind: ratio,\n"
        "     numerator: doctors, denominator: population, scale: 10000}\n",
        encoding="utf-8",
    )
    out = tmp_path / "dep.parquet"
    args = ["indicators", "france:commune", "-o", str(out), "--catalogue", str(cat)]
    result = CliRunner().invoke(app, [*args, "--table", str(table), "--tidy"])
    assert result.exit_code == 0, result.output
    tidy = pd.read_parquet(out)
    row = tidy[tidy.index == "01004"].iloc[0]
    assert row["value"] == pytest.approx(10 / 14035 * 10000)
    assert row["unit"] == "pour 10 000 hab."


def test_bad_source_and_unknown_indicator(app, tmp_path):
    result = CliRunner().invoke(
        app, ["indicators", "france:quartier", "-o", str(tmp_path / "x.csv")]
    )
    assert result.exit_code == 2
    assert "SOURCE='france:quartier' is not valid" in " ".join(result.output.split())
    result = CliRunner().invoke(
        app, ["indicators", "france:region", "-o", str(tmp_path / "x.csv"), "-i", "densty"]
    )
    assert result.exit_code == 2
    assert "indicators='densty' is not in the catalogue." in " ".join(result.output.split())


def test_catalogue_lists(app, tmp_path):
    out = tmp_path / "cat.csv"
    result = CliRunner().invoke(app, ["catalogue", "--lang", "en", "-o", str(out)])
    assert result.exit_code == 0, result.output
    meta = pd.read_csv(out).set_index("id")
    assert meta.loc["density", "label"] == "Population density"
    assert "women_mayors_share" in meta.index
