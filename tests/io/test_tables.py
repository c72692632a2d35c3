"""read_table on INSEE-style files (synthetic fixtures written by the tests)."""

from __future__ import annotations

import warnings

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
        "missing=... (CLI: --missing MARKER) to read it as numbers" in str(report)
    )


def test_infinite_values_are_missing_and_counted(tmp_path):
    # synthetic: every spelling of an infinite number, and a number beyond the float range
    path = tmp_path / "t.csv"
    path.write_text(
        "CODGEO;a;b\n01001;inf;1e308\n01002;-inf;1e309\n01004;Infinity;2\n01005;+INF;3\n"
        "01006;4;nd\n"
    )
    df = read_table(path)
    assert df["a"].dtype == "float64" and df["b"].dtype == "float64"
    assert df["a"].isna().tolist() == [True, True, True, True, False]
    assert df.loc["01006", "a"] == 4.0
    assert df["b"].tolist()[0] == 1e308 and np.isnan(df["b"].tolist()[1])
    report = df.attrs["report"]
    assert report.non_finite_per_column == {"a": 4, "b": 1}
    assert report.missing_per_column == {"a": 0, "b": 1}
    assert "infinite values (inf, -inf, Infinity, 1e309...) set to NaN: a: 4, b: 1" in (
        report.lines()
    )
    # stored floats (Parquet) too
    stored = tmp_path / "t.parquet"
    pd.DataFrame({"CODGEO": ["01001", "01002"], "x": [np.inf, 1.0]}).to_parquet(stored)
    df = read_table(stored)
    assert np.isnan(df.loc["01001", "x"]) and df.loc["01002", "x"] == 1.0
    assert df.attrs["report"].non_finite_per_column == {"x": 1}


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig"])
def test_utf16_and_other_byte_order_marks(tmp_path, encoding):
    # synthetic: one accented name, a decimal comma
    path = tmp_path / "t.csv"
    path.write_bytes("CODGEO;LIBGEO;x\n1001;Écully;1,5\n".encode(encoding))
    df = read_table(path)
    assert df.loc["01001", "LIBGEO"] == "Écully" and df.loc["01001", "x"] == 1.5
    assert df.attrs["report"].encoding == encoding.removesuffix("-sig")
    assert read_table(path, encoding=encoding).loc["01001", "LIBGEO"] == "Écully"


def test_bad_encodings_and_unreadable_files(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("CODGEO;x\n01001;1\n".encode("utf-16"))
    with pytest.raises(InvalidArgumentError) as info:
        read_table(path, encoding="utf-8")
    assert str(info.value) == (
        f"encoding='utf-8' is not valid: expected the encoding of {str(path)!r}. Byte 0 cannot "
        "be read as utf-8: leave the encoding out to detect it, or give the right one (e.g. "
        "utf-8, cp1252, utf-16)."
    )
    with pytest.raises(InvalidArgumentError) as info:
        read_table(path, encoding="klingon")
    assert str(info.value) == (
        "encoding='klingon' is not valid: expected an encoding Python knows, e.g. utf-8, "
        "cp1252, latin-1 or utf-16. Leave it out to detect the encoding (CLI: drop --encoding)."
    )
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01")
    with pytest.raises(InvalidArgumentError) as info:
        read_table(binary)
    assert str(info.value) == (
        f"path={str(binary)!r} is not valid: expected a text table (CSV, TSV). The file holds "
        "NUL bytes: it is a binary file, or text in an encoding whose byte-order mark is "
        "missing; give its encoding (CLI: --encoding NAME)."
    )
    for name, content in (("x.xlsx", b"not a spreadsheet"), ("x.parquet", b"nope")):
        bad = tmp_path / name
        bad.write_bytes(content)
        with pytest.raises(InvalidArgumentError) as info:
            read_table(bad)
        message = str(info.value)
        assert message.startswith(f"path={str(bad)!r} is not valid: expected a ")
        assert message.endswith("was written completely.")


def test_empty_header_only_and_ragged_tables(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(InvalidArgumentError) as info:
        read_table(empty)
    assert str(info.value) == (
        f"path={str(empty)!r} is not valid: expected a table with a header row. The file is "
        "empty: check that it is the right file and that it was written completely."
    )
    header = tmp_path / "header.csv"
    header.write_text("CODGEO;x\n")
    with pytest.raises(InvalidArgumentError) as info:
        read_table(header)
    assert str(info.value) == (
        f"path={str(header)!r} is not valid: expected a table with at least one row of data. "
        "The file has a header ('CODGEO', 'x') but no rows."
    )
    for text, where in (
        ("CODGEO;x\n01001;1;3;4\n01002;2\n", "Expected 2 fields in line 2, saw 4"),
        ("CODGEO;x\n01001;1\n01002;2;5\n", "Expected 2 fields in line 3, saw 3"),
    ):
        ragged = tmp_path / "ragged.csv"
        ragged.write_text(text)
        # the error must not depend on the test suite turning warnings into errors
        with warnings.catch_warnings(), pytest.raises(InvalidArgumentError) as info:
            warnings.simplefilter("ignore")
            read_table(ragged)
        assert str(info.value) == (
            f"path={str(ragged)!r} is not valid: expected a table whose rows have as many "
            f"cells as its header. {where} (separator ';'): fix that line, or quote the cells "
            "that hold the separator."
        )


@pytest.fixture
def two_sheets(tmp_path):
    """Synthetic: a notes sheet first, the data on the second sheet."""
    path = tmp_path / "two.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"Notes": ["Source: made up"]}).to_excel(writer, sheet_name="Notes",
                                                               index=False)  # fmt: skip
        pd.DataFrame({"CODGEO": ["01001", "1002"], "x": [2, 3]}).to_excel(
            writer, sheet_name="Données", index=False
        )
    return path


def test_xlsx_data_on_another_sheet(two_sheets):
    with pytest.raises(InvalidArgumentError) as info:
        read_table(two_sheets)
    assert str(info.value) == (
        "sheet=0 is not valid: expected the sheet that holds the data. Sheet 'Notes' has no "
        "code column, but sheet 'Données' has 'CODGEO': pass sheet='Données' (CLI: --sheet "
        "'Données')."
    )
    for sheet in ("Données", 1, "1"):
        df = read_table(two_sheets, sheet=sheet)
        assert df["x"].to_dict() == {"01001": 2.0, "01002": 3.0}
    for sheet in ("Data", 2, -1):
        with pytest.raises(InvalidArgumentError) as info:
            read_table(two_sheets, sheet=sheet)
        assert str(info.value) == (
            f"sheet={sheet!r} is not valid: expected a sheet of two.xlsx: a name among "
            "'Notes', 'Données' or a number from 0 to 1. CLI: --sheet NAME."
        )


def test_codecs_that_are_not_text_encodings_and_dotted_numbers(tmp_path):
    # synthetic table: a number written with dots as thousands separators
    path = tmp_path / "dots.csv"
    path.write_text("CODGEO;things\n01001;1.234.567\n01002;2\n", encoding="utf-8")
    for codec in ("rot13", "hex", "base64"):
        with pytest.raises(InvalidArgumentError) as error:
            read_table(path, encoding=codec)
        assert str(error.value) == (
            f"encoding={codec!r} is not valid: expected an encoding Python knows, e.g. utf-8, "
            "cp1252, latin-1 or utf-16. Leave it out to detect the encoding (CLI: drop "
            "--encoding)."
        )
    table = read_table(path)
    assert table["things"].tolist() == ["1.234.567", "2"]  # kept as text, never a guess
    assert table.attrs["report"].text_columns == {"things": ["1.234.567"]}
