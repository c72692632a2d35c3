"""Tables keyed by territory code: CSV, XLSX and Parquet, INSEE layouts included.

INSEE's files (e.g. the *base du comparateur de territoires*) use ``;`` as
separator, ``CODGEO`` as key, a decimal comma, latin-1 or UTF-8, and markers
such as ``s`` (statistical secret) or ``nd`` (not available) for missing
values. Spreadsheets mangle codes (``01001`` becomes ``1001`` or ``1001.0``).
:func:`read_table` handles all of this and reports every change it made.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from territorial.errors import (
    ColumnNotFoundError,
    InvalidArgumentError,
    UnsupportedFormatError,
    format_values,
)
from territorial.report import Report

__all__ = ["CODE_CANDIDATES", "MISSING_MARKERS", "TableReport", "read_table", "repair_codes"]

#: Column names recognised as territory codes, in order of preference (case-insensitive).
CODE_CANDIDATES = (
    "CODGEO", "code", "INSEE_COM", "code_insee", "codeinsee", "DEPCOM", "COM", "code_commune",
    "INSEE_DEP", "INSEE_REG", "SIREN_EPCI", "EPCI", "DEP", "REG", "geoid", "fips",
)  # fmt: skip
#: Cell values read as missing (INSEE's secret and not-available markers among them).
MISSING_MARKERS = ("", "s", "nd", "n.d.", "NA", "N/A", "nan", "NaN", "-", "\\N", "secret")
TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xls", ".parquet")

#: Cells spelling an infinite number: read as missing values, and counted.
_NON_FINITE = re.compile(r"^[+-]?(inf|infinity)$", re.IGNORECASE)
#: Byte-order marks, longest first (the UTF-32 LE mark starts with the UTF-16 LE one).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)  # fmt: skip
_NUMBER = re.compile(r"^\s*-?(\d{1,3}([ \u00a0\u202f.]\d{3})+|\d+)([.,]\d+)?([eE][-+]?\d+)?\s*$")


@dataclass
class TableReport(Report):
    """What :func:`read_table` found and changed (a :class:`~territorial.report.Report`)."""

    kind: ClassVar[str] = "table"

    path: str
    rows: int
    code_column: str
    encoding: str | None = None
    separator: str | None = None
    decimal_comma_columns: list[str] = field(default_factory=list)
    missing_per_column: dict[str, int] = field(default_factory=dict)
    non_finite_per_column: dict[str, int] = field(default_factory=dict)
    text_columns: dict[str, list[str]] = field(default_factory=dict)
    repaired_codes: int = 0
    repaired_examples: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """Rows read; codes repaired and values set missing; nothing dropped here."""
        missing = sum(self.missing_per_column.values()) + sum(self.non_finite_per_column.values())
        repaired = {"codes": self.repaired_codes, "values set missing": missing,
                    "decimal comma columns": len(self.decimal_comma_columns)}  # fmt: skip
        return {"read": self.rows, "matched": None,
                "repaired": {k: v for k, v in repaired.items() if v}, "dropped": {}}  # fmt: skip

    def lines(self) -> list[str]:
        """The report as short sentences."""
        out = [f"{self.rows} rows read from {self.path} (key column {self.code_column!r})"]
        if self.encoding:
            out.append(f"encoding {self.encoding}, separator {self.separator!r}")
        if self.decimal_comma_columns:
            out.append(f"decimal commas converted in {len(self.decimal_comma_columns)} columns")
        missing = {k: v for k, v in self.missing_per_column.items() if v}
        if missing:
            detail = ", ".join(f"{k}: {v}" for k, v in missing.items())
            out.append(f"missing or secret values set to NaN: {detail}")
        non_finite = {k: v for k, v in self.non_finite_per_column.items() if v}
        if non_finite:
            detail = ", ".join(f"{k}: {v}" for k, v in non_finite.items())
            out.append(f"infinite values (inf, -inf, Infinity, 1e309...) set to NaN: {detail}")
        for column, odd in self.text_columns.items():
            out.append(
                f"column {column!r} kept as text: mostly numbers, but also {odd}; add these "
                "markers to missing=... (CLI: --missing MARKER) to read it as numbers"
            )
        if self.repaired_codes:
            ex = ", ".join(f"{a!r}->{b!r}" for a, b in self.repaired_examples)
            out.append(f"{self.repaired_codes} codes repaired (leading zeros restored; e.g. {ex})")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


def infer_code_width(numeric_codes: pd.Series) -> int:
    """Width of French numeric codes, from the longest one.

    4 or 5 digits: commune codes (5). Up to 3 digits: département or région codes
    (2; the 3-digit overseas départements 971-976 are kept as they are). Other
    widths are kept.

    Examples
    --------
    >>> infer_code_width(pd.Series(["1", "75", "971"])), infer_code_width(pd.Series(["1001"]))
    (2, 5)
    """
    if numeric_codes.empty:
        return 0
    longest = int(numeric_codes.str.len().max())
    if longest in (4, 5):
        return 5
    if longest <= 3:
        return 2
    return longest


def repair_codes(codes: pd.Series, *, width: int | None = None) -> tuple[pd.Series, int, list]:
    """Restore codes mangled by spreadsheets: ``1001`` or ``1001.0`` become ``01001``.

    Parameters
    ----------
    codes
        Codes as read (strings, integers or floats).
    width
        Expected width of numeric codes; default: see :func:`infer_code_width`.

    Returns
    -------
    codes, n_repaired, examples
        The repaired codes (strings), how many changed and up to three examples.

    Examples
    --------
    >>> repair_codes(pd.Series(["1001", "1001.0", "2A004", "69123"]))[0].tolist()
    ['01001', '01001', '2A004', '69123']
    """
    original = codes.astype("string").str.strip()
    text = original.str.replace(r"^(\d+)\.0+$", r"\1", regex=True)
    numeric = text.str.fullmatch(r"\d+").fillna(False).astype(bool)
    if width is None:
        width = infer_code_width(text[numeric])
    short = numeric & (text.str.len() < width)
    text = text.where(~short, text.str.zfill(width))
    changed = (text != original).fillna(False).astype(bool)
    examples = list(zip(original[changed].head(3), text[changed].head(3), strict=True))
    return text.astype(str).where(text.notna(), None), int(changed.sum()), examples


def _utf16_without_bom(raw: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when every other byte of the start is a zero."""
    sample = raw[:2000]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _decode(raw: bytes, encoding: str | None, path: Path | None = None) -> tuple[str, str]:
    """Decode with the given encoding; else by the byte-order mark (UTF-8, UTF-16, UTF-32);
    else UTF-8, else cp1252/latin-1 (French files).

    Examples
    --------
    >>> _decode("CODGEO;x\\n".encode("utf-16"), None)
    ('CODGEO;x\\n', 'utf-16')
    >>> _decode("é".encode("cp1252"), None)
    ('é', 'cp1252')
    """
    where = f" of {str(path)!r}" if path is not None else ""
    if encoding:
        try:
            codecs.lookup(encoding)
            "".encode(encoding)  # rot13, hex, base64...: codecs that are not text encodings
        except LookupError:
            raise InvalidArgumentError(
                "encoding", encoding, "an encoding Python knows, e.g. utf-8, cp1252, latin-1 "
                "or utf-16", "Leave it out to detect the encoding (CLI: drop --encoding).",
            ) from None  # fmt: skip
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError as error:
            raise InvalidArgumentError(
                "encoding", encoding, f"the encoding{where}",
                f"Byte {error.start} cannot be read as {encoding}: leave the encoding out to "
                "detect it, or give the right one (e.g. utf-8, cp1252, utf-16).",
            ) from None  # fmt: skip
    used = next((name for bom, name in _BOMS if raw.startswith(bom)), None)
    used = used or _utf16_without_bom(raw)
    if used is not None:
        try:
            text = raw.decode(used)
        except UnicodeDecodeError:
            raise InvalidArgumentError(
                "encoding", None, f"the encoding{where}",
                f"The file looks like {used.removesuffix('-sig')} but cannot be read as such: "
                "give its encoding (CLI: --encoding NAME).",
            ) from None  # fmt: skip
        return text, used.removesuffix("-sig")
    try:
        text, used = raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        try:
            text, used = raw.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            text, used = raw.decode("latin-1"), "latin-1"
    if "\x00" in text:
        raise InvalidArgumentError(
            "path", str(path) if path is not None else None,
            "a text table (CSV, TSV)",
            "The file holds NUL bytes: it is a binary file, or text in an encoding whose "
            "byte-order mark is missing; give its encoding (CLI: --encoding NAME).",
        )  # fmt: skip
    return text, used


