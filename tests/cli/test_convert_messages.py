"""``territorial convert``: an empty column and a wrong --sep are said, naming the option,
the value and the fix. Small synthetic CSV files (values made up) on real commune codes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from territorial.cli import app
from territorial.france.cog import convert_codes

runner = CliRunner()


def _run(*args: str):
    result = runner.invoke(app, ["convert", *args])
    return result, " ".join(result.output.split())


def test_an_empty_numeric_column_is_written_empty_and_said(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("CODGEO;POP;MED21\n01001;100;\n01138;300;\n01039;50;\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    result, text = _run(str(path), "-o", str(out))
    assert result.exit_code == 0, text
    assert "column empty on every row, written empty" in text and "MED21" in text
    assert "check the file and its separator" in text
    written = pd.read_csv(out, dtype={"code": str}).set_index("code")
    assert written["MED21"].isna().all() and written.loc["01138", "POP"] == 350


def test_convert_codes_reports_empty_columns():
    table = pd.DataFrame({"a": [1.0, 2.0], "b": [np.nan, np.nan], "c": [None, None]},
                         index=["01001", "01002"])  # fmt: skip
    report = convert_codes(table, vintage=2025).report
    assert report.empty_columns == ("b", "c")
    assert any("colonnes vides sur toutes les lignes" in line for line in report.lines("fr"))
    assert report.to_dict()["empty_columns"] == ["b", "c"]
    full = convert_codes(table[["a"]], vintage=2025).report
    assert full.empty_columns == () and not any("vide" in line for line in full.lines("fr"))


@pytest.mark.parametrize(
    ("header", "sep", "right", "columns"),
    [("CODGEO;POP;MED", ",", ";", 3), ("CODGEO,POP", ";", ",", 2), ("CODGEO\tPOP", ";", "\\t", 2)],
)
def test_a_wrong_sep_names_the_option_the_value_and_the_fix(tmp_path, header, sep, right,
                                                            columns):  # fmt: skip
    path = tmp_path / "t.csv"
    row = header.replace("CODGEO", "01001").replace("POP", "1").replace("MED", "2")
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    result, text = _run(str(path), "-o", str(tmp_path / "o.csv"), "--sep", sep)
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert f"--sep='{sep}' is not valid" in text
    assert f"splits it into {columns} columns: pass --sep '{right}'" in text
    assert not (tmp_path / "o.csv").exists()


@pytest.mark.parametrize("sep", [";;", ""])
def test_a_sep_of_more_than_one_character_is_an_error(tmp_path, sep):
    path = tmp_path / "t.csv"
    path.write_text("CODGEO;POP\n01001;1\n", encoding="utf-8")
    result, text = _run(str(path), "-o", str(tmp_path / "o.csv"), "--sep", sep)
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert f"--sep='{sep}' is not valid: expected one character" in text


def test_the_right_sep_and_a_tab_spelt_out_are_accepted(tmp_path):
    path = tmp_path / "t.tsv"
    path.write_text("CODGEO\tPOP\n01001\t1\n", encoding="utf-8")
    result, text = _run(str(path), "-o", str(tmp_path / "o.csv"), "--sep", "\\t")
    assert result.exit_code == 0, text
