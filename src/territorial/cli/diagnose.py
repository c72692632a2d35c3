"""CLI command ``territorial diagnose``: the diagnosis of a territory or of a whole level.

territorial diagnose france:epci 200046977            # French, rich text
territorial diagnose france:epci 200046977 --lang en --json
territorial diagnose france:departement --all -o diag.csv
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from territorial.cli._common import console, fail
from territorial.errors import InvalidArgumentError, TerritorialError

out = Console()


def _level(source: str) -> str:
    from territorial.diagnose.france import FRANCE_DIAGNOSIS_LEVELS

    prefix, _, level = source.partition(":")
    if prefix != "france" or level not in FRANCE_DIAGNOSIS_LEVELS:
        raise InvalidArgumentError(
            "SOURCE",
            source,
            "france:LEVEL with LEVEL one of " + ", ".join(FRANCE_DIAGNOSIS_LEVELS),
            "For example: territorial diagnose france:epci 200046977.",
        )
    return level


def diagnose(
    source: Annotated[str, typer.Argument(help="france:LEVEL, e.g. france:epci.")],
    code: Annotated[str | None, typer.Argument(help="Code of the territory to diagnose.")] = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Diagnose every territory of the level (needs -o).")
    ] = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Table output: .csv or .json.")
    ] = None,
    lang: Annotated[str, typer.Option(help="Language of the sentences: fr or en.")] = "fr",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
    peers: Annotated[
        str,
        typer.Option(help="Peer groups: size (population class), type (k-means type) or all."),
    ] = "size",
    smooth: Annotated[
        bool, typer.Option(help="Empirical Bayes smoothing of shares and ratios.")
    ] = False,
    permutations: Annotated[int, typer.Option(help="LISA permutations.")] = 999,
    seed: Annotated[int, typer.Option(help="Seed of the LISA permutations.")] = 12345,
    fdr: Annotated[bool, typer.Option(help="False-discovery-rate LISA threshold.")] = False,
    indicators: Annotated[
        str | None, typer.Option(help="Comma-separated indicator ids (default: the catalogue).")
    ] = None,
) -> None:
    """Strengths, weaknesses, spatial clusters and type of a territory (or of all of them)."""
    from territorial.diagnose.diagnosis import to_csv_frame
    from territorial.diagnose.france import france_diagnosis_set
    from territorial.format import check_lang

    try:
        check_lang(lang, "--lang")
        level = _level(source)
        if all_ == (code is not None):
            raise InvalidArgumentError(
                "CODE",
                code,
                "either a territory code or --all",
                "Give one code (territorial diagnose france:epci 200046977) or --all -o FILE.",
            )
        if all_ and output is None:
            raise InvalidArgumentError(
                "--output", None, "a .csv or .json file with --all", "Add -o diag.csv."
            )
        if output is not None and output.suffix.lower() not in (".csv", ".json"):
            raise InvalidArgumentError(
                "--output", str(output), "a path ending in .csv or .json", "Use e.g. -o diag.csv."
            )
        ids = [i.strip() for i in indicators.split(",") if i.strip()] if indicators else None
        result = france_diagnosis_set(
            level, indicators=ids, peers=peers, smooth=smooth, permutations=permutations,
            seed=seed, fdr=fdr,
        )  # fmt: skip
        if all_:
            table = result.table(lang=lang)
            if output.suffix.lower() == ".csv":
                to_csv_frame(table).to_csv(output, index_label="code")
            else:
                records = json.loads(table.to_json(orient="index", force_ascii=False))
                output.write_text(json.dumps(records, ensure_ascii=False, indent=1), "utf-8")
            console.print(f"{len(table)} diagnoses written to {output}", highlight=False)
            return
        diagnosis = result.diagnosis(code, lang=lang)
    except TerritorialError as error:
        fail(error)
    if as_json:
        print(json.dumps(diagnosis.to_dict(), ensure_ascii=False, indent=1))
    else:
        out.print(diagnosis)
    if output is not None:
        output.write_text(json.dumps(diagnosis.to_dict(), ensure_ascii=False, indent=1), "utf-8")


def composite(
    source: Annotated[str, typer.Argument(help="france:LEVEL, e.g. france:departement.")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Scores and ranks: .csv, .xlsx or .parquet.")
    ],
    normalisation: Annotated[
        str, typer.Option(help="Normalisation of the indicators: minmax, zscore or rank.")
    ] = "minmax",
    lang: Annotated[str, typer.Option(help="Language of the profile labels: fr or en.")] = "fr",
) -> None:
    """Composite indices under the actors' points of view, their ranks and how stable they are."""
    from rich.table import Table

    from territorial.diagnose.composite import composite_scores, france_profiles
    from territorial.format import check_lang, format_number
    from territorial.indicators import compute_france
    from territorial.io.write import write_layer

    try:
        check_lang(lang)
        level = _level(source)
        profiles = france_profiles()
        ids = sorted({i for p in profiles for i in p.weights})
        table = compute_france(level, indicators=ids)
        result = composite_scores(
            table.values, profiles, specs=table.catalogue, normalisation=normalisation
        )
        frame = result.scores.add_prefix("score_").join(result.ranks.add_prefix("rank_"))
        frame["rank_range"] = result.rank_range
        names = table.wide["name"] if "name" in table.wide.columns else None
        if names is not None:
            frame.insert(0, "name", names.reindex(frame.index))
        written = write_layer(frame, output)
    except TerritorialError as error:
        fail(error)
    labels = {p.name: p.label.get(lang, p.name) for p in profiles}
    view = Table(title=f"Spearman ({normalisation})")
    view.add_column("")
    for name in result.spearman.columns:
        view.add_column(labels.get(name, name), justify="right")
    for name, row in result.spearman.iterrows():
        view.add_row(
            labels.get(name, name), *(format_number(v, lang=lang, decimals=2) for v in row)
        )
    out.print(view)
    console.print(f"{len(frame)} territories, {len(result.scores.columns)} profiles written to "
                  f"{written}", highlight=False)  # fmt: skip


def register(app: typer.Typer) -> None:
    """Attach ``territorial diagnose`` and ``territorial composite`` to the app."""
    app.command("diagnose")(diagnose)
    app.command("composite")(composite)
