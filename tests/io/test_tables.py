"""read_table on INSEE-style files (synthetic fixtures written by the tests)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from territorial import join_table, read_table
from territorial.errors import ColumnNotFoundError, InvalidArgumentError, UnsupportedFormatError
from territorial.io.tables import repair_codes

INSEE_CSV = (
    "CODGEO;LIBGEO;P21_POP;MED21;TP6021\n"
    "1001;L'Abergement-Clémenciat;832;24 210,5;s\n"
    "1002;L'Abergement-de-Varey;267;nd;7,4\n"
    "2A004;Ajaccio;71361;21 740;17,2\n"
    "75056;Paris;2133111;30 070;15,3\n"
    "75101;Paris 1er Arrondissement;15919;s;\n"
    "99999;Inconnue;1;1;1\n"
)


@pytest.fixture
def insee_csv(tmp_path):
    """Synthetic: an INSEE comparator-like CSV, latin-1, ';', decimal commas, 's'/'nd' markers."""
    path = tmp_path / "base_cc.csv"
    path.write_bytes(INSEE_CSV.encode("latin-1"))
    return path


def test_insee_layout(insee_csv):
    df = read_table(insee_csv)
    report = df.attrs["report"]
    assert df.index.tolist() == ["01001", "01002", "2A004", "75056", "75101", "99999"]
    assert df.loc["01001", "MED21"] == 24210.5
    assert df.loc["2A004", "TP6021"] == pytest.approx(17.2)
    assert np.isnan(df.loc["01001", "TP6021"]) and np.isnan(df.loc["01002", "MED21"])
    assert df.loc["01001", "LIBGEO"] == "L'Abergement-Clémenciat"  # latin-1 decoded
    assert report.code_column == "CODGEO"
    assert report.separator == ";"
    assert report.encoding.lower().replace("_", "-") in {"latin-1", "iso-8859-1", "cp1252"}
    assert report.repaired_codes == 2
    assert report.missing_per_column == {"LIBGEO": 0, "P21_POP": 0, "MED21": 2, "TP6021": 2}
    assert set(report.decimal_comma_columns) == {"MED21", "TP6021"}
    assert "2 codes repaired" in str(report)


@pytest.mark.realdata
def test_insee_csv_coverage_report_on_real_communes(insee_csv, communes):
    df = read_table(insee_csv)
    joined, report = join_table(communes, df[["P21_POP", "MED21"]])
    assert report.matched == 4
    assert report.unknown_codes == ("75101", "99999")
    assert len(report.missing_territories) == len(communes) - 4
    assert joined.loc["75056", "P21_POP"] == 2_133_111
    assert any("arrondissements municipaux" in h for h in report.hints)
    assert "4 of 6 table rows matched a territory" in str(report)
    assert "2 codes repaired" in str(report)  # the read report travels with the join


def test_utf8_comma_separated_and_float_codes(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("code,x\n1001.0,1.5\n02001,2\n", encoding="utf-8")
    df = read_table(path)
    assert df.index.tolist() == ["01001", "02001"]
    assert df["x"].tolist() == [1.5, 2.0]
    assert df.attrs["report"].repaired_codes == 1


def test_xlsx_with_integer_codes(tmp_path):
    path = tmp_path / "t.xlsx"
    pd.DataFrame({"CODGEO": [1001, 69123], "pop": [776, 513275]}).to_excel(path, index=False)
    df = read_table(path)
    assert df.index.tolist() == ["01001", "69123"]
    assert df["pop"].tolist() == [776.0, 513275.0]


def test_parquet(tmp_path):
    path = tmp_path / "t.parquet"
    pd.DataFrame({"code": ["01", "2A"], "v": [1.0, None]}).to_parquet(path)
    df = read_table(path)
    assert df.index.tolist() == ["01", "2A"]
    assert df.attrs["report"].missing_per_column == {"v": 1}


def test_repair_codes_keeps_corsica_and_overseas():
    codes, n, examples = repair_codes(pd.Series(["2A004", "97411", "1001", "75056"]))
    assert codes.tolist() == ["2A004", "97411", "01001", "75056"]
    assert n == 1 and examples == [("1001", "01001")]


def test_errors(tmp_path, insee_csv):
    with pytest.raises(UnsupportedFormatError) as info:
        read_table(tmp_path / "t.docx")
    assert str(info.value) == (
        f"path={str(tmp_path / 't.docx')!r} has an unsupported format. Use a file ending in one "
        "of: .csv, .txt, .tsv, .xlsx, .xls, .parquet."
    )
    with pytest.raises(ColumnNotFoundError) as info:
        read_table(insee_csv, code="DEPCOM")
    assert str(info.value) == (
        "code='DEPCOM' is not a column of the data. Available columns: 'CODGEO', 'LIBGEO', "
        "'P21_POP', 'MED21', 'TP6021'."
    )
    path = tmp_path / "nokey.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(InvalidArgumentError) as info:
        read_table(path)
    assert str(info.value) == (
        "code=None is not valid: expected the name of the code column (none of CODGEO, code, "
        "INSEE_COM, code_insee, codeinsee, DEPCOM... was found among a, b). Pass "
        "code='YOUR_COLUMN' (CLI: --code YOUR_COLUMN)."
    )
    with pytest.raises(InvalidArgumentError) as info:
        read_table(tmp_path / "absent.csv")
    assert str(info.value) == (
        f"path={str(tmp_path / 'absent.csv')!r} is not valid: expected an existing file. "
        "Check the path."
    )


def test_small_files_and_departement_codes(tmp_path):
    path = tmp_path / "ain.csv"
    path.write_text("CODGEO;x\n1001;1\n1002;2\n")
    assert read_table(path).index.tolist() == ["01001", "01002"]
    path = tmp_path / "deps.csv"
    path.write_text("code;x\n1;1\n2A;2\n971;3\n75;4\n")
    assert read_table(path).index.tolist() == ["01", "2A", "971", "75"]


def test_code_columns_stay_text_and_odd_markers_are_reported(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(
        "CODGEO;DEP;EPCI;rate;share\n01001;01;200069193;7,4;S\n01002;01;200069193;1.234,5;3\n"
        "01004;01;200069193;7.4;4\n"
    )
    df = read_table(path)
    assert df["DEP"].tolist() == ["01", "01", "01"]
    assert df["EPCI"].tolist() == ["200069193"] * 3
    assert df["rate"].tolist() == [7.4, 1234.5, 7.4]  # a lone dot is a decimal point
    assert df["share"].tolist() == ["S", "3", "4"]
    report = df.attrs["report"]
    assert report.text_columns == {"share": ["S"]}
    assert (
        "column 'share' kept as text: mostly numbers, but also ['S']; add these markers to "
        "missing=... to read it as numbers" in str(report)
    )
