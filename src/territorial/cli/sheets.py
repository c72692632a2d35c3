"""CLI command ``territorial sheet``: the one-page sheet of a territory, HTML or PDF.

territorial sheet france:epci 200046977 -o lyon.html
territorial sheet france:departement 976 -o mayotte.pdf --lang en
territorial sheet G_utm.shp 13121 --code AreaKey --name AreaKey --population TotPop90 \
    --crs 26916 --indicators PctRural,PctBach,PctPov -o fulton.html
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from territorial.cli._common import as_option, check_choice, check_output, console, fail
from territorial.errors import InvalidArgumentError, TerritorialError


def sheet_command(
    source: Annotated[
        str, typer.Argument(help="france:LEVEL (e.g. france:epci) or a vector file.")
    ],
    code: Annotated[str, typer.Argument(help="Code or name of the territory (e.g. 200046977).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Output: .html or .pdf.")],
    lang: Annotated[str, typer.Option(help="fr or en.")] = "fr",
    indicators: Annotated[
        str | None,
        typer.Option(help="A file's indicators, comma-separated (default: its numeric columns)."),
    ] = None,
    code_column: Annotated[
        str | None, typer.Option("--code", help="Code column of a file source.")
    ] = None,
    name: Annotated[str | None, typer.Option(help="Name column of a file source.")] = None,
    population: Annotated[
        str | None, typer.Option(help="Population column of a file source.")
    ] = None,
    layer: Annotated[str | None, typer.Option(help="Layer of a multi-layer file source.")] = None,
    crs: Annotated[
        str | None, typer.Option(help="CRS of a file source that declares none, e.g. 2154.")
    ] = None,
) -> None:
    """Write the one-page sheet of a territory: key figures, strengths and weaknesses,
    comparison with its references, charts, maps, spatial context, sources."""
    from territorial.sheets import FORMATS, sheet_content, sheet_inputs, write_sheet
    from territorial.sources import open_source

    options = {"code": "--code", "name": "--name", "population": "--population",
               "layer": "--layer", "crs": "--crs", "path": "--output",
               "indicators": "--indicators", "lang": "--lang"}  # fmt: skip
    try:
        check_output(output, FORMATS)
        check_choice("--lang", lang, ("fr", "en"))
        ids = [i.strip() for i in indicators.split(",") if i.strip()] if indicators else None
        if indicators is not None and not ids:
            raise InvalidArgumentError(
                "--indicators", indicators, "comma-separated column names",
                "For example --indicators PctRural,PctBach; leave it out for all.",
            )  # fmt: skip
        if ids is not None and source.startswith("france:"):
            raise InvalidArgumentError(
                "--indicators", indicators, f"nothing with {source}",
                "A France sheet shows the indicators of its layout; leave it out.",
            )  # fmt: skip
        from territorial.io.vector import parse_crs

        if crs is not None:
            parse_crs(crs, argument="--crs")
        opened = open_source(
            source, purpose="diagnosis", code=code_column, name=name, population=population,
            layer=layer, crs=crs, options=options, progress=False,
            fix="For example: territorial sheet france:epci 200046977 -o lyon.html.",
        )  # fmt: skip
        found = opened.find(code)
        inputs = sheet_inputs(opened, indicators=ids)
        content = sheet_content(inputs, found, lang=lang)
        written = write_sheet(content, output)
    except TerritorialError as error:
        fail(as_option(error, options))
    console.print(f"sheet of {content.name} ({found}) written to {written}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``territorial sheet`` to the CLI."""
    app.command("sheet")(sheet_command)
