"""CLI commands for indicators: ``territorial indicators`` and ``territorial catalogue``.

Also :func:`fetch_france_road_accidents`, the dataset function for
``territorial fetch france-road-accidents`` (registered in
``territorial.cli.data.DATASETS``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from territorial.cli._common import console, fail
from territorial.errors import InvalidArgumentError, TerritorialError


def fetch_france_road_accidents(progress: bool) -> str:
    """Fetch the optional road-accident wheel; cache its commune-year counts and its points."""
    from territorial.io.france_components import fetch_road_accident_files

    files = fetch_road_accident_files(progress=progress)

    def done(key: str) -> str:
        return "written" if key in files["built"] else "already cached"

    return (
        f"{files['aggregate']} (commune-year counts, {done('aggregate')}) and "
        f"{files['points']} (geolocated accidents, {done('points')})"
    )


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


def _pairs(option: str, values: list[str] | None, example: str) -> dict[str, str]:
    """``["a=x", "b=y"]`` -> ``{"a": "x", "b": "y"}``, each id once."""
    out: dict[str, str] = {}
    for value in values or []:
        key, sep, rest = value.partition("=")
        key, rest = key.strip(), rest.strip()
        if not sep or not key or not rest:
            raise InvalidArgumentError(
                option, value, f"ID=VALUE, e.g. {example}", f"Repeat {option} for each layer."
            )
        if key in out:
            raise InvalidArgumentError(
                option, value, "each layer id once", f"{key!r} is given twice."
            )
        out[key] = rest
    return out


def read_layers(
    catalogue: Any,
    paths: Mapping[str, str],
    crs: Mapping[str, str] | None = None,
    codes: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Read the files of ``--layer ID=PATH`` with the reader of each declared layer type."""
    from territorial.errors import format_values

    crs, codes = dict(crs or {}), dict(codes or {})
    types = {layer.id: layer.type for layer in catalogue.layers}
    declared = format_values(list(types)) or "none"
    for option, given in (("--layer", paths), ("--layer-crs", crs), ("--layer-code", codes)):
        for lid, value in given.items():
            if lid not in types:
                raise InvalidArgumentError(
                    option, f"{lid}={value}",
                    f"a layer declared by the catalogue {catalogue.name!r} (declared: {declared})",
                    "Declare it under 'layers:' in your --catalogue YAML.",
                )  # fmt: skip
            if option != "--layer" and lid not in paths:
                raise InvalidArgumentError(
                    option, f"{lid}={value}", "the id of a layer given with --layer",
                    f"Add --layer {lid}=PATH.",
                )  # fmt: skip
    out: dict[str, Any] = {}
    for lid, path in paths.items():
        if not Path(path).exists():
            raise InvalidArgumentError(
                "--layer", f"{lid}={path}", "an existing file", "Check the path."
            )
        kind = types[lid]
        if lid in crs and kind != "points":
            raise InvalidArgumentError(
                "--layer-crs", f"{lid}={crs[lid]}", "the id of a points layer",
                f"Layer {lid!r} is a {kind} layer: its file declares its CRS.",
            )  # fmt: skip
        if lid in codes and kind != "zones":
            raise InvalidArgumentError(
                "--layer-code", f"{lid}={codes[lid]}", "the id of a zones layer",
                f"Layer {lid!r} is a {kind} layer.",
            )  # fmt: skip
        if kind == "points":
            from territorial.io.points import read_points

            given_crs: int | str | None = crs.get(lid)
            if given_crs is not None and str(given_crs).isdigit():
                given_crs = int(given_crs)
            out[lid] = read_points(path, crs=given_crs)
        elif kind == "raster":
            from territorial.io.raster import read_raster

            out[lid] = read_raster(path)
        else:
            from territorial.io.vector import read_territories

            code = codes.get(lid)
            try:
                out[lid] = read_territories(path, code=code, name=code)
            except InvalidArgumentError as error:
                if error.argument not in ("code", "name") or code is not None:
                    raise
                raise InvalidArgumentError(
                    "--layer-code", None, f"the code column of the zones layer {lid!r}",
                    f"Add --layer-code {lid}=COLUMN (any column with one value per zone).",
                ) from None  # fmt: skip
    return out


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
    layer: Annotated[
        list[str] | None,
        typer.Option(
            "--layer",
            help="ID=PATH: data of a layer declared by --catalogue (points, raster or zones; "
            "repeatable).",
        ),
    ] = None,
    layer_crs: Annotated[
        list[str] | None,
        typer.Option("--layer-crs", help="ID=EPSG: CRS of the coordinates of a CSV point layer."),
    ] = None,
    layer_code: Annotated[
        list[str] | None,
        typer.Option("--layer-code", help="ID=COLUMN: code column of a zones layer file."),
    ] = None,
) -> None:
    """Compute indicators at a French level and write them (wide table or --tidy)."""
    from territorial.indicators import compute_france, france_catalogue, load_catalogue
    from territorial.io.write import write_layer

    try:
        level = _level(source)
        user_catalogue = load_catalogue(str(catalogue)) if catalogue is not None else None
        layer_paths = _pairs("--layer", layer, "accidents=points.gpkg")
        layer_data = None
        if layer_paths or layer_crs or layer_code:
            layer_data = read_layers(
                user_catalogue or france_catalogue(),
                layer_paths,
                _pairs("--layer-crs", layer_crs, "accidents=4326"),
                _pairs("--layer-code", layer_code, "cantons=code"),
            )
        components = None
        if table is not None:
            from territorial.io.tables import read_table

            components = read_table(table, code=code)
        ids = list(indicator) if indicator else None
        result = compute_france(level, indicators=ids, catalogue=user_catalogue,
                                components=components, layers=layer_data)  # fmt: skip
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
    for report in (result.report.get("layers") or {}).values():
        for line in report.get("lines", []):
            console.print(f"--layer {line}", highlight=False)
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
    if cat.layers:
        n = len(cat.layers)
        layers = Table(
            title=f"{n} layer{'s' if n > 1 else ''} (give their data with --layer ID=PATH)"
        )
        for column in ("id", "type", "label", "components", "vintage"):
            layers.add_column(column)
        for item in cat.layers:
            layers.add_row(item.id, item.type, item.label_in(lang), ", ".join(item.components()),
                           item.vintage)  # fmt: skip
        Console().print(layers)


def register(app: typer.Typer) -> None:
    """Attach the indicator commands to the ``territorial`` app."""
    app.command("indicators")(indicators)
    app.command("catalogue")(catalogue)
