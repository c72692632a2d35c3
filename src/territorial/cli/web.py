"""CLI command ``territorial web``: an interactive HTML map of one or more indicators.

``territorial web france:commune density women_councillors_share -o communes.html``
computes the indicators with :func:`territorial.france.compute_france` and
writes a self-contained page with :func:`territorial.render.web.web_map`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from territorial.cli._common import console, fail
from territorial.errors import InvalidArgumentError, TerritorialError
from territorial.files import check_output


def check_page_options(
    *, scheme: str, k: int, palette: str | None, lang: str, tolerance: float, precision: float
) -> str:
    """Check the options of ``territorial web`` before any computation; return the scheme.

    The errors name the command's options (``-k``, ``--scheme``...), not the
    Python arguments they become.
    """
    import math

    from territorial.render.classify import SCHEMES, normalize_scheme, palette_colors

    schemes = [name for name in SCHEMES if name != "user_defined"]
    try:
        snake = normalize_scheme(scheme)
    except InvalidArgumentError:
        snake = None
    if snake not in schemes:
        raise InvalidArgumentError(
            "--scheme",
            scheme,
            f"one of {', '.join(schemes)}",
            "For example --scheme fisher_jenks (explicit breaks: use territorial.render.classify "
            "in Python).",
        )
    if not 2 <= k <= 12:
        raise InvalidArgumentError(
            "-k", k, "an integer from 2 to 12", "Maps read best with 3 to 7 classes, e.g. -k 5."
        )
    if palette is not None:
        palette_colors(palette, k, argument="--palette")
    if lang not in ("fr", "en"):
        raise InvalidArgumentError("--lang", lang, "fr or en", "For example --lang en.")
    if not (math.isfinite(tolerance) and tolerance >= 0):
        raise InvalidArgumentError(
            "--tolerance", tolerance, "metres >= 0", "For example --tolerance 60 (0: none)."
        )
    if not (math.isfinite(precision) and precision > 0):
        raise InvalidArgumentError(
            "--precision", precision, "a positive number of metres", "For example --precision 10."
        )
    return snake


def web_command(
    source: Annotated[str, typer.Argument(help="france:LEVEL, e.g. france:commune.")],
    indicators: Annotated[
        list[str], typer.Argument(help="One or more indicator ids (one layer each).")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="Output .html file.")],
    scheme: Annotated[
        str, typer.Option(help="quantiles, equal_interval, fisher_jenks, natural_breaks, ...")
    ] = "quantiles",
    k: Annotated[int, typer.Option("-k", "--k", help="Number of classes.")] = 5,
    palette: Annotated[str | None, typer.Option(help="Matplotlib colormap name.")] = None,
    lang: Annotated[str, typer.Option(help="fr or en.")] = "fr",
    parents: Annotated[
        str | None,
        typer.Option(help="Parent level whose borders are drawn (default: by level), or 'none'."),
    ] = None,
    peers: Annotated[
        str | None,
        typer.Option(help="Rank among territories of the same PARENT (default) or 'all'."),
    ] = None,
    diagnosis: Annotated[
        bool,
        typer.Option(help="Add each territory's top strengths and weaknesses to the popups."),
    ] = False,
    basemap: Annotated[
        bool, typer.Option(help="Add OpenStreetMap tiles (needs the network).")
    ] = False,
    cdn: Annotated[
        bool, typer.Option(help="Load Leaflet from a CDN: lighter page, needs the network.")
    ] = False,
    title: Annotated[str | None, typer.Option(help="Page title.")] = None,
    tolerance: Annotated[
        float, typer.Option(help="Simplification tolerance in metres (0: none).")
    ] = 60.0,
    precision: Annotated[float, typer.Option(help="Coordinate grid step in metres.")] = 10.0,
) -> None:
    """Write an interactive HTML map (self-contained unless --cdn or --basemap)."""
    from territorial.render.web import web_map
    from territorial.sources import open_source

    try:
        # checked before the indicators are computed: a bad path fails at once
        output = check_output(output, argument="--output", suffixes=(".html", ".htm"))
        scheme = check_page_options(
            scheme=scheme,
            k=k,
            palette=palette,
            lang=lang,
            tolerance=tolerance,
            precision=precision,
        )
        repeated = sorted({i for i in indicators if indicators.count(i) > 1})
        if repeated:
            raise InvalidArgumentError(
                "INDICATORS",
                " ".join(indicators),
                "distinct indicator ids (one layer each)",
                f"Give {', '.join(repeated)} once.",
            )
        territories = open_source(
            source, files=False, fix="Other sources: build the page in Python with "
            "territorial.render.web.web_map." if ":" not in source else "For example "
            "france:commune.",
        )  # fmt: skip
        level = territories.level
        gdf, catalogue = territories.page_frame(list(indicators))
        coarser = ", ".join(c for c in territories.parent_levels if c in gdf)
        parent = territories.parent_level if parents is None else parents
        parent = None if parent in (None, "none") else parent
        if parent is not None and parent not in gdf.columns:
            raise InvalidArgumentError(
                "--parents",
                parent,
                f"a coarser level of {level}: {coarser}",
                "Or pass --parents none.",
            )
        peer = parent if peers is None else (None if peers == "all" else peers)
        if peer is not None and peer not in gdf.columns:
            raise InvalidArgumentError(
                "--peers",
                peer,
                f"a coarser level of {level}: {coarser} or 'all'",
                "Or pass --peers all to rank among all territories.",
            )
        peer_names = None
        if peer is not None:
            peers_gdf = territories.parent_territories(peer)
            peer_names = None if peers_gdf is None else peers_gdf["name"]
        diag = None
        if diagnosis:  # on the whole catalogue
            diag = territories.diagnosis_set().table(lang=lang)
        labels = ", ".join(territories.label(i, lang) for i in indicators)
        page = web_map(
            gdf,
            list(indicators),
            specs={i: catalogue[i] for i in indicators if i in catalogue},
            scheme=scheme,
            k=k,
            palette=palette,
            lang=lang,
            parents={parent: territories.level_label_of(parent, lang)} if parent else None,
            peers=peer,
            peer_names=peer_names,
            diagnosis=diag,
            basemap=basemap,
            cdn=cdn,
            title=title
            if title is not None
            else f"{labels} ({territories.level_label(lang, plural=True)})",
            topology_kwds={"tolerance": tolerance, "precision": precision},
        )
        try:
            written = page.save(output)
        except OSError as error:  # a full disk, a folder removed meanwhile...
            raise InvalidArgumentError(
                "--output",
                str(output),
                "a file that can be written",
                f"Writing failed ({error.strerror or error}); any previous file is unchanged. "
                "Free some space or choose another folder.",
            ) from None
    except TerritorialError as error:
        fail(error)
    report = page.report
    topo = report["topology"]
    console.print(
        f"{report['features_drawn']} territories drawn; "
        f"{topo['vertices_in']} vertices -> {topo['vertices_out']} "
        f"({topo['arcs']} arcs, {topo['arcs_shared']} shared)",
        highlight=False,
    )
    if report["without_geometry"]:
        console.print(
            f"note: {len(report['without_geometry'])} territories without geometry left out: "
            f"{', '.join(report['without_geometry'][:10])}",
            highlight=False,
        )
    if topo["rings_dropped"]:
        console.print(
            f"note: {topo['rings_dropped']} rings smaller than the grid step left out",
            highlight=False,
        )
    for column, info in report.get("layers", {}).items():
        if info["missing"]:
            console.print(f"note: {column}: {info['missing']} missing values", highlight=False)
        for note in info["notes"]:
            console.print(f"note: {column}: {note}", highlight=False)
    size = page.size_bytes / 1e6
    console.print(f"page written to {written} ({size:.1f} MB)", highlight=False)


def register(app: typer.Typer) -> None:
    """Add the ``web`` command to the ``territorial`` app."""
    app.command("web")(web_command)
