"""CLI commands for indicators: ``territorial indicators`` and ``territorial catalogue``.

Also :func:`fetch_france_road_accidents`, the dataset function for
``territorial fetch france-road-accidents`` (registered in
``territorial.cli.data.DATASETS``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from territorial.cli._common import console, fail
from territorial.errors import InvalidArgumentError, TerritorialError


def fetch_france_road_accidents(progress: bool) -> str:
    """Fetch the optional road-accident wheel and cache its commune-year aggregate."""
    from territorial.io.france_components import fetch_road_accidents

    return str(fetch_road_accidents(progress=progress))


def _level(source: str) -> str:
    from territorial.indicators.france import FRANCE_INDICATOR_LEVELS

    prefix, _, level = source.partition(":")
    if prefix != "france" or level not in FRANCE_INDICATOR_LEVELS:
        raise InvalidArgumentError(
            "SOURCE", source,
            "france:LEVEL with LEVEL one of " + ", ".join(FRANCE_INDICATOR_LEVELS),
            "Example: territorial indicators france:epci -o epci.csv",
        )  # fmt: skip
    return level


def indicators(
    source: Annotated[
        str, typer.Argument(help="france:LEVEL, e.g. france:epci or france:france.")
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Output: .csv, .parquet, .xlsx or .gpkg")
    ],
    catalogue: Annotated[
        Path | None, typer.Option("--catalogue", help="A YAML catalogue of your own indicators.")
    ] = None,
    table: Annotated[
        Path | None,
        typer.Option("--table", help="A table by commune code (CSV, XLSX, Parquet) of your data."),
    ] = None,
    indicator: Annotated[
        list[str] | None, typer.Option("--indicator", "-i", help="Indicator id (repeatable).")
    ] = None,
    code: Annotated[
        str | None,
        typer.Option("--code", help="Code column of --table (default: detected, e.g. CODGEO)."),
    ] = None,
    tidy: Annotated[
        bool, typer.Option("--tidy", help="Write the long table (territory, indicator, value...).")
    ] = False,
) -> None:
    """Compute indicators at a French level and write them (wide table or --tidy)."""
    from territorial.indicators import compute_france, load_catalogue
    from territorial.io.write import write_layer

    try:
        level = _level(source)
        user_catalogue = load_catalogue(str(catalogue)) if catalogue is not None else None
        components = None
        if table is not None:
            from territorial.io.tables import read_table

            components = read_table(table, code=code)
        ids = list(indicator) if indicator else None
        result = compute_france(level, indicators=ids, catalogue=user_catalogue,
                                components=components)  # fmt: skip
        data = result.tidy().set_index("territory") if tidy else result.wide
        if tidy and output.suffix.lower() == ".gpkg":
            raise InvalidArgumentError(
                "--output", str(output), "a .csv, .parquet or .xlsx file with --tidy",
                "The long table has no geometry.",
            )  # fmt: skip
        written = write_layer(data, output)
    except TerritorialError as error:
        fail(error)
    for line in (result.report.get("table") or {}).get("lines", []):
        console.print(f"--table: {line}", highlight=False)
    skipped = result.report.get("skipped")
    if skipped:
        console.print(
            f"skipped {', '.join(skipped['indicators'])}: {skipped['reason']}", highlight=False
        )
    from territorial.indicators.kinds import flag_reason

    flagged = result.report.get("flagged") or {}
    for sid, n in flagged.items():
        reason = flag_reason(result.catalogue[sid].kind)
        console.print(f"{sid}: {n} territories undefined ({reason})", highlight=False)
    console.print(
        f"{len(result.values.columns)} indicators x {len(result.values)} territories "
        f"written to {written}",
        highlight=False,
    )


def catalogue(
    catalogue_file: Annotated[
        Path | None, typer.Option("--catalogue", help="A YAML catalogue (default: built-in).")
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="Label language: fr or en.")] = "fr",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Also write the list (.csv, .xlsx).")
    ] = None,
) -> None:
    """List the available indicators with their metadata."""
    import pandas as pd

    from territorial.indicators import france_catalogue, load_catalogue

    try:
        if lang not in ("fr", "en"):
            raise InvalidArgumentError("--lang", lang, "'fr' or 'en'")
        cat = load_catalogue(str(catalogue_file)) if catalogue_file else france_catalogue()
        meta = cat.metadata(lang)
        if output is not None:
            from territorial.io.write import write_layer

            write_layer(pd.DataFrame(meta).set_index("id"), output)
    except TerritorialError as error:
        fail(error)
    view = Table(title=f"{cat.name}: {len(cat)} indicators")
    for column in ("id", "label", "theme", "unit", "polarity", "vintage"):
        view.add_column(column)
    for row in meta:
        view.add_row(*(str(row[c]) for c in ("id", "label", "theme", "unit", "polarity",
                                             "vintage")))  # fmt: skip
    Console().print(view)


def register(app: typer.Typer) -> None:
    """Attach the indicator commands to the ``territorial`` app."""
    app.command("indicators")(indicators)
    app.command("catalogue")(catalogue)