def _sniff_separator(text: str) -> str:
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=";,\t|").delimiter
    except csv.Error:
        return ";" if sample.count(";") > sample.count(",") else ","


def _find_code_column(columns: list[str], code: str | None) -> str:
    if code is not None:
        if code not in columns:
            raise ColumnNotFoundError("code", code, columns)
        return code
    lowered = {c.lower(): c for c in columns}
    for candidate in CODE_CANDIDATES:
        if candidate.lower() in lowered:
            return lowered[candidate.lower()]
    raise InvalidArgumentError(
        "code", None, f"the name of the code column (none of {', '.join(CODE_CANDIDATES[:6])}"
        f"... was found among {', '.join(columns[:10])})",
        "Pass code='YOUR_COLUMN' (CLI: --code YOUR_COLUMN).",
    )  # fmt: skip


def _long_row(text: str, sep: str) -> str:
    """Where the first row longer than the header is, in pandas' words."""
    rows = csv.reader(io.StringIO(text), delimiter=sep)
    width = len(next(rows, []))
    for number, row in enumerate(rows, start=2):
        if len(row) > width:
            return f"Expected {width} fields in line {number}, saw {len(row)}"
    return f"A row has more than {width} fields"


def read_frame(
    path: Path, *, sheet: str | int = 0, sep: str | None = None, encoding: str | None = None
) -> tuple[pd.DataFrame, str | None, str | None]:
    """A table file as text cells (Parquet as stored), its column names stripped.

    Returns the frame, the encoding and the separator used (CSV, TXT, TSV only).

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = path.write_bytes(" CODGEO ;P21_POP\\n01001;1 234,5\\n".encode("cp1252"))
    >>> frame, encoding, sep = read_frame(path)
    >>> frame.columns.tolist(), frame.iloc[0].tolist(), sep
    (['CODGEO', 'P21_POP'], ['01001', '1 234,5'], ';')
    """
    used_encoding = used_sep = None
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        text, used_encoding = _decode(path.read_bytes(), encoding, path)
        used_sep = sep or ("\t" if suffix == ".tsv" else _sniff_separator(text))
        try:
            with warnings.catch_warnings():
                # a first row longer than the header: an error, not a silent loss
                warnings.simplefilter("error", pd.errors.ParserWarning)
                frame = pd.read_csv(
                    io.StringIO(text), sep=used_sep, dtype=str, keep_default_na=False,
                    na_values=[], index_col=False,
                )  # fmt: skip
        except pd.errors.ParserWarning:
            raise InvalidArgumentError(
                "path", str(path), "a table whose rows have as many cells as its header",
                f"{_long_row(text, used_sep)} (separator {used_sep!r}): fix that line, or quote "
                "the cells that hold the separator.",
            ) from None  # fmt: skip
        except pd.errors.EmptyDataError:
            raise InvalidArgumentError(
                "path", str(path), "a table with a header row",
                "The file is empty: check that it is the right file and that it was "
                "written completely.",
            ) from None  # fmt: skip
        except pd.errors.ParserError as error:
            detail = str(error).strip().rsplit("C error: ", 1)[-1]
            raise InvalidArgumentError(
                "path", str(path), "a table whose rows have as many cells as its header",
                f"{detail} (separator {used_sep!r}): fix that line, or quote the cells "
                "that hold the separator.",
            ) from None  # fmt: skip
    elif suffix in (".xlsx", ".xls"):
        frame = _read_sheet(path, sheet)
    else:
        try:
            frame = pd.read_parquet(path)
        except (OSError, ValueError) as error:  # pyarrow's errors derive from these
            raise InvalidArgumentError(
                "path", str(path), "a Parquet file",
                f"It cannot be read ({str(error).splitlines()[0]}): check that it was written "
                "completely.",
            ) from None  # fmt: skip
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame, used_encoding, used_sep


