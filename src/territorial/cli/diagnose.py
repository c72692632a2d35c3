"""CLI command ``territorial diagnose``: the diagnosis of a territory or of a whole level.

territorial diagnose france:epci 200046977            # French, rich text
territorial diagnose france:epci 200046977 --lang en --json
territorial diagnose france:departement --all -o diag.csv
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from territorial.cli._common import (
    SafeConsole,
    check_choice,
    check_output,
    console,
    fail,
)
from territorial.errors import InvalidArgumentError, TerritorialError

out = SafeConsole()  # diagnoses hold names and labels from data


def _source(source: str) -> Any:
    from territorial.sources import open_source

    return open_source(
        source, purpose="diagnosis", files=False,
        fix="For example: territorial diagnose france:epci 200046977.",
    )  # fmt: skip


def diagnose(
    source: Annotated[str, typer.Argument(help="france:LEVEL, e.g. france:epci.")],
    code: Annotated[
        str | None,
        typer.Argument(
            help="Code or name of the territory to diagnose (e.g. 2A or Corse-du-Sud)."
        ),
    ] = None,
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
    try:
        check_choice("--lang", lang, ("fr", "en"))
        territories = _source(source)
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
        if output is not None:
            check_output(output, (".csv", ".json"))
        check_choice("--peers", peers, ("size", "type", "all"))
        if permutations < 19:
            raise InvalidArgumentError(
                "--permutations", permutations, "an integer of at least 19",
                "A cluster needs a pseudo p-value under 0.05, which takes 19 permutations or "
                "more; esda's default is 999.",
            )  # fmt: skip
        if not 0 <= seed < 2**32:
            raise InvalidArgumentError(
                "--seed", seed, "an integer from 0 to 4294967295", "For example --seed 12345."
            )
        ids = [i.strip() for i in indicators.split(",") if i.strip()] if indicators else None
        if indicators is not None and not ids:
            raise InvalidArgumentError(
                "--indicators", indicators, "comma-separated indicator ids",
                "For example --indicators density,women_councillors_share; leave it out for "
                "all.",
            )  # fmt: skip
        if code is not None:
            code = territories.find(code)
        result = territories.diagnosis_set(
            indicators=ids, peers=peers, smooth=smooth, permutations=permutations, seed=seed,
            fdr=fdr,
        )  # fmt: skip
        if all_:
            table = result.table(lang=lang)
            _write_table(table, output)
            console.print(f"{len(table)} diagnoses written to {output}", highlight=False)
            return
        diagnosis = result.diagnosis(code, lang=lang)
        if output is not None:
            _write_one(diagnosis.to_dict(), output)
    except TerritorialError as error:
        fail(error)
    if as_json:
        print(json.dumps(diagnosis.to_dict(), ensure_ascii=False, indent=1))
    else:
        out.print(diagnosis)
    if output is not None:
        console.print(f"diagnosis of {code} written to {output}", highlight=False)


def _write_table(table: Any, output: Path) -> None:
    """Diagnoses, one row per territory, to ``.csv`` or ``.json``, whole or not at all."""
    from territorial.diagnose.diagnosis import to_csv_frame
    from territorial.files import atomic_path, write_text_atomic

    if output.suffix.lower() == ".csv":
        with atomic_path(output) as tmp:
            to_csv_frame(table).to_csv(tmp, index_label="code")
    else:
        records = json.loads(table.to_json(orient="index", force_ascii=False))
        write_text_atomic(output, json.dumps(records, ensure_ascii=False, indent=1))


#: Columns of the one-row CSV of a single diagnosis (its findings stay in the JSON).
ONE_ROW_COLUMNS = ("name", "level", "lang", "strengths", "weaknesses", "traits", "lisa", "type",
                   "type_description", "isolated", "notes", "withheld")  # fmt: skip


def _write_one(record: dict, output: Path) -> None:
    """One diagnosis: the JSON record, or one CSV row like those of ``--all``."""
    import pandas as pd

    from territorial.files import write_text_atomic

    if output.suffix.lower() == ".json":
        write_text_atomic(output, json.dumps(record, ensure_ascii=False, indent=1))
        return
    row = pd.DataFrame([{c: record.get(c) for c in ONE_ROW_COLUMNS}], index=[record["code"]])
    _write_table(row, output)


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

    from territorial.diagnose.composite import NORMALISATIONS, composite_scores
    from territorial.format import format_number, in_language
    from territorial.france import france_profiles
    from territorial.io.write import write_layer

    try:
        check_choice("--lang", lang, ("fr", "en"))
        territories = _source(source)
        check_output(output, (".csv", ".xlsx", ".parquet"))
        check_choice("--normalisation", normalisation, NORMALISATIONS)
        profiles = france_profiles()
        ids = sorted({i for p in profiles for i in p.weights})
        table = territories.indicators(ids)
        result = composite_scores(
            table.values, profiles, specs=table.catalogue, normalisation=normalisation
        )
        frame = result.table(names=territories.territories["name"])
        written = write_layer(frame, output)
    except TerritorialError as error:
        fail(error)
    labels = {p.name: in_language(p.label, lang, default=p.name) for p in profiles}
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
