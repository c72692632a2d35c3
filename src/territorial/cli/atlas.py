"""CLI command ``territorial atlas``: the diagnostic sheets of many territories in one folder.

territorial atlas france:departement -o atlas/departements
territorial atlas france:epci --within departement:69 -o atlas/rhone --format html,pdf
territorial atlas france:commune --codes 69123,13055,75056 -o atlas/cities --lang en
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from territorial.cli._common import as_option, check_choice, console, fail
from territorial.errors import InvalidArgumentError, TerritorialError


def atlas_command(
    source: Annotated[
        str, typer.Argument(help="france:LEVEL (e.g. france:departement) or a vector file.")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="The atlas folder.")],
    within: Annotated[
        str | None,
        typer.Option(help="Only the territories within a parent, e.g. departement:69."),
    ] = None,
    codes: Annotated[
        str | None, typer.Option(help="Only these territories: comma-separated codes or names.")
    ] = None,
    lang: Annotated[str, typer.Option(help="Language of the sheets: fr or en.")] = "fr",
    formats: Annotated[
        str, typer.Option("--format", help="html, pdf or html,pdf (PDF: one A4 page each).")
    ] = "html",
    jobs: Annotated[
        int | None, typer.Option(help="Processes (default: the cores; 1: no pool).")
    ] = None,
    force: Annotated[bool, typer.Option(help="Rewrite the sheets that are up to date.")] = False,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
    indicators: Annotated[
        str | None,
        typer.Option(help="A file's indicators, comma-separated (default: its numeric columns)."),
    ] = None,
    code: Annotated[str | None, typer.Option(help="Code column of a file source.")] = None,
    name: Annotated[str | None, typer.Option(help="Name column of a file source.")] = None,
    population: Annotated[
        str | None, typer.Option(help="Population column of a file source.")
    ] = None,
    layer: Annotated[str | None, typer.Option(help="Layer of a multi-layer file source.")] = None,
    crs: Annotated[
        str | None, typer.Option(help="CRS of a file source that declares none, e.g. 26916.")
    ] = None,
) -> None:
    """Write a sheet per territory, an index page with a map, and a manifest (resumable)."""
    from territorial.atlas import build_atlas
    from territorial.io.vector import parse_crs
    from territorial.sources import open_source

    options = {"code": "--code", "name": "--name", "population": "--population",
               "layer": "--layer", "crs": "--crs", "path": "SOURCE", "lang": "--lang"}  # fmt: skip
    try:
        check_choice("--lang", lang, ("fr", "en"))
        chosen = [f.strip().lower() for f in formats.split(",") if f.strip()]
        if not chosen or any(f not in ("html", "pdf") for f in chosen):
            raise InvalidArgumentError(
                "--format", formats, "html, pdf or html,pdf", "For example --format html,pdf."
            )
        if jobs is not None and not 1 <= jobs <= 64:
            raise InvalidArgumentError(
                "--jobs", jobs, "a number of processes from 1 to 64", "For example --jobs 2."
            )
        if output.exists() and not output.is_dir():
            raise InvalidArgumentError(
                "--output", str(output), "a folder (the atlas' sheets go in it)",
                "Choose a folder name, e.g. -o atlas/departements.",
            )  # fmt: skip
        listed = None
        if codes is not None:
            listed = [c.strip() for c in codes.split(",") if c.strip()]
            if not listed:
                raise InvalidArgumentError(
                    "--codes",
                    codes,
                    "comma-separated codes or names",
                    "For example --codes 69,13.",
                )
        ids = None
        if indicators is not None:
            ids = [i.strip() for i in indicators.split(",") if i.strip()]
            if not ids:
                raise InvalidArgumentError(
                    "--indicators", indicators, "comma-separated column names",
                    "For example --indicators PctPov,PctBach.",
                )  # fmt: skip
        if crs is not None:
            parse_crs(crs, argument="--crs")
        territories = open_source(
            source, purpose="diagnosis", code=code, name=name, population=population,
            layer=layer, crs=crs, options=options,
            fix="For example: territorial atlas france:departement -o atlas/departements.",
        )  # fmt: skip
        result = build_atlas(
            territories, output, within=within, codes=listed, lang=lang, formats=chosen,
            indicators=ids, jobs=jobs, force=force, progress=not quiet,
        )  # fmt: skip
    except TerritorialError as error:
        fail(as_option(error, options))
    for line in result.lines():
        console.print(line, highlight=False)
    if result.failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``territorial atlas`` to the CLI."""
    app.command("atlas")(atlas_command)