def sheet_names(path: Path) -> list[str]:
    """The sheets of a spreadsheet, or a clear error if it cannot be opened.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "book.xlsx"
    >>> with pd.ExcelWriter(path) as book:
    ...     pd.DataFrame({"a": [1]}).to_excel(book, sheet_name="Données", index=False)
    >>> sheet_names(path)
    ['Données']
    """
    try:
        with pd.ExcelFile(path) as book:
            return [str(s) for s in book.sheet_names]
    except ImportError:
        raise InvalidArgumentError(
            "path", str(path), "an .xlsx spreadsheet",
            "Old .xls files need the xlrd package (pip install xlrd); or save the file "
            "as .xlsx.",
        ) from None  # fmt: skip
    except (zipfile.BadZipFile, OSError, ValueError, KeyError) as error:
        raise InvalidArgumentError(
            "path", str(path), "a spreadsheet that can be opened",
            f"It cannot be read ({str(error).splitlines()[0] if str(error) else 'damaged'}): "
            "check that it is an Excel file and that it was written completely.",
        ) from None  # fmt: skip


def _sheet(path: Path, sheet: str | int, sheets: list[str]) -> str | int:
    """``sheet`` checked against the sheets of ``path`` (a digit string is a number)."""
    if isinstance(sheet, str) and sheet not in sheets and sheet.strip().isdigit():
        sheet = int(sheet)
    ok = sheet in sheets if isinstance(sheet, str) else 0 <= int(sheet) < len(sheets)
    if isinstance(sheet, bool) or not ok:
        raise InvalidArgumentError(
            "sheet", sheet,
            f"a sheet of {path.name}: a name among {format_values(sheets)} or a number "
            f"from 0 to {len(sheets) - 1}",
            "CLI: --sheet NAME.",
        )  # fmt: skip
    return sheet


