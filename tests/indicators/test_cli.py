"""The ``indicators`` and ``catalogue`` commands, on the real data (a typer app of their own)."""

from __future__ import annotations

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from territorial.cli import indicators as cli_indicators
from territorial.errors import InvalidArgumentError

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
    # the four communes without geometry have a population but no area
    assert (
        "density: 4 communes left out of numerator and denominator (one of the two unknown)"
        in " ".join(result.output.split())
    )


DOCTORS_CATALOGUE = (
    "indicators:\n"
    "  - {id: doctors_rate, label: {fr: Médecins}, theme: public_services,\n"
    "     unit: pour 10 000 hab., polarity: higher_is_better, kind: ratio,\n"
    "     numerator: doctors, denominator: population, scale: 10000}\n"
)


def test_user_catalogue_and_table(app, tmp_path):
    # synthetic "doctors" counts: made up to check the join and the formula, not real data
    table = tmp_path / "doctors.csv"
    table.write_text("CODGEO;doctors\n01001;2\n1004;10\n69123;2000\n99999;5\n", encoding="utf-8")
    cat = tmp_path / "mine.yaml"
    cat.write_text(DOCTORS_CATALOGUE, encoding="utf-8")
    out = tmp_path / "dep.parquet"
    args = ["indicators", "france:commune", "-o", str(out), "--catalogue", str(cat)]
    result = CliRunner().invoke(app, [*args, "--table", str(table), "--tidy"])
    assert result.exit_code == 0, result.output
    tidy = pd.read_parquet(out)
    row = tidy[tidy.index == "01004"].iloc[0]
    assert row["value"] == pytest.approx(10 / 15934 * 10000)
    assert row["unit"] == "pour 10 000 hab."
    # the row whose code is not a commune is reported, not dropped silently
    output = " ".join(result.output.split())
    assert "--table: 3 of 4 table rows matched a territory; 1 unknown codes (e.g. 99999)" in output


def test_user_table_reports_unknown_codes():
    from territorial.france import compute_france
    from territorial.indicators import load_catalogue

    # synthetic "doctors" counts: made up, only the codes matter
    table = pd.DataFrame({"doctors": [2.0, 5.0, 7.0]}, index=["01001", "99999", "2A999"])
    result = compute_france(
        "departement", catalogue=load_catalogue(DOCTORS_CATALOGUE), components=table
    )
    report = result.report["table"]
    assert report["table_rows"] == 3 and report["matched"] == 1
    assert report["unknown_codes"] == ["2A999", "99999"]
    n = report["communes_without_data"]
    assert n > 30_000
    assert report["lines"][1].startswith(f"1 of {n + 1} territories have data (")
    assert report["lines"][0] == (
        "1 of 3 table rows matched a territory; 2 unknown codes (e.g. 2A999, 99999)"
    )


def test_user_table_column_named_like_a_builtin_component(app, tmp_path):
    from territorial.france import compute_france
    from territorial.indicators import load_catalogue

    # synthetic values: only the column name matters
    table = pd.DataFrame({"population": [1.0], "doctors": [2.0]}, index=["01001"])
    message = (
        "components='population' is not valid: expected a column name that is not a built-in "
        "France component. Rename the column 'population' of your table (e.g. to "
        "'my_population'), and use the new name in your catalogue."
    )
    with pytest.raises(InvalidArgumentError) as err:
        compute_france("region", catalogue=load_catalogue(DOCTORS_CATALOGUE), components=table)
    assert str(err.value) == message
    path = tmp_path / "t.csv"
    path.write_text("CODGEO;population;doctors\n01001;1;2\n", encoding="utf-8")
    cat = tmp_path / "mine.yaml"
    cat.write_text(DOCTORS_CATALOGUE, encoding="utf-8")
    result = CliRunner().invoke(
        app, ["indicators", "france:region", "-o", str(tmp_path / "x.csv"), "--catalogue",
              str(cat), "--table", str(path)],
    )  # fmt: skip
    assert result.exit_code == 2
    assert " ".join(result.output.split()) == f"error: {message}"


def test_bad_source_and_unknown_indicator(app, tmp_path):
    result = CliRunner().invoke(
        app, ["indicators", "france:quartier", "-o", str(tmp_path / "x.csv")]
    )
    assert result.exit_code == 2
    assert " ".join(result.output.split()) == (
        "error: SOURCE='france:quartier' is not valid: expected france:LEVEL with LEVEL one of "
        "commune, canton, circonscription, epci, departement, region, france. "
        "Example: territorial indicators france:epci -o epci.csv"
    )
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


