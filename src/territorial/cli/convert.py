"""CLI command ``territorial convert``: a table's commune codes of another year to COG 2025.

The work is :func:`territorial.france.cog.convert_codes`; this module reads the table
(:func:`territorial.io.tables.read_table`), checks the options, writes the result
atomically and prints the conversion report. It imports pandas only when it runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from territorial.cli._common import as_option, check_not_an_input, check_output, console, fail
from territorial.errors import InvalidArgumentError, TerritorialError

#: table formats written (no geometry: the result is a table keyed by commune code)
OUTPUT_SUFFIXES = (".csv", ".parquet", ".xlsx")


def _columns(option: str, value: str | None) -> list[str]:
    """``"A,B"`` -> ``["A", "B"]``; an empty name is an error."""
    if value is None:
        return []
    names = [name.strip() for name in value.split(",")]
    if not all(names):
        raise InvalidArgumentError(
            option, value, "column names separated by commas, e.g. MED21,TP6021",
            "Remove the empty name.",
        )  # fmt: skip
    return names


#: Separators tried when a given --sep reads the header as one column.
_SEPARATORS = (";", ",", "\t", "|")


def _sep(value: str | None) -> str | None:
    """The --sep character (``\\t`` or ``tab`` for a tab); more than one is an error."""
    if value is None:
        return None
    sep = "\t" if value.lower() in ("\\t", "tab") else value
    if len(sep) != 1:
        raise InvalidArgumentError(
            "--sep", value, "one character, e.g. ';' or ',' (or '\\t' for a tab)",
            "Pass the single character between the columns, or leave --sep out to detect it.",
        )  # fmt: skip
    return sep


def _header(path: Path) -> str | None:
    """The first non-empty line of a text table (BOM removed), or None."""
    try:
        with path.open("rb") as f:
            for raw in f:
                line = raw.decode("utf-8", errors="replace").lstrip("\ufeff").strip("\r\n")
                if line.strip():
                    return line
    except OSError:
        return None
    return None


def _check_sep(path: Path, sep: str | None) -> None:
    """A given --sep that reads the header as a single column, where another common
    separator splits it, is an error naming both (the file would be one text column)."""
    if sep is None or path.suffix.lower() not in (".csv", ".txt", ".tsv"):
        return
    header = _header(path)
    if header is None or sep in header:
        return
    splits = {s: header.count(s) + 1 for s in _SEPARATORS if s != sep and s in header}
    if not splits:
        return
    best = max(splits, key=lambda s: splits[s])
    shown = "\\t" if best == "\t" else best
    raise InvalidArgumentError(
        "--sep", "\\t" if sep == "\t" else sep, f"the separator of {path.name}",
        f"With it the first line is a single column ({header[:60]!r}); {shown!r} splits it "
        f"into {splits[best]} columns: pass --sep '{shown}', or leave --sep out to detect it.",
    )  # fmt: skip


def _vintage(value: str | None) -> int | None:
    from territorial.france.cog import COG_VINTAGES

    if value is None:
        return None
    if not value.strip().isdigit() or int(value) not in COG_VINTAGES:
        raise InvalidArgumentError(
            "--vintage", value, f"a COG year from {COG_VINTAGES[0]} to {COG_VINTAGES[-1]}",
            "Give the year of the commune list the file was made with, or leave --vintage "
            "out to detect it.",
        )  # fmt: skip
    return int(value)


def convert(
    table: Annotated[
        Path,
        typer.Argument(help="A table by commune code (CSV, XLSX, Parquet).", show_default=False),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Output: .csv, .parquet or .xlsx.")
    ],
    to: Annotated[
        int, typer.Option("--to", help="The COG year to convert to (2025, the built-in one).")
    ] = 2025,
    vintage: Annotated[
        str | None,
        typer.Option("--vintage", help="COG year of the file's codes (default: detected)."),
    ] = None,
    code: Annotated[
        str | None,
        typer.Option("--code", help="Code column of the table (default: detected, e.g. CODGEO)."),
    ] = None,
    non_additive: Annotated[
        str | None,
        typer.Option(
            "--non-additive",
            help="COL,COL: columns never summed (medians, rates, labels): kept where a code "
            "maps one to one, missing where communes merged or split.",
        ),
    ] = None,
    flags: Annotated[
        bool,
        typer.Option(
            "--flags",
            help="Add a COL_flag column per --non-additive column: 1 where its value was set "
            "missing by a merge or a split.",
        ),
    ] = False,
    sep: Annotated[
        str | None, typer.Option("--sep", help="Separator of a CSV table (default: detected).")
    ] = None,
    sheet: Annotated[
        str | None,
        typer.Option("--sheet", help="Sheet of an XLSX table: its name or number (default 0)."),
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option("--encoding", help="Encoding of a CSV table (default: detected)."),
    ] = None,
) -> None:
    """Convert a table keyed by commune codes of COG 2013..2025 to COG 2025.

    Stocks (counts) are summed over merged communes and shared by population over split
    ones; --non-additive columns are kept only where a code maps one to one. Every
    merged, split, recoded or dropped code is reported.
    """
    try:
        check_output(output, OUTPUT_SUFFIXES)
        check_not_an_input(output, {"TABLE": table})
        if to != 2025:
            raise InvalidArgumentError(
                "--to", to, "2025, the vintage of the built-in geography",
                "Convert to 2025 (the built-in France data is on COG 2025): drop --to.",
            )  # fmt: skip
        year = _vintage(vintage)
        sep = _sep(sep)
        _check_sep(table, sep)
        kept = _columns("--non-additive", non_additive)
        if flags and not kept:
            raise InvalidArgumentError(
                "--flags", True, "an option of --non-additive",
                "Name the non-additive columns with --non-additive COL,COL, or drop --flags.",
            )  # fmt: skip
        from territorial.io.tables import read_table

        sheet_arg: str | int = 0
        if sheet is not None:
            sheet_arg = int(sheet) if sheet.isdigit() else sheet
        try:
            data = read_table(table, code=code, sheet=sheet_arg, sep=sep, encoding=encoding)
        except TerritorialError as error:
            options = {"path": "TABLE", "sheet": "--sheet", "encoding": "--encoding",
                       "code": "--code", "sep": "--sep"}  # fmt: skip
            raise as_option(error, options) from None
        for column in kept:
            if column not in data.columns:
                from territorial.errors import ColumnNotFoundError

                raise ColumnNotFoundError("--non-additive", column, data.columns)
        # an empty column is no text: convert_codes writes it empty and says so
        text = [
            c for c in data.columns
            if c not in kept and not _is_number(data[c]) and not data[c].isna().all()
        ]  # fmt: skip
        if text:
            raise InvalidArgumentError(
                "--non-additive", non_additive or "", f"every text column of {table.name}, "
                f"which cannot be summed (text: {', '.join(text[:5])})",
                f"Add them: --non-additive {','.join([*kept, *text])}.",
            )  # fmt: skip
        from territorial.france.cog import convert_codes

        try:
            result = convert_codes(data, vintage=year, non_additive=kept)
        except TerritorialError as error:
            raise as_option(error, {"vintage": "--vintage", "table": "TABLE"}) from None
        out = result.table
        if flags:
            for column in kept:
                out[f"{column}_flag"] = result.flags[column].astype(int)
        from territorial.io.write import write_layer

        written = write_layer(out, output)
    except TerritorialError as error:
        fail(error)
    for line in data.attrs["report"].lines():
        console.print(f"read: {line}", highlight=False)
    for line in result.report.lines("en"):
        console.print(line, highlight=False)
    communes = f"{len(out)} commune{'s' if len(out) != 1 else ''}"
    columns = f"{len(out.columns)} column{'s' if len(out.columns) != 1 else ''}"
    console.print(f"{communes} of COG 2025 x {columns} written to {written}", highlight=False)


def _is_number(series: object) -> bool:
    import pandas as pd

    return bool(
        pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)  # type: ignore[arg-type]
    )


def register(app: typer.Typer) -> None:
    """Attach ``convert`` to the ``territorial`` app."""
    app.command("convert")(convert)