def _read_sheet(path: Path, sheet: str | int) -> pd.DataFrame:
    sheets = sheet_names(path)
    frame = pd.read_excel(path, sheet_name=_sheet(path, sheet, sheets), dtype=object)
    return frame.map(lambda v: "" if pd.isna(v) else str(v))


def _other_sheet_with_codes(path: Path, sheet: str | int, code: str | None) -> str | None:
    """A note naming another sheet of ``path`` that has the code column, if there is one."""
    sheets = sheet_names(path)
    current = sheets[sheet] if isinstance(sheet, int) else sheet
    for other in sheets:
        if other == current:
            continue
        columns = [str(c).strip() for c in pd.read_excel(path, sheet_name=other, nrows=0).columns]
        try:
            found = _find_code_column(columns, code)
        except (ColumnNotFoundError, InvalidArgumentError):
            continue
        return (
            f"Sheet {current!r} has no code column, but sheet {other!r} has {found!r}: pass "
            f"sheet={other!r} (CLI: --sheet {other!r})."
        )
    return None


def clean_columns(
    data: pd.DataFrame, report: TableReport, *, missing: tuple[str, ...] = MISSING_MARKERS
) -> pd.DataFrame:
    """Numbers as floats (decimal commas and thousands separators read), missing markers as
    missing, codes with leading zeros kept as text; what was done goes to ``report``.

    Examples
    --------
    >>> report = TableReport(path="t.csv", rows=2, code_column="")
    >>> clean_columns(pd.DataFrame({"x": ["1,5", "s"], "c": ["01", "02"]}), report)["x"].tolist()
    [1.5, nan]
    >>> report.decimal_comma_columns, report.missing_per_column
    (['x'], {'x': 1, 'c': 0})
    """
    data = data.copy()
    markers = set(missing)
    for column in data.columns:
        values = data[column]
        if pd.api.types.is_numeric_dtype(values):
            report.missing_per_column[column] = int(values.isna().sum())
            if pd.api.types.is_float_dtype(values):
                infinite = np.isinf(values.to_numpy(dtype="float64", na_value=np.nan))
                report.non_finite_per_column[column] = int(infinite.sum())
                if infinite.any():
                    data[column] = values.where(~infinite, np.nan)
            continue
        as_text = values.astype("string").str.strip()
        is_missing = as_text.isna() | as_text.isin(markers)
        report.missing_per_column[column] = int(is_missing.sum())
        infinite = (~is_missing & as_text.str.match(_NON_FINITE)).fillna(False).astype(bool)
        is_missing = is_missing | infinite
        present = as_text[~is_missing]
        looks_like_code = column.upper() in {c.upper() for c in CODE_CANDIDATES} or (
            present.str.match(r"^0\d").any() and not present.str.contains(r"[.,]").any()
        )
        if len(present) and not looks_like_code and present.str.match(_NUMBER).all():
            comma = present.str.contains(",", regex=False).any()
            cleaned = present.str.replace(r"[ \u00a0\u202f]", "", regex=True)
            if comma:
                thousands = cleaned.str.fullmatch(r"-?\d{1,3}(\.\d{3})+(,\d+)?")
                cleaned = cleaned.where(~thousands, cleaned.str.replace(".", "", regex=False))
                cleaned = cleaned.str.replace(",", ".", regex=False)
                report.decimal_comma_columns.append(column)
            parsed = pd.to_numeric(cleaned, errors="coerce")
            unreadable = parsed.isna()
            if unreadable.any():  # e.g. 1.234.567: dots as thousands, or a typing error
                report.text_columns[column] = present[unreadable].unique()[:3].tolist()
                data[column] = as_text.where(~is_missing, None).astype(object)
                report.non_finite_per_column[column] = int(infinite.sum())
                continue
            numbers = pd.Series(float("nan"), index=values.index, dtype="float64")
            numbers[~is_missing] = parsed.astype("float64")
            too_large = np.isinf(numbers.to_numpy())  # e.g. 1e309
            infinite = infinite | too_large
            numbers[too_large] = np.nan
            data[column] = numbers
        else:
            numbers = present.str.match(_NUMBER)
            if len(present) and not looks_like_code and numbers.mean() >= 0.5:
                odd = present[~numbers].unique()[:3].tolist()
                report.text_columns[column] = odd
            data[column] = as_text.where(~is_missing, None).astype(object)
        report.non_finite_per_column[column] = int(infinite.sum())
    return data