def test_tidy_to_geopackage_is_refused(app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a short path: the console would wrap a long one
    result = CliRunner().invoke(
        app, ["indicators", "france:region", "-o", "x.gpkg", "-i", "density", "--tidy"]
    )
    assert result.exit_code == 2
    assert " ".join(result.output.split()) == (
        "error: --output='x.gpkg' is not valid: expected a .csv, .parquet or "
        ".xlsx file with --tidy. The long table has no geometry."
    )
    assert not (tmp_path / "x.gpkg").exists()


def test_flagged_values_are_reported_with_their_reason(app, tmp_path):
    result = CliRunner().invoke(
        app, ["indicators", "france:departement", "-o", str(tmp_path / "d.csv"),
              "-i", "gini_commune_population", "-i", "median_townhall_hours", "-i", "density"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = [" ".join(line.split()) for line in result.output.splitlines()]
    assert "gini_commune_population: 1 territories undefined (fewer than two members with " in (
        " ".join(lines)
    )
    assert "median_townhall_hours: 1 territories undefined (no member value (missing data))" in (
        lines
    )
    assert not any("division by zero" in line for line in lines)
    # density is never undefined: its only line is about the communes left out of both sums
    assert [line for line in lines if line.startswith("density:")] == [
        "density: 4 communes left out of numerator and denominator (one of the two unknown)"
    ]


def test_every_computed_kind_has_a_flag_reason():
    from territorial.indicators.kinds import FLAG_REASONS, flag_reason
    from territorial.indicators.spec import KINDS

    assert set(FLAG_REASONS) == set(KINDS) - {"stock"}
    assert flag_reason("share") == "zero denominator"
    assert flag_reason("growth") == "zero start value"
    assert flag_reason("stock") == "undefined value"


def test_code_option_picks_the_code_column(app, tmp_path):
    # synthetic "doctors" counts: made up, only the code column matters
    table = tmp_path / "doctors.csv"
    table.write_text("commune_id;doctors\n01004;10\n", encoding="utf-8")
    cat = tmp_path / "mine.yaml"
    cat.write_text(DOCTORS_CATALOGUE, encoding="utf-8")
    out = tmp_path / "c.csv"
    args = ["indicators", "france:commune", "-o", str(out), "--catalogue", str(cat),
            "--table", str(table)]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert " ".join(result.output.split()).endswith(
        "Pass code='YOUR_COLUMN' (CLI: --code YOUR_COLUMN)."
    )
    result = CliRunner().invoke(app, [*args, "--code", "commune_id"])
    assert result.exit_code == 0, result.output
    df = pd.read_csv(out, dtype={"code": str}).set_index("code")
    assert df.loc["01004", "doctors_rate"] == pytest.approx(10 / 15934 * 10000)
    result = CliRunner().invoke(app, [*args, "--code", "insee"])
    assert result.exit_code == 2
    assert " ".join(result.output.split()) == (
        "error: --code='insee' is not a column of the data. Available columns: 'commune_id', "
        "'doctors'."
    )


@pytest.mark.parametrize("suffix", [".xlsx", ".gpkg", ".parquet", ".csv"])
def test_written_files_carry_the_indicator_metadata(app, tmp_path, suffix):
    import pyogrio

    from territorial.france import france_catalogue
    from territorial.io.write import metadata_path, read_parquet_metadata

    out = tmp_path / f"reg{suffix}"
    result = CliRunner().invoke(
        app, ["indicators", "france:region", "-o", str(out), "-i", "density", "-i",
              "women_mayors_share"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    if suffix == ".xlsx":
        meta = pd.read_excel(out, sheet_name="metadata", index_col=0)
        assert len(pd.read_excel(out, sheet_name="data")) == 18
    elif suffix == ".gpkg":
        meta = pyogrio.read_dataframe(out, layer="metadata").set_index("id")
    elif suffix == ".parquet":
        meta = read_parquet_metadata(out)
    else:
        meta = pd.read_csv(metadata_path(out), index_col=0)
        assert f"labels, units, sources and vintages of the indicators: {metadata_path(out)}" in (
            " ".join(result.output.split())
        )
    spec = france_catalogue()["women_mayors_share"]
    assert list(meta.index) == ["density", "women_mayors_share"]
    row = meta.loc["women_mayors_share"]
    assert (row["label_fr"], row["label_en"], row["unit"]) == (
        spec.label_in("fr"), spec.label_in("en"), "%",
    )  # fmt: skip
    assert row["source"] == spec.source and row["vintage"] == spec.vintage
