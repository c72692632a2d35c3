"""CLI command ``territorial map``: a static thematic map of an indicator, to PNG, SVG or PDF.

The values come from the source (:func:`territorial.sources.open_source`): the France
catalogue for ``france:LEVEL``, or a column of a vector file; the map is drawn by
:func:`territorial.render.map_territories`.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer

from territorial.cli._common import (
    as_option,
    check_choice,
    check_output,
    console,
    fail,
)
from territorial.errors import InvalidArgumentError, TerritorialError, UnknownLevelError


def _breaks(text: str) -> list[float]:
    """The value of ``--bins``: comma-separated numbers.

    Examples
    --------
    >>> _breaks("50, 100,1e3")
    [50.0, 100.0, 1000.0]
    """
    try:
        return [float(part) for part in text.split(",")]
    except ValueError:
        raise InvalidArgumentError(
            "--bins", text, "comma-separated numbers, e.g. 50,100,500",
            "Give the upper bounds of the classes, in increasing order.",
        ) from None  # fmt: skip


def map_command(
    source: Annotated[
        str, typer.Argument(help="france:LEVEL (e.g. france:commune) or a vector file.")
    ],
    column: Annotated[
        str, typer.Argument(help="Indicator id (france:LEVEL) or column of the file.")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="Output: .png, .svg or .pdf")],
    kind: Annotated[
        str, typer.Option(help="choropleth, symbols, typology or gap.")
    ] = "choropleth",
    scheme: Annotated[
        str, typer.Option(help="quantiles, equal_interval, fisher_jenks, natural_breaks, ...")
    ] = "quantiles",
    k: Annotated[int | None, typer.Option("-k", "--k", help="Number of classes.")] = None,
    bins: Annotated[
        str | None,
        typer.Option(help="Explicit class breaks, e.g. 50,100,500 (scheme user_defined)."),
    ] = None,
    palette: Annotated[str | None, typer.Option(help="Matplotlib colormap name.")] = None,
    title: Annotated[str | None, typer.Option(help="Title (default: the indicator).")] = None,
    subtitle: Annotated[str | None, typer.Option(help="Subtitle.")] = None,
    source_line: Annotated[
        str | None, typer.Option("--source", help="Source line (default: from the data).")
    ] = None,
    lang: Annotated[str, typer.Option(help="fr or en.")] = "fr",
    reference: Annotated[
        float | None, typer.Option(help="Reference of a gap map (default: France's value).")
    ] = None,
    choropleth: Annotated[
        str | None, typer.Option(help="With --kind symbols: a rate drawn under the circles.")
    ] = None,
    base: Annotated[
        str | None,
        typer.Option(help="Borders drawn over the map: a France level, or 'none'."),
    ] = None,
    paris_zoom: Annotated[bool, typer.Option(help="Inset on Paris and inner suburbs.")] = False,
    labels: Annotated[int, typer.Option(help="Label the N most populated territories.")] = 0,
    theme: Annotated[str | None, typer.Option(help="default, print or dark.")] = None,
    dpi: Annotated[float | None, typer.Option(help="Resolution of PNG output.")] = None,
    code: Annotated[str | None, typer.Option(help="Code column of a file source.")] = None,
    name: Annotated[str | None, typer.Option(help="Name column of a file source.")] = None,
    layer: Annotated[str | None, typer.Option(help="Layer of a multi-layer file source.")] = None,
    crs: Annotated[
        str | None, typer.Option(help="CRS of a file source that declares none, e.g. 2154.")
    ] = None,
) -> None:
    """Draw a thematic map: choropleth, proportional symbols, typology or gap map."""
    from territorial.france.data import load_france
    from territorial.france.levels import FRANCE_LEVELS
    from territorial.render import map_info, map_territories, save_map
    from territorial.render.classify import _check_k, normalize_scheme, palette_colors
    from territorial.render.static.maps import DPI_RANGE, KINDS
    from territorial.render.static.save import FORMATS
    from territorial.render.static.themes import get_theme
    from territorial.sources import open_source

    options = {"k": "--k", "dpi": "--dpi", "scheme": "--scheme", "palette": "--palette",
               "theme": "--theme", "labels": "--labels", "reference": "--reference",
               "choropleth": "--choropleth", "lang": "--lang", "code": "--code",
               "name": "--name", "layer": "--layer", "crs": "--crs",
               "path": "SOURCE", "source": "SOURCE", "bins": "--bins"}  # fmt: skip
    try:
        # every option checked before any computation
        check_output(output, FORMATS)
        check_choice("--kind", kind, KINDS, "Pick the kind of map to draw.")
        check_choice("--lang", lang, ("fr", "en"))
        if k is not None:
            _check_k(k)
        breaks = _breaks(bins) if bins is not None else None
        if breaks is not None and scheme == "quantiles":  # the default: --bins alone suffices
            scheme = "user_defined"
        normalize_scheme(scheme)
        get_theme(theme)
        if palette is not None and kind != "typology":
            palette_colors(palette, 2, argument="--palette")
        if dpi is not None and not DPI_RANGE[0] <= dpi <= DPI_RANGE[1]:
            raise InvalidArgumentError(
                "--dpi", dpi, f"a number of dots per inch from {DPI_RANGE[0]:g} to "
                f"{DPI_RANGE[1]:g}", "Use 150 for the screen, 300 for print.",
            )  # fmt: skip
        if labels < 0:
            raise InvalidArgumentError(
                "--labels", labels, "a number of territories to label (0 or more)"
            )
        if base is not None and base != "none" and base not in FRANCE_LEVELS:
            raise UnknownLevelError(
                base, FRANCE_LEVELS, "--base",
                expected=f"one of {', '.join((*FRANCE_LEVELS, 'none'))}",
                fix=f"Use e.g. --base {FRANCE_LEVELS[0]}.",
            )  # fmt: skip
        if crs is not None:
            from territorial.io.vector import parse_crs  # pyogrio and pyproj: only if needed

            parse_crs(crs, argument="--crs")
        if reference is not None and not math.isfinite(reference):
            raise InvalidArgumentError(
                "--reference", reference, "a finite number",
                "The gap map is centred on it, e.g. --reference 100.",
            )  # fmt: skip
        territories = open_source(
            source, purpose="indicators", fix="Or give a vector file.",
            code=code, name=name, layer=layer, crs=crs, options=options, progress=False,
        )  # fmt: skip
        wanted = [column] + ([choropleth] if choropleth else [])
        gdf = territories.map_frame(wanted)
        if territories.scheme == "file":
            read = gdf.attrs.get("report")
            for line in read.lines()[1:] if read is not None else ():  # what was left out
                console.print(f"note: {line}")
        if kind == "gap" and reference is None:
            reference = territories.reference(column)
            if reference is None:
                raise InvalidArgumentError(
                    "--reference", None, "a number for a gap map of a file",
                    "Pass --reference VALUE.",
                )  # fmt: skip
            console.print(f"reference (France): {reference:g}", highlight=False)
        base_level = territories.parent_level if base is None else base
        base_gdf = None
        if base_level and base_level != "none":
            base_gdf = load_france(base_level, progress=False)
        fig = map_territories(
            gdf,
            column,
            kind=kind,
            scheme=scheme,
            k=k,
            bins=breaks,
            palette=palette,
            reference=reference,
            choropleth=choropleth,
            title=title if title is not None else territories.label(column, lang),
            subtitle=subtitle,
            source=source_line,
            lang=lang,
            base=base_gdf,
            paris_zoom=paris_zoom,
            labels=labels or None,
            theme=theme,
            dpi=dpi,
        )
        written = save_map(fig, output)
    except TerritorialError as error:
        fail(as_option(error, options))
    for note in map_info(fig).notes:
        console.print(f"note: {note}", highlight=False)
    console.print(f"map written to {written}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``territorial map`` to the CLI."""
    app.command("map")(map_command)