def read_table(
    path: str | os.PathLike[str],
    *,
    code: str | None = None,
    sheet: str | int = 0,
    sep: str | None = None,
    encoding: str | None = None,
    missing: tuple[str, ...] = MISSING_MARKERS,
    code_width: int | None = None,
) -> pd.DataFrame:
    """Read a table keyed by territory code.

    Parameters
    ----------
    path
        A ``.csv``/``.txt``/``.tsv``, ``.xlsx`` or ``.parquet`` file.
    code
        The code column; default: the first of :data:`CODE_CANDIDATES` present
        (``CODGEO`` for INSEE files).
    sheet
        Sheet name or number for spreadsheets.
    sep, encoding
        CSV separator and encoding; detected when omitted (UTF-8, else latin-1 family).
    missing
        Cell values read as missing; they are counted per column in the report.
    code_width
        Width of numeric codes for leading-zero repair; default: the most common width.

    Returns
    -------
    DataFrame
        Indexed by the code (strings), other columns numeric where every
        non-missing value is a number (decimal commas accepted). The
        :class:`TableReport` is in ``df.attrs["report"]``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> text = "CODGEO;P21_POP;MED21\\n1001;776;22 350,5\\n01002;s;nd\\n"
    >>> _ = p.write_bytes(text.encode("latin-1"))
    >>> df = read_table(p)
    >>> df.index.tolist(), float(df.loc["01001", "MED21"])
    (['01001', '01002'], 22350.5)
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise UnsupportedFormatError("path", path, TABLE_SUFFIXES)
    if not path.exists():
        raise InvalidArgumentError("path", str(path), "an existing file", "Check the path.")
    frame, used_encoding, used_sep = read_frame(path, sheet=sheet, sep=sep, encoding=encoding)
    try:
        code_column = _find_code_column(list(frame.columns), code)
    except (ColumnNotFoundError, InvalidArgumentError):
        note = _other_sheet_with_codes(path, sheet, code) if suffix in (".xlsx", ".xls") else None
        if note is None:
            raise
        raise InvalidArgumentError("sheet", sheet, "the sheet that holds the data", note) from None
    if frame.empty:
        raise InvalidArgumentError(
            "path", str(path), "a table with at least one row of data",
            f"The file has a header ({format_values(frame.columns, limit=5)}) but no rows.",
        )  # fmt: skip
    report = TableReport(
        path=str(path), rows=len(frame), code_column=code_column,
        encoding=used_encoding, separator=used_sep,
    )  # fmt: skip
    codes, report.repaired_codes, report.repaired_examples = repair_codes(
        frame[code_column], width=code_width
    )
    data = clean_columns(frame.drop(columns=[code_column]), report, missing=missing)
    data.index = pd.Index(codes.to_numpy(), name="code")
    data.attrs["report"] = report
    return data
