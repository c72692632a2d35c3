"""``territorial convert``: a table of commune codes of another COG year to COG 2025.

The tables are small synthetic CSV files written by the tests (values made up) on real
commune codes: Culoz (01138) and Béon (01039) of COG 2021 became Culoz-Béon (01138);
Paris (75056) comes with two of its arrondissements, as in INSEE's comparateur.
"""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from territorial.cli import app

runner = CliRunner()


@pytest.fixture
def table(tmp_path):
    path = tmp_path / "comparateur.csv"
    path.write_text(
        "CODGEO;LIBGEO;P18_POP;MED19\n"
        "01138;Culoz;2987;21000\n"
        "01039;Béon;429;22000\n"
        "1001;L'Abergement-Clémenciat;776;23000,5\n"
        "75056;Paris;2175601;28570\n"
        "75101;Paris 1er;16252;30000\n"
        "75102;Paris 2e;21595;29000\n"
        "99999;Nowhere;5;1\n",
        encoding="utf-8",
    )
    return path


def _run(*args: str):
    result = runner.invoke(app, ["convert", *args])
    return result, " ".join(result.output.split())


def test_convert_end_to_end(table, tmp_path):
    out = tmp_path / "out.csv"
    result, output = _run(
        str(table), "--to", "2025", "-o", str(out), "--vintage", "2021",
        "--non-additive", "LIBGEO,MED19", "--flags",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    written = pd.read_csv(out, dtype={"code": str}).set_index("code")
    assert written.index.tolist() == ["01001", "01138", "75056"]
    assert list(written.columns) == ["LIBGEO", "P18_POP", "MED19", "LIBGEO_flag", "MED19_flag"]
    assert written.loc["01138", "P18_POP"] == 2987 + 429
    assert pd.isna(written.loc["01138", "MED19"]) and written.loc["01138", "MED19_flag"] == 1
    assert written.loc["01001", "MED19"] == 23000.5 and written.loc["01001", "MED19_flag"] == 0
    assert written.loc["75056", "P18_POP"] == 2175601  # its arrondissements not added again
    assert written["P18_POP"].sum() == 2987 + 429 + 776 + 2175601
    assert "read: 1 codes repaired (leading zeros restored; e.g. '1001'->'01001')" in output
    assert (
        "commune codes of COG 2021 (given) converted to COG 2025: 7 rows read, 3 written" in output
    )
    assert "2 arrondissements of Paris dropped: the table also has 75056" in output
    assert "1 code that is no commune of COG 2021, dropped: 99999" in output
    assert "stocks summed: P18_POP" in output
    assert f"3 communes of COG 2025 x 5 columns written to {out}" in output


def test_convert_detects_the_vintage_and_writes_parquet(table, tmp_path):
    out = tmp_path / "out.parquet"
    result, output = _run(str(table), "-o", str(out), "--non-additive", "LIBGEO,MED19")
    assert result.exit_code == 0, result.output
    assert "(detected) converted to COG 2025" in output
    assert pd.read_parquet(out).loc["01138", "P18_POP"] == 2987 + 429


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--vintage", "2012"],
            "error: --vintage='2012' is not valid: expected a COG year from 2013 to 2025. Give "
            "the year of the commune list the file was made with, or leave --vintage out to "
            "detect it.",
        ),
        (
            ["--to", "2021"],
            "error: --to=2021 is not valid: expected 2025, the vintage of the built-in "
            "geography. Convert to 2025 (the built-in France data is on COG 2025): drop --to.",
        ),
        (
            ["--code", "INSEE"],
            "error: --code='INSEE' is not a column of the data. Available columns: 'CODGEO', "
            "'LIBGEO', 'P18_POP', 'MED19'.",
        ),
        (
            ["--non-additive", "MED19"],
            "error: --non-additive='MED19' is not valid: expected every text column of "
            "comparateur.csv, which cannot be summed (text: LIBGEO). Add them: --non-additive "
            "MED19,LIBGEO.",
        ),
        (
            ["--non-additive", "MED19,,LIBGEO"],
            "error: --non-additive='MED19,,LIBGEO' is not valid: expected column names "
            "separated by commas, e.g. MED21,TP6021. Remove the empty name.",
        ),
        (
            ["--flags"],
            "error: --flags=True is not valid: expected an option of --non-additive. Name the "
            "non-additive columns with --non-additive COL,COL, or drop --flags.",
        ),
    ],
)
def test_convert_errors_name_the_option(table, tmp_path, args, message):
    result, output = _run(str(table), "-o", str(tmp_path / "o.csv"), *args)
    assert result.exit_code == 2
    assert output == message
    assert not (tmp_path / "o.csv").exists()


def test_convert_without_any_commune_code(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("code;x\nA;1\nB;2\n", encoding="utf-8")
    result, output = _run(str(path), "-o", str(tmp_path / "o.csv"))
    assert result.exit_code == 2
    assert output.startswith(
        "error: TABLE=['A', 'B'] is not valid: expected commune codes of COG 2013..2025"
    )


def test_convert_refuses_to_overwrite_its_input(table):
    result, output = _run(str(table), "-o", str(table))
    assert result.exit_code == 2
    assert "It is the file given to TABLE: writing would replace your data." in output


def test_convert_refuses_a_map_format(table, tmp_path):
    result, output = _run(str(table), "-o", str(tmp_path / "o.gpkg"))
    assert result.exit_code == 2
    assert output.startswith("error: --output=")
    assert ".csv, .parquet, .xlsx" in output
